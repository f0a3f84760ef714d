"""Receiving documents: ``document_receive`` runs one incoming file — from the web page, the API, an
e-mail or (later) a dropbox scan — through THE pipeline and records the outcome; ``intake_ack_schedule``
coalesces the acknowledgement of web/API uploads (the task ``intake.tasks.intake_ack_send`` sends it)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from lapakasik.claims import workflow
from lapakasik.claims.models import Claim, ClaimEvent
from lapakasik.claims.services import claim_event_record, claim_lock, claim_transition
from lapakasik.core import clock
from lapakasik.core.errors import Conflict

from . import catalogue, files, pipeline, policy
from .models import Document, DocumentStatus, IntakeProgress, Source
from .selectors import upload_failed_context
from .tasks import intake_ack_send
from .types import HoldLimits, ReceiveResult

log = logging.getLogger(__name__)


def _result(outcome: str, filename: str, **kw: Any) -> ReceiveResult:
    return ReceiveResult(outcome=outcome, filename=filename, **kw)


def _refusal(claim: Claim, *, filename: str, code: str, params: dict[str, Any], source: str, actor: Any,
             requirement: Any, inbound_ref: str | None, size: int = 0, sha256: str = "",
             hold: bool = False) -> ReceiveResult:
    if hold:
        # A file from an unverified sender: refused, and nothing of it is kept on the claim — no row, no
        # event, and it never counts towards "upload failed" (a stranger must not move the claim). The
        # mail gateway records it in the inbound message's outcome.
        log.info("intake: file from an unverified sender refused for claim %s: %s", claim.pk, code)
        return _result("refused", filename, reason_code=code,
                       requirement_code=requirement.code if requirement else None,
                       message=_reason_message(code, "id", params), message_en=_reason_message(code, "en", params))
    with transaction.atomic():
        locked = claim_lock(claim)
        doc = Document.objects.create(
            claim=locked, requirement=requirement, source=source, status=DocumentStatus.REFUSED, reason_code=code,
            original_name=(filename or "")[:255], size=size, sha256=sha256, inbound_ref=(inbound_ref or "")[:100],
            actor_label=getattr(actor, "label", "")[:150], created_at=clock.now())
        claim_event_record(claim=locked, kind=ClaimEvent.Kind.DOCUMENT_REFUSED, actor=actor,
                           data={"document": doc.pk, "reason": code, "source": source})
        _maybe_upload_failed(locked, actor)
    return _result("refused", filename, document=doc, reason_code=code,
                   requirement_code=requirement.code if requirement else None,
                   message=_reason_message(code, "id", params), message_en=_reason_message(code, "en", params))


# Refusals of held files (from unverified senders) that the pipeline does not word itself.
HELD_REASONS = {"unverified_sender_limit": _(
    "Berkas ini tidak kami simpan: sudah terlalu banyak berkas dari alamat pengirim yang tidak terdaftar "
    "untuk klaim ini. Peserta dapat mengirim dokumennya sendiri dari alamat e-mail terdaftar atau lewat "
    "tautan unggah pribadinya.")}


def _reason_message(code: str, language: str, params: dict[str, Any]) -> str:
    if code in HELD_REASONS:
        with translation.override(language):
            return str(HELD_REASONS[code])
    return pipeline.reason_message(code, language, **params)


NOT_UPLOAD_FAULTS = ("scan_unavailable", "requirement_full", "claim_file_limit", "claim_size_limit",
                     "unknown_requirement", "officer_refused", "unverified_sender_limit")


def refusals_since_last_stored(claim: Claim) -> int:
    # The participant's last stored file: a HELD one (an unverified sender's) says nothing about whether
    # the participant's own uploads work.
    last = (Document.objects.filter(claim=claim).exclude(status__in=[DocumentStatus.REFUSED, DocumentStatus.HELD])
            .order_by("-created_at", "-id").values_list("created_at", flat=True).first())
    # Only refusals of the file itself count (not our scanner being down, nor limits).
    # An officer's refusal (``reviewed_at`` set) is a judgement of the content, not a failed upload.
    qs = (Document.objects.filter(claim=claim, status=DocumentStatus.REFUSED, reviewed_at__isnull=True)
          .exclude(reason_code__in=NOT_UPLOAD_FAULTS))
    if last is not None:
        qs = qs.filter(created_at__gt=last)
    return qs.count()


def _maybe_upload_failed(claim: Claim, actor: Any) -> None:
    threshold = int(getattr(settings, "INTAKE_REFUSALS_BEFORE_FAILED", 6))
    if not workflow.can_transition(claim.state, workflow.State.UPLOAD_FAILED):
        return  # no need to count
    failed = policy.upload_has_failed(refusals_since_last_stored=refusals_since_last_stored(claim),
                                      threshold=threshold)
    step = workflow.state_after_refusal(claim.state, upload_has_failed=failed)
    if step is not None:
        claim_transition(claim=claim, to=step.to, actor=actor, reason=step.reason,
                         notify_context=upload_failed_context(claim))


def _state_after_document(claim: Claim, actor: Any) -> None:
    """Move the claim as the workflow says after a stored document (``workflow.state_after_intake``)."""
    step = workflow.state_after_intake(claim.state, checklist_complete=catalogue.claim_checklist(claim).complete)
    if step is not None:
        claim_transition(claim=claim, to=step.to, actor=actor, reason=step.reason)


def clean_filename(filename: str | None) -> str:
    """What we keep of the sender's file name (for display only; never used to store): the last path
    component, no control characters, at most 255 characters."""
    name = (filename or "").replace("\\", "/").rpartition("/")[2]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:255]


def _limit_refusal(claim: Claim, *, hold: bool, hold_limits: HoldLimits, size: int, requirement: Any) -> str | None:
    """Which limit a new file of ``size`` bytes would break (see ``policy.storage_refusal``). Run once
    before any decoding and again under the claim's lock."""
    stored = Document.objects.filter(claim=claim).exclude(status=DocumentStatus.REFUSED)
    budget = stored.filter(status=DocumentStatus.HELD) if hold else stored.exclude(status=DocumentStatus.HELD)
    counted = budget.aggregate(files=Count("id"), total=Sum("size"))
    lim = pipeline.limits()
    requirement_files = 0
    if requirement is not None and not hold:
        requirement_files = budget.filter(requirement=requirement).count()
    return policy.storage_refusal(
        held=hold, size=size, files=counted["files"] or 0, total_bytes=counted["total"] or 0,
        max_files=hold_limits.max_files if hold else lim.max_files_per_claim,
        max_bytes=hold_limits.max_bytes if hold else lim.max_bytes_per_claim,
        requirement_files=requirement_files, requirement_max=requirement.max_files if requirement else None)


def _promote_held(claim: Claim, *, earlier: Document, filename: str, source: str, actor: Any, requirement: Any,
                  hold_limits: HoldLimits) -> ReceiveResult:
    """The participant sends (from their own address or link) a file an unverified sender had sent: the
    participant vouches for it, so the held document now counts as theirs — within their own limits."""
    with transaction.atomic():
        locked = claim_lock(claim)
        doc = Document.objects.select_for_update().get(pk=earlier.pk)
        if doc.status != DocumentStatus.HELD:  # someone else changed it meanwhile
            return _result("duplicate", filename, document=doc,
                           requirement_code=doc.requirement.code if doc.requirement else None)
        requirement = requirement or doc.requirement
        refusal = _limit_refusal(locked, hold=False, hold_limits=hold_limits, size=doc.size, requirement=requirement)
        if refusal is None:
            doc.status = DocumentStatus.RECEIVED
            doc.requirement = requirement
            doc.save(update_fields=["status", "requirement"])
            claim_event_record(claim=locked, kind=ClaimEvent.Kind.DOCUMENT_RECEIVED, actor=actor, data={
                "document": doc.pk, "requirement": requirement.code if requirement else None, "source": source,
                "held": False, "confirmed_held": True, "sha256": doc.sha256})
            _state_after_document(locked, actor)
            claim.state = locked.state
            return _result("received", filename, document=doc,
                           requirement_code=requirement.code if requirement else None)
    return _refusal(claim, filename=filename, code=refusal, params={}, source=source, actor=actor,
                    requirement=requirement, inbound_ref=None, size=doc.size, sha256=doc.sha256)


def document_receive(
    *, claim: Claim, fileobj: IO[bytes], filename: str, declared_type: str | None, source: str,
    requirement_code: str | None = None, actor: Any, inbound_ref: str | None = None, hold: bool = False,
    hold_limits: HoldLimits | None = None,
) -> ReceiveResult:
    """Run one incoming file through THE pipeline and record the outcome.

    ``fileobj`` is read in chunks (spooled to a temporary file when it is not seekable; never held
    whole in memory twice). ``declared_type`` is what the sender claimed (MIME type; only a hint —
    content decides). ``source`` is an ``intake.models.Source`` value. ``requirement_code`` is the
    participant's choice (web) or the gateway's classification; None → classified from the file name,
    and when nothing matches the document waits for an officer to assign it. ``hold=True`` stores the
    file with status HELD (mail from an address other than the claim's): it does not count against the
    participant's limits but against ``hold_limits`` (default ``HoldLimits()``); a refused held file
    leaves no row at all. A participant's file identical to a HELD one makes that one theirs
    (RECEIVED). ``actor`` is a ``claims.services.Actor``.

    Crash-safety: the file is written to storage first under a generated name, then the Document
    row and the ClaimEvent in one transaction; an orphan file from a crash in between is removed by
    ``intake.tasks.intake_orphans_clean``. A refused file leaves a REFUSED row and nothing in storage.
    Never raises for bad files (returns ``outcome="refused"``); raises ``ServiceError`` only when the
    claim no longer accepts documents.
    """
    hold_limits = hold_limits or HoldLimits()
    filename = clean_filename(filename)
    if claim.state not in workflow.ACCEPTS_DOCUMENTS:
        raise Conflict(_("Klaim ini tidak lagi menerima dokumen. Hubungi contact center 175 bila perlu bantuan."),
                       code="claim_not_accepting_documents")
    if source not in Source.values:
        raise ValueError(f"unknown source {source!r}")
    requirement = None
    if requirement_code:
        requirement = catalogue.requirement_get(claim, requirement_code)
        applicable = {req.pk for req, _required in catalogue.requirements_for(claim)}
        if requirement is None or requirement.pk not in applicable:
            return _refusal(claim, filename=filename, code="unknown_requirement", params={}, source=source,
                            actor=actor, requirement=None, inbound_ref=inbound_ref, hold=hold)
    else:
        code = catalogue.requirement_classify(claim=claim, filename=filename)
        requirement = catalogue.requirement_get(claim, code) if code else None

    lim = pipeline.limits()
    # A claim that is already full refuses before the file is even read: no spooling, no decoding
    # (4 parallel uploads of large PNGs to a full claim used to hold the web workers for 14–28 s).
    full = _limit_refusal(claim, hold=hold, hold_limits=hold_limits, size=1, requirement=None)
    if full is not None:
        return _refusal(claim, filename=filename, code=full, params={}, source=source, actor=actor,
                        requirement=requirement, inbound_ref=inbound_ref, hold=hold)
    try:
        spooled = pipeline.spool(fileobj, lim.max_file_bytes)
    except pipeline.Refused as exc:
        return _refusal(claim, filename=filename, code=exc.code, params=exc.params, source=source, actor=actor,
                        requirement=requirement, inbound_ref=inbound_ref, hold=hold)
    try:
        # The same file again: answer at once (no need to scan or decode it twice).
        earlier = Document.objects.filter(claim=claim, sha256=spooled.sha256).exclude(
            status=DocumentStatus.REFUSED).first()
        if earlier is not None:
            if earlier.status == DocumentStatus.HELD and not hold:
                return _promote_held(claim, earlier=earlier, filename=filename, source=source, actor=actor,
                                     requirement=requirement, hold_limits=hold_limits)
            return _result("duplicate", filename, document=earlier,
                           requirement_code=earlier.requirement.code if earlier.requirement else None)
        # A new file for a requirement that already has its files, or past the unverified sender's own
        # budget: refused before any decoding too (and again under the lock).
        full = _limit_refusal(claim, hold=hold, hold_limits=hold_limits, size=1, requirement=requirement)
        if full is not None:
            return _refusal(claim, filename=filename, code=full, params={}, source=source, actor=actor,
                            requirement=requirement, inbound_ref=inbound_ref, size=spooled.size,
                            sha256=spooled.sha256, hold=hold)
        try:
            prepared = pipeline.inspect(spooled, filename, declared_type)
        except pipeline.Refused as exc:
            return _refusal(claim, filename=filename, code=exc.code, params=exc.params, source=source, actor=actor,
                            requirement=requirement, inbound_ref=inbound_ref, size=spooled.size,
                            sha256=spooled.sha256, hold=hold)
        try:
            return _store(claim, prepared=prepared, filename=filename, source=source, actor=actor,
                          requirement=requirement, inbound_ref=inbound_ref, hold=hold, hold_limits=hold_limits)
        finally:
            prepared.close()
    finally:
        spooled.close()


def _counted(claim: Claim) -> Any:
    """The claim's files that count against its limits."""
    return Document.objects.filter(claim=claim).exclude(status=DocumentStatus.REFUSED)


def _store(claim: Claim, *, prepared: pipeline.Prepared, filename: str, source: str, actor: Any, requirement: Any,
           inbound_ref: str | None, hold: bool, hold_limits: HoldLimits) -> ReceiveResult:
    # 1. file(s) to storage under generated names — a crash after this leaves only an orphan file.
    name = files.save(files.generated_name(claim.code, prepared.extension), prepared.path)
    thumb = ""
    try:
        if prepared.thumbnail_path:
            thumb = files.save(files.generated_name(claim.code, "jpg", "-thumb"), prepared.thumbnail_path)
    except Exception:
        files.delete_quietly(name)
        raise
    # 2. the row, the event and the state change in one transaction, limits re-checked under the lock.
    # The participant's limits count their own files only; an unverified sender's (HELD) files have a
    # small budget of their own (hold_limits).
    refusal: str | None = None
    doc: Document | None = None
    duplicate: Document | None = None
    try:
        with transaction.atomic():
            locked = claim_lock(claim)
            stored = _counted(locked)
            duplicate = stored.filter(sha256=prepared.sha256).first()
            if duplicate is None:
                refusal = _limit_refusal(locked, hold=hold, hold_limits=hold_limits, size=prepared.size,
                                         requirement=requirement)
            if duplicate is None and refusal is None:
                doc = Document.objects.create(
                    claim=locked, requirement=requirement, source=source,
                    status=DocumentStatus.HELD if hold else DocumentStatus.RECEIVED,
                    original_name=filename, kind=prepared.kind, content_type=prepared.content_type,
                    size=prepared.size, sha256=prepared.sha256, file=name, thumbnail=thumb,
                    width=prepared.width, height=prepared.height, pages=prepared.pages,
                    inbound_ref=(inbound_ref or "")[:100], actor_label=getattr(actor, "label", "")[:150],
                    created_at=clock.now())
                claim_event_record(claim=locked, kind=ClaimEvent.Kind.DOCUMENT_RECEIVED, actor=actor, data={
                    "document": doc.pk, "requirement": requirement.code if requirement else None,
                    "source": source, "held": hold, "sha256": prepared.sha256})
                if not hold:
                    _state_after_document(locked, actor)
                    claim.state = locked.state
    except IntegrityError:
        # A concurrent request stored the same file first (unique claim+sha256).
        files.delete_quietly(name, thumb)
        duplicate = Document.objects.filter(claim=claim, sha256=prepared.sha256).exclude(
            status=DocumentStatus.REFUSED).first()
        return _result("duplicate", filename, document=duplicate,
                       requirement_code=duplicate.requirement.code if duplicate and duplicate.requirement else None)
    except BaseException:
        files.delete_quietly(name, thumb)
        raise
    if doc is None:
        files.delete_quietly(name, thumb)
        if duplicate is not None:
            return _result("duplicate", filename, document=duplicate,
                           requirement_code=duplicate.requirement.code if duplicate.requirement else None)
        assert refusal is not None
        return _refusal(claim, filename=filename, code=refusal, params={}, source=source, actor=actor,
                        requirement=requirement, inbound_ref=inbound_ref, size=prepared.original_size,
                        sha256=prepared.sha256, hold=hold)
    return _result("held" if hold else "received", filename, document=doc,
                   requirement_code=requirement.code if requirement else None)


def intake_ack_schedule(*, claim: Claim, delay_seconds: int | None = None) -> bool:
    """Web/API uploads: one acknowledgement per burst instead of one per click. The first upload
    since the last acknowledgement schedules ``intake_ack_send`` in ``INTAKE_ACK_DELAY_SECONDS`` (60);
    later uploads in that window are included in it (``IntakeProgress.ack_due_at`` marks the one
    pending). Returns True when it scheduled one."""
    delay = delay_seconds if delay_seconds is not None else int(getattr(settings, "INTAKE_ACK_DELAY_SECONDS", 60))
    with transaction.atomic():
        locked = claim_lock(claim)
        progress = IntakeProgress.for_locked_claim(locked)
        if progress.ack_due_at is not None:
            return False
        progress.ack_due_at = clock.now() + timedelta(seconds=delay)
        progress.save(update_fields=["ack_due_at"])
        intake_ack_send.using(run_after=progress.ack_due_at).enqueue(locked.pk)
    return True

