"""Implementation of ``services.document_receive`` and ``services.intake_acknowledge``."""

from __future__ import annotations

import logging
import os
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from lapakasik.claims import workflow
from lapakasik.claims.models import Claim
from lapakasik.core import clock
from lapakasik.core.codes import new_token
from lapakasik.core.errors import Conflict

from . import catalogue, pipeline, policy
from .models import Document, DocumentStatus, Source

log = logging.getLogger(__name__)


def storage() -> Any:
    return storages["default"]


def _generated_name(claim: Claim, ext: str, suffix: str = "") -> str:
    prefix = str(getattr(settings, "INTAKE_STORAGE_PREFIX", "documents")).strip("/")
    day = clock.now().strftime("%Y/%m")
    return f"{prefix}/{day}/{claim.code}/{new_token(12)}{suffix}.{ext}"


def _save(name: str, path: str) -> str:
    with open(path, "rb") as fh:
        return str(storage().save(name, File(fh, name=os.path.basename(name))))


def _delete_quietly(*names: str) -> None:
    for name in names:
        if not name:
            continue
        try:
            storage().delete(name)
        except Exception:  # the orphan job will find it
            log.warning("intake: could not delete stored file %s", name)


def _result(outcome: str, filename: str, **kw: Any) -> Any:
    from .services import ReceiveResult

    return ReceiveResult(outcome=outcome, filename=filename, **kw)


def _refusal(claim: Claim, *, filename: str, code: str, params: dict[str, Any], source: str, actor: Any,
             requirement: Any, inbound_ref: str | None, size: int = 0, sha256: str = "", hold: bool = False) -> Any:
    from lapakasik.claims.services import claim_event_record, claim_lock

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
        claim_event_record(claim=locked, kind="document_refused", actor=actor,
                           data={"document": doc.pk, "reason": code, "source": source})
        _maybe_upload_failed(locked, actor)
    return _result("refused", filename, document=doc, reason_code=code,
                   requirement_code=requirement.code if requirement else None,
                   message=_reason_message(code, "id", params), message_en=_reason_message(code, "en", params))


def _held_reasons() -> dict[str, Any]:
    from django.utils.translation import gettext_lazy as _

    return {"unverified_sender_limit": _(
        "Berkas ini tidak kami simpan: sudah terlalu banyak berkas dari alamat pengirim yang tidak terdaftar "
        "untuk klaim ini. Peserta dapat mengirim dokumennya sendiri dari alamat e-mail terdaftar atau lewat "
        "tautan unggah pribadinya.")}


def _reason_message(code: str, language: str, params: dict[str, Any]) -> str:
    held = _held_reasons()
    if code in held:
        from django.utils import translation

        with translation.override(language):
            return str(held[code])
    return pipeline.reason_message(code, language, **params)


NOT_UPLOAD_FAULTS = ("scan_unavailable", "requirement_full", "claim_file_limit", "claim_size_limit",
                     "unknown_requirement", "officer_refused", "unverified_sender_limit")


def refusals_since_last_stored(claim: Claim) -> int:
    # The participant's last stored file: a HELD one (an unverified sender's) says nothing about whether
    # the participant's own uploads work.
    last = (Document.objects.filter(claim=claim).exclude(status__in=[DocumentStatus.REFUSED, DocumentStatus.HELD])
            .order_by("-created_at", "-id").values_list("created_at", flat=True).first())
    # Only refusals of the file itself count (not our scanner being down, nor limits).
    qs = Document.objects.filter(claim=claim, status=DocumentStatus.REFUSED).exclude(reason_code__in=NOT_UPLOAD_FAULTS)
    if last is not None:
        qs = qs.filter(created_at__gt=last)
    return qs.count()


def _maybe_upload_failed(claim: Claim, actor: Any) -> None:
    from lapakasik.claims.services import claim_transition

    threshold = int(getattr(settings, "INTAKE_REFUSALS_BEFORE_FAILED", 6))
    if not workflow.can_transition(claim.state, workflow.State.UPLOAD_FAILED):
        return
    if policy.upload_has_failed(refusals_since_last_stored=refusals_since_last_stored(claim), threshold=threshold):
        from .services import upload_failed_context

        claim_transition(claim=claim, to=workflow.State.UPLOAD_FAILED, actor=actor,
                         reason="repeated_refusals", notify_context=upload_failed_context(claim))


def _state_after_document(claim: Claim, actor: Any) -> None:
    """First document: BOOKED → AWAITING_DOCUMENTS; checklist complete → DOCUMENTS_RECEIVED."""
    from lapakasik.claims.services import claim_transition

    S = workflow.State
    checklist = catalogue.claim_checklist(claim)
    if checklist.complete and workflow.can_transition(claim.state, S.DOCUMENTS_RECEIVED) \
            and claim.state != S.DOCUMENTS_RECEIVED:
        claim_transition(claim=claim, to=S.DOCUMENTS_RECEIVED, actor=actor, reason="checklist_complete")
    elif claim.state == S.BOOKED:
        claim_transition(claim=claim, to=S.AWAITING_DOCUMENTS, actor=actor, reason="first_document")
    elif claim.state == S.UPLOAD_FAILED:
        # uploading works again (after repeated refusals or "Saya tidak bisa mengunggah")
        claim_transition(claim=claim, to=S.AWAITING_DOCUMENTS, actor=actor, reason="upload_recovered")


def clean_filename(filename: str | None) -> str:
    """What we keep of the sender's file name (for display only; never used to store): the last path
    component, no control characters, at most 255 characters."""
    name = (filename or "").replace("\\", "/").rpartition("/")[2]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:255]


def _limit_refusal(claim: Claim, *, hold: bool, hold_limits: Any, size: int, requirement: Any) -> str | None:
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
                  hold_limits: Any) -> Any:
    """The participant sends (from their own address or link) a file an unverified sender had sent: the
    participant vouches for it, so the held document now counts as theirs — within their own limits."""
    from lapakasik.claims.services import claim_event_record, claim_lock

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
            claim_event_record(claim=locked, kind="document_received", actor=actor, data={
                "document": doc.pk, "requirement": requirement.code if requirement else None, "source": source,
                "held": False, "confirmed_held": True, "sha256": doc.sha256})
            _state_after_document(locked, actor)
            claim.state = locked.state
            return _result("received", filename, document=doc,
                           requirement_code=requirement.code if requirement else None)
    return _refusal(claim, filename=filename, code=refusal, params={}, source=source, actor=actor,
                    requirement=requirement, inbound_ref=None, size=doc.size, sha256=doc.sha256)


def receive(
    *, claim: Claim, fileobj: IO[bytes], filename: str, declared_type: str | None, source: str,
    requirement_code: str | None, actor: Any, inbound_ref: str | None, hold: bool = False,
    hold_limits: Any = None,
) -> Any:
    from lapakasik.claims.services import claim_event_record, claim_lock

    from .services import HoldLimits

    hold_limits = hold_limits or HoldLimits()
    filename = clean_filename(filename)
    if claim.state not in workflow.ACCEPTS_DOCUMENTS:
        raise Conflict(_not_accepting(), code="claim_not_accepting_documents")
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
        if hold:
            # The unverified sender's budget is checked before any decoding (and again under the lock).
            over = _limit_refusal(claim, hold=True, hold_limits=hold_limits, size=0, requirement=None)
            if over:
                return _refusal(claim, filename=filename, code=over, params={}, source=source, actor=actor,
                                requirement=requirement, inbound_ref=inbound_ref, hold=True)
        try:
            prepared = pipeline.inspect(spooled, filename, declared_type)
        except pipeline.Refused as exc:
            return _refusal(claim, filename=filename, code=exc.code, params=exc.params, source=source, actor=actor,
                            requirement=requirement, inbound_ref=inbound_ref, size=spooled.size,
                            sha256=spooled.sha256, hold=hold)
        try:
            return _store(claim, prepared=prepared, filename=filename, source=source, actor=actor,
                          requirement=requirement, inbound_ref=inbound_ref, hold=hold, hold_limits=hold_limits,
                          event_record=claim_event_record, lock=claim_lock)
        finally:
            prepared.close()
    finally:
        spooled.close()


def _store(claim: Claim, *, prepared: pipeline.Prepared, filename: str, source: str, actor: Any, requirement: Any,
           inbound_ref: str | None, hold: bool, hold_limits: Any, event_record: Any, lock: Any) -> Any:
    # 1. file(s) to storage under generated names — a crash after this leaves only an orphan file.
    name = _save(_generated_name(claim, prepared.extension), prepared.path)
    thumb = ""
    try:
        if prepared.thumbnail_path:
            thumb = _save(_generated_name(claim, "jpg", "-thumb"), prepared.thumbnail_path)
    except Exception:
        _delete_quietly(name)
        raise
    # 2. the row, the event and the state change in one transaction, limits re-checked under the lock.
    # The participant's limits count their own files only; an unverified sender's (HELD) files have a
    # small budget of their own (hold_limits).
    refusal: str | None = None
    doc: Document | None = None
    duplicate: Document | None = None
    try:
        with transaction.atomic():
            locked = lock(claim)
            stored = Document.objects.filter(claim=locked).exclude(status=DocumentStatus.REFUSED)
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
                event_record(claim=locked, kind="document_received", actor=actor, data={
                    "document": doc.pk, "requirement": requirement.code if requirement else None,
                    "source": source, "held": hold, "sha256": prepared.sha256})
                if not hold:
                    _state_after_document(locked, actor)
                    claim.state = locked.state
    except IntegrityError:
        # A concurrent request stored the same file first (unique claim+sha256).
        _delete_quietly(name, thumb)
        duplicate = Document.objects.filter(claim=claim, sha256=prepared.sha256).exclude(
            status=DocumentStatus.REFUSED).first()
        return _result("duplicate", filename, document=duplicate,
                       requirement_code=duplicate.requirement.code if duplicate and duplicate.requirement else None)
    except BaseException:
        _delete_quietly(name, thumb)
        raise
    if doc is None:
        _delete_quietly(name, thumb)
        if duplicate is not None:
            return _result("duplicate", filename, document=duplicate,
                           requirement_code=duplicate.requirement.code if duplicate.requirement else None)
        assert refusal is not None
        return _refusal(claim, filename=filename, code=refusal, params={}, source=source, actor=actor,
                        requirement=requirement, inbound_ref=inbound_ref, size=prepared.original_size,
                        sha256=prepared.sha256, hold=hold)
    return _result("held" if hold else "received", filename, document=doc,
                   requirement_code=requirement.code if requirement else None)


def _not_accepting() -> Any:
    from django.utils.translation import gettext_lazy as _

    return _("Klaim ini tidak lagi menerima dokumen. Hubungi contact center 175 bila perlu bantuan.")


# --- acknowledgement ----------------------------------------------------------------------------


def _ack_outcome_labels() -> dict[str, Any]:
    from django.utils.translation import gettext_lazy as _

    return {
        "received": _("dokumen kami terima"),
        "partial": _("sebagian dokumen tidak dapat kami terima"),
        "refused": _("dokumen tidak dapat kami terima"),
        "none": _("tidak ada dokumen yang kami terima"),
    }


# What the acknowledgement's subject says after "Klaim <code>: " (intake.policy.ack_outcome).
ACK_OUTCOME_LABELS = _ack_outcome_labels()


def ack_context(claim: Claim, results: list[Any], language: str = "id") -> dict[str, Any]:
    from django.utils import translation

    with translation.override(language):
        checklist = catalogue.claim_checklist(claim, language=language)
        labels = {i.code: i.label for i in checklist.items}
        received, refused = [], []
        for r in results:
            if r.outcome == "refused":
                refused.append({"filename": r.filename, "reason_code": r.reason_code,
                                "reason": r.message_en if language == "en" else r.message})
            else:
                received.append({"filename": r.filename, "outcome": r.outcome,
                                 "requirement": labels.get(r.requirement_code or "", ""),
                                 "requirement_code": r.requirement_code or ""})
        missing = [{"code": i.code, "label": i.label} for i in checklist.missing]
        outcome = policy.ack_outcome(received=len(received), refused=len(refused))
        outcome_label = str(ACK_OUTCOME_LABELS[outcome])
    due = claim.documents_due_at
    due_local = ""
    if due is not None:
        local = timezone.localtime(due, _zone(claim))
        due_local = f"{local:%Y-%m-%d %H:%M} {getattr(claim.branch, 'tz_abbreviation', '')}".strip()
    return {"received": received, "refused": refused, "missing": missing, "complete": checklist.complete,
            "outcome": outcome, "outcome_label": outcome_label,
            "documents_due_at": due.isoformat() if due else "", "documents_due_local": due_local,
            "claim_code": claim.code}


def _zone(claim: Claim) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(getattr(claim.branch, "time_zone", "") or "Asia/Jakarta")


def acknowledge(*, claim: Claim, results: list[Any], reply_to_message_id: str | None = None) -> None:
    from lapakasik.notifications.services import notification_enqueue

    if not results:
        return
    context = ack_context(claim, results, language=claim.language or "id")
    if reply_to_message_id:
        context["reply_to_message_id"] = reply_to_message_id
    notification_enqueue(event="intake_ack", claim=claim, context=context)
