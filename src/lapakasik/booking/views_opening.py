"""The fair opening's participant pages (phone-first, Indonesian first, no JavaScript needed):

- ``/antrean/pembukaan/`` — join the waiting room of the opening in progress: branch, claim, identity and
  contact (the same checks as booking: registry, name, eligibility — a claim that cannot succeed yet is
  refused with its rule and date before any place is given);
- ``/antrean/pembukaan/tunggu/`` — the waiting page: position, number ahead, the estimate (a range
  before the draw), whether seats are likely left, other days and branches; refreshed by a
  ``<meta refresh>`` inside ``<noscript>`` or by htmx (``hx-trigger="every …"``) when scripts run. Once
  admitted, the admission token goes into the session and the booking pages use it.

The place token lives in the session only (never in a URL); so does the admission token. The join page
sets its own first-party device cookie (``waitroom.signals.DEVICE_COOKIE``, random, HttpOnly): with the
User-Agent it is the device compared across NIKs for broker signals (docs/security.md).
"""

from __future__ import annotations

import secrets
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lapakasik.core.dates import long_date
from lapakasik.core.errors import InvalidInput, RateLimited, ServiceError

from . import otp, selectors
from .forms import IdentityForm
from .views import OPENING_ADMISSION_KEY as ADMISSION_KEY
from .views import OPENING_PLACE_KEY as PLACE_KEY
from .views import RULE_LABELS, _error_page, _is_htmx, _parse_date, _put_errors, render
from .waitroom import services as waitroom
from .waitroom import signals as waitroom_signals


def _branch_choices() -> list[tuple[str, str]]:
    infos = sorted(selectors.branch_infos(), key=lambda b: (b.region_name, b.name))
    return [("", str(gettext_lazy("— pilih kantor cabang —")))] + [
        (b.code, f"{b.name} ({b.city}, {b.tz_abbreviation})") for b in infos]


class OpeningJoinForm(IdentityForm):
    """The identity form of a booking plus the branch you mean to book at (it decides the opening — your
    time zone's — and the seats shown while you wait)."""

    branch_code = forms.ChoiceField(label=gettext_lazy("Kantor cabang yang Anda pilih"), choices=_branch_choices,
                                    error_messages={"required": gettext_lazy("Pilih kantor cabang."),
                                                    "invalid_choice": gettext_lazy("Kantor cabang tidak dikenal.")})

    field_order = ["branch_code", "claim_type", "claim_reason", "nik", "kpj", "full_name", "email", "phone",
                   "channels", "language"]


def _page(request: HttpRequest, form: OpeningJoinForm, status: int = 200, **extra: Any) -> HttpResponse:
    s = waitroom.conf()
    return render(request, "booking/opening_join.html", {"form": form, "window_before": s.before_minutes,
                                                         "window_after": s.after_minutes, **extra}, status=status)


def _see_other(url: str) -> HttpResponse:
    return HttpResponseRedirect(url, status=303)


def _device(request: HttpRequest) -> tuple[str, str | None]:
    """The device compared for broker signals, and a fresh cookie value to set when the request has none
    the page could have set (absent or hostile: ignored, replaced)."""
    cookie = request.COOKIES.get(waitroom_signals.DEVICE_COOKIE)
    key = waitroom_signals.device_key(cookie, request.META.get("HTTP_USER_AGENT", ""))
    if key:
        return key, None
    fresh = secrets.token_urlsafe(24)
    return waitroom_signals.device_key(fresh, request.META.get("HTTP_USER_AGENT", "")), fresh


def _with_device_cookie(response: HttpResponse, fresh: str | None) -> HttpResponse:
    if fresh:
        response.set_cookie(waitroom_signals.DEVICE_COOKIE, fresh, max_age=waitroom_signals.DEVICE_COOKIE_MAX_AGE,
                            httponly=True, samesite="Lax", secure=bool(settings.SESSION_COOKIE_SECURE))
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def opening_join(request: HttpRequest) -> HttpResponse:
    device, fresh = _device(request)
    return _with_device_cookie(_opening_join(request, device), fresh)


def _opening_join(request: HttpRequest, device: str) -> HttpResponse:
    if request.method == "GET":
        initial = {"branch_code": request.GET.get("cabang", "")[:32]}
        return _page(request, OpeningJoinForm(initial=initial), has_place=bool(request.session.get(PLACE_KEY)))
    form = OpeningJoinForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=422)
    data = form.cleaned_data
    try:
        joined = waitroom.opening_join(
            branch_code=data["branch_code"], claim_type=data["claim_type"], claim_reason=data["claim_reason"],
            nik=data["nik"], kpj=data["kpj"], full_name=data["full_name"], email=data["email"], phone=data["phone"],
            language=data.get("language") or "id", channels=list(data["channels"]),
            insured_nik=data.get("insured_nik") or "", insured_kpj=data.get("insured_kpj") or "",
            benefit_form=data.get("benefit_form") or None, client_ip=otp.client_ip(request), device=device)
    except InvalidInput as exc:
        _put_errors(form, exc)
        return _page(request, form, status=422)
    except ServiceError as exc:
        extra: dict[str, Any] = {}
        if exc.code == "not_eligible":
            rule = str((exc.extra or {}).get("rule") or "")
            possible = _parse_date(str((exc.extra or {}).get("possible_from") or ""))
            extra = {"rule": rule, "rule_label": RULE_LABELS.get(rule, ""),
                     "possible_from": long_date(possible) if possible else ""}
        title = {"not_eligible": _("Klaim Anda belum bisa diajukan"),
                 "opening_not_open": _("Ruang tunggu belum dibuka"),
                 "opening_sold_out": _("Kuota hari ini sudah habis"),
                 "duplicate_active_booking": _("Anda sudah punya booking aktif")}.get(exc.code, "")
        return _error_page(request, exc, title=title, back=reverse("booking:opening_join"), extra=extra)
    request.session[PLACE_KEY] = joined.token
    request.session.pop(ADMISSION_KEY, None)
    return _see_other(reverse("booking:opening_wait"))


def _local(moment: Any, tz: str, abbr: str) -> str:
    if moment is None:
        return ""
    return f"{moment.astimezone(ZoneInfo(tz)):%H:%M:%S} {abbr}"


@never_cache
def opening_wait(request: HttpRequest) -> HttpResponse:
    token = request.session.get(PLACE_KEY)
    if not token:
        return _see_other(reverse("booking:opening_join"))
    try:
        st = waitroom.place_status(str(token))
    except RateLimited as exc:
        response = render(request, "booking/opening_wait.html", {"throttled": True, "poll_seconds": 10},
                          status=429)
        response["Retry-After"] = exc.headers.get("Retry-After", "10")
        return response
    except ServiceError:
        request.session.pop(PLACE_KEY, None)
        return _see_other(reverse("booking:opening_join"))
    branch = selectors.branch_info(st.branch_code)
    if branch is None:
        return _see_other(reverse("booking:opening_join"))
    if st.admission_token:
        request.session[ADMISSION_KEY] = st.admission_token
    tz, abbr = branch.time_zone, branch.tz_abbreviation
    context = {
        "st": st, "branch": branch, "poll_seconds": st.poll_seconds,
        "draw_at": _local(st.opening.admission_start, tz, abbr),
        "estimate_from": _local(st.estimate_from, tz, abbr), "estimate_to": _local(st.estimate_to, tz, abbr),
        "expires_at": _local(st.admission_expires_at, tz, abbr),
        "opened_day": long_date(st.opened_day) if st.opened_day else "",
        "opened_day_iso": st.opened_day.isoformat() if st.opened_day else "",
        "later_days": [(d.date.isoformat(), long_date(d.date)) for d in waitroom.later_days(branch)],
        "other_branches": waitroom.other_branches(branch, st.opened_day) if not st.seats_left_branch else [],
        "refresh": st.phase in ("waiting_draw", "drawing", "waiting"),
    }
    template = "booking/_opening_status.html" if _is_htmx(request) else "booking/opening_wait.html"
    return render(request, template, context)
