"""The dropbox's pages. The front desk (phone-first): receive an envelope by its cover sheet (camera or USB
scanner into one field) or by a search, record its disinfection, hand the ready ones over. The back office:
accept a hand-over (tick, count), scan the pages into the claim. The branch head: envelopes by state and age,
the quarantine queue, hand-overs and their reconciliation.

Every page is behind the officer sign-in and asks ``accounts.policy`` through ``require_page``: the role first,
then the branch of what is shown (another branch's envelope or batch: 404, as an unknown id)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lapakasik.accounts.access import authorise, officer_required, require_branch_page, require_page
from lapakasik.accounts.policy import Action, Principal
from lapakasik.accounts.selectors import branches_visible_to
from lapakasik.branches.models import Branch
from lapakasik.core import clock
from lapakasik.core.errors import ServiceError
from lapakasik.intake.catalogue import claim_checklist, requirements_for
from lapakasik.intake.policy import STATUS_LABELS, serial_display

from . import policy, selectors, services
from .models import HandoverBatch, MatchedBy, Original


def _own_branch(principal: Principal) -> Branch:
    if principal.branch_id is None:
        raise Http404
    branch = Branch.objects.select_related("region").filter(pk=principal.branch_id).first()
    if branch is None:
        raise Http404
    return branch


def _bar(request: HttpRequest) -> dict[str, Any]:
    return {"can_screen": authorise(request.user, Action.SCREEN_VISITOR).allowed,
            "can_receive": authorise(request.user, Action.RECEIVE_ENVELOPE).allowed,
            "can_digitise": authorise(request.user, Action.DIGITISE_ENVELOPE).allowed,
            "can_overview": authorise(request.user, Action.VIEW_DROPBOX).allowed,
            "can_counts": authorise(request.user, Action.VIEW_SCREENING_COUNTS).allowed,
            "can_queue": authorise(request.user, Action.VIEW_QUEUE).allowed}


def _tz(branch: Branch) -> ZoneInfo:
    return ZoneInfo(branch.time_zone or "Asia/Jakarta")


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _desk(request: HttpRequest, branch: Branch, *, status: int = 200, **extra: Any) -> HttpResponse:
    now = clock.now()
    door = selectors.at_the_door(branch)
    return render(request, "dropbox/desk.html", {
        **_bar(request), "branch": branch, "tz": _tz(branch), "now": now, "door": door,
        "ready": [e for e in door if e.state == "DISINFECTED" and policy.quarantine_over(now=now, until=e.quarantine_until)],
        "methods": policy.DISINFECTION_METHODS, "form_id": services.form_id_new(),
        "quarantine_hours": selectors.quarantine_hours(), **extra}, status=status)


@never_cache
@officer_required
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    """/petugas/dropbox/: receive (scan, type, search), the envelopes at the door, the hand-over."""
    principal = require_page(request.user, Action.RECEIVE_ENVELOPE)
    return _desk(request, _own_branch(principal))


def _received(request: HttpRequest, done: services.Received) -> HttpResponse:
    if not done.created:
        messages.info(request, _("Amplop ini sudah tercatat; kiriman kedua tidak dicatat lagi."))
    else:
        messages.success(request, _("Amplop diterima. Semprot disinfektan, lalu catat di bawah."))
    return redirect("dropbox:envelope", pk=done.envelope.pk)


@never_cache
@officer_required
@require_POST
def receive_serial(request: HttpRequest) -> HttpResponse:
    """The cover sheet's QR code (camera or USB scanner) or its number typed by hand."""
    principal = require_page(request.user, Action.RECEIVE_ENVELOPE)
    branch = _own_branch(principal)
    scanned = (request.POST.get("serial") or "")[:200]
    try:
        done = services.envelope_receive_by_serial(branch=branch, user=request.user, scanned=scanned,
                                                   form_id=(request.POST.get("form_id") or "")[:64])
    except ServiceError as exc:
        return _desk(request, branch, status=exc.status, serial_error=str(exc.message), serial_value=scanned[:64])
    return _received(request, done)


@never_cache
@officer_required
@require_POST
def search(request: HttpRequest) -> HttpResponse:
    """An envelope without a cover sheet: find the claim by claim code, NIK or name (POST: a NIK never in a URL)."""
    principal = require_page(request.user, Action.RECEIVE_ENVELOPE)
    branch = _own_branch(principal)
    text = (request.POST.get("q") or "")[:200]
    candidates = policy.search_parse(text)
    if not candidates:
        return _desk(request, branch, status=422, search_value=text[:100], search_error=_(
            "Ketik kode klaim (8 huruf/angka), NIK (16 angka) atau nama peserta (paling sedikit 3 huruf)."))
    found = selectors.claims_search(branch, text)
    kind = next((c.kind for c in candidates if found and (c.kind != "claim_code" or found[0].claim.code == c.value)),
                candidates[0].kind)
    return _desk(request, branch, search_value=text[:100], found=found, searched=True, matched_by=kind)


@never_cache
@officer_required
@require_POST
def receive_claim(request: HttpRequest) -> HttpResponse:
    """Receive an envelope for the claim picked from the search."""
    principal = require_page(request.user, Action.RECEIVE_ENVELOPE)
    branch = _own_branch(principal)
    try:
        done = services.envelope_receive_by_search(
            branch=branch, user=request.user, claim_id=_int(request.POST.get("claim")) or 0,
            matched_by=(request.POST.get("matched_by") or "")[:16], form_id=(request.POST.get("form_id") or "")[:64])
    except ServiceError as exc:
        return _desk(request, branch, status=exc.status, search_error=str(exc.message))
    return _received(request, done)


def _envelope_at_door(request: HttpRequest, pk: int) -> Any:
    require_page(request.user, Action.RECEIVE_ENVELOPE)
    envelope = selectors.envelope_get(pk)
    if envelope is None:
        raise Http404
    require_page(request.user, Action.RECEIVE_ENVELOPE, branch=envelope.received_branch)
    return envelope


@never_cache
@officer_required
@require_GET
def envelope(request: HttpRequest, pk: int) -> HttpResponse:
    """One envelope at the door: its claim (code, name), flags, disinfection and quarantine."""
    env = _envelope_at_door(request, pk)
    return render(request, "dropbox/envelope.html", {
        **_bar(request), "envelope": env, "branch": env.received_branch, "tz": _tz(env.received_branch),
        "methods": policy.DISINFECTION_METHODS, "applicant": _applicant_name(env),
        "serial": serial_display(env.cover_sheet.serial) if env.cover_sheet else "",
        "in_quarantine": env.quarantine_until is not None and not policy.quarantine_over(
            now=clock.now(), until=env.quarantine_until)})


def _applicant_name(env: Any) -> str:
    from lapakasik.claims.selectors import claim_applicant

    return claim_applicant(env.claim).full_name


@never_cache
@officer_required
@require_POST
def disinfect(request: HttpRequest, pk: int) -> HttpResponse:
    env = _envelope_at_door(request, pk)
    try:
        services.envelope_disinfect(branch=env.received_branch, user=request.user, envelope_id=env.pk,
                                    method=(request.POST.get("method") or "")[:16])
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        response = redirect("dropbox:envelope", pk=env.pk)
        response.status_code = 303
        return response
    messages.success(request, _("Disinfeksi dicatat. Karantina dimulai."))
    return redirect("dropbox:desk")


@never_cache
@officer_required
@require_POST
def hand_over(request: HttpRequest) -> HttpResponse:
    """The front desk hands the ticked envelopes over, with the number counted into the bag."""
    principal = require_page(request.user, Action.RECEIVE_ENVELOPE)
    branch = _own_branch(principal)
    ids = [i for i in (_int(v) for v in request.POST.getlist("envelope")[:500]) if i is not None]
    try:
        batch = services.batch_create(branch=branch, user=request.user, envelope_ids=ids,
                                      counted=_int(request.POST.get("counted")))
    except ServiceError as exc:
        return _desk(request, branch, status=exc.status, handover_error=str(exc.message))
    messages.success(request, _("Serah terima %(ref)s dibuat: %(n)s amplop.") % {"ref": batch.reference,
                                                                                  "n": batch.sent_count})
    return redirect("dropbox:desk")


@never_cache
@officer_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """/petugas/dropbox/masuk/: the back office's hand-overs to accept and envelopes to scan."""
    principal = require_page(request.user, Action.DIGITISE_ENVELOPE)
    branch = _own_branch(principal)
    return render(request, "dropbox/inbox.html", {
        **_bar(request), "branch": branch, "tz": _tz(branch), "batches": selectors.batches_to_accept(branch),
        "envelopes": selectors.to_digitise(branch)})


@never_cache
@officer_required
@require_http_methods(["GET", "POST"])
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    """A hand-over at the back office: tick the envelopes found, type the count; a mismatch is flagged."""
    require_page(request.user, Action.DIGITISE_ENVELOPE)
    found = selectors.batch_get(pk)
    if found is None:
        raise Http404
    require_page(request.user, Action.DIGITISE_ENVELOPE, branch=found.to_branch)
    status, error = 200, ""
    if request.method == "POST":
        ids = [i for i in (_int(v) for v in request.POST.getlist("envelope")[:500]) if i is not None]
        try:
            done = services.batch_accept(branch=found.to_branch, user=request.user, batch_id=found.pk,
                                         present_ids=ids, counted=_int(request.POST.get("counted")))
        except ServiceError as exc:
            status, error = exc.status, str(exc.message)
        else:
            if done.batch.status == HandoverBatch.Status.MISMATCH:
                messages.error(request, _("Jumlah tidak cocok: serah terima ditandai dan dilaporkan ke kepala cabang."))
            else:
                messages.success(request, _("Serah terima cocok. Amplop siap dipindai."))
            return redirect("dropbox:batch", pk=found.pk)
        found = selectors.batch_get(pk) or found
    return render(request, "dropbox/batch.html", {
        **_bar(request), "batch": found, "branch": found.to_branch, "tz": _tz(found.to_branch),
        "envelopes": selectors.batch_envelopes(found), "error": error}, status=status)


@never_cache
@officer_required
@require_http_methods(["GET", "POST"])
def digitise(request: HttpRequest, pk: int) -> HttpResponse:
    """Scan the envelope's pages into the claim (intake's pipeline, source DROPBOX), then say where the
    original went."""
    require_page(request.user, Action.DIGITISE_ENVELOPE)
    env = selectors.envelope_get(pk)
    if env is None:
        raise Http404
    require_page(request.user, Action.DIGITISE_ENVELOPE, branch=env.destination)
    status, error, results = 200, "", []
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "pages":
                results = services.envelope_pages_add(
                    branch=env.destination, user=request.user, envelope_id=env.pk,
                    files=request.FILES.getlist("file")[:30], requirement_code=(request.POST.get("requirement") or "")[:40])
                status = 200 if any(r.outcome != "refused" for r in results) else 422
            elif step == "done":
                services.envelope_digitised(branch=env.destination, user=request.user, envelope_id=env.pk,
                                            original=(request.POST.get("original") or "")[:16],
                                            archive_location=(request.POST.get("archive_location") or "")[:200])
                messages.success(request, _("Amplop selesai dipindai; peserta diberi tahu."))
                return redirect("dropbox:inbox")
            else:
                status, error = 422, _("Tindakan tidak dikenal.")
        except ServiceError as exc:
            status, error = exc.status, str(exc.message)
        env = selectors.envelope_get(pk) or env
    return render(request, "dropbox/digitise.html", {
        **_bar(request), "envelope": env, "branch": env.destination, "tz": _tz(env.destination),
        "applicant": _applicant_name(env),
        "checklist_rows": [(i.label, STATUS_LABELS[i.status]) for i in claim_checklist(env.claim).items],
        "requirements": [req for req, _required in requirements_for(env.claim)],
        "documents": list(selectors.envelope_documents(env)), "results": results, "error": error,
        "originals": Original.choices}, status=status)


@never_cache
@officer_required
@require_GET
def overview_index(request: HttpRequest) -> HttpResponse:
    principal = require_page(request.user, Action.VIEW_DROPBOX)
    if principal.branch_id is not None:
        return redirect("dropbox:overview", branch=_own_branch(principal).code)
    return render(request, "dropbox/overview_index.html", {
        **_bar(request), "branches": branches_visible_to(request.user, Action.VIEW_DROPBOX).order_by("code")})


@never_cache
@officer_required
@require_GET
def overview(request: HttpRequest, branch: str) -> HttpResponse:
    """The branch head's view: envelopes by state and age, the quarantine queue, hand-overs reconciled or not."""
    found = require_branch_page(request.user, Action.VIEW_DROPBOX, branch)
    return render(request, "dropbox/overview.html", {
        **_bar(request), "branch": found, "tz": _tz(found), "now": clock.now(),
        "states": selectors.envelopes_by_state(found), "quarantine": selectors.quarantine_queue(found),
        "batches": selectors.recent_batches(found), "matched_labels": dict(MatchedBy.choices)})
