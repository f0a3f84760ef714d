"""The officer's pages (/petugas/): the work queue, the claim page with its actions, each officer's
load, personal API tokens — and the participant's two casework pages: choosing a new call window, and
the video-call link that leads to the room while the confirmation is open. Every decision comes from
``accounts.policy`` (role first, then the claim's branch: 403 / 404)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lapakasik.accounts.access import authorise, officer_required, principal_of, require_page
from lapakasik.accounts.models import Role
from lapakasik.accounts.policy import Action
from lapakasik.accounts.selectors import branches_visible_to
from lapakasik.benefits.views import claim_panel
from lapakasik.branches.models import Branch
from lapakasik.claims import workflow
from lapakasik.claims.models import ClaimType
from lapakasik.claims.reasons import reason_label
from lapakasik.claims.selectors import claim_applicant
from lapakasik.core import clock
from lapakasik.core.codes import token_digest
from lapakasik.core.dates import time_range
from lapakasik.core.errors import ServiceError
from lapakasik.core.masking import mask_nik
from lapakasik.forms.services import heir_statement
from lapakasik.intake.catalogue import claim_checklist, claim_registry_record, requirements_for
from lapakasik.intake.models import Document, DocumentStatus
from lapakasik.intake.viewer import document_pages
from lapakasik.payments.views import officer_panel as payment_panel

from . import policy, selectors, services
from .models import Confirmation, OfficerApiToken

# --- helpers -------------------------------------------------------------------------------------------


def _branch_for(request: HttpRequest, action: Action) -> tuple[Branch, list[Branch]]:
    """The branch whose queue the page shows: an officer's own; an admin picks one of their scope."""
    require_page(request.user, action)  # the role first: 403 before anything is looked up
    visible = list(branches_visible_to(request.user, action).order_by("name")[:400])
    if not visible:
        raise Http404
    wanted = request.GET.get("cabang", "")
    chosen = next((b for b in visible if b.code == wanted), visible[0])
    return chosen, visible


def _claim(request: HttpRequest, code: str, action: Action) -> Any:
    require_page(request.user, action)
    claim = selectors.claim_by_code(code)
    if claim is None:
        raise Http404
    require_page(request.user, action, claim=claim)
    return claim


def _done(request: HttpRequest, fn: Any, ok: str, **kwargs: Any) -> Any:
    try:
        result = fn(**kwargs)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        return None
    messages.success(request, ok)
    return result


def _back(claim: Any) -> HttpResponseRedirect:
    return redirect("casework:claim", code=claim.code)


# --- the queue -----------------------------------------------------------------------------------------


@officer_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """/petugas/: the branch's work queue, with counts per state, filters, search and "take next"."""
    principal = principal_of(request.user)
    if principal is None or principal.role is None:
        raise Http404
    if not authorise(request.user, Action.VIEW_QUEUE).allowed:
        # The front desk's work is at the door, not in the queue: a 403 that says where their work is.
        return render(request, "casework/home_front_desk.html", {"principal": principal}, status=403)
    branch, visible = _branch_for(request, Action.VIEW_QUEUE)
    f = policy.queue_filter_parse(request.GET.dict(), claim_types=ClaimType.values)
    page = selectors.work_queue(branch_ids=[branch.pk], f=f, user_id=request.user.pk,
                                time_zone=branch.time_zone or "Asia/Jakarta")
    states = [(s, workflow.State(s).label, page.counts.get(s, 0)) for s in workflow.State.values
              if s in policy.QUEUE_STATES]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "casework/home.html", {
        "branch": branch, "branches": visible if len(visible) > 1 else [], "page": page, "f": f, "states": states,
        "types": ClaimType.choices, "query": query.urlencode(), "tz": ZoneInfo(branch.time_zone or "Asia/Jakarta"),
        "can_take": authorise(request.user, Action.TAKE_CLAIM, branch=branch).allowed,
        "can_load": authorise(request.user, Action.VIEW_LOAD, branch=branch).allowed,
        "now": clock.now(),
    })


@officer_required
@require_POST
def take_next(request: HttpRequest) -> HttpResponse:
    principal = require_page(request.user, Action.TAKE_CLAIM)
    if principal.branch_id is None:
        raise Http404
    claim = services.claim_take_next(user=request.user, branch_id=principal.branch_id)
    if claim is None:
        messages.info(request, _("Tidak ada klaim yang menunggu untuk diambil."))
        return redirect("casework:home")
    messages.success(request, _("Klaim %(code)s sekarang Anda pegang.") % {"code": claim.code})
    return _back(claim)


@officer_required
@require_GET
def load(request: HttpRequest) -> HttpResponse:
    """Each officer's open claims per state (supervisors, admins), to reassign fairly."""
    branch, visible = _branch_for(request, Action.VIEW_LOAD)
    rows = selectors.officer_load(branch_ids=[branch.pk])
    states = [s for s in workflow.State.values if s not in workflow.TERMINAL]
    return render(request, "casework/load.html", {
        "branch": branch, "branches": visible if len(visible) > 1 else [], "rows": rows,
        "states": [(s, workflow.State(s).label) for s in states],
        "table": [(r, [r["states"].get(s, 0) for s in states]) for r in rows]})


# --- the claim page ------------------------------------------------------------------------------------


@officer_required
@require_GET
def claim_page(request: HttpRequest, code: str) -> HttpResponse:
    claim = _claim(request, code, Action.VIEW_CLAIM)
    principal = principal_of(request.user)
    full = principal is not None and principal.role in (Role.OFFICER, Role.SUPERVISOR)
    applicant = claim_applicant(claim)
    registry = None
    if request.GET.get("kepesertaan") == "1":
        require_page(request.user, Action.VIEW_REGISTRY_RECORD, claim=claim)
        registry = claim_registry_record(claim)
        services.registry_open_record(user=request.user, claim=claim, found=registry is not None)
    documents = list(Document.objects.filter(claim=claim).select_related("requirement").order_by("created_at", "id"))
    for d in documents:
        d.viewable = bool(d.file) and d.status != DocumentStatus.REFUSED  # type: ignore[attr-defined]
        d.viewer_pages = document_pages(d) if d.viewable else []  # type: ignore[attr-defined]
    holder = claim.assignee_id == request.user.pk
    may = {a: authorise(request.user, a, claim=claim).allowed for a in (
        Action.TAKE_CLAIM, Action.ASSIGN_CLAIM, Action.REVIEW_DOCUMENT, Action.DECIDE_CLAIM, Action.CONFIRM_CLAIM,
        Action.OPEN_DOCUMENT)}
    tz = ZoneInfo(claim.branch.time_zone or "Asia/Jakarta")
    window = services.default_window(claim)
    start = (window.start if window else (clock.now() + timedelta(hours=2)).replace(minute=0, second=0, microsecond=0))
    open_c = selectors.confirmation_open(claim)
    room_claims = []
    if open_c is not None and open_c.room:
        room_claims = [c.claim for c in selectors.confirmations_in_room(open_c.room) if c.claim_id != claim.pk]
    return render(request, "casework/claim.html", {
        "claim": claim, "applicant": applicant, "full": full,
        "nik": claim.insured_nik if full else mask_nik(claim.insured_nik),
        "reason_label": reason_label(claim.claim_type, claim.claim_reason),
        "registry": registry, "checklist": claim_checklist(claim), "documents": documents,
        "heir_statement": heir_statement(claim) if claim.claim_reason == "DEATH" else None,
        "requirements": [r for r, _req in requirements_for(claim)], "reasons": selectors.refusal_reasons(),
        "history": selectors.claim_history(claim), "sent": selectors.claim_messages(claim),
        "confirmations": selectors.claim_confirmations(claim), "open_confirmation": open_c,
        "room_claims": room_claims, "video_url": services.video_url(open_c.room) if open_c and open_c.room else "",
        "holder": holder, "may_take": may[Action.TAKE_CLAIM] and (claim.assignee_id is None or (
            holder and claim.state in policy.TAKEABLE)),
        "may_assign": may[Action.ASSIGN_CLAIM], "may_review": holder and may[Action.REVIEW_DOCUMENT]
        and claim.state in policy.DECIDING, "may_decide": holder and may[Action.DECIDE_CLAIM],
        "may_confirm": holder and may[Action.CONFIRM_CLAIM] and claim.state in policy.DECIDING,
        "may_open": may[Action.OPEN_DOCUMENT], "pay": payment_panel(request, claim),
        "officers": selectors.officers_of_branch(claim.branch_id) if may[Action.ASSIGN_CLAIM] else [],
        "outcomes": Confirmation.Outcome.choices, "channels": Confirmation.Channel.choices,
        "default_start": timezone.localtime(start, tz).replace(tzinfo=None).isoformat(timespec="minutes"),
        "default_minutes": int((window.end - window.start).total_seconds() // 60) if window else 30,
        "tz": tz, "State": workflow.State,
        **claim_panel(request, claim, member=registry, opened=request.GET.get("kepesertaan") == "1"),
    })


@officer_required
@require_POST
def claim_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """The claim page's forms: take, release, reassign, review a file or a requirement, ask for documents,
    schedule and record a confirmation, verify, reject. Each checks its own policy action."""
    user = request.user
    needs = {"take": Action.TAKE_CLAIM, "release": Action.TAKE_CLAIM, "reassign": Action.ASSIGN_CLAIM,
             "review": Action.REVIEW_DOCUMENT, "refuse-requirement": Action.REVIEW_DOCUMENT,
             "request": Action.DECIDE_CLAIM, "verify": Action.DECIDE_CLAIM, "reject": Action.DECIDE_CLAIM,
             "confirm": Action.CONFIRM_CLAIM, "outcome": Action.CONFIRM_CLAIM}
    if action not in needs:
        raise Http404
    claim = _claim(request, code, needs[action])
    p = request.POST
    if action == "take":
        _done(request, services.claim_take, _("Klaim sekarang Anda pegang."), user=user, claim=claim)
    elif action == "release":
        _done(request, services.claim_release, _("Klaim dikembalikan ke antrean."), user=user, claim=claim,
              is_supervisor=authorise(user, Action.ASSIGN_CLAIM, claim=claim).allowed)
    elif action == "reassign":
        try:
            to = int(p.get("officer", "0"))
        except ValueError:
            to = 0
        _done(request, services.claim_reassign, _("Klaim dialihkan."), user=user, claim=claim, to_user_id=to)
    elif action == "review":
        doc = get_object_or_404(Document, pk=p.get("document") or 0, claim=claim)
        verdict = p.get("verdict", "")
        if verdict not in {"accept", "refuse"}:
            messages.error(request, _("Pilih setujui atau tolak."))
        else:
            _done(request, services.document_decide, _("Pemeriksaan berkas tersimpan."), user=user, document=doc,
                  accept=verdict == "accept", reason_code=p.get("reason", ""), note=p.get("note", ""),
                  requirement_code=p.get("requirement") or None)
    elif action == "refuse-requirement":
        _done(request, services.requirement_refuse, _("Persyaratan ditandai perlu dikirim ulang."), user=user,
              claim=claim, requirement_code=p.get("requirement", ""), reason_code=p.get("reason", ""),
              note=p.get("note", ""))
    elif action == "request":
        _done(request, services.documents_request, _("Permintaan dokumen dikirim ke peserta."), user=user,
              claim=claim, note=p.get("note", ""))
    elif action == "verify":
        _done(request, services.claim_verify, _("Klaim terverifikasi."), user=user, claim=claim)
    elif action == "reject":
        _done(request, services.claim_reject, _("Klaim ditolak; peserta diberi tahu."), user=user, claim=claim,
              reason_code=p.get("reason", ""), note=p.get("note", ""), next_step=p.get("next_step", ""))
    elif action == "confirm":
        _schedule(request, claim)
    elif action == "outcome":
        try:
            pk = int(p.get("confirmation", "0"))
        except ValueError:
            pk = 0
        if not Confirmation.objects.filter(pk=pk, claim=claim).exists():
            raise Http404
        _done(request, services.confirmation_record, _("Hasil konfirmasi dicatat."), user=user, confirmation_id=pk,
              outcome=p.get("outcome", ""), notes=p.get("notes", ""))
    return _back(claim)


def _schedule(request: HttpRequest, claim: Any) -> None:
    p = request.POST
    tz = ZoneInfo(claim.branch.time_zone or "Asia/Jakarta")
    try:
        start = datetime.fromisoformat(p.get("start", "")).replace(tzinfo=tz)
        minutes = max(5, min(180, int(p.get("minutes", "30"))))
    except ValueError:
        messages.error(request, _("Isi waktu panggilan dengan benar."))
        return
    others = [c for c in p.getlist("with") if c and c != claim.code][:11]
    claims = [claim]
    for code in others:
        other = selectors.claim_by_code(code)
        if other is None or not authorise(request.user, Action.CONFIRM_CLAIM, claim=other).allowed:
            messages.error(request, _("Klaim %(code)s tidak ditemukan di cabang Anda.") % {"code": code})
            return
        claims.append(other)
    _done(request, services.confirmation_schedule, _("Konfirmasi dijadwalkan; peserta diberi tahu."),
          user=request.user, claims=claims, channel=p.get("channel", ""),
          window=services.Window(start, start + timedelta(minutes=minutes)))


# --- personal API tokens -------------------------------------------------------------------------------


@officer_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    require_page(request.user, Action.VIEW_CLAIM)
    shown = ""
    if request.method == "POST":
        if request.POST.get("revoke"):
            try:
                services.api_token_revoke(user=request.user, token_id=int(request.POST["revoke"]))
            except ValueError:
                raise Http404 from None
            messages.success(request, _("Token dicabut."))
            return redirect("casework:tokens")
        try:
            shown = services.api_token_create(user=request.user, name=request.POST.get("name", ""))
        except ServiceError as exc:
            messages.error(request, str(exc.message))
    return render(request, "casework/tokens.html", {
        "tokens": OfficerApiToken.objects.filter(user_id=int(request.user.pk or 0)), "shown": shown})


# --- the participant's pages ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def call_window_pick(request: HttpRequest, token: str) -> HttpResponse:
    """The participant's link: the officer's free call windows in the next working days; one click books
    it. A used, expired or unknown link says so (no other detail)."""
    offer = selectors.call_window_offer_get(token_digest(token))
    if offer is None:
        raise Http404
    claim = offer.claim
    tz = ZoneInfo(claim.branch.time_zone or "Asia/Jakarta")
    usable = offer.used_at is None and offer.expires_at > clock.now() and claim.state == workflow.State.NEEDS_CONFIRMATION
    chosen = None
    if request.method == "POST" and usable:
        try:
            start = datetime.fromisoformat(request.POST.get("start", ""))
            if start.tzinfo is None:
                raise ValueError
        except ValueError:
            messages.error(request, _("Pilih salah satu waktu."))
        else:
            try:
                chosen = services.call_window_choose(token=token, start=start)
            except ServiceError as exc:
                messages.error(request, str(exc.message))
            else:
                usable = False
    windows = services.call_windows_free(offer) if usable else []
    days: dict[str, list[Any]] = {}
    for w in windows:
        local = w.start.astimezone(tz)
        days.setdefault(local.date().isoformat(), []).append((w, time_range(local, w.end.astimezone(tz))))
    response = render(request, "casework/call_window.html", {
        "claim": claim, "offer": offer, "usable": usable, "days": sorted(days.items()), "chosen": chosen,
        "chosen_local": chosen.window_start.astimezone(tz) if chosen else None,
        "chosen_range": time_range(chosen.window_start.astimezone(tz), chosen.window_end.astimezone(tz),
                                   getattr(claim.branch, "tz_abbreviation", "")) if chosen else "",
        "abbr": getattr(claim.branch, "tz_abbreviation", ""), "officer": offer.officer,
        "channel_label": Confirmation.Channel(offer.channel).label})
    response["Cache-Control"] = "private, no-store"
    # The link's token never leaves the site ("no-referrer" would also make the browser send "Origin: null"
    # with the page's own form, which CSRF protection rightly refuses).
    response["Referrer-Policy"] = "same-origin"
    return response


@require_GET
def video_room(request: HttpRequest, room: str) -> HttpResponse:
    """Our link to a video call: to the room on the configured server while its confirmation is open and
    not long past; anything else (guessed, recorded, cancelled) is a 404."""
    rows = selectors.confirmations_in_room(room) if room.startswith("LapakAsik-") else []
    now = clock.now()
    if not any(c.is_open and c.window_end + timedelta(hours=2) > now for c in rows):
        raise Http404
    base = str(getattr(settings, "VIDEO_CALL_BASE_URL", "https://meet.jit.si")).rstrip("/")
    response = HttpResponseRedirect(f"{base}/{room}")
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def officer_home_url() -> str:
    return reverse("casework:home")
