"""The worker's side of the mail gateway: a stored message becomes documents (each file part through
``intake.receive.document_receive``) and the replies ``policy.reply_plan`` decides (the participant's
acknowledgement in their thread; for an unverified sender at most a generic reply and a notice to the
participant); raw files are purged after the retention period."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from lapakasik.claims import workflow
from lapakasik.claims.selectors import claim_applicant
from lapakasik.claims.services import Actor, applicant_recipient, claim_lock
from lapakasik.core import clock
from lapakasik.core.errors import Conflict
from lapakasik.core.masking import mask_email
from lapakasik.core.storage import unreferenced_files_delete
from lapakasik.core.validators import normalize_email
from lapakasik.intake import catalogue, pipeline
from lapakasik.intake.receive import document_receive
from lapakasik.intake.selectors import ack_context, intake_links_get
from lapakasik.intake.services import intake_acknowledge
from lapakasik.intake.types import HoldLimits, ReceiveResult
from lapakasik.notifications.services import notification_enqueue

from . import conf, parser, policy
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


def _address_key(address: str) -> str:
    """The sender as a reply target and counting key: a valid address, lower-cased; "" when it is not one
    (nothing is ever sent to it then)."""
    try:
        return normalize_email(address or "").lower()[:254]
    except ValidationError:
        return ""


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
    the replies ``policy.reply_plan`` decides. Idempotent: a processed message is not processed
    again; a re-run after a crash finds the files it stored already (SHA-256) as duplicates. A message
    whose MIME cannot be made sense of is read as well as possible and never raises here.

    The worker holds a lease on the message (``lease_until``, renewed after every file); when it dies
    the lease expires and ``inbound_leases_expire`` hands the message to another worker. The
    acknowledgement is enqueued in the transaction that marks the message PROCESSED, and only if a
    conditional UPDATE (still PROCESSING, still this worker's attempt) changed the row: two workers
    racing on one message send one acknowledgement.

    A sender other than the claim's own address (or that address, forged by our MTA's verdict) is
    *unverified*: its files are HELD within their own small budget (``MAILGATEWAY_UNVERIFIED_MAX_*``),
    never counting against the participant's limits; it gets at most a generic reply that says nothing
    about the claim; the participant is told that files are held."""
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
            verdict = policy.auth_verdict(parsed.authentication_results, trusted=conf.trusted_authserv_ids(),
                                          from_address=sender)
            if verdict.seen:
                outcome["auth"] = {"dmarc": verdict.dmarc, "spf_fail": verdict.spf_fail,
                                   "dkim_aligned_pass": verdict.dkim_aligned_pass, "forged": verdict.forged}
            if matches and verdict.forged:
                matches = False  # the claim's address, but forged: held like any other sender
                outcome["forged_own_address"] = True
            outcome["defects"] = parsed.defects[:20]
            outcome["skipped"] = [{"filename": p.display_name, "content_type": p.content_type, "reason": p.skipped}
                                  for p in parsed.parts if p.skipped]
            results: list[Any] = []
            hold_limits = HoldLimits(max_files=conf.unverified_max_files_per_claim(),
                                     max_bytes=conf.unverified_max_bytes_per_claim())
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
                                inbound_ref=row.message_id or f"inbound:{row.pk}", hold=not matches,
                                hold_limits=hold_limits)
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
            over_budget = sum(1 for r in results if r.reason_code == "unverified_sender_limit")
            if over_budget:
                log.warning("mailgateway: %s file(s) from unverified sender %s refused for claim %s: over the "
                            "unverified-sender budget", over_budget, mask_email(sender), claim.pk)
            # Never answer an auto-reply or a bounce (mail loops); its files, if any, are still kept.
            automatic = parsed.auto_submitted or not row.envelope_from
            outcome["automatic"] = automatic
            with transaction.atomic():
                # The guard that makes the acknowledgement once: only the worker whose attempt still
                # holds the message marks it PROCESSED, and the replies commit with that.
                won = InboundMessage.objects.filter(
                    pk=row.pk, status=InboundMessage.Status.PROCESSING, attempts=attempt).update(
                    status=InboundMessage.Status.PROCESSED, sender_matches=matches, processed_at=clock.now(),
                    error="", lease_until=None)
                if not won:
                    raise LeaseLost(row.pk)
                reply = _replies_send(row, claim, results=results, verified=matches, automatic=automatic,
                                      forged=verdict.forged, sender=sender, not_accepting=not_accepting,
                                      skipped=outcome["skipped"])
                InboundMessage.objects.filter(pk=row.pk).update(
                    outcome={**outcome, "not_accepting": not_accepting, "reply": reply})
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


def _replies_send(row: InboundMessage, claim: Any, *, results: list[Any], verified: bool, automatic: bool,
                  forged: bool, sender: str, not_accepting: bool, skipped: list[Any]) -> dict[str, Any]:
    """Enqueue the replies for one message (inside the caller's transaction) and return what was done,
    for the message's ``outcome["reply"]`` — which is also what the daily limits count."""
    sender_key = _address_key(sender)
    counts = {"to_sender": 0, "for_claim": 0, "notices": 0}
    if not verified:
        claim_lock(claim)  # concurrent messages for this claim count one after the other
        recent = InboundMessage.objects.filter(claim=claim, processed_at__gte=clock.now() - timedelta(days=1))
        counts = {
            "to_sender": recent.filter(outcome__reply__unverified_to=sender_key).count() if sender_key else 0,
            "for_claim": recent.filter(outcome__reply__unverified=True).count(),
            "notices": recent.filter(outcome__reply__held_notice=True).count(),
        }
    held = sum(1 for r in results if r.outcome == "held")
    plan = policy.reply_plan(
        verified=verified, automatic=automatic, forged=forged, has_results=bool(results), held_files=held,
        replies_to_sender_today=counts["to_sender"], replies_for_claim_today=counts["for_claim"],
        notices_today=counts["notices"], per_sender_day=conf.unverified_replies_per_sender_day(),
        per_claim_day=conf.unverified_replies_per_claim_day())
    unverified_reply = plan.unverified_reply and bool(sender_key)
    if plan.participant_ack:
        if results:
            intake_acknowledge(claim=claim, results=results, reply_to_message_id=row.message_id or None)
        else:
            _reply_without_documents(row, claim, not_accepting=not_accepting, skipped=skipped)
    if unverified_reply:
        _unverified_sender_reply(row, to=sender_key)
    if plan.held_notice:
        _held_notice(claim, held=held, sender=sender)
    return {"participant": plan.participant_ack, "unverified": unverified_reply,
            "unverified_to": sender_key if unverified_reply else "", "held_notice": plan.held_notice,
            "none_because": plan.reason or ("" if verified or unverified_reply else "no_address")}


def _unverified_sender_reply(row: InboundMessage, *, to: str) -> None:
    """The generic reply to an unverified sender (Indonesian and English in one message). Stored with no
    claim: the renderer then has nothing of the claim to show (no name, claim code, deadline, checklist,
    branch, links) — whatever an admin writes into the template."""
    context = {"reply_to_message_id": row.message_id} if row.message_id else {}
    notification_enqueue(event="intake_unverified_reply", claim=None, context=context, channels=["email"],
                         recipient=to, language="id")


def _held_notice(claim: Any, *, held: int, sender: str) -> None:
    """Tell the participant (their own contact, preferred channels) that files from an unverified address
    are held: they count for nothing until the participant sends them from their own address or link
    (the same file is then theirs) or an officer accepts them; a stranger's can be ignored."""
    context: dict[str, Any] = {"held_count": held, "sender_masked": mask_email(_address_key(sender) or sender)}
    links = intake_links_get(claim)
    if links:
        context.update(upload_url=links.upload_url, email_address=links.email_address)
    notification_enqueue(event="intake_held_notice", claim=claim, to=applicant_recipient(claim), context=context)


def _reply_without_documents(row: InboundMessage, claim: Any, *, not_accepting: bool, skipped: list[Any]) -> None:
    """A message from the participant with no file (or to a claim that no longer takes documents) still
    gets a reply in the thread saying so, with what is still missing. The explanation is also given as a
    ``refused`` entry, so any ``intake_ack`` template that lists refusals shows it."""
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
