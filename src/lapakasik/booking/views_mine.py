"""Participant pages of "Booking saya": booking code + one-time code → a session grant (``access``) →
status, cancel, reschedule; the ticket (PDF, calendar) for the grant or the API's bearer token."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lapakasik.core import clock
from lapakasik.core.errors import ServiceError

from . import otp
from . import pagedata as engine
from .access import LOOKUP_KEY, PENDING_KEY, authorised_claim, grant, grant_required, revoke_all, ticket_claim
from .forms import CancelForm, LookupForm, OtpForm
from .panels import participant_panels
from .ticket import ticket_ics as ics_file
from .ticket import ticket_pdf as pdf_file
from .views import _booking_refused, _error_page, _parse_date, _too_many, render

# --- "Booking saya" -------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    lookup = request.session.pop(LOOKUP_KEY, "") if request.method == "GET" else ""
    form = LookupForm(request.POST if request.method == "POST" else None, initial={"code": lookup})
    if request.method == "POST":
        wait = max(otp.rate_limit_hit(f"req-ip:{otp.client_ip(request)}",
                                      limit=otp.conf("OTP_REQUESTS_PER_IP", 10), window_seconds=600),
                   otp.rate_limit_hit(f"req-sess:{_session_id(request)}",
                                      limit=otp.conf("OTP_REQUESTS_PER_SESSION", 5), window_seconds=600))
        if wait:
            return _too_many(request, wait, reverse("booking:mine"))
        if form.is_valid():
            code = form.cleaned_data["code"]
            with otp.response_floor():  # as long for an unknown booking as for a real one
                otp.otp_request(code=code, channel=form.cleaned_data["channel"], session=_session_id(request),
                                client=otp.client_ip(request))
            # The same answer and the same session state whether or not the booking exists.
            request.session[PENDING_KEY] = {"code": code, "tries": 0, "channel": form.cleaned_data["channel"]}
            return redirect("booking:mine_code")
    return render(request, "booking/mine.html", {"form": form})


def _session_id(request: HttpRequest) -> str:
    if not request.session.session_key:
        request.session.save()
    return str(request.session.session_key)


@never_cache
@require_http_methods(["GET", "POST"])
def mine_code(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or not pending.get("code"):
        messages.error(request, _("Masukkan kode booking Anda terlebih dahulu."))
        return redirect("booking:mine")
    form = OtpForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        wait = otp.rate_limit_hit(f"verify-ip:{otp.client_ip(request)}",
                                  limit=otp.conf("OTP_CHECKS_PER_IP", 30), window_seconds=600)
        if wait:
            return _too_many(request, wait, reverse("booking:mine"))
        if pending.get("tries", 0) >= otp.max_tries():
            form = _otp_error(_("Kode salah 5 kali dan sudah tidak berlaku. Minta kode baru."))
            status = 403
        elif form.is_valid():
            with otp.response_floor():
                outcome = otp.otp_verify(code=pending["code"], otp=form.cleaned_data["otp"],
                                         session=_session_id(request))
            if outcome.ok and outcome.claim is not None:
                request.session.pop(PENDING_KEY, None)
                request.session.cycle_key()
                grant(request, outcome.claim.code)
                return redirect("booking:manage", code=outcome.claim.code)
            pending["tries"] = int(pending.get("tries", 0)) + 1
            request.session[PENDING_KEY] = pending
            left = otp.max_tries() - pending["tries"]
            if left <= 0:
                form = _otp_error(_("Kode salah 5 kali dan sudah tidak berlaku. Minta kode baru."))
                status = 403
            else:
                form = _otp_error(_("Kode salah atau sudah tidak berlaku. Sisa percobaan: %(n)d. "
                                    "Kode berlaku 10 menit dan hanya sekali pakai.") % {"n": left})
                status = 422
        else:
            status = 422
    return render(request, "booking/mine_code.html", {
        "form": form, "channel": pending.get("channel", "email"), "code": pending["code"],
        "locked": pending.get("tries", 0) >= otp.max_tries()}, status=status)


def _otp_error(message: str) -> OtpForm:
    """An empty code form carrying one error (the wrong code is not echoed back)."""
    from django.forms.utils import ErrorDict

    form = OtpForm({"otp": ""})
    form.full_clean()
    form._errors = ErrorDict()  # type: ignore[attr-defined]
    form.add_error("otp", message)
    return form


@never_cache
@grant_required
def manage(request: HttpRequest, code: str) -> HttpResponse:
    claim = authorised_claim(request, code)
    view = engine.booking_view(claim)
    return render(request, "booking/manage.html", {"claim": claim, "b": view, "cancel_form": CancelForm(),
                                                   "panels": participant_panels(claim)})


@never_cache
@grant_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, code: str) -> HttpResponse:
    claim = authorised_claim(request, code)
    view = engine.booking_view(claim)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            engine.cancel(claim=claim)
        except ServiceError as exc:
            return _error_page(request, exc, title=_("Booking tidak dapat dibatalkan"),
                               back=reverse("booking:manage", kwargs={"code": claim.code}))
        messages.success(request, _("Booking %(code)s sudah dibatalkan. Kuota Anda dilepas untuk peserta lain.")
                         % {"code": claim.code})
        return redirect("booking:manage", code=claim.code)
    return render(request, "booking/cancel.html", {"claim": claim, "b": view, "form": form},
                  status=422 if request.method == "POST" else 200)


@never_cache
@grant_required
@require_http_methods(["GET", "POST"])
def reschedule(request: HttpRequest, code: str) -> HttpResponse:
    claim = authorised_claim(request, code)
    view = engine.booking_view(claim)
    back = reverse("booking:manage", kwargs={"code": claim.code})
    if not view.can_change:
        messages.error(request, _("Booking ini tidak dapat diubah lagi."))
        return redirect(back)
    if request.method == "POST":
        day = _parse_date(request.POST.get("tanggal", ""))
        session = str(request.POST.get("sesi", ""))[:5]
        if day is None or not session:
            messages.error(request, _("Pilih tanggal dan sesi baru."))
            return redirect("booking:reschedule", code=claim.code)
        try:
            engine.reschedule(claim=claim, day=day, session=session)
        except ServiceError as exc:
            if exc.code == "slot_full":
                return _booking_refused(request, exc, claim.branch, back)
            return _error_page(request, exc, title=_("Jadwal tidak dapat diubah"),
                               back=reverse("booking:reschedule", kwargs={"code": claim.code}))
        messages.success(request, _("Jadwal Anda sudah diubah. Tiket baru ada di bawah."))
        return redirect(back)
    days = engine.availability(claim.branch)
    return render(request, "booking/reschedule.html", {"claim": claim, "b": view, "days": days})


@require_POST
def mine_logout(request: HttpRequest) -> HttpResponse:
    revoke_all(request)
    messages.success(request, _("Anda sudah keluar dari halaman booking."))
    return redirect("booking:mine")


# --- tickets -----------------------------------------------------------------------------------------------


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def ticket_pdf(request: HttpRequest, code: str) -> HttpResponse:
    claim = ticket_claim(request, code)
    data = engine.ticket_data_for(claim)
    return _attachment(pdf_file(data), "application/pdf", f"tiket-lapakasik-{claim.code}.pdf")


def ticket_ics(request: HttpRequest, code: str) -> HttpResponse:
    claim = ticket_claim(request, code)
    data = engine.ticket_data_for(claim)
    return _attachment(ics_file(data, now=clock.now()), "text/calendar; charset=utf-8",
                       f"jadwal-lapakasik-{claim.code}.ics")
