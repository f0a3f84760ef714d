"""Every write of the intake app: opening intake access, receiving documents, acknowledging,
officer review and the failure path (UPLOAD_FAILED)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from lapakasik.claims.models import Claim
from lapakasik.core import clock
from lapakasik.core.codes import new_code, new_token

from .models import IntakeAccess

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IntakeLinks:
    """Where the participant sends documents: a personal e-mail address and an upload link."""

    email_address: str
    upload_url: str


@dataclass
class ReceiveResult:
    """What happened to one incoming file.

    ``outcome``: ``received`` (stored, waits for an officer), ``held`` (stored, held for officer review,
    e.g. mail from an unknown sender), ``duplicate`` (the same file was already stored for this claim;
    ``document`` is that earlier one), ``refused`` (not stored; ``reason_code`` + ``message`` say why and
    what to do).
    """

    outcome: str
    filename: str
    document: Any = None  # intake.models.Document | None
    requirement_code: str | None = None
    reason_code: str = ""
    message: str = ""  # Indonesian (source) — str() of a lazy translation in the active language
    message_en: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.outcome in {"received", "held", "duplicate"}


@dataclass(frozen=True)
class HoldLimits:
    """The budget of HELD files (from unverified senders) per claim at a time. HELD files never count
    against the participant's own limits; past this budget further ones are refused and not stored.
    The mail gateway passes its configured values (``MAILGATEWAY_UNVERIFIED_MAX_*``)."""

    max_files: int = 10
    max_bytes: int = 30 * 1024 * 1024


# ---------------------------------------------------------------------------------------------
# Intake access


def _email_token() -> str:
    # Lower-case Crockford: mail systems may lower-case local parts; 20 chars = 100 bits.
    return new_code(20).lower()


def upload_path(token: str) -> str:
    return reverse("intake:upload", kwargs={"token": token})


def upload_url(token: str) -> str:
    base = (getattr(settings, "INTAKE_PUBLIC_BASE_URL", "") or "").rstrip("/")
    return f"{base}{upload_path(token)}"


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


def intake_links(claim: Claim) -> IntakeLinks | None:
    """The claim's live links (None when intake was never opened or everything is revoked)."""
    from .selectors import intake_links_get

    return intake_links_get(claim)


def intake_revoke(*, claim: Claim, actor: Any, kind: str | None = None) -> IntakeLinks:
    """Revoke the claim's live address/link (both, or ``kind``) and open new ones."""
    from lapakasik.claims.services import claim_event_record, claim_lock

    with transaction.atomic():
        locked = claim_lock(claim)
        qs = IntakeAccess.objects.filter(claim=locked, revoked_at__isnull=True)
        if kind:
            qs = qs.filter(kind=kind)
        qs.update(revoked_at=clock.now())
        links = intake_open(claim=locked)
        claim_event_record(claim=locked, kind="intake_revoked", actor=actor, data={"kind": kind or "all"})
    return links


def intake_address_resolve(local_part_or_address: str) -> Claim | None:
    """The claim whose live intake address is ``local_part_or_address`` (``tok``, ``tok@domain`` or
    ``anything+tok@domain``; case-insensitive). None for unknown, revoked, wrong-domain addresses."""
    from .selectors import intake_address_resolve as _resolve

    return _resolve(local_part_or_address)


def intake_upload_resolve(token: str) -> Claim | None:
    """The claim whose live upload link has ``token`` (None otherwise)."""
    from .selectors import intake_upload_resolve as _resolve

    return _resolve(token)


# ---------------------------------------------------------------------------------------------
# Receiving


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
    from .receive import receive

    return receive(claim=claim, fileobj=fileobj, filename=filename, declared_type=declared_type, source=source,
                   requirement_code=requirement_code, actor=actor, inbound_ref=inbound_ref, hold=hold,
                   hold_limits=hold_limits)


def intake_acknowledge(
    *, claim: Claim, results: list[ReceiveResult], reply_to_message_id: str | None = None,
) -> None:
    """Enqueue notification event ``intake_ack`` for ``claim`` — to the participant's own contact only
    (it names them, the claim, the deadline and the checklist): what arrived, what was refused and
    why, what is still missing, and the documents deadline (H-1). ``reply_to_message_id`` makes the
    e-mail a reply in the participant's thread. Call inside the caller's transaction."""
    from .receive import acknowledge

    acknowledge(claim=claim, results=results, reply_to_message_id=reply_to_message_id)


# ---------------------------------------------------------------------------------------------
# When upload fails


def nearest_dropbox_branch(claim: Claim) -> Any:
    """The nearest active branch whose effective policy allows a dropbox (None when none does)."""
    from lapakasik.branches.selectors import branch_list, effective_policies

    branches = list(branch_list())
    policies = effective_policies(branches)
    candidates = [b for b in branches if policies.get(b.id) is not None and policies[b.id].dropbox_allowed]
    if not candidates:
        return None
    home = claim.branch

    def distance(b: Any) -> float:
        if home.latitude is None or b.latitude is None or home.longitude is None or b.longitude is None:
            return 0.0 if b.region_id == home.region_id else 1e9
        return float((home.latitude - b.latitude) ** 2 + (home.longitude - b.longitude) ** 2)

    return min(candidates, key=lambda b: (distance(b), b.code))


def upload_failed_context(claim: Claim) -> dict[str, Any]:
    """What the ``upload_failed`` message needs: the dropbox (when allowed) or the alternatives."""
    from lapakasik.branches.selectors import branch_effective_policy

    policy = branch_effective_policy(claim.branch)
    service = getattr(settings, "LAPAKASIK", {})
    context: dict[str, Any] = {
        "dropbox_allowed": policy.dropbox_allowed, "branch": claim.branch.name,
        "branch_address": claim.branch.address, "contact_centre": service.get("CONTACT_CENTRE", "175"),
    }
    links = intake_links(claim)
    if links:
        context["upload_url"] = links.upload_url
        context["email_address"] = links.email_address
        if policy.dropbox_allowed:  # the printable cover sheet lives under the personal upload link
            context["cover_sheet_url"] = links.upload_url.rstrip("/") + "/lembar-sampul.pdf"
    if not policy.dropbox_allowed:
        nearest = nearest_dropbox_branch(claim)
        if nearest is not None:
            context["nearest_dropbox_branch"] = nearest.name
            context["nearest_dropbox_address"] = nearest.address
    return context


def upload_failed_report(*, claim: Claim, actor: Any, reason: str = "participant_reported") -> Claim:
    """The participant says "Saya tidak bisa mengunggah" (or a job decides so): → UPLOAD_FAILED, with
    the branch's dropbox instructions or the online-only alternatives in the notification. Already
    UPLOAD_FAILED: nothing changes (idempotent)."""
    from lapakasik.claims import workflow
    from lapakasik.claims.services import claim_transition
    from lapakasik.core.errors import Conflict

    if claim.state == workflow.State.UPLOAD_FAILED:
        return claim
    if not workflow.can_transition(claim.state, workflow.State.UPLOAD_FAILED):
        raise Conflict(code="invalid_transition")
    claim_transition(claim=claim, to=workflow.State.UPLOAD_FAILED, actor=actor, reason=reason,
                     notify_context=upload_failed_context(claim))
    claim.refresh_from_db()
    return claim


def intake_deadline_check(*, now: Any = None) -> int:
    """Claims whose documents deadline (H-1) has passed with the checklist incomplete → UPLOAD_FAILED.
    Returns how many were moved. Run by the periodic job ``intake_deadlines``."""
    from lapakasik.claims import workflow

    from .catalogue import claim_checklist

    now = now or clock.now()
    moved = 0
    due = Claim.objects.select_related("branch").filter(
        documents_due_at__lt=now,
        state__in=[workflow.State.BOOKED, workflow.State.AWAITING_DOCUMENTS, workflow.State.DOCUMENTS_INCOMPLETE])
    from lapakasik.claims.services import Actor

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
    from lapakasik.claims.services import claim_event_record, claim_lock

    from .catalogue import requirement_get
    from .models import Document, DocumentStatus

    with transaction.atomic():
        locked_claim = claim_lock(document.claim)
        doc = Document.objects.select_for_update().get(pk=document.pk)
        if requirement_code:
            req = requirement_get(locked_claim, requirement_code)
            if req is None:
                from lapakasik.core.errors import InvalidInput

                raise InvalidInput(fields={"requirement": ["unknown"]})
            doc.requirement = req
        doc.status = DocumentStatus.ACCEPTED if accept else DocumentStatus.REFUSED
        doc.reason_code = "" if accept else (reason_code or "officer_refused")
        doc.reviewed_at = clock.now()
        doc.save(update_fields=["requirement", "status", "reason_code", "reviewed_at"])
        claim_event_record(claim=locked_claim, kind="document_reviewed", actor=actor,
                           data={"document": doc.pk, "accepted": accept, "reason": doc.reason_code})
    return doc


# ---------------------------------------------------------------------------------------------
# Housekeeping


def intake_orphans_clean(*, older_than_minutes: int | None = None, full: bool = False) -> int:
    """Remove stored files no Document row points to (left by a crash between storing the file and
    committing the row), older than the grace period. Walks this month's and last month's folders
    (``full=True``: everything). One query per folder. Returns how many were removed."""
    from datetime import timedelta

    from .models import Document
    from .receive import storage

    grace = older_than_minutes if older_than_minutes is not None else int(
        getattr(settings, "INTAKE_ORPHAN_GRACE_MINUTES", 60))
    now = clock.now()
    cutoff = now - timedelta(minutes=grace)
    store = storage()
    prefix = str(getattr(settings, "INTAKE_STORAGE_PREFIX", "documents")).strip("/")
    if full:
        tops = [prefix]
    else:
        last_month = now.replace(day=1) - timedelta(days=1)
        tops = [f"{prefix}/{now:%Y/%m}", f"{prefix}/{last_month:%Y/%m}"]
    from lapakasik.core.storage import unreferenced_files_delete

    def referenced(paths: list[str]) -> set[str]:
        known = set(Document.objects.filter(file__in=paths).values_list("file", flat=True))
        return known | set(Document.objects.filter(thumbnail__in=paths).values_list("thumbnail", flat=True))

    return unreferenced_files_delete(store=store, tops=tops, referenced=referenced, cutoff=cutoff)


def intake_reminders_send(*, now: Any = None, hours_before: int | None = None) -> int:
    """Remind participants whose checklist is still incomplete when the documents deadline (H-1) is
    less than ``hours_before`` (INTAKE_REMINDER_HOURS, 24) away: notification
    ``documents_incomplete_reminder`` with what is missing and the links. Once per claim (a
    ``documents_reminder_sent`` event marks it). Returns how many were sent."""
    from datetime import timedelta

    from lapakasik.claims import workflow
    from lapakasik.claims.models import ClaimEvent
    from lapakasik.claims.services import Actor, claim_event_record, claim_lock
    from lapakasik.notifications.services import notification_enqueue

    from .catalogue import claim_checklist
    from .receive import ack_context

    now = now or clock.now()
    hours = hours_before if hours_before is not None else int(getattr(settings, "INTAKE_REMINDER_HOURS", 24))
    reminded = ClaimEvent.objects.filter(kind="documents_reminder_sent").values("claim_id")
    due = (Claim.objects.select_related("branch")
           .filter(documents_due_at__gt=now, documents_due_at__lte=now + timedelta(hours=hours),
                   state__in=[workflow.State.BOOKED, workflow.State.AWAITING_DOCUMENTS,
                              workflow.State.DOCUMENTS_INCOMPLETE])
           .exclude(pk__in=reminded))
    sent = 0
    for claim in due.iterator():
        if claim_checklist(claim).complete:
            continue
        with transaction.atomic():
            locked = claim_lock(claim)
            if ClaimEvent.objects.filter(claim=locked, kind="documents_reminder_sent").exists():
                continue
            context = ack_context(locked, [], language=locked.language or "id")
            links = intake_links(locked)
            if links:
                context.update(upload_url=links.upload_url, email_address=links.email_address)
            notification_enqueue(event="documents_incomplete_reminder", claim=locked, context=context)
            claim_event_record(claim=locked, kind="documents_reminder_sent", actor=Actor.system("pengingat dokumen"),
                               data={"missing": [m["code"] for m in context["missing"]]})
        sent += 1
    return sent


def document_assign(*, document: Any, actor: Any, requirement_code: str) -> Any:
    """An officer matches a stored document to a requirement (status unchanged)."""
    from lapakasik.claims.services import claim_event_record, claim_lock
    from lapakasik.core.errors import InvalidInput

    from .catalogue import requirement_get
    from .models import Document, DocumentStatus

    with transaction.atomic():
        locked_claim = claim_lock(document.claim)
        doc = Document.objects.select_for_update().get(pk=document.pk)
        req = requirement_get(locked_claim, requirement_code)
        if req is None or doc.status == DocumentStatus.REFUSED:
            raise InvalidInput(fields={"requirement": ["unknown"]})
        doc.requirement = req
        doc.save(update_fields=["requirement"])
        claim_event_record(claim=locked_claim, kind="document_assigned", actor=actor,
                           data={"document": doc.pk, "requirement": req.code})
    return doc


# ---------------------------------------------------------------------------------------------
# Coalesced acknowledgement for web/API uploads


def intake_ack_schedule(*, claim: Claim, delay_seconds: int | None = None) -> bool:
    """Web/API uploads: one acknowledgement per burst instead of one per click. The first upload
    since the last acknowledgement schedules ``intake_ack_send`` in ``INTAKE_ACK_DELAY_SECONDS`` (60);
    later uploads in that window are included in it. Returns True when it scheduled one."""
    from datetime import timedelta

    from lapakasik.claims.models import ClaimEvent
    from lapakasik.claims.services import Actor, claim_event_record, claim_lock

    from .tasks import intake_ack_send

    delay = delay_seconds if delay_seconds is not None else int(getattr(settings, "INTAKE_ACK_DELAY_SECONDS", 60))
    with transaction.atomic():
        locked = claim_lock(claim)
        last = (ClaimEvent.objects.filter(claim=locked, kind__in=["intake_ack_scheduled", "intake_ack_sent"])
                .order_by("-seq").values_list("kind", flat=True).first())
        if last == "intake_ack_scheduled":
            return False
        claim_event_record(claim=locked, kind="intake_ack_scheduled", actor=Actor.system("tanda terima"))
        intake_ack_send.using(run_after=clock.now() + timedelta(seconds=delay)).enqueue(locked.pk)
    return True


def intake_ack_send_pending(*, claim_id: int) -> int:
    """Send the acknowledgement for web/API documents since the last one (task ``intake_ack_send``).
    Returns how many files it listed (0: nothing to say, nothing sent)."""
    from lapakasik.claims.models import ClaimEvent
    from lapakasik.claims.services import Actor, claim_event_record, claim_lock
    from lapakasik.notifications.services import notification_enqueue

    from . import pipeline
    from .models import Document, DocumentStatus, Source
    from .receive import ack_context

    claim = Claim.objects.select_related("branch").filter(pk=claim_id).first()
    if claim is None:
        return 0
    with transaction.atomic():
        locked = claim_lock(claim)
        sent_at = (ClaimEvent.objects.filter(claim=locked, kind="intake_ack_sent").order_by("-seq")
                   .values_list("created_at", flat=True).first())
        docs = Document.objects.filter(claim=locked, source__in=[Source.WEB, Source.API]).select_related("requirement")
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
        claim_event_record(claim=locked, kind="intake_ack_sent", actor=Actor.system("tanda terima"),
                           data={"files": len(results)})
        if results:
            notification_enqueue(event="intake_ack", claim=locked,
                                 context=ack_context(locked, results, language=locked.language or "id"))
    return len(results)
