"""Implementation of ``services.document_receive`` and ``services.intake_acknowledge``."""

from __future__ import annotations

import logging
import os
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Sum
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
             requirement: Any, inbound_ref: str | None, size: int = 0, sha256: str = "") -> Any:
    from lapakasik.claims.services import claim_event_record, claim_lock

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
                   message=pipeline.reason_message(code, "id", **params),
                   message_en=pipeline.reason_message(code, "en", **params))


NOT_UPLOAD_FAULTS = ("scan_unavailable", "requirement_full", "claim_file_limit", "claim_size_limit",
                     "unknown_requirement", "officer_refused")


def refusals_since_last_stored(claim: Claim) -> int:
    last = (Document.objects.filter(claim=claim).exclude(status=DocumentStatus.REFUSED)
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


def receive(
    *, claim: Claim, fileobj: IO[bytes], filename: str, declared_type: str | None, source: str,
    requirement_code: str | None, actor: Any, inbound_ref: str | None, hold: bool = False,
) -> Any:
    from lapakasik.claims.services import claim_event_record, claim_lock

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
                            actor=actor, requirement=None, inbound_ref=inbound_ref)
    else:
        code = catalogue.requirement_classify(claim=claim, filename=filename)
        requirement = catalogue.requirement_get(claim, code) if code else None

    lim = pipeline.limits()
    # A claim that is already full refuses before the file is even read: no spooling, no decoding
    # (4 parallel uploads of large PNGs to a full claim used to hold the web workers for 14–28 s).
    full = _limit_refusal(_counted(claim), size=1, requirement=None, lim=lim)
    if full is not None:
        return _refusal(claim, filename=filename, code=full, params={}, source=source, actor=actor,
                        requirement=requirement, inbound_ref=inbound_ref)
    try:
        spooled = pipeline.spool(fileobj, lim.max_file_bytes)
    except pipeline.Refused as exc:
        return _refusal(claim, filename=filename, code=exc.code, params=exc.params, source=source, actor=actor,
                        requirement=requirement, inbound_ref=inbound_ref)
    try:
        # The same file again: answer at once (no need to scan or decode it twice).
        earlier = Document.objects.filter(claim=claim, sha256=spooled.sha256).exclude(
            status=DocumentStatus.REFUSED).first()
        if earlier is not None:
            return _result("duplicate", filename, document=earlier,
                           requirement_code=earlier.requirement.code if earlier.requirement else None)
        # A new file for a requirement that already has its files: refused before any decoding too.
        full = _limit_refusal(_counted(claim), size=1, requirement=requirement, lim=lim)
        if full is not None:
            return _refusal(claim, filename=filename, code=full, params={}, source=source, actor=actor,
                            requirement=requirement, inbound_ref=inbound_ref, size=spooled.size,
                            sha256=spooled.sha256)
        try:
            prepared = pipeline.inspect(spooled, filename, declared_type)
        except pipeline.Refused as exc:
            return _refusal(claim, filename=filename, code=exc.code, params=exc.params, source=source, actor=actor,
                            requirement=requirement, inbound_ref=inbound_ref, size=spooled.size,
                            sha256=spooled.sha256)
        try:
            return _store(claim, prepared=prepared, filename=filename, source=source, actor=actor,
                          requirement=requirement, inbound_ref=inbound_ref, hold=hold,
                          event_record=claim_event_record, lock=claim_lock)
        finally:
            prepared.close()
    finally:
        spooled.close()


def _counted(claim: Claim) -> Any:
    """The claim's files that count against its limits."""
    return Document.objects.filter(claim=claim).exclude(status=DocumentStatus.REFUSED)


def _limit_refusal(stored: Any, *, size: int, requirement: Any, lim: pipeline.Limits) -> str | None:
    """Which per-claim limit a file of ``size`` bytes would break (checked before any work on the
    file with size 1 — "is anything left?" — and again under the claim's lock before storing)."""
    if stored.count() >= lim.max_files_per_claim:
        return "claim_file_limit"
    if (stored.aggregate(total=Sum("size"))["total"] or 0) + size > lim.max_bytes_per_claim:
        return "claim_size_limit"
    if requirement is not None and stored.filter(requirement=requirement).count() >= requirement.max_files:
        return "requirement_full"
    return None


def _store(claim: Claim, *, prepared: pipeline.Prepared, filename: str, source: str, actor: Any, requirement: Any,
           inbound_ref: str | None, hold: bool, event_record: Any, lock: Any) -> Any:
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
    refusal: tuple[str, dict[str, Any]] | None = None
    doc: Document | None = None
    duplicate: Document | None = None
    try:
        with transaction.atomic():
            locked = lock(claim)
            stored = _counted(locked)
            duplicate = stored.filter(sha256=prepared.sha256).first()
            if duplicate is None:
                code = _limit_refusal(stored, size=prepared.size, requirement=requirement, lim=pipeline.limits())
                refusal = (code, {}) if code else None
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
        return _refusal(claim, filename=filename, code=refusal[0], params=refusal[1], source=source, actor=actor,
                        requirement=requirement, inbound_ref=inbound_ref, size=prepared.original_size,
                        sha256=prepared.sha256)
    return _result("held" if hold else "received", filename, document=doc,
                   requirement_code=requirement.code if requirement else None)


def _not_accepting() -> Any:
    from django.utils.translation import gettext_lazy as _

    return _("Klaim ini tidak lagi menerima dokumen. Hubungi contact center 175 bila perlu bantuan.")


# --- acknowledgement ----------------------------------------------------------------------------


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
    due = claim.documents_due_at
    due_local = ""
    if due is not None:
        local = timezone.localtime(due, _zone(claim))
        due_local = f"{local:%Y-%m-%d %H:%M} {getattr(claim.branch, 'tz_abbreviation', '')}".strip()
    return {"received": received, "refused": refused, "missing": missing, "complete": checklist.complete,
            "documents_due_at": due.isoformat() if due else "", "documents_due_local": due_local,
            "claim_code": claim.code}


def _zone(claim: Claim) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(getattr(claim.branch, "time_zone", "") or "Asia/Jakarta")


def acknowledge(*, claim: Claim, results: list[Any], reply_to_message_id: str | None = None,
                recipient: str | None = None) -> None:
    from lapakasik.notifications.services import notification_enqueue

    if not results:
        return
    context = ack_context(claim, results, language=claim.language or "id")
    if reply_to_message_id:
        context["reply_to_message_id"] = reply_to_message_id
    with transaction.atomic():
        notification_enqueue(event="intake_ack", claim=claim, context=context)
        if recipient and recipient.strip().lower() != (claim.email or "").lower():
            # e.g. mail from another address, held for review: that sender is told too.
            notification_enqueue(event="intake_ack", claim=claim, context={**context, "held_sender": True},
                                 channels=["email"], recipient=recipient)
