"""Who may see and change a booking on the participant pages: a grant kept in the browser's server-side
session (after the one-time code, or for the session that made the booking), the bearer access token
for the ticket downloads, and the waitlist entries this session joined (entry id → its token, never in
a URL). No personal data ever appears in a URL; the only token that does is the waitlist offer link's
(``views_waitlist``), which is resolved by the booking engine, not here."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from lapakasik.claims.models import Claim
from lapakasik.claims.selectors import claim_get_authorised
from lapakasik.core import clock
from lapakasik.core.codes import normalize_code
from lapakasik.core.errors import NotFound

from . import pagedata

AUTH_KEY = "booking_auth"
PENDING_KEY = "booking_otp_pending"
LOOKUP_KEY = "booking_lookup_code"
WAITLIST_KEY = "booking_waitlist"  # entry id → its access token, server-side only
AUTH_MINUTES = 30


def grant(request: HttpRequest, code: str) -> None:
    """Let this browser session manage booking ``code`` for AUTH_MINUTES."""
    grants = dict(request.session.get(AUTH_KEY) or {})
    now = clock.now().timestamp()
    grants = {c: t for c, t in grants.items() if t > now}
    grants[code] = now + AUTH_MINUTES * 60
    request.session[AUTH_KEY] = grants


def granted(request: HttpRequest, code: str) -> bool:
    expiry = (request.session.get(AUTH_KEY) or {}).get(code)
    return bool(expiry and expiry > clock.now().timestamp())


def revoke_all(request: HttpRequest) -> None:
    request.session.pop(AUTH_KEY, None)
    request.session.pop(PENDING_KEY, None)


def authorised_claim(request: HttpRequest, code: str) -> Claim:
    """The claim of booking ``code`` if this session holds a grant for it; 404 otherwise."""
    code = normalize_code(code)
    if not granted(request, code):
        raise Http404
    claim = Claim.objects.select_related("branch", "branch__region").filter(code=code).first()
    if claim is None:
        raise Http404
    return claim


def grant_required(view: Any) -> Any:
    """Pages of one booking: without a grant for it, go to "Booking saya" (the code is prefilled; the
    answer is the same whether or not the booking exists)."""

    @wraps(view)
    def wrapper(request: HttpRequest, code: str, *args: Any, **kwargs: Any) -> HttpResponse:
        if not granted(request, normalize_code(code)):
            request.session[LOOKUP_KEY] = normalize_code(code)[:8]
            messages.info(request, _("Untuk membuka booking, masukkan kode booking lalu kode sekali pakai yang "
                                     "kami kirim ke kontak Anda."))
            return redirect("booking:mine")
        return view(request, code, *args, **kwargs)  # type: ignore[no-any-return]

    return wrapper


def ticket_claim(request: HttpRequest, code: str) -> Claim:
    """The OTP session grant, or ``Authorization: Bearer <access token>`` (what the API returns). A
    token in the URL is never accepted."""
    code = normalize_code(code)
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        try:
            return claim_get_authorised(code=code, token=header[7:].strip())
        except NotFound:
            raise Http404 from None
    return authorised_claim(request, code)


def waitlist_remember(request: HttpRequest, entry_id: int, token: str) -> None:
    entries = dict(request.session.get(WAITLIST_KEY) or {})
    entries[str(entry_id)] = token
    request.session[WAITLIST_KEY] = entries


def waitlist_entry(request: HttpRequest, entry: int) -> Any:
    """The waitlist entry this session joined; 404 for any other (or a lost token)."""
    token = (request.session.get(WAITLIST_KEY) or {}).get(str(entry), "")
    if not token:
        raise Http404
    try:
        return pagedata.waitlist_entry(entry, token)
    except NotFound:
        raise Http404 from None
