"""The worker's side of the mail gateway: a stored message becomes documents (each file part through
``intake.receive.document_receive``) and one acknowledgement in the sender's thread; raw files are
purged after the retention period."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from lapakasik.claims import workflow
from lapakasik.claims.selectors import claim_applicant
from lapakasik.claims.services import Actor, applicant_recipient
from lapakasik.core import clock
from lapakasik.core.errors import Conflict
from lapakasik.core.storage import unreferenced_files_delete
from lapakasik.core.validators import normalize_email
from lapakasik.intake import catalogue, pipeline
from lapakasik.intake.receive import document_receive
from lapakasik.intake.selectors import ack_context
from lapakasik.intake.services import intake_acknowledge
from lapakasik.intake.types import ReceiveResult
from lapakasik.notifications.services import notification_enqueue

from . import conf, parser
from .conf import storage
from .messages import no_documents_text, too_many_text
from .models import InboundMessage
from .selectors import STUCK_AFTER_MINUTES

log = logging.getLogger(__name__)


def _same_address(a: str, b: str) -> bool:
    try:
        return normalize_email(a).lower() == normalize_email(b).lower()
    except ValidationError:
        return False


def dmarc_failed(results: list[str], trusted: list[str]) -> bool:
    """True when an ``Authentication-Results`` header (RFC 8601) added by one of our ``trusted`` MTAs
    (its authserv-id, the first item) says ``dmarc=fail``: the From address is forged. Headers from
    anyone else are ignored — the MTA must remove incoming ones carrying its own id (RFC 8601 §5)."""
    for value in results:
        authserv, _, rest = value.partition(";")
        if authserv.strip().split(" ")[0].lower() not in trusted:
            continue
        if re.search(r"(?:^|[;\s])dmarc\s*=\s*fail\b", rest, re.IGNORECASE):
            return True
    return False


def classify_parts(*, claim: Any, files: list[parser.Part], text: str) -> dict[int, str | None]:
    """Requirement code per part index: the file name decides; subject/body keywords are used for the
    files whose names say nothing — but only when there are not more of them than the requirement
    takes (three photos under "KTP" are not all the KTP: an officer assigns them)."""
    codes: dict[int, str | None] = {}
    unnamed: list[parser.Part] = []
    for part in files:
        code = catalogue.requirement_classify(claim=claim, filename=part.filename) if part.filename else None
        codes[part.index] = code
        if code is None:
            unnamed.append(part)
    if unnamed and text.strip():
        code = catalogue.requirement_classify(claim=claim, text=text)
        req = catalogue.requirement_get(claim, code) if code else None
        if req is not None and len(unnamed) <= req.max_files:
            for part in unnamed:
                codes[part.index] = code
    return codes


class LeaseLost(Exception):
    """Another worker took the message over (this one was too slow); this one stops without a word."""


def _lease_renew(row: InboundMessage, attempt: int) -> None:
    """Extend this worker's lease; ``LeaseLost`` when another worker has taken the message over (the
    ``attempts`` counter is the fencing token: each takeover increments it)."""
    renewed = InboundMessage.objects.filter(pk=row.pk, status=InboundMessage.Status.PROCESSING,
                                            attempts=attempt).update(
        lease_until=clock.now() + timedelta(seconds=conf.lease_seconds()))
    if not renewed:
        raise LeaseLost(row.pk)


def _busy(row: InboundMessage, now: Any) -> bool:
    """True while another worker holds the message: its lease has not expired (rows from before
    leases: it started less than STUCK_AFTER_MINUTES ago)."""
    if row.status != InboundMessage.Status.PROCESSING:
        return False
    if row.lease_until is not None:
        return bool(row.lease_until > now)
    return row.processing_started_at is not None and row.processing_started_at > now - timedelta(
        minutes=STUCK_AFTER_MINUTES)


def inbound_message_process(*, message: InboundMessage) -> InboundMessage:
    """Turn a stored message into documents: each file part through ``intake.receive.document_receive``, then
    one acknowledgement in the sender's thread. Idempotent: a processed message is not processed
    again; a re-run after a crash finds the files it stored already (SHA-256) as duplicates. A message
    whose MIME cannot be made sense of is read as well as possible and never raises here.

    The worker holds a lease on the message (``lease_until``, renewed after every file); when it dies
    the lease expires and ``inbound_leases_expire`` hands the message to another worker. The
    acknowledgement is enqueued in the transaction that marks the message PROCESSED, and only if a
    conditional UPDATE (still PROCESSING, still this worker's attempt) changed the row: two workers
    racing on one message send one acknowledgement."""
    with transaction.atomic():
        row = InboundMessage.objects.select_for_update().select_related("claim", "claim__branch").get(pk=message.pk)
        if row.status == InboundMessage.Status.PROCESSED:
            return row
        now = clock.now()
        if _busy(row, now):
            return row  # another worker is on it (a duplicate task)
        row.status = InboundMessage.Status.PROCESSING
        row.attempts += 1
        row.processing_started_at = now
        row.lease_until = now + timedelta(seconds=conf.lease_seconds())
        row.save(update_fields=["status", "attempts", "processing_started_at", "lease_until"])
    attempt = row.attempts
    claim = row.claim
    actor = Actor.system("e-mail")
    sender = row.header_from or row.envelope_from
    matches = bool(sender) and _same_address(sender, claim_applicant(claim).email or "")
    outcome: dict[str, Any] = {"files": [], "skipped": [], "defects": []}
    try:
        with storage().open(row.raw_file, "rb") as fh:
            lim = pipeline.limits()
            parsed = parser.parse(fh, max_bytes=lim.max_file_bytes, embedded_min_side=lim.min_image_side)
        with parsed:
            _lease_renew(row, attempt)
            if matches and dmarc_failed(parsed.authentication_results, conf.trusted_authserv_ids()):
                matches = False  # the claim's address, but forged: held like any other sender
                outcome["dmarc_fail"] = True
            outcome["defects"] = parsed.defects[:20]
            outcome["skipped"] = [{"filename": p.display_name, "content_type": p.content_type, "reason": p.skipped}
                                  for p in parsed.parts if p.skipped]
            results: list[Any] = []
            not_accepting = claim.state not in workflow.ACCEPTS_DOCUMENTS
            if not not_accepting:
                codes = classify_parts(claim=claim, files=parsed.files, text=f"{row.subject}\n{parsed.text}")
                for part in parsed.files:
                    assert part.path is not None
                    _lease_renew(row, attempt)
                    try:
                        with open(part.path, "rb") as part_fh:
                            result = document_receive(
                                claim=claim, fileobj=part_fh, filename=part.display_name,
                                declared_type=part.content_type, source="EMAIL",
                                requirement_code=codes.get(part.index), actor=actor,
                                inbound_ref=row.message_id or f"inbound:{row.pk}", hold=not matches)
                    except Conflict:
                        not_accepting = True
                        break
                    results.append(result)
                    outcome["files"].append({"filename": result.filename, "outcome": result.outcome,
                                             "reason_code": result.reason_code,
                                             "requirement": result.requirement_code or ""})
                too_many = [p for p in parsed.parts if p.skipped == "too_many_parts"]
                if too_many and not not_accepting:
                    results.append(_too_many_result(too_many))
            # Never answer an auto-reply or a bounce (mail loops); its files, if any, are still kept.
            automatic = parsed.auto_submitted or not row.envelope_from
            outcome["automatic"] = automatic
            with transaction.atomic():
                # The guard that makes the acknowledgement once: only the worker whose attempt still
                # holds the message marks it PROCESSED, and the acknowledgement commits with that.
                finished = clock.now()
                won = InboundMessage.objects.filter(
                    pk=row.pk, status=InboundMessage.Status.PROCESSING, attempts=attempt).update(
                    status=InboundMessage.Status.PROCESSED, sender_matches=matches,
                    outcome={**outcome, "not_accepting": not_accepting}, processed_at=finished, error="",
                    lease_until=None)
                if not won:
                    raise LeaseLost(row.pk)
                if results:
                    intake_acknowledge(claim=claim, results=results, reply_to_message_id=row.message_id or None,
                                       recipient=None if matches or automatic else (sender or None))
                elif not automatic:
                    _reply_without_documents(row, claim, not_accepting=not_accepting,
                                             skipped=outcome["skipped"], sender=None if matches else sender)
            row.refresh_from_db()
    except LeaseLost:
        log.warning("mailgateway: message %s was taken over by another worker; this attempt stops", row.pk)
        row.refresh_from_db()
    except Exception as exc:
        log.exception("mailgateway: processing message %s failed", row.pk)
        InboundMessage.objects.filter(pk=row.pk, attempts=attempt).update(
            status=InboundMessage.Status.FAILED, error=f"{exc.__class__.__name__}: {str(exc)[:500]}",
            lease_until=None)
        row.refresh_from_db()
    return row


def _reply_without_documents(row: InboundMessage, claim: Any, *, not_accepting: bool, skipped: list[Any],
                             sender: str | None) -> None:
    """A message with no file (or to a claim that no longer takes documents) still gets a reply in
    the thread saying so, with what is still missing. The explanation is also given as a ``refused``
    entry, so any ``intake_ack`` template that lists refusals shows it. From the claim's own address
    the participant gets it; from another address only that sender does (nothing was stored)."""
    to = applicant_recipient(claim)
    language = to.language or "id"
    context = ack_context(claim, [], language=language)
    reason = "not_accepting" if not_accepting else "no_attachment"
    explanation = no_documents_text(reason, language)
    label = row.subject or no_documents_text("this_message", language)
    context["refused"] = [{"filename": label, "reason_code": reason, "reason": explanation}]
    context.update(reason_code=reason, explanation=explanation, skipped=skipped,
                   no_attachment=not not_accepting, not_accepting=not_accepting)
    if row.message_id:
        context["reply_to_message_id"] = row.message_id
    if sender:
        notification_enqueue(event="intake_ack", claim=claim, context=context, channels=["email"], recipient=sender)
    else:
        notification_enqueue(event="intake_ack", claim=claim, to=to, context=context)


def _too_many_result(parts: list[parser.Part]) -> ReceiveResult:
    names = ", ".join(p.display_name for p in parts[:5]) + (" …" if len(parts) > 5 else "")
    return ReceiveResult(outcome="refused", filename=names, reason_code="too_many_attachments",
                         message=too_many_text(len(parts), "id"), message_en=too_many_text(len(parts), "en"))


def inbound_reprocess(*, message: InboundMessage) -> InboundMessage:
    """Run a FAILED (or stuck) message again (officer/operator action; the command offers it)."""
    InboundMessage.objects.filter(pk=message.pk).exclude(status=InboundMessage.Status.PROCESSED).update(
        status=InboundMessage.Status.STORED)
    return inbound_message_process(message=message)


def inbound_raw_purge(*, now: Any = None, days: int | None = None) -> int:
    """Delete the raw files of messages processed more than ``days`` (MAILGATEWAY_RAW_RETENTION_DAYS)
    ago; the rows stay (with ``raw_file`` emptied) as the record of what arrived. A file shared by
    several claims' rows goes when all of them are old enough. Returns how many files were deleted."""
    keep_days = conf.raw_retention_days() if days is None else days
    if keep_days <= 0:
        return 0
    cutoff = (now or clock.now()) - timedelta(days=keep_days)
    candidates = set(InboundMessage.objects.filter(status=InboundMessage.Status.PROCESSED, processed_at__lt=cutoff)
                     .exclude(raw_file="").values_list("raw_file", flat=True)[:1000])
    still_needed = set(InboundMessage.objects.filter(raw_file__in=candidates).exclude(
        status=InboundMessage.Status.PROCESSED, processed_at__lt=cutoff).values_list("raw_file", flat=True))
    deleted = 0
    for name in sorted(candidates - still_needed):
        try:
            storage().delete(name)
        except Exception:
            log.warning("mailgateway: could not delete raw message %s", name)
            continue
        InboundMessage.objects.filter(raw_file=name).update(raw_file="")
        deleted += 1
    return deleted


def raw_orphans_clean(*, now: Any = None, older_than_hours: int = 24) -> int:
    """Remove raw message files that no row points to (stored, then the gateway crashed before the row
    committed — it answered no 250, so the MTA delivered again). Walks this and last month's folders.
    Run daily with the purge. Returns how many were removed."""
    now = now or clock.now()
    cutoff = now - timedelta(hours=older_than_hours)
    last_month = now.replace(day=1) - timedelta(days=1)
    tops = [f"{conf.storage_prefix()}/{month}" for month in (f"{now:%Y/%m}", f"{last_month:%Y/%m}")]

    def referenced(paths: list[str]) -> set[str]:
        return set(InboundMessage.objects.filter(raw_file__in=paths).values_list("raw_file", flat=True))

    return unreferenced_files_delete(store=storage(), tops=tops, referenced=referenced, cutoff=cutoff)


def raw_open(message: InboundMessage) -> IO[bytes]:
    return storage().open(message.raw_file, "rb")  # type: ignore[no-any-return]
