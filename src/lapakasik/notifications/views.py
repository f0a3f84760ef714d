"""Pages: "Cek keaslian pesan" (public) and the development inbox (demo/debug only). The officers' call
tasks are a claims page (``claims.views``): recording an outcome writes the claim's history."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from lapakasik.core import net

from . import selectors
from .models import SimulatedMessage
from .ratelimit import rate_acquire


def _client_key(request: HttpRequest) -> str:
    addr = net.client_key(request)
    return "check:" + hashlib.sha256(addr.encode()).hexdigest()[:32]


def check_wait(request: HttpRequest) -> float:
    """The lookup budget per client address (NOTIFY_CHECK_RATE_PER_MINUTE), shared by every web process:
    0 when this lookup may go ahead, else the seconds to wait."""
    return rate_acquire(_client_key(request), limit=settings.NOTIFY_CHECK_RATE_PER_MINUTE, per_seconds=60)


@require_http_methods(["GET"])
def check_page(request: HttpRequest) -> HttpResponse:
    code = (request.GET.get("kode") or request.GET.get("code") or "").strip()[:32]
    result = None
    status = 200
    if code:
        wait = check_wait(request)
        if wait:
            response = render(request, "notifications/check.html", {"code": code, "limited": True}, status=429)
            response["Retry-After"] = str(max(1, int(wait)))
            return response
        lang = "en" if (request.LANGUAGE_CODE or "id").startswith("en") else "id"
        result = selectors.notification_check(code=code, language=lang)
    response = render(request, "notifications/check.html", {"code": code, "result": result}, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _inbox_enabled() -> None:
    if not settings.NOTIFY_DEV_INBOX:
        raise Http404()


@require_http_methods(["GET"])
def dev_inbox(request: HttpRequest) -> HttpResponse:
    """Every message the simulators delivered, as the recipient sees it (demo/debug mode only)."""
    _inbox_enabled()
    recipient = request.GET.get("to", "").strip()[:254]
    claim_code = request.GET.get("klaim", "").strip()[:16]
    items = list(selectors.inbox_messages(recipient=recipient, claim_code=claim_code))
    calls = list(selectors.inbox_calls(claim_code=claim_code)) if not recipient else []
    return render(request, "notifications/inbox.html", {
        "items": items, "calls": calls, "recipients": selectors.inbox_recipients(), "recipient": recipient,
        "claim_code": claim_code, "timeline": selectors.inbox_timeline(claim_code=claim_code) if claim_code else []})


@require_http_methods(["GET"])
def dev_inbox_html(request: HttpRequest, pk: int) -> HttpResponse:
    """The HTML part of one simulated e-mail, shown in a sandboxed frame of the inbox."""
    _inbox_enabled()
    row = SimulatedMessage.objects.filter(pk=pk, channel="email").first()
    if row is None:
        raise Http404()
    response = HttpResponse(row.html or "<pre></pre>", content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response
