"""Every write of the intake app except receiving a file (``receive.document_receive``): opening and
revoking intake access, acknowledging, officer review, the failure path (UPLOAD_FAILED) and the
periodic jobs (deadlines, reminders, orphan files, the coalesced acknowledgement)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lapakasik.claims import workflow
from lapakasik.claims.models import Claim, ClaimEvent
from lapakasik.claims.services import (
    Actor,
    applicant_recipient,
    claim_event_record,
    claim_lock,
    claim_transition,
)
from lapakasik.core import clock
from lapakasik.core.codes import new_code, new_token
from lapakasik.core.dates import long_date
from lapakasik.core.errors import Conflict, InvalidInput, NotFound
from lapakasik.core.storage import unreferenced_files_delete
from lapakasik.notifications.selectors import notification_last_confirmation_at
from lapakasik.notifications.services import notification_enqueue

from . import files, pipeline, policy
from .catalogue import claim_checklist, requirement_get, requirements_for
from .models import CoverSheet, Document, DocumentStatus, IntakeAccess, IntakeProgress, Source
from .policy import reminder_quiet
from .selectors import (
    ack_context,
    branch_today,
    dropbox_branches,
    dropbox_expected_context,
    dropbox_grace_days,
    dropbox_plan_max_days,
    intake_links_get,
    upload_failed_context,
    upload_url,
)
from .types import IntakeLinks, ReceiveResult

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------
# Intake access


def _email_token() -> str:
    # Lower-case Crockford: mail systems may lower-case local parts; 20 chars = 100 bits.
    return new_code(20).lower()


def intake_open(*, claim: Claim, new_claim: bool = False) -> IntakeLinks:
    """Create (or return the live) personal intake address ``<token>@INTAKE_DOMAIN`` and upload link
    for ``claim``. Idempotent: a claim with live access gets the same links back. Call it INSIDE the
    booking transaction (it only writes rows of its own). ``new_claim``: the claim was created in this
    transaction, so it has no links yet: both rows go in one INSERT, with no read first."""
    now = clock.now()
    with transaction.atomic(savepoint=False):  # inside the booking transaction: no savepoint round trips
        live = {} if new_claim else {
            a.kind: a for a in IntakeAccess.objects.filter(claim=claim, revoked_at__isnull=True)}
        missing = [IntakeAccess(claim=claim, kind=kind, token=token_fn(), created_at=now) for kind, token_fn in (
            (IntakeAccess.Kind.EMAIL, _email_token), (IntakeAccess.Kind.UPLOAD, lambda: new_token(24)))
            if kind not in live]
        if missing:
            IntakeAccess.objects.bulk_create(missing)
            live.update({a.kind: a for a in missing})
    email, upload = live[IntakeAccess.Kind.EMAIL], live[IntakeAccess.Kind.UPLOAD]
    return IntakeLinks(email_address=f"{email.token}@{settings.INTAKE_DOMAIN}", upload_url=upload_url(upload.token))


def intake_revoke(*, claim: Claim, actor: Any, kind: str | None = None) -> IntakeLinks:
    """Revoke the claim's live address/link (both, or ``kind``) and open new ones."""
    with transaction.atomic():
        locked = claim_lock(claim)
        qs = IntakeAccess.objects.filter(claim=locked, revoked_at__isnull=True)
        if kind:
            qs = qs.filter(kind=kind)
        qs.update(revoked_at=clock.now())
        links = intake_open(claim=locked)
        claim_event_record(claim=locked, kind=ClaimEvent.Kind.INTAKE_REVOKED, actor=actor, data={"kind": kind or "all"})
    return links


# ---------------------------------------------------------------------------------------------
# Acknowledging (receiving itself is ``receive.document_receive``)


def intake_acknowledge(
    *, claim: Claim, results: list[ReceiveResult], reply_to_message_id: str | None = None,
) -> None:
    """Enqueue notification event ``intake_ack`` for ``claim`` — to the participant's own contact only
    (it names them, the claim, the deadline and the checklist): what arrived, what was refused and
    why, what is still missing, and the documents deadline (H-1). ``reply_to_message_id`` makes the
    e-mail a reply in the participant's thread. Call inside the caller's transaction."""
    if not results:
        return
    to = applicant_recipient(claim)
    context = ack_context(claim, results, language=to.language or "id")
    if reply_to_message_id:
        context["reply_to_message_id"] = reply_to_message_id
    notification_enqueue(event="intake_ack", claim=claim, to=to, context=context)


# ---------------------------------------------------------------------------------------------
# When upload fails


def upload_failed_report(*, claim: Claim, actor: Any, reason: str = "participant_reported",
                         problem: str = "") -> Claim:
    """The participant confirms "Saya tidak bisa mengunggah" (or a job decides so): → UPLOAD_FAILED, with
    the dropbox the participant may use (``selectors.upload_failed_context``) or the online alternatives
    in ONE notification (one message per chosen channel). ``problem`` is what the participant said went
    wrong (``policy.UPLOAD_PROBLEMS``), kept in the history for the officer. Decided under the claim's
    lock: a claim already in UPLOAD_FAILED / DROPBOX_EXPECTED changes nothing and sends nothing (a double
    submit, two tabs); a claim that cannot go there (under review, closed) is a Conflict."""
    if problem and not policy.upload_problem_valid(problem):
        raise InvalidInput(fields={"problem": [str(_("Pilih salah satu masalah dari daftar."))]})
    with transaction.atomic():
        locked = claim_lock(claim)
        if locked.state in workflow.UPLOAD_TROUBLE:
            claim.state = locked.state
            return locked
        if not workflow.can_transition(locked.state, workflow.State.UPLOAD_FAILED):
            raise Conflict(_("Klaim ini tidak sedang menunggu dokumen, jadi tidak perlu cara lain mengirim."),
                           code="invalid_transition")
        claim_transition(claim=locked, to=workflow.State.UPLOAD_FAILED, actor=actor, reason=reason,
                         data={"problem": problem} if problem else None,
                         notify_context=upload_failed_context(locked))
    claim.refresh_from_db()
    return claim


DATE_REFUSALS = {
    "past": _("Tanggal itu sudah lewat. Pilih hari ini atau hari sesudahnya."),
    "too_far": _("Pilih tanggal paling lama %(days)s hari dari hari ini."),
}


def dropbox_plan(*, claim: Claim, branch_code: str, planned_on: Any, actor: Any) -> CoverSheet:
    """The participant who cannot upload chooses the dropbox: the branch (one whose dropbox they may use under
    their region's channel policy, ``selectors.dropbox_branches``) and the day they plan to come. Prints a new
    cover sheet (a new row with its own serial) and, from UPLOAD_FAILED, moves the claim to DROPBOX_EXPECTED
    with the ``dropbox_expected`` message; a claim already there gets the new sheet and plan (recorded in its
    history, no second message). Refused, writing nothing: a branch not offered (``InvalidInput`` on
    ``branch``), a date in the past or too far ahead (on ``planned_on``), a claim that is not in the
    "can't upload" path (Conflict)."""
    usable = {b.code: b for b in dropbox_branches(claim)}
    branch = usable.get((branch_code or "").strip().upper())
    if branch is None:
        raise InvalidInput(_("Pilih salah satu kantor cabang yang membuka dropbox untuk Anda."), code="branch_invalid",
                           fields={"branch": [str(_("Pilih salah satu kantor cabang yang membuka dropbox untuk Anda."))]})
    if planned_on is None:
        raise InvalidInput(_("Tulis tanggal Anda akan datang."), code="planned_on_invalid",
                           fields={"planned_on": [str(_("Tulis tanggal Anda akan datang."))]})
    max_days = dropbox_plan_max_days()
    refusal = policy.dropbox_date_refusal(planned_on=planned_on, today=branch_today(branch), max_days=max_days)
    if refusal is not None:
        text = str(DATE_REFUSALS[refusal]) % {"days": max_days} if refusal == "too_far" else str(DATE_REFUSALS[refusal])
        raise InvalidInput(text, code=f"planned_on_{refusal}", fields={"planned_on": [text]})
    with transaction.atomic():
        locked = claim_lock(claim)
        if locked.state not in workflow.UPLOAD_TROUBLE:
            raise Conflict(_("Lembar sampul dropbox tersedia setelah Anda memilih \"Saya tidak bisa mengunggah\"."),
                           code="invalid_transition")
        sheet = CoverSheet.objects.create(serial=new_code(policy.SERIAL_LENGTH), claim=locked, branch=branch,
                                          planned_on=planned_on, printed_at=clock.now())
        progress = IntakeProgress.for_locked_claim(locked)
        if progress.dropbox_reminded_at is not None:  # a new plan earns its own reminder
            progress.dropbox_reminded_at = None
            progress.save(update_fields=["dropbox_reminded_at"])
        data = {"cover_sheet": sheet.pk, "branch": branch.code, "planned_on": planned_on.isoformat()}
        if locked.state == workflow.State.UPLOAD_FAILED:
            claim_transition(claim=locked, to=workflow.State.DROPBOX_EXPECTED, actor=actor, reason="dropbox_chosen",
                             data=data, notify_context=dropbox_expected_context(locked, sheet))
        else:
            claim_event_record(claim=locked, kind=ClaimEvent.Kind.COVER_SHEET_PRINTED, actor=actor, data=data)
        claim.state = locked.state
    return sheet


def dropbox_arrival_mark(*, locked_claim: Claim, now: Any) -> None:
    """An envelope of the claim reached a dropbox (called by the dropbox app with the claim locked): the
    reminder and the deadline below stop for it."""
    progress = IntakeProgress.for_locked_claim(locked_claim)
    if progress.dropbox_arrived_at is None:
        progress.dropbox_arrived_at = now
        progress.save(update_fields=["dropbox_arrived_at"])


def _waiting_at_dropbox() -> Any:
    arrived = IntakeProgress.objects.filter(dropbox_arrived_at__isnull=False).values("claim_id")
    return (Claim.objects.select_related("branch").filter(state=workflow.State.DROPBOX_EXPECTED)
            .exclude(pk__in=arrived))


def dropbox_reminders_send(*, now: Any = None) -> int:
    """The day before the participant planned to come (in the chosen branch's zone), or later, while no
    envelope has arrived: notification ``dropbox_reminder`` with the branch, the date and the cover sheet, once
    per plan (``IntakeProgress.dropbox_reminded_at``; history records it). Returns how many were sent."""
    now = now or clock.now()
    sent = 0
    for claim in _waiting_at_dropbox().iterator():
        with transaction.atomic():
            locked = claim_lock(claim)
            sheet = CoverSheet.objects.select_related("branch").filter(claim=locked).order_by("-printed_at", "-id").first()
            progress = IntakeProgress.for_locked_claim(locked)
            if (sheet is None or locked.state != workflow.State.DROPBOX_EXPECTED
                    or progress.dropbox_reminded_at is not None or progress.dropbox_arrived_at is not None):
                continue
            today = timezone.localtime(now, ZoneInfo(sheet.branch.time_zone or "Asia/Jakarta")).date()
            if today < sheet.planned_on - timedelta(days=1):
                continue
            to = applicant_recipient(locked)
            context = dropbox_expected_context(locked, sheet)
            context["planned_on_local"] = long_date(sheet.planned_on, to.language or "id")
            notification_enqueue(event="dropbox_reminder", claim=locked, to=to, context=context)
            progress.dropbox_reminded_at = now
            progress.save(update_fields=["dropbox_reminded_at"])
            claim_event_record(claim=locked, kind=ClaimEvent.Kind.DROPBOX_REMINDER_SENT,
                               actor=Actor.system("pengingat dropbox"),
                               data={"cover_sheet": sheet.pk, "planned_on": sheet.planned_on.isoformat()})
        sent += 1
    return sent


def dropbox_deadline_check(*, now: Any = None) -> int:
    """Claims waiting at the dropbox whose envelope has not arrived ``INTAKE_DROPBOX_GRACE_DAYS`` (7) days
    after the planned date (branch time) → EXPIRED (reason ``dropbox_not_arrived``; the expiry message says
    to book again). Returns how many expired."""
    now = now or clock.now()
    grace = dropbox_grace_days()
    moved = 0
    for claim in _waiting_at_dropbox().iterator():
        try:
            with transaction.atomic():
                locked = claim_lock(claim)
                sheet = CoverSheet.objects.select_related("branch").filter(claim=locked).order_by(
                    "-printed_at", "-id").first()
                progress = IntakeProgress.for_locked_claim(locked)
                if sheet is None or locked.state != workflow.State.DROPBOX_EXPECTED or progress.dropbox_arrived_at:
                    continue
                today = timezone.localtime(now, ZoneInfo(sheet.branch.time_zone or "Asia/Jakarta")).date()
                if today <= sheet.planned_on + timedelta(days=grace):
                    continue
                claim_transition(claim=locked, to=workflow.State.EXPIRED, actor=Actor.system("batas waktu dropbox"),
                                 reason="dropbox_not_arrived", data={"planned_on": sheet.planned_on.isoformat()})
            moved += 1
        except Exception:  # one bad claim must not stop the job
            log.exception("intake: dropbox deadline check failed for claim %s", claim.pk)
    return moved


def state_after_stored_document(claim: Claim, actor: Any) -> None:
    """A document now counts for the checklist (an officer accepted a held one, the participant said which
    document an unmatched file is): move the claim as ``workflow.state_after_intake`` says — out of
    UPLOAD_FAILED, or to DOCUMENTS_RECEIVED once complete. ``claim`` is locked by the caller."""
    step = workflow.state_after_intake(claim.state, checklist_complete=claim_checklist(claim).complete)
    if step is not None:
        claim_transition(claim=claim, to=step.to, actor=actor, reason=step.reason)


def intake_deadline_check(*, now: Any = None) -> int:
    """Claims whose documents deadline (H-1) has passed with the checklist incomplete → UPLOAD_FAILED.
    Returns how many were moved. Run by the periodic job ``intake_deadlines``."""
    now = now or clock.now()
    moved = 0
    due = Claim.objects.select_related("branch").filter(
        documents_due_at__lt=now,
        state__in=workflow.AWAITING_PARTICIPANT)
    for claim in due.iterator():
        if claim_checklist(claim).complete:
            continue
        try:
            upload_failed_report(claim=claim, actor=Actor.system("batas waktu dokumen"), reason="deadline_passed")
            moved += 1
        except Exception:  # one bad claim must not stop the job
            log.exception("intake: deadline check failed for claim %s", claim.pk)
    return moved


# ---------------------------------------------------------------------------------------------
# Officer review


def document_review(*, document: Any, actor: Any, accept: bool, reason_code: str = "",
                    requirement_code: str | None = None) -> Any:
    """An officer accepts or refuses a stored document (and may (re)assign its requirement)."""
    with transaction.atomic():
        locked_claim = claim_lock(document.claim)
        doc = Document.objects.select_for_update().get(pk=document.pk)
        if requirement_code:
            req = requirement_get(locked_claim, requirement_code)
            if req is None:
                raise InvalidInput(fields={"requirement": ["unknown"]})
            doc.requirement = req
        was_held = doc.status == DocumentStatus.HELD
        doc.status = DocumentStatus.ACCEPTED if accept else DocumentStatus.REFUSED
        doc.reason_code = "" if accept else (reason_code or "officer_refused")
        doc.reviewed_at = clock.now()
        doc.save(update_fields=["requirement", "status", "reason_code", "reviewed_at"])
        claim_event_record(claim=locked_claim, kind=ClaimEvent.Kind.DOCUMENT_REVIEWED, actor=actor,
                           data={"document": doc.pk, "accepted": accept, "reason": doc.reason_code})
        if accept and was_held:
            # A held file (e-mail from another address) counts only now: the documents have arrived, so the
            # claim leaves UPLOAD_FAILED (or is complete) like a file the participant sent themselves.
            state_after_stored_document(locked_claim, actor)
    return doc


def document_open_record(*, document: Any, actor: Any, thumbnail: bool = False, viewer: bool = False) -> ClaimEvent:
    """An officer opened (downloaded, or viewed in the page: ``viewer``) a stored document: recorded in
    the claim's history, with the claim row locked like every other event write (two officers opening
    at once get seqs n and n+1)."""
    data: dict[str, Any] = {"document": document.pk, "thumbnail": thumbnail}
    if viewer:
        data["viewer"] = True
    with transaction.atomic():
        locked = claim_lock(document.claim)
        return claim_event_record(claim=locked, kind=ClaimEvent.Kind.DOCUMENT_OPENED, actor=actor, data=data)


def document_pages_record(*, document: Any, pages: int) -> None:
    """Remember a PDF's page count the viewer had to work out (intake normally records it)."""
    Document.objects.filter(pk=document.pk, pages__isnull=True).update(pages=pages)
    document.pages = pages


# ---------------------------------------------------------------------------------------------
# Housekeeping


def intake_orphans_clean(*, older_than_minutes: int | None = None, full: bool = False) -> int:
    """Remove stored files no Document row points to (left by a crash between storing the file and
    committing the row), older than the grace period. Walks this month's and last month's folders
    (``full=True``: everything). One query per folder. Returns how many were removed."""
    grace = older_than_minutes if older_than_minutes is not None else int(
        getattr(settings, "INTAKE_ORPHAN_GRACE_MINUTES", 60))
    now = clock.now()
    cutoff = now - timedelta(minutes=grace)
    store = files.storage()
    prefix = str(getattr(settings, "INTAKE_STORAGE_PREFIX", "documents")).strip("/")
    if full:
        tops = [prefix]
    else:
        last_month = now.replace(day=1) - timedelta(days=1)
        tops = [f"{prefix}/{now:%Y/%m}", f"{prefix}/{last_month:%Y/%m}"]

    def referenced(paths: list[str]) -> set[str]:
        known = set(Document.objects.filter(file__in=paths).values_list("file", flat=True))
        known |= set(Document.objects.filter(thumbnail__in=paths).values_list("thumbnail", flat=True))
        # the viewer's rendered pages live as long as their document's file (same folder)
        return known | {p for p in paths if files.view_page_owner(p) in known}

    return unreferenced_files_delete(store=store, tops=tops, referenced=referenced, cutoff=cutoff)


def intake_reminders_send(*, now: Any = None, hours_before: int | None = None) -> int:
    """Remind participants whose checklist is still incomplete when the documents deadline (H-1) is
    less than ``hours_before`` (INTAKE_REMINDER_HOURS, 24) away: notification
    ``documents_incomplete_reminder`` with what is missing and the links. Once per claim
    (``IntakeProgress.documents_reminded_at`` marks it; history records it too). Returns how many were sent."""
    now = now or clock.now()
    hours = hours_before if hours_before is not None else int(getattr(settings, "INTAKE_REMINDER_HOURS", 24))
    reminded = IntakeProgress.objects.filter(documents_reminded_at__isnull=False).values("claim_id")
    due = (Claim.objects.select_related("branch")
           .filter(documents_due_at__gt=now, documents_due_at__lte=now + timedelta(hours=hours),
                   state__in=workflow.AWAITING_PARTICIPANT)
           .exclude(pk__in=reminded))
    sent = 0
    quiet_hours = int(getattr(settings, "NOTIFY_REMINDER_QUIET_HOURS", 12))
    for claim in due.iterator():
        if claim_checklist(claim).complete:
            continue
        if reminder_quiet(now=now, confirmed_at=notification_last_confirmation_at(claim=claim),
                          quiet_hours=quiet_hours):
            continue  # the confirmation said it moments ago; a later run reminds if still needed
        with transaction.atomic():
            locked = claim_lock(claim)
            progress = IntakeProgress.for_locked_claim(locked)
            if progress.documents_reminded_at is not None:
                continue
            to = applicant_recipient(locked)
            context = ack_context(locked, [], language=to.language or "id")
            links = intake_links_get(locked)
            if links:
                context.update(upload_url=links.upload_url, email_address=links.email_address)
            notification_enqueue(event="documents_incomplete_reminder", claim=locked, to=to, context=context)
            progress.documents_reminded_at = now
            progress.save(update_fields=["documents_reminded_at"])
            claim_event_record(claim=locked, kind=ClaimEvent.Kind.DOCUMENTS_REMINDER_SENT,
                               actor=Actor.system("pengingat dokumen"),
                               data={"missing": [m["code"] for m in context["missing"]]})
        sent += 1
    return sent


def document_assign(*, document: Any, actor: Any, requirement_code: str) -> Any:
    """An officer matches a stored document to a requirement (status unchanged)."""
    with transaction.atomic():
        locked_claim = claim_lock(document.claim)
        doc = Document.objects.select_for_update().get(pk=document.pk)
        req = requirement_get(locked_claim, requirement_code)
        if req is None or doc.status == DocumentStatus.REFUSED:
            raise InvalidInput(fields={"requirement": ["unknown"]})
        doc.requirement = req
        doc.save(update_fields=["requirement"])
        claim_event_record(claim=locked_claim, kind=ClaimEvent.Kind.DOCUMENT_ASSIGNED, actor=actor,
                           data={"document": doc.pk, "requirement": req.code})
    return doc


def document_assign_participant(*, claim: Claim, document_id: int, requirement_code: str, actor: Any) -> Any:
    """The participant says which document an unmatched file is ("dokumen apa ini?" on the upload page).
    Under the claim's lock: the file must be the claim's own stored, unmatched file (another claim's id →
    NotFound, as if it did not exist); the requirement must be on this claim's checklist and have room
    (else InvalidInput / Conflict, nothing changes). Saying it again for the same requirement changes
    nothing (a double tap); a file already matched is not moved (that is the officer's call). The
    assignment may complete the checklist or end UPLOAD_FAILED (``state_after_stored_document``)."""
    with transaction.atomic():
        locked = claim_lock(claim)
        doc = Document.objects.select_for_update().filter(pk=document_id, claim=locked).first()
        if doc is None or doc.status == DocumentStatus.REFUSED:
            raise NotFound(_("Berkas tidak ditemukan."), code="document_not_found")
        req = requirement_get(locked, requirement_code)
        if req is None or req.pk not in {r.pk for r, _required in requirements_for(locked)}:
            raise InvalidInput(pipeline.reason_message("unknown_requirement"), code="unknown_requirement",
                               fields={"requirement": [pipeline.reason_message("unknown_requirement")]})
        if doc.requirement_id == req.pk:
            return doc  # said twice: already so
        if doc.requirement_id is not None or doc.status != DocumentStatus.RECEIVED:
            raise Conflict(_("Berkas ini sudah dicocokkan dengan dokumen lain; petugas akan memeriksanya."),
                           code="document_already_assigned")
        counted = Document.objects.filter(claim=locked, requirement=req).exclude(
            status__in=[DocumentStatus.REFUSED, DocumentStatus.HELD]).count()
        if counted >= req.max_files:
            raise Conflict(pipeline.reason_message("requirement_full"), code="requirement_full")
        doc.requirement = req
        doc.save(update_fields=["requirement"])
        claim_event_record(claim=locked, kind=ClaimEvent.Kind.DOCUMENT_ASSIGNED, actor=actor,
                           data={"document": doc.pk, "requirement": req.code, "by": "participant"})
        state_after_stored_document(locked, actor)
        claim.state = locked.state
    return doc


# ---------------------------------------------------------------------------------------------
# Coalesced acknowledgement for web/API uploads and online forms (scheduled by ``receive.intake_ack_schedule``)


def intake_ack_send_pending(*, claim_id: int) -> int:
    """Send the acknowledgement for web/API documents since the last one (task ``intake_ack_send``).
    Returns how many files it listed (0: nothing to say, nothing sent)."""
    claim = Claim.objects.select_related("branch").filter(pk=claim_id).first()
    if claim is None:
        return 0
    with transaction.atomic():
        locked = claim_lock(claim)
        progress = IntakeProgress.for_locked_claim(locked)
        sent_at = progress.ack_sent_at
        docs = (Document.objects.filter(claim=locked, source__in=[Source.WEB, Source.API, Source.ONLINE_FORM])
                .select_related("requirement"))
        if sent_at is not None:
            docs = docs.filter(created_at__gt=sent_at)
        results = []
        for doc in docs.order_by("created_at", "id"):
            refused = doc.status == DocumentStatus.REFUSED
            code = doc.reason_code if refused else ""
            results.append(ReceiveResult(
                outcome="refused" if refused else ("held" if doc.status == DocumentStatus.HELD else "received"),
                filename=doc.original_name, document=doc, reason_code=code,
                requirement_code=doc.requirement.code if doc.requirement else None,
                message=pipeline.reason_message(code, "id") if code in pipeline.REASONS else "",
                message_en=pipeline.reason_message(code, "en") if code in pipeline.REASONS else ""))
        progress.ack_due_at, progress.ack_sent_at = None, clock.now()
        progress.save(update_fields=["ack_due_at", "ack_sent_at"])
        claim_event_record(claim=locked, kind=ClaimEvent.Kind.INTAKE_ACK_SENT, actor=Actor.system("tanda terima"),
                           data={"files": len(results)})
        if results:
            to = applicant_recipient(locked)
            notification_enqueue(event="intake_ack", claim=locked, to=to,
                                 context=ack_context(locked, results, language=to.language or "id"))
    return len(results)
