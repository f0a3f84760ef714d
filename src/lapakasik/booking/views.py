"""Participant pages of the online queue (Indonesian first, phone-first, no JavaScript needed; htmx
swaps the session list in place when it is there).

region → branch → date → session → identity and contact → review → done; "Booking saya" (booking
code + one-time code) → status, ticket, cancel, reschedule.

What goes where:
- the slot choice (branch code, date, session start) is not personal data and travels in the URL;
- identity and contact are POSTed and kept server-side in the session until the booking is made;
- access to a booking is a session grant (after the one-time code, or for the session that made
  the booking); no token or personal data ever appears in a URL;
- every write is a service call (``booking.services``); its errors come back as ``ServiceError``
  and are shown here per field, with alternatives for a full session and the rule and date for a
  claim that cannot succeed yet.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render as django_render
from django.urls import reverse
from django.utils import formats, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lapakasik.branches.models import Branch, Region
from lapakasik.branches.selectors import branch_get, branch_list
from lapakasik.claims.models import Claim
from lapakasik.core import clock
from lapakasik.core.codes import normalize_code, token_digest
from lapakasik.core.errors import InvalidInput, NotFound, RateLimited, ServiceError

from . import otp
from . import pagedata as engine
from .forms import CancelForm, IdentityForm, LookupForm, OtpForm, ReviewForm

DRAFT_KEY = "booking_draft"
AUTH_KEY = "booking_auth"
PENDING_KEY = "booking_otp_pending"
LOOKUP_KEY = "booking_lookup_code"
WAITLIST_KEY = "booking_waitlist"  # entry id → its access token, server-side only
AUTH_MINUTES = 30
RULE_LABELS = {
    "waiting_period": gettext_lazy("Masa tunggu satu bulan setelah berhenti bekerja (PP 60/2015)"),
    "membership_active": gettext_lazy("Kepesertaan harus sudah nonaktif untuk klaim karena berhenti bekerja"),
    "age_56": gettext_lazy("Klaim karena usia pensiun: usia 56 tahun"),
    "partial_once": gettext_lazy("Klaim JHT sebagian hanya satu kali"),
    "membership_inactive": gettext_lazy("Klaim JHT sebagian hanya untuk peserta yang masih aktif"),
    "membership_10_years": gettext_lazy("Klaim JHT sebagian: kepesertaan minimal 10 tahun"),
}
STEP_LABELS = [gettext_lazy("Wilayah"), gettext_lazy("Cabang"), gettext_lazy("Tanggal"), gettext_lazy("Sesi"),
               gettext_lazy("Data diri"), gettext_lazy("Periksa"), gettext_lazy("Selesai")]


def render(request: HttpRequest, template: str, context: dict[str, Any] | None = None,
           status: int = 200) -> HttpResponse:
    return django_render(request, template, {"step_labels": STEP_LABELS, **(context or {})}, status=status)


# --- session helpers ----------------------------------------------------------------------------


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


def _authorised_claim(request: HttpRequest, code: str) -> Claim:
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
    from functools import wraps

    @wraps(view)
    def wrapper(request: HttpRequest, code: str, *args: Any, **kwargs: Any) -> HttpResponse:
        if not granted(request, normalize_code(code)):
            request.session[LOOKUP_KEY] = normalize_code(code)[:8]
            messages.info(request, _("Untuk membuka booking, masukkan kode booking lalu kode sekali pakai yang "
                                     "kami kirim ke kontak Anda."))
            return redirect("booking:mine")
        return view(request, code, *args, **kwargs)  # type: ignore[no-any-return]

    return wrapper


def _error_page(request: HttpRequest, exc: ServiceError, *, title: str = "", back: str = "",
                extra: dict[str, Any] | None = None) -> HttpResponse:
    response = render(request, "booking/error.html", {
        "title": title or _("Permintaan tidak dapat diproses"), "error": exc, "message": str(exc.message),
        "back": back, **(extra or {})}, status=exc.status)
    for name, value in exc.headers.items():
        response[name] = value
    return response


def _too_many(request: HttpRequest, retry_after: int, back: str) -> HttpResponse:
    return _error_page(request, RateLimited(retry_after), title=_("Terlalu banyak percobaan"), back=back)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _date_label(day: date) -> str:
    return str(formats.date_format(day, "l, j F Y"))


# --- step 1–4: region, branch, date, session -------------------------------------------------------


def start(request: HttpRequest) -> HttpResponse:
    regions = list(Region.objects.order_by("name"))
    days = [(d, _date_label(d)) for d in engine.search_days()]
    return render(request, "booking/start.html", {"regions": regions, "days": days, "step": 1})


def search(request: HttpRequest) -> HttpResponse:
    """"Pick any branch in the country": branches (of one region, or all) with room on a date."""
    days = engine.search_days()
    day = _parse_date(request.GET.get("tanggal", ""))
    region = str(request.GET.get("wilayah", "") or "")[:16]
    regions = list(Region.objects.order_by("name"))
    if region and not any(r.code == region for r in regions):
        region = ""
    rooms = engine.search(day=day, region=region) if day is not None and day in days else None
    return render(request, "booking/search.html", {
        "days": [(d, _date_label(d)) for d in days], "day": day, "day_label": _date_label(day) if day else "",
        "region": region, "regions": regions, "rooms": rooms, "step": 2,
        "bad_day": (day is None and "tanggal" in request.GET) or (day is not None and day not in days)})


def region_branches(request: HttpRequest, region: str) -> HttpResponse:
    reg = Region.objects.filter(code__iexact=region).first()
    if reg is None:
        raise Http404
    branches = list(branch_list(region=reg.code).order_by("name"))
    summary = engine.branch_summaries(branches)
    rows = [{"branch": b, "remaining": summary.get(b.code)} for b in branches]
    return render(request, "booking/branches.html", {"region": reg, "rows": rows, "step": 2})


def _branch_or_404(code: str) -> Branch:
    try:
        return branch_get(code)
    except NotFound:
        raise Http404 from None


def branch_dates(request: HttpRequest, branch: str) -> HttpResponse:
    b = _branch_or_404(branch)
    days = engine.availability(b)
    return render(request, "booking/dates.html", {
        "branch": b, "days": days, "step": 3, "next_url": reverse("booking:identity"),
    })


def branch_sessions(request: HttpRequest, branch: str, day: str) -> HttpResponse:
    b = _branch_or_404(branch)
    when = _parse_date(day)
    if when is None:
        raise Http404
    days = [d for d in engine.availability(b) if d.date == when]
    context = {"branch": b, "day": days[0] if days else None, "when": when, "when_label": _date_label(when),
               "step": 4, "next_url": reverse("booking:identity")}
    template = "booking/_sessions.html" if _is_htmx(request) else "booking/sessions.html"
    return render(request, template, context)


# --- step 5: identity and contact --------------------------------------------------------------------


def _slot_from(request: HttpRequest, source: Any) -> tuple[Branch, date, str] | None:
    code, day, session = source.get("cabang", ""), _parse_date(source.get("tanggal", "")), source.get("sesi", "")
    if not code or day is None or not session:
        return None
    try:
        b = branch_get(code)
    except NotFound:
        return None
    return b, day, str(session)[:5]


def _slot_context(b: Branch, day: date, session: str) -> dict[str, Any]:
    info = engine.session_info(b, day, session)
    return {"branch": b, "day": day, "day_label": _date_label(day), "session": session, "slot": info,
            "slot_query": urlencode({"cabang": b.code, "tanggal": day.isoformat(), "sesi": session})}


@never_cache
@require_http_methods(["GET", "POST"])
def identity(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    slot = _slot_from(request, source)
    if slot is None:
        messages.error(request, _("Pilih kantor cabang, tanggal dan sesi terlebih dahulu."))
        return redirect("booking:start")
    b, day, session = slot
    ctx = _slot_context(b, day, session)
    if ctx["slot"] is None:
        messages.error(request, _("Sesi yang dipilih tidak tersedia. Pilih tanggal dan sesi lain."))
        return redirect("booking:dates", branch=b.code)
    if ctx["slot"].status == "closed":
        messages.error(request, _("Sesi ini ditutup oleh kantor cabang. Pilih sesi atau hari lain."))
        return redirect("booking:dates", branch=b.code)
    if ctx["slot"].status == "full":
        # Full already: say so now, with the alternatives, before the participant types anything.
        from .services import SlotFull

        full = SlotFull(extra={"alternatives": engine.alternatives_for(b, day, session)})
        return _booking_refused(request, full, b, reverse("booking:dates", kwargs={"branch": b.code}))
    draft = request.session.get(DRAFT_KEY) or {}
    if request.method == "POST":
        form = IdentityForm(request.POST)
        if form.is_valid():
            # The registry check answers "this KPJ does not belong to this NIK": throttle it so the
            # page cannot be used to probe identities (per client and per NIK, 10 minutes).
            wait = max(otp.rate_limit_hit(f"identity-ip:{otp.client_ip(request)}",
                                          limit=otp.conf("IDENTITY_CHECKS_PER_IP", 20), window_seconds=600),
                       otp.rate_limit_hit("identity-nik:" + token_digest(form.cleaned_data["nik"])[:24],
                                          limit=otp.conf("IDENTITY_CHECKS_PER_NIK", 8), window_seconds=600))
            if wait:
                return _too_many(request, wait, request.get_full_path())
            refused = _eligibility_refused(request, form, b)
            if refused is not None:
                return refused
        if form.is_valid():
            request.session[DRAFT_KEY] = {
                "id": secrets.token_urlsafe(12), "branch": b.code, "date": day.isoformat(), "session": session,
                "data": dict(form.cleaned_data), "done": "",
            }
            return redirect("booking:review")
    else:
        initial = dict(draft.get("data") or {}) if not draft.get("done") else {}
        initial.setdefault("language", translation.get_language() or "id")
        form = IdentityForm(initial=initial)
    return render(request, "booking/identity.html", {**ctx, "form": form, "step": 5})


def _eligibility_refused(request: HttpRequest, form: IdentityForm, b: Branch) -> HttpResponse | None:
    """Tell the participant BEFORE the review when the registry says the claim cannot succeed yet.
    A registry/name mismatch becomes a field error (the form then is invalid)."""
    try:
        verdict = engine.eligibility(form.cleaned_data)
    except InvalidInput as exc:
        _put_errors(form, exc)
        return None
    if verdict.eligible:
        return None
    refusal = ServiceError(verdict.message, code="not_eligible", status=409,
                           extra={"rule": verdict.rule, "possible_from": verdict.possible_from.isoformat()
                                  if verdict.possible_from else None})
    return _booking_refused(request, refusal, b, request.get_full_path())


def _put_errors(form: IdentityForm, exc: InvalidInput) -> None:
    fields = exc.fields or {}
    for name, msgs in fields.items():
        target = name if name in form.fields else None
        for m in (msgs if isinstance(msgs, list | tuple) else [msgs]):
            form.add_error(target, str(m))
    if not fields:
        form.add_error(None, str(exc.message))


# --- step 6: review; step 7: done -----------------------------------------------------------------------


def _draft(request: HttpRequest) -> dict[str, Any] | None:
    draft = request.session.get(DRAFT_KEY)
    return draft if isinstance(draft, dict) and (draft.get("data") or draft.get("done")) else None


@never_cache
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    if draft is None:
        messages.error(request, _("Sesi pengisian Anda sudah berakhir. Silakan mulai lagi."))
        return redirect("booking:start")
    if draft.get("done"):
        return redirect("booking:done", code=draft["done"])
    b = _branch_or_404(draft["branch"])
    day = date.fromisoformat(draft["date"])
    ctx = _slot_context(b, day, draft["session"])
    form = ReviewForm(request.POST if request.method == "POST" else None, initial={"draft": draft["id"]})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["draft"] != draft["id"]:
            messages.error(request, _("Formulir ini sudah kedaluwarsa. Periksa data Anda lalu kirim lagi."))
            return redirect("booking:review")
        return _submit(request, draft, b, day, ctx)
    return render(request, "booking/review.html", {**ctx, "form": form, "data": _display(draft["data"]),
                                                   "step": 6})


def _display(data: dict[str, Any]) -> dict[str, Any]:
    from lapakasik.claims.reasons import reason_label
    from lapakasik.core.masking import mask_nik

    from .forms import CHANNEL_CHOICES

    labels = dict(CHANNEL_CHOICES)
    return {**data, "nik_masked": mask_nik(data.get("nik")), "reason_label": reason_label(
        data.get("claim_type", ""), data.get("claim_reason", "")),
        "channel_labels": [str(labels.get(c, c)) for c in data.get("channels", [])]}


def _submit(request: HttpRequest, draft: dict[str, Any], b: Branch, day: date, ctx: dict[str, Any]) -> HttpResponse:
    data = draft["data"]
    back = reverse("booking:identity") + "?" + ctx["slot_query"]
    try:
        result = engine.create(branch=b, day=day, session=draft["session"], data=data, ip=otp.client_ip(request))
    except InvalidInput as exc:
        form = IdentityForm(data)
        form.is_valid()
        _put_errors(form, exc)
        fields = exc.fields or {}
        slot_fields = {k: v for k, v in fields.items() if k in {"date", "session_start", "branch_code"}}
        if slot_fields:
            return _error_page(request, exc, title=_("Jadwal ini tidak bisa dipesan"),
                               back=reverse("booking:dates", kwargs={"branch": b.code}))
        return render(request, "booking/identity.html", {**ctx, "form": form, "step": 5}, status=422)
    except RateLimited as exc:
        return _error_page(request, exc, title=_("Terlalu banyak percobaan"), back=reverse("booking:review"))
    except ServiceError as exc:
        if exc.code == "duplicate_active_booking":
            twin = _booked_by_twin(request, draft["id"])
            if twin:  # a double click: the other request of this same draft booked; show its result
                return _finish(request, draft, twin)
        return _booking_refused(request, exc, b, back, offer_waitlist=True)
    return _finish(request, draft, result.code)


def _booked_by_twin(request: HttpRequest, draft_id: str, wait_seconds: float = 3.0) -> str:
    """When two POSTs of the same review form run at once (a double click), the engine books one and
    refuses the other as a duplicate. The refused one looks at the session as stored (the database —
    so this works across web processes) for the code its twin booked with the same draft."""
    import time
    from importlib import import_module

    from django.conf import settings

    key = request.session.session_key
    if not key:
        return ""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    deadline = time.monotonic() + wait_seconds
    while True:
        stored = store(session_key=key).get(DRAFT_KEY) or {}
        if stored.get("id") == draft_id and stored.get("done"):
            return str(stored["done"])
        if time.monotonic() >= deadline:
            return ""
        time.sleep(0.05)


def _finish(request: HttpRequest, draft: dict[str, Any], code: str) -> HttpResponse:
    draft["done"] = code
    draft["data"] = {}
    request.session[DRAFT_KEY] = draft
    grant(request, code)
    return redirect("booking:done", code=code)


def _booking_refused(request: HttpRequest, exc: ServiceError, b: Branch, back: str, *,
                     offer_waitlist: bool = False) -> HttpResponse:
    if exc.code == "slot_full":
        alternatives = engine.alternatives_from(exc, b)
        draft = _draft(request) if offer_waitlist else None
        return _error_page(request, exc, title=_("Sesi ini sudah penuh"), back=reverse("booking:dates",
                           kwargs={"branch": b.code}), extra={
                               "alternatives": alternatives,
                               "waitlist_draft": draft["id"] if draft and not draft.get("done") else ""})
    if exc.code == "not_eligible":
        extra = exc.extra or {}
        possible = _parse_date(str(extra.get("possible_from") or extra.get("eligible_from") or ""))
        rule = str(extra.get("rule") or "")
        return _error_page(request, exc, title=_("Klaim Anda belum bisa diajukan"), back=back, extra={
            "rule": rule, "rule_label": RULE_LABELS.get(rule, ""),
            "possible_from": _date_label(possible) if possible else ""})
    if exc.code == "duplicate_active_booking":
        return _error_page(request, exc, title=_("Anda sudah punya booking aktif"), back=back,
                           extra={"show_mine": True})
    return _error_page(request, exc, back=back)


@never_cache
@grant_required
def done(request: HttpRequest, code: str) -> HttpResponse:
    claim = _authorised_claim(request, code)
    view = engine.booking_view(claim)
    return render(request, "booking/done.html", {"claim": claim, "b": view, "step": 7})


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
                otp.otp_request(code=code, channel=form.cleaned_data["channel"])
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
                outcome = otp.otp_verify(code=pending["code"], otp=form.cleaned_data["otp"])
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
    claim = _authorised_claim(request, code)
    view = engine.booking_view(claim)
    return render(request, "booking/manage.html", {"claim": claim, "b": view, "cancel_form": CancelForm()})


@never_cache
@grant_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, code: str) -> HttpResponse:
    claim = _authorised_claim(request, code)
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
    claim = _authorised_claim(request, code)
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
    request.session.pop(AUTH_KEY, None)
    request.session.pop(PENDING_KEY, None)
    messages.success(request, _("Anda sudah keluar dari halaman booking."))
    return redirect("booking:mine")


# --- tickets -----------------------------------------------------------------------------------------------


def _ticket_claim(request: HttpRequest, code: str) -> Claim:
    """The OTP session grant, or ``Authorization: Bearer <access token>`` (what the API returns). A
    token in the URL is never accepted."""
    from lapakasik.claims.selectors import claim_get_authorised

    code = normalize_code(code)
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        try:
            return claim_get_authorised(code=code, token=header[7:].strip())
        except NotFound:
            raise Http404 from None
    return _authorised_claim(request, code)


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def ticket_pdf(request: HttpRequest, code: str) -> HttpResponse:
    from .ticket import ticket_pdf as build

    claim = _ticket_claim(request, code)
    data = engine.ticket_data_for(claim)
    return _attachment(build(data), "application/pdf", f"tiket-lapakasik-{claim.code}.pdf")


def ticket_ics(request: HttpRequest, code: str) -> HttpResponse:
    from .ticket import ticket_ics as build

    claim = _ticket_claim(request, code)
    data = engine.ticket_data_for(claim)
    return _attachment(build(data, now=clock.now()), "text/calendar; charset=utf-8",
                       f"jadwal-lapakasik-{claim.code}.ics")



# --- waitlist ------------------------------------------------------------------------------------------


@require_POST
def waitlist_join(request: HttpRequest) -> HttpResponse:
    """From the "session full" answer: wait for a seat in that session with the data already given."""
    draft = _draft(request)
    if draft is None or draft.get("done") or request.POST.get("draft") != draft.get("id"):
        messages.error(request, _("Sesi pengisian Anda sudah berakhir. Silakan mulai lagi."))
        return redirect("booking:start")
    b = _branch_or_404(draft["branch"])
    day = date.fromisoformat(draft["date"])
    try:
        result = engine.waitlist_join(branch=b, day=day, session=draft["session"], data=draft["data"],
                                      ip=otp.client_ip(request))
    except ServiceError as exc:
        if exc.code == "slot_has_room":
            messages.info(request, str(exc.message))
            return redirect("booking:review")
        return _booking_refused(request, exc, b, reverse("booking:review"))
    entries = dict(request.session.get(WAITLIST_KEY) or {})
    entries[str(result.entry.id)] = result.token
    request.session[WAITLIST_KEY] = entries
    draft["data"] = {}
    draft["done"] = ""
    request.session[DRAFT_KEY] = draft
    return redirect("booking:waitlist", entry=result.entry.id)


def _waitlist_entry(request: HttpRequest, entry: int) -> Any:
    token = (request.session.get(WAITLIST_KEY) or {}).get(str(entry), "")
    if not token:
        raise Http404
    try:
        return engine.waitlist_entry(entry, token)
    except NotFound:
        raise Http404 from None


@never_cache
def waitlist(request: HttpRequest, entry: int) -> HttpResponse:
    item = _waitlist_entry(request, entry)
    return render(request, "booking/waitlist.html", {"w": engine.waitlist_view(item)})


@require_POST
def waitlist_accept(request: HttpRequest, entry: int) -> HttpResponse:
    item = _waitlist_entry(request, entry)
    try:
        created = engine.waitlist_accept(item)
    except ServiceError as exc:
        return _error_page(request, exc, title=_("Kursi tidak dapat diambil"),
                           back=reverse("booking:waitlist", kwargs={"entry": entry}))
    grant(request, created.code)
    return redirect("booking:done", code=created.code)
