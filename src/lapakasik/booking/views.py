"""Participant pages of the online queue (Indonesian first, phone-first, no JavaScript needed; htmx
swaps the session list in place when it is there).

region → branch → date → session → identity and contact → review → done. A full session leads the
same way (``?tunggu=1``) to its waitlist: identity and contact → review → "Masuk daftar tunggu"; the
waitlist pages and the offer link are in ``views_waitlist``. "Booking saya" (booking code + one-time
code → status, ticket, cancel, reschedule) is in ``views_mine``; who may see a booking in ``access``.

What goes where:
- the slot choice (branch code, date, session start) is not personal data and travels in the URL;
- identity and contact are POSTed and kept server-side in the session until the booking is made;
- access to a booking is a session grant (after the one-time code, or for the session that made
  the booking; ``booking.access``); no personal data ever appears in a URL, and no token either except
  the offer link of a waitlist message (``views_waitlist``, like the upload link of the intake);
- every write is a service call (``booking.services``); its errors come back as ``ServiceError``
  and are shown here per field, with alternatives for a full session and the rule and date for a
  claim that cannot succeed yet.
"""

from __future__ import annotations

import secrets
import time
from datetime import date
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.shortcuts import render as django_render
from django.urls import reverse
from django.utils import formats, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lapakasik.branches.models import Branch, Region
from lapakasik.branches.selectors import branch_get, branch_list
from lapakasik.claims.policy import benefit_form_label
from lapakasik.claims.reasons import reason_label
from lapakasik.core.codes import token_digest
from lapakasik.core.errors import InvalidInput, NotFound, RateLimited, ServiceError
from lapakasik.core.masking import mask_nik

from . import otp
from . import pagedata as engine
from .access import authorised_claim, grant, grant_required, waitlist_remember
from .forms import CHANNEL_CHOICES, IdentityForm, ReviewForm

DRAFT_KEY = "booking_draft"
# The fair opening (``views_opening``): the place token and, once admitted, the admission token.
OPENING_PLACE_KEY = "opening_place"
OPENING_ADMISSION_KEY = "opening_admission"
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


def _slot_query(b: Branch, day: date, session: str, *, waiting: bool = False) -> str:
    """The slot choice as a query string (``tunggu=1``: for the session's waitlist)."""
    query = {"cabang": b.code, "tanggal": day.isoformat(), "sesi": session}
    return urlencode({**query, "tunggu": "1"} if waiting else query)


def _slot_context(b: Branch, day: date, session: str, *, waiting: bool = False) -> dict[str, Any]:
    info = engine.session_info(b, day, session)
    return {"branch": b, "day": day, "day_label": _date_label(day), "session": session, "slot": info,
            "waiting": waiting, "slot_query": _slot_query(b, day, session, waiting=waiting)}


@never_cache
@require_http_methods(["GET", "POST"])
def identity(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    slot = _slot_from(request, source)
    if slot is None:
        messages.error(request, _("Pilih kantor cabang, tanggal dan sesi terlebih dahulu."))
        return redirect("booking:start")
    b, day, session = slot
    waiting = source.get("tunggu") == "1"
    ctx = _slot_context(b, day, session, waiting=waiting)
    if ctx["slot"] is None:
        messages.error(request, _("Sesi yang dipilih tidak tersedia. Pilih tanggal dan sesi lain."))
        return redirect("booking:dates", branch=b.code)
    if ctx["slot"].status == "closed":
        messages.error(request, _("Sesi ini ditutup oleh kantor cabang. Pilih sesi atau hari lain."))
        return redirect("booking:dates", branch=b.code)
    if ctx["slot"].status == "full" and not waiting:
        # Full already: say so now, with the alternatives and the way to its waitlist, before the
        # participant types anything.
        return _booking_refused(request, engine.slot_full(b, day, session), b,
                                reverse("booking:dates", kwargs={"branch": b.code}),
                                waitlist_url=reverse("booking:identity") + "?" + _slot_query(b, day, session,
                                                                                                waiting=True))
    if ctx["slot"].status != "full" and waiting:
        # A seat came free since the session was seen full: book it instead of waiting.
        messages.info(request, _("Sesi ini masih ada kursi kosong: Anda bisa langsung memesan."))
        waiting = False
        ctx = _slot_context(b, day, session)
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
                "data": dict(form.cleaned_data), "done": "", "waitlist": waiting,
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
    ctx = _slot_context(b, day, draft["session"], waiting=bool(draft.get("waitlist")))
    form = ReviewForm(request.POST if request.method == "POST" else None, initial={"draft": draft["id"]},
                      insured_nik_masked=mask_nik(draft["data"].get("insured_nik")) if draft["data"].get(
                          "insured_nik") else "")
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["draft"] != draft["id"]:
            messages.error(request, _("Formulir ini sudah kedaluwarsa. Periksa data Anda lalu kirim lagi."))
            return redirect("booking:review")
        if draft.get("waitlist"):
            return join_waitlist(request, draft, b, day)
        return _submit(request, draft, b, day, ctx)
    return render(request, "booking/review.html", {**ctx, "form": form, "data": _display(draft["data"]),
                                                   "step": 6})


def _display(data: dict[str, Any]) -> dict[str, Any]:
    labels = dict(CHANNEL_CHOICES)
    return {**data, "nik_masked": mask_nik(data.get("nik")), "insured_nik_masked": mask_nik(data.get("insured_nik")),
            "benefit_form_label": benefit_form_label(data["benefit_form"]) if data.get("benefit_form") else "",
            "reason_label": reason_label(
        data.get("claim_type", ""), data.get("claim_reason", "")),
        "channel_labels": [str(labels.get(c, c)) for c in data.get("channels", [])]}


def _submit(request: HttpRequest, draft: dict[str, Any], b: Branch, day: date, ctx: dict[str, Any]) -> HttpResponse:
    data = draft["data"]
    back = reverse("booking:identity") + "?" + ctx["slot_query"]
    try:
        result = engine.create(branch=b, day=day, session=draft["session"], data=data, ip=otp.client_ip(request),
                               admission_token=request.session.get(OPENING_ADMISSION_KEY) or None)
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
        if exc.code.startswith("admission_"):  # a quota opening: the waiting room gives the turn (never a 5xx)
            target = "booking:opening_wait" if request.session.get(OPENING_PLACE_KEY) else "booking:opening_join"
            messages.info(request, str(exc.message))
            return HttpResponseRedirect(reverse(target), status=303)
        if exc.code == "duplicate_active_booking":
            twin = _booked_by_twin(request, draft["id"])
            if twin:  # a double click: the other request of this same draft booked; show its result
                return _finish(request, draft, twin)
        return _booking_refused(request, exc, b, back, waitlist_draft=draft["id"])
    return _finish(request, draft, result.code)


def _booked_by_twin(request: HttpRequest, draft_id: str, wait_seconds: float = 3.0) -> str:
    """When two POSTs of the same review form run at once (a double click), the engine books one and
    refuses the other as a duplicate. The refused one looks at the session as stored (the database —
    so this works across web processes) for the code its twin booked with the same draft."""
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
                     waitlist_draft: str = "", waitlist_url: str = "") -> HttpResponse:
    """A refusal on its page. A full session shows its alternatives and its waitlist: one button with the
    data of ``waitlist_draft`` (the review that lost the race for the last seat), else ``waitlist_url``
    (the identity form for that session's waitlist)."""
    if exc.code == "slot_full":
        alternatives = engine.alternatives_from(exc, b)
        draft = _draft(request) if waitlist_draft else None
        usable = draft is not None and draft.get("id") == waitlist_draft and not draft.get("done")
        return _error_page(request, exc, title=_("Sesi ini sudah penuh"), back=reverse("booking:dates",
                           kwargs={"branch": b.code}), extra={
                               "alternatives": alternatives, "waitlist_draft": waitlist_draft if usable else "",
                               "waitlist_url": waitlist_url})
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
    claim = authorised_claim(request, code)
    view = engine.booking_view(claim)
    return render(request, "booking/done.html", {"claim": claim, "b": view, "step": 7})


# --- waitlist: joining with the draft (the views of the entry and the offer link are in views_waitlist) ---


def join_waitlist(request: HttpRequest, draft: dict[str, Any], b: Branch, day: date) -> HttpResponse:
    """Join the waitlist of the draft's session with the draft's data (the waitlist review, or the one
    button on a "session full" answer). A session with a free seat goes back to the review, to book."""
    back = reverse("booking:review")
    try:
        result = engine.waitlist_join(branch=b, day=day, session=draft["session"], data=draft["data"],
                                      ip=otp.client_ip(request))
    except InvalidInput as exc:
        form = IdentityForm(draft["data"])
        form.is_valid()
        _put_errors(form, exc)
        if set(exc.fields or {}) & {"date", "session_start", "branch_code"}:
            return _error_page(request, exc, title=_("Jadwal ini tidak bisa dipesan"),
                               back=reverse("booking:dates", kwargs={"branch": b.code}))
        ctx = _slot_context(b, day, draft["session"], waiting=True)
        return render(request, "booking/identity.html", {**ctx, "form": form, "step": 5}, status=422)
    except RateLimited as exc:
        return _error_page(request, exc, title=_("Terlalu banyak percobaan"), back=back)
    except ServiceError as exc:
        if exc.code == "slot_has_room":
            draft["waitlist"] = False
            request.session[DRAFT_KEY] = draft
            messages.info(request, str(exc.message))
            return redirect("booking:review")
        if exc.code == "already_waiting":
            return _error_page(request, exc, title=_("Anda sudah ada di daftar tunggu"),
                               back=reverse("booking:dates", kwargs={"branch": b.code}))
        return _booking_refused(request, exc, b, back)
    waitlist_remember(request, result.entry.id, result.token)
    draft["data"] = {}
    draft["done"] = ""
    draft["waitlist"] = False
    request.session[DRAFT_KEY] = draft
    return redirect("booking:waitlist", entry=result.entry.id)
