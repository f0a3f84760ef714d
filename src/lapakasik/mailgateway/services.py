"""Every write of the mail gateway: storing an accepted message, processing it into documents.

``recipient_resolve`` and ``inbound_message_store`` run in the gateway process (at RCPT and at the end
of DATA); ``inbound_message_process`` runs in the worker (task ``mailgateway.tasks.inbound_message_process``).
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from typing import IO, Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F

from lapakasik.core import clock
from lapakasik.core.codes import new_token
from lapakasik.core.masking import mask_email
from lapakasik.core.storage import unreferenced_files_delete

from . import conf, parser, policy
from .models import InboundMessage

log = logging.getLogger(__name__)


def storage() -> Any:
    from django.core.files.storage import storages

    return storages["default"]


# ---------------------------------------------------------------------------------------------
# Gateway side


def recipient_resolve(address: str) -> int | None:
    """The id of the claim whose live intake address is ``address`` (None: refuse at RCPT)."""
    from lapakasik.intake.services import intake_address_resolve

    address = (address or "").strip()
    if not address or len(address) > 254:
        return None
    claim = intake_address_resolve(address)
    return claim.pk if claim is not None else None


def claim_over_inbound_limit(claim_id: int) -> bool:
    """True when the claim has had MAILGATEWAY_MAX_MESSAGES_PER_CLAIM_HOUR messages in the last hour
    (a flood to one address: defer, the MTA retries later)."""
    limit = conf.max_messages_per_claim_hour()
    if limit <= 0:
        return False
    since = clock.now() - timedelta(hours=1)
    return InboundMessage.objects.filter(claim_id=claim_id, received_at__gte=since).count() >= limit


class _SpoolFile(File):  # type: ignore[type-arg]
    """Lets FileSystemStorage move the spool file into place (a rename) instead of copying it."""

    def temporary_file_path(self) -> str:
        return str(getattr(self.file, "name", ""))


def _fsync_stored(name: str) -> None:
    """Make the stored file and its directory entry durable (filesystem storage; S3 is durable on PUT)."""
    try:
        path = storage().path(name)
    except NotImplementedError:
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    dfd = os.open(os.path.dirname(path), os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def _raw_name() -> str:
    return f"{conf.storage_prefix()}/{clock.now():%Y/%m/%d}/{new_token(16)}.eml"


def inbound_message_store(*, spool_path: str, sha256: str, size: int, envelope_from: str,
                          recipients: dict[str, int], protocol: str = "smtp", peer: str = "") -> list[InboundMessage]:
    """Keep an accepted message (already fsync'ed in the spool) and queue its processing.

    One ``InboundMessage`` per recipient claim, all pointing to one raw file in storage. A message the
    claim already has (same Message-ID, or same SHA-256 when there is no Message-ID) is not kept again:
    its ``deliveries`` counter goes up and the spool file is removed. Returns the new rows (empty for
    a pure re-delivery). The file is in storage (fsync'ed) before the rows commit; the rows and the
    task commit together. Raises on failure (the gateway then answers 451 and the MTA retries)."""
    from .tasks import inbound_message_process

    headers = parser.read_headers(spool_path)
    subject, header_from, message_id = parser.header_summary(headers)
    dedupe_key = message_id or f"sha256:{sha256}"
    claim_ids = sorted(set(recipients.values()))
    address_of = {claim_id: address for address, claim_id in recipients.items()}
    for _attempt in range(2):
        seen = set(InboundMessage.objects.filter(claim_id__in=claim_ids, dedupe_key=dedupe_key)
                   .values_list("claim_id", flat=True))
        if seen:
            InboundMessage.objects.filter(claim_id__in=seen, dedupe_key=dedupe_key).update(
                deliveries=F("deliveries") + 1)
        fresh = [c for c in claim_ids if c not in seen]
        if not fresh:
            _unlink(spool_path)
            log.info("mailgateway: message delivered again, kept once")
            return []
        if not os.path.exists(spool_path):
            # moved into storage by the first attempt, which then lost a race: let the MTA retry
            raise FileNotFoundError("spool file gone after a concurrent delivery")
        name = ""
        try:
            with open(spool_path, "rb") as fh:
                name = str(storage().save(_raw_name(), _SpoolFile(fh, name="message.eml")))
            _fsync_stored(name)
            with transaction.atomic():
                rows = [InboundMessage.objects.create(
                    claim_id=claim_id, recipient=address_of[claim_id][:254], envelope_from=envelope_from[:254],
                    header_from=header_from, message_id=message_id[:255], dedupe_key=dedupe_key[:255],
                    subject=subject, raw_file=name, sha256=sha256, size=size, protocol=protocol, peer=peer[:64],
                    received_at=clock.now()) for claim_id in fresh]
                for row in rows:
                    inbound_message_process.enqueue(row.pk)
        except IntegrityError:
            # the same message arrived on another connection at the same moment: look again
            _delete_stored(name)
            continue
        except BaseException:
            _delete_stored(name)
            raise
        _unlink(spool_path)
        return rows
    _unlink(spool_path)
    return []


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _delete_stored(name: str) -> None:
    if not name:
        return
    try:
        storage().delete(name)
    except Exception:
        log.warning("mailgateway: could not remove stored message %s", name)


# ---------------------------------------------------------------------------------------------
# Worker side


def _same_address(a: str, b: str) -> bool:
    from django.core.exceptions import ValidationError

    from lapakasik.core.validators import normalize_email

    try:
        return normalize_email(a).lower() == normalize_email(b).lower()
    except ValidationError:
        return False


def _address_key(address: str) -> str:
    """The sender as a reply target and counting key: a valid address, lower-cased; "" when it is not one
    (nothing is ever sent to it then)."""
    from django.core.exceptions import ValidationError

    from lapakasik.core.validators import normalize_email

    try:
        return normalize_email(address or "").lower()[:254]
    except ValidationError:
        return ""


def _claim_contact_email(claim: Any) -> str:
    """The participant's own e-mail address for ``claim`` — the only sender whose files count as theirs
    and the only address the acknowledgement goes to. The one place the gateway reads it."""
    return str(claim.email or "")


def classify_parts(*, claim: Any, files: list[parser.Part], text: str) -> dict[int, str | None]:
    """Requirement code per part index: the file name decides; subject/body keywords are used for the
    files whose names say nothing — but only when there are not more of them than the requirement
    takes (three photos under "KTP" are not all the KTP: an officer assigns them)."""
    from lapakasik.intake import catalogue

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


def inbound_message_process(*, message: InboundMessage) -> InboundMessage:
    """Turn a stored message into documents: each file part through ``intake.document_receive``, then
    the replies ``policy.reply_plan`` decides. Idempotent: a processed message is not processed
    again; a re-run after a crash finds the files it stored already (SHA-256) as duplicates. A message
    whose MIME cannot be made sense of is read as well as possible and never raises here.

    A sender other than the claim's own address (or that address, forged by our MTA's verdict) is
    *unverified*: its files are HELD within their own small budget (``MAILGATEWAY_UNVERIFIED_MAX_*``),
    never counting against the participant's limits; it gets at most a generic reply that says nothing
    about the claim; the participant is told that files are held."""
    from lapakasik.claims import workflow
    from lapakasik.claims.services import Actor
    from lapakasik.core.errors import Conflict
    from lapakasik.intake import pipeline
    from lapakasik.intake.services import HoldLimits, document_receive

    with transaction.atomic():
        row = InboundMessage.objects.select_for_update().select_related("claim", "claim__branch").get(pk=message.pk)
        if row.status == InboundMessage.Status.PROCESSED:
            return row
        now = clock.now()
        if (row.status == InboundMessage.Status.PROCESSING and row.processing_started_at is not None
                and row.processing_started_at > now - timedelta(minutes=STUCK_AFTER_MINUTES)):
            return row  # another worker is on it (a duplicate task)
        row.status = InboundMessage.Status.PROCESSING
        row.attempts += 1
        row.processing_started_at = now
        row.save(update_fields=["status", "attempts", "processing_started_at"])
    claim = row.claim
    actor = Actor.system("e-mail")
    sender = row.header_from or row.envelope_from
    matches = bool(sender) and _same_address(sender, _claim_contact_email(claim))
    outcome: dict[str, Any] = {"files": [], "skipped": [], "defects": []}
    try:
        with storage().open(row.raw_file, "rb") as fh:
            lim = pipeline.limits()
            parsed = parser.parse(fh, max_bytes=lim.max_file_bytes, embedded_min_side=lim.min_image_side)
        with parsed:
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
                reply = _replies_send(row, claim, results=results, verified=matches, automatic=automatic,
                                      forged=verdict.forged, sender=sender, not_accepting=not_accepting,
                                      skipped=outcome["skipped"])
                row.status = InboundMessage.Status.PROCESSED
                row.sender_matches = matches
                row.outcome = {**outcome, "not_accepting": not_accepting, "reply": reply}
                row.processed_at = clock.now()
                row.error = ""
                row.save(update_fields=["status", "sender_matches", "outcome", "processed_at", "error"])
    except Exception as exc:
        log.exception("mailgateway: processing message %s failed", row.pk)
        InboundMessage.objects.filter(pk=row.pk).update(
            status=InboundMessage.Status.FAILED, error=f"{exc.__class__.__name__}: {str(exc)[:500]}")
        row.refresh_from_db()
    return row


def _replies_send(row: InboundMessage, claim: Any, *, results: list[Any], verified: bool, automatic: bool,
                  forged: bool, sender: str, not_accepting: bool, skipped: list[Any]) -> dict[str, Any]:
    """Enqueue the replies for one message (inside the caller's transaction) and return what was done,
    for the message's ``outcome["reply"]`` — which is also what the daily limits count."""
    from lapakasik.claims.services import claim_lock
    from lapakasik.intake.services import intake_acknowledge

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
    from lapakasik.notifications.services import notification_enqueue

    context = {"reply_to_message_id": row.message_id} if row.message_id else {}
    notification_enqueue(event="intake_unverified_reply", claim=None, context=context, channels=["email"],
                         recipient=to, language="id")


def _held_notice(claim: Any, *, held: int, sender: str) -> None:
    """Tell the participant (their own contact, preferred channels) that files from an unverified address
    are held: they count for nothing until the participant sends them from their own address or link
    (the same file is then theirs) or an officer accepts them; a stranger's can be ignored."""
    from lapakasik.intake.services import intake_links
    from lapakasik.notifications.services import notification_enqueue

    context: dict[str, Any] = {"held_count": held, "sender_masked": mask_email(_address_key(sender) or sender)}
    links = intake_links(claim)
    if links:
        context.update(upload_url=links.upload_url, email_address=links.email_address)
    notification_enqueue(event="intake_held_notice", claim=claim, context=context)


def _reply_without_documents(row: InboundMessage, claim: Any, *, not_accepting: bool, skipped: list[Any]) -> None:
    """A message from the participant with no file (or to a claim that no longer takes documents) still
    gets a reply in the thread saying so, with what is still missing. The explanation is also given as a
    ``refused`` entry, so any ``intake_ack`` template that lists refusals shows it."""
    from lapakasik.intake.receive import ack_context
    from lapakasik.notifications.services import notification_enqueue

    from .messages import no_documents_text

    language = claim.language or "id"
    context = ack_context(claim, [], language=language)
    reason = "not_accepting" if not_accepting else "no_attachment"
    explanation = no_documents_text(reason, language)
    label = row.subject or no_documents_text("this_message", language)
    context["refused"] = [{"filename": label, "reason_code": reason, "reason": explanation}]
    context.update(reason_code=reason, explanation=explanation, skipped=skipped,
                   no_attachment=not not_accepting, not_accepting=not_accepting)
    if row.message_id:
        context["reply_to_message_id"] = row.message_id
    notification_enqueue(event="intake_ack", claim=claim, context=context)


def _too_many_result(parts: list[parser.Part]) -> Any:
    from lapakasik.intake.services import ReceiveResult

    from .messages import too_many_text

    names = ", ".join(p.display_name for p in parts[:5]) + (" …" if len(parts) > 5 else "")
    return ReceiveResult(outcome="refused", filename=names, reason_code="too_many_attachments",
                         message=too_many_text(len(parts), "id"), message_en=too_many_text(len(parts), "en"))


def inbound_reprocess(*, message: InboundMessage) -> InboundMessage:
    """Run a FAILED (or stuck) message again (officer/operator action; the command offers it)."""
    InboundMessage.objects.filter(pk=message.pk).exclude(status=InboundMessage.Status.PROCESSED).update(
        status=InboundMessage.Status.STORED)
    return inbound_message_process(message=message)


RETRY_MAX_ATTEMPTS = 3
STUCK_AFTER_MINUTES = 30


def inbound_messages_retry(*, now: Any = None, limit: int = 200) -> int:
    """Queue again what did not finish: FAILED messages with fewer than RETRY_MAX_ATTEMPTS attempts, and
    messages STORED/PROCESSING for more than STUCK_AFTER_MINUTES (a lost task, a worker killed mid-way).
    Processing is idempotent, so a message queued twice is processed once. Periodic job
    ``inbound_messages_retry`` (every 10 minutes). Returns how many were queued."""
    from django.db.models import Q

    from .tasks import inbound_message_process as process_task

    now = now or clock.now()
    S = InboundMessage.Status
    stuck_before = now - timedelta(minutes=STUCK_AFTER_MINUTES)
    ids = list(InboundMessage.objects.filter(
        Q(status=S.FAILED, attempts__lt=RETRY_MAX_ATTEMPTS)
        | Q(status=S.STORED, received_at__lt=stuck_before, attempts__lt=RETRY_MAX_ATTEMPTS)
        | Q(status=S.PROCESSING, processing_started_at__lt=stuck_before, attempts__lt=RETRY_MAX_ATTEMPTS))
        .order_by("received_at").values_list("pk", flat=True)[:limit])
    with transaction.atomic():
        for pk in ids:
            process_task.enqueue(pk)
    return len(ids)


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


def spool_leftovers_clean(*, older_than_seconds: int = 3600) -> int:
    """Remove spool files a crashed gateway left behind (a transfer in progress is younger than this).
    Run when the gateway starts. Returns how many were removed."""
    import time

    removed = 0
    cutoff = time.time() - older_than_seconds
    for path in conf.spool_dir().glob("in-*.eml"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


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

