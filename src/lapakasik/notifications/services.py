"""Every write of the notifications app.

``notification_enqueue`` stores the outbox rows inside the caller's transaction and enqueues their
delivery when it commits; ``notification_dispatch`` (run by the task) delivers one row: claim it
with a lease, take a rate-limit unit, render, call the channel's provider with the idempotency key,
record the outcome (SENT / retry with backoff / FAILED and fall back). The row's status is the truth:
``notification_replay`` hands rows back to the queue when a worker died or a task got lost.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus

from lapakasik.core import clock
from lapakasik.core.bulkinsert import insert_rows
from lapakasik.core.codes import new_code, new_token
from lapakasik.core.errors import Conflict, InvalidInput, NotFound

from . import channels as channel_mod
from . import defaults, policy, rendering
from .models import Channel, Notification, NotificationTemplate, PhoneCall
from .ratelimit import rate_acquire
from .recipients import Recipient

log = logging.getLogger(__name__)
S = Notification.Status
# Channels that confirm delivery (webhook or officer's outcome): no confirmation in time → fallback.
CONFIRMING = {Channel.WHATSAPP, Channel.SMS, Channel.PHONE}


def _enqueue_on_commit(notification_id: int, run_after: datetime | None = None) -> None:
    # Imported here: the delivery task runs this module (a failed delivery re-queues its own task).
    from .tasks import notification_deliver

    def _go() -> None:
        try:
            task = notification_deliver.using(run_after=run_after) if run_after else notification_deliver
            result = task.enqueue(notification_id)
            # Remember the task, so the replay job can tell a queued row from a lost one.
            Notification.objects.filter(pk=notification_id).update(task_id=str(result.id)[:64])
        except Exception:  # the row stays PENDING; notification_replay re-enqueues it
            log.exception("enqueue of notification %s failed; the replay job will retry", notification_id)

    transaction.on_commit(_go)


def _new_row(*, claim: Any, event: str, channel: str, recipient: str, language: str, context: dict[str, Any],
             group: str, contact: dict[str, Any] | None = None, fallback_of: Notification | None = None,
             fallback_reason: str = "", savepoint: bool = True) -> Notification:
    def create() -> Notification:
        return Notification.objects.create(
            claim=claim, event=event, channel=channel, recipient=recipient, contact=contact or {}, language=language,
            context=context,
            idempotency_key=new_token(24), verification_code=new_code(8), next_attempt_at=clock.now(), group=group,
            fallback_of=fallback_of, fallback_reason=fallback_reason)

    if not savepoint:  # the caller retries its whole transaction on an IntegrityError (a code collision)
        return create()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return create()
        except IntegrityError:
            if fallback_of is not None and Notification.objects.filter(fallback_of=fallback_of).exists():
                raise
            continue  # a verification code collision (40 bits): draw again
    raise IntegrityError("could not draw a unique verification code")


def notification_enqueue(
    *, event: str, to: Recipient | None = None, claim: Any = None, context: dict[str, Any] | None = None,
    channels: list[str] | None = None, recipient: str | None = None, language: str | None = None,
    savepoint: bool = True,
) -> list[Notification]:
    """Store one notification per channel (``to``'s preferred channels by default) and enqueue its
    delivery when the caller's transaction commits — a change and its messages commit together, and
    the row is the truth (the replay job re-enqueues a row whose task never ran). ``to``: whom (the
    claims app passes the claim's applicant party); ``recipient``: one fixed address instead (no
    fallback to other channels); ``claim``: the claim the message is about (the row's link, the
    template's claim variables). ``savepoint=False``: no savepoint per row (two round trips fewer) for a
    caller that retries its whole transaction on an IntegrityError, such as the booking transaction."""
    if to is None and not recipient:
        raise ValueError("notification_enqueue needs a recipient: to=Recipient(...) or recipient=address")
    if channels:
        chosen = list(channels)
        bad = [c for c in chosen if c not in Channel.values]
        if bad:
            raise InvalidInput(_("Kanal notifikasi tidak dikenal."), code="invalid_channel", fields={"channels": bad})
    else:
        chosen = (to.preferred() if to is not None else []) or [Channel.EMAIL]
    lang = language or (to.language if to is not None and to.language else "id")
    lang = lang if lang in ("id", "en") else "id"
    group = new_token(12)
    contact = to.as_contact() if to is not None else {}
    ctx = dict(context or {})
    if to is not None and to.name:
        ctx.setdefault("name", to.name)
    rows: list[Notification] = []
    # No savepoint of its own: inside the caller's transaction an error must roll the caller back anyway
    # (the per-row savepoint in _new_row stays, for a verification-code collision).
    with transaction.atomic(savepoint=False):
        for channel in dict.fromkeys(chosen):
            address = recipient or (to.address(channel) if to is not None else "")
            if not address:
                continue
            row = _new_row(claim=claim, event=event, channel=channel, recipient=address, language=lang,
                           context=ctx, group=group, contact=contact, savepoint=savepoint)
            _enqueue_on_commit(row.id)
            rows.append(row)
    return rows


@dataclass(frozen=True)
class Outgoing:
    """One participant's message of a mass notice: to whom, about which claim, with which variables."""

    to: Recipient
    claim: Any
    context: dict[str, Any]


def notification_enqueue_many(*, event: str, messages: list[Outgoing]) -> list[Notification]:
    """``notification_enqueue`` for many participants at once (a channel-policy switch tells tens of
    thousands): the same rows — one per channel each recipient chose, their contact, language and group —
    stored with one INSERT in the caller's transaction, and one delivery task for all of them written in the
    same transaction (the database task backend's row commits with the messages). The task delivers the
    rows one after the other with ``notification_dispatch``; a row that fails is retried on its own task as
    any other, and rows a lost task never reached are re-queued by ``notification_replay``. A verification-code
    collision raises IntegrityError: the caller retries its transaction."""
    now = clock.now()
    rows: list[Notification] = []
    for m in messages:
        chosen = m.to.preferred() or [Channel.EMAIL]
        language = m.to.language if m.to.language in ("id", "en") else "id"
        group, contact, ctx = new_token(12), m.to.as_contact(), dict(m.context)
        if m.to.name:
            ctx.setdefault("name", m.to.name)
        for channel in dict.fromkeys(chosen):
            address = m.to.address(channel)
            if address:
                rows.append(Notification(
                    claim=m.claim, event=event, channel=channel, recipient=address, contact=contact,
                    language=language, context=ctx, idempotency_key=new_token(24), verification_code=new_code(8),
                    next_attempt_at=now, group=group))
    if not rows:
        return []
    # Imported here: the delivery task runs this module (a failed delivery re-queues its own task).
    from .tasks import notification_deliver_many

    with transaction.atomic(savepoint=False):
        Notification.objects.bulk_create(rows)
        ids = [r.pk for r in rows]
        result = notification_deliver_many.enqueue(ids)
        Notification.objects.filter(pk__in=ids).update(task_id=str(result.id)[:64])
    return rows
DELIVER_MANY_CHUNK = 500


def notification_enqueue_items(*, event: str, items: list[tuple[Any, Recipient, dict[str, Any]]]) -> int:
    """``notification_enqueue`` for thousands of messages of one event (a bank's result file paying a
    batch): per item (claim, recipient, context) one row on the recipient's first reachable preferred
    channel (fallbacks follow as for any row), stored a few statements per 500 rows, delivered by one task
    per 500 rows once the caller's transaction commits. Returns the number of rows stored."""
    rows: list[dict[str, Any]] = []
    now = clock.now()
    known = set(Channel.values)
    for claim, to, context in items:
        channel = next((c for c in ([c for c in to.channels if c in known] or [Channel.EMAIL]) if to.address(c)), None)
        if channel is None:
            continue
        lang = to.language if to.language in ("id", "en") else "id"
        ctx = dict(context)
        if to.name:
            ctx.setdefault("name", to.name)
        rows.append({
            "claim_id": claim.pk, "event": event, "channel": channel, "recipient": to.address(channel),
            "contact": to.as_contact(), "language": lang, "context": ctx, "idempotency_key": new_token(24),
            "verification_code": new_code(8), "next_attempt_at": now, "group": new_token(12),
            "created_at": now})
    ids: list[int] = []
    for start in range(0, len(rows), DELIVER_MANY_CHUNK):
        part = rows[start:start + DELIVER_MANY_CHUNK]
        for attempt in range(5):
            try:
                with transaction.atomic():
                    insert_rows(Notification, part)
                break
            except IntegrityError:  # a verification code collision (40 bits): draw the chunk's codes again
                if attempt == 4:
                    raise
                for row in part:
                    row["verification_code"], row["idempotency_key"] = new_code(8), new_token(24)
        ids.extend(Notification.objects.filter(idempotency_key__in=[r["idempotency_key"] for r in part])
                   .values_list("pk", flat=True))
    for start in range(0, len(ids), DELIVER_MANY_CHUNK):
        _enqueue_many_on_commit(ids[start:start + DELIVER_MANY_CHUNK])
    return len(ids)


def _enqueue_many_on_commit(notification_ids: list[int]) -> None:
    # Imported here: the delivery task runs this module (a failed delivery re-queues its own task).
    from .tasks import notification_deliver_many

    def _go() -> None:
        try:
            result = notification_deliver_many.enqueue(notification_ids)
            Notification.objects.filter(pk__in=notification_ids).update(task_id=str(result.id)[:64])
        except Exception:  # the rows stay PENDING; notification_replay re-enqueues them one by one
            log.exception("enqueue of %s notifications failed; the replay job will retry", len(notification_ids))

    transaction.on_commit(_go)


# --- templates ----------------------------------------------------------------------------------


def template_for(*, event: str, channel: str, language: str) -> NotificationTemplate | None:
    """The active template for event × channel × language, falling back to Indonesian. An event the
    catalogue ships texts for (every claim state's event among them) never falls back to another
    event's text: without a template of its own it has none (the send fails visibly). Only an event
    the catalogue does not know gets the generic claim status template, and that is logged."""
    candidates = [(event, language), (event, "id")]
    generic = event not in defaults.TEXTS
    if generic:
        candidates += [("claim_status", language), ("claim_status", "id")]
    found = {(t.event, t.language): t for t in NotificationTemplate.objects.filter(
        channel=channel, active=True, event__in={e for e, _ in candidates})}
    for key in candidates:
        if key in found:
            if key[0] != event:
                log.warning("notifications: no template for event %s; the generic claim status text is used", event)
            return found[key]
    return None


def template_defaults_install(*, overwrite: bool = False) -> int:
    """Store the shipped default templates (missing ones, or all with ``overwrite``). Returns rows written."""
    written = 0
    for row in defaults.default_rows():
        keys = {k: row[k] for k in ("event", "channel", "language")}
        values = {k: v for k, v in row.items() if k not in keys}
        if overwrite:
            NotificationTemplate.objects.update_or_create(**keys, defaults=values)
            written += 1
        else:
            _, created = NotificationTemplate.objects.get_or_create(**keys, defaults=values)
            written += int(created)
    return written


def notification_render(row: Notification) -> rendering.Rendered:
    template = template_for(event=row.event, channel=row.channel, language=row.language)
    if template is None:
        raise channel_mod.PermanentError(f"no template for {row.event}/{row.channel}")
    row.template = template
    ctx = rendering.base_context(claim=row.claim, language=row.language, verification_code=row.verification_code,
                                 name=str((row.contact or {}).get("name") or ""))
    ctx.update({k: v for k, v in (row.context or {}).items() if k not in ("verification_code", "check_url")})
    ctx.update(rendering.derived_context(ctx, row.language))
    return rendering.render(template=template, channel=row.channel, language=row.language, ctx=ctx,
                            verification_code=row.verification_code)


# --- delivery -----------------------------------------------------------------------------------


def _limits() -> dict[str, int]:
    return policy.parse_rate_limits(settings.NOTIFY_RATE_LIMITS)


def notification_dispatch(*, notification_id: int, rng: random.Random | None = None) -> str:
    """Deliver one row (the task body). Returns what happened: sent, retry, failed, rate_limited, or
    the reason nothing was done (busy, not_due, missing, stale, already_<status>)."""
    now = clock.now()
    provider: Any = None
    with transaction.atomic():
        row = (Notification.objects.select_for_update(of=("self",)).select_related("claim", "claim__branch")
               .filter(pk=notification_id).first())
        if row is None:
            return "missing"
        if row.status == S.SENDING and row.lease_until and row.lease_until > now:
            return "busy"
        if row.status not in (S.PENDING, S.SENDING):
            return "already_" + str(row.status).lower()
        if row.next_attempt_at and row.next_attempt_at > now + timedelta(seconds=1):
            return "not_due"  # an earlier task; the one for next_attempt_at is queued
        provider = channel_mod.provider_for(row.channel)
        limit = _limits().get(channel_mod.rate_key(provider), 0)
        wait = rate_acquire(f"provider:{channel_mod.rate_key(provider)}", limit=limit) if limit else 0.0
        if wait > 0:
            row.status = S.PENDING
            row.next_attempt_at = now + timedelta(seconds=wait + random.random() * 0.2)
            row.save(update_fields=["status", "next_attempt_at"])
            _enqueue_on_commit(row.id, run_after=row.next_attempt_at)
            return "rate_limited"
        row.status = S.SENDING
        row.attempts += 1
        row.lease_until = now + timedelta(seconds=settings.NOTIFY_LEASE_SECONDS)
        row.provider = provider.name
        try:
            rendered = notification_render(row)
        except Exception as exc:  # no template, a template error: nothing to retry
            _fail(row, f"render: {exc}", now=now)
            return "failed"
        row.subject, row.body_text, row.body_html = rendered.subject, rendered.text, rendered.html
        row.save(update_fields=["status", "attempts", "lease_until", "provider", "template", "subject",
                                "body_text", "body_html"])
        attempt = row.attempts
    message = channel_mod.Outbound(
        notification_id=row.id, channel=row.channel, recipient=row.recipient, language=row.language,
        subject=rendered.subject, text=rendered.text, html=rendered.html, idempotency_key=row.idempotency_key,
        verification_code=row.verification_code,
        reply_to_message_id=str((row.context or {}).get("reply_to_message_id") or ""),
        provider_template=(row.template.provider_template if row.template else ""),
        parameters=rendered.parameters, branch_id=row.claim.branch_id if row.claim is not None else None)
    try:
        result = provider.send(message)
    except channel_mod.PermanentError as exc:
        return _after_failure(row.id, attempt, str(exc), permanent=True, rng=rng)
    except channel_mod.TransientError as exc:
        return _after_failure(row.id, attempt, str(exc), permanent=False, retry_after=exc.retry_after, rng=rng)
    except Exception as exc:  # a bug or an unexpected library error: retry, and log it
        log.exception("notification %s: unexpected error from %s", row.id, provider.name)
        return _after_failure(row.id, attempt, f"{exc.__class__.__name__}: {exc}", permanent=False, rng=rng)
    done = clock.now()
    updated = Notification.objects.filter(pk=row.id, status=S.SENDING, attempts=attempt).update(
        status=S.SENT, provider_message_id=result.provider_message_id[:128], sent_at=done, lease_until=None,
        segments=result.segments, last_error="")
    return "sent" if updated else "stale"


def _after_failure(notification_id: int, attempt: int, error: str, *, permanent: bool,
                   retry_after: float | None = None, rng: random.Random | None = None) -> str:
    now = clock.now()
    with transaction.atomic():
        row = Notification.objects.select_for_update(of=("self",)).select_related("claim").filter(
            pk=notification_id, status=S.SENDING, attempts=attempt).first()
        if row is None:
            return "stale"
        if permanent or row.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            _fail(row, error, now=now)
            return "failed"
        delay = policy.backoff_seconds(row.attempts, base=settings.NOTIFY_BACKOFF_BASE_SECONDS,
                                       cap=settings.NOTIFY_BACKOFF_CAP_SECONDS, rng=rng)
        if retry_after:
            delay = max(delay, min(retry_after, settings.NOTIFY_BACKOFF_CAP_SECONDS))
        row.status = S.PENDING
        row.next_attempt_at = now + timedelta(seconds=delay)
        row.lease_until = None
        row.last_error = error[:2000]
        row.save(update_fields=["status", "next_attempt_at", "lease_until", "last_error"])
        _enqueue_on_commit(row.id, run_after=row.next_attempt_at)
    return "retry"


def _fail(row: Notification, error: str, *, now: datetime) -> None:
    row.status = S.FAILED
    row.failed_at = now
    row.lease_until = None
    row.last_error = error[:2000]
    row.save()
    notification_fallback(row=row, reason="failed")


def notification_fallback(*, row: Notification, reason: str) -> Notification | None:
    """Create the next channel's row for ``row`` (participant's preferences, then the fallback chain;
    never a channel already used for this message). None when no channel is left."""
    if Notification.objects.filter(fallback_of=row).exists():
        return None
    group_rows = Notification.objects.filter(group=row.group) if row.group else Notification.objects.filter(pk=row.pk)
    used = set(group_rows.values_list("channel", flat=True)) | {row.channel}
    claim = row.claim
    who = Recipient.from_contact(row.contact)
    # No stored contact (a fixed address was given): only that address.
    reachable = who.reachable() if row.contact else {row.channel}
    preferred = who.preferred()
    chain = [c.strip() for c in settings.NOTIFY_FALLBACK_CHAIN.split(",") if c.strip()]
    nxt = policy.fallback_next(preferred=preferred, chain=chain, used=used, reachable=reachable)
    if nxt is None:
        return None
    try:
        with transaction.atomic():
            new = _new_row(claim=claim, event=row.event, channel=nxt, recipient=who.address(nxt),
                           language=row.language, context=row.context, group=row.group or new_token(12),
                           contact=row.contact, fallback_of=row, fallback_reason=reason)
    except IntegrityError:
        return None  # another process created it
    _enqueue_on_commit(new.id)
    return new


def notification_replay(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Re-queue rows stuck in an intermediate state: SENDING with an expired lease (the worker died)
    goes back to PENDING; PENDING rows due longer than the grace period get a fresh task unless their
    task is still queued or running (a long backlog is not a loss). Returns how many were re-queued."""
    now = now or clock.now()
    grace = timedelta(seconds=settings.NOTIFY_REPLAY_GRACE_SECONDS)
    count = 0
    expired = list(Notification.objects.filter(status=S.SENDING, lease_until__lt=now)
                   .values_list("id", flat=True)[:limit])
    for pk in expired:
        with transaction.atomic():
            if Notification.objects.filter(pk=pk, status=S.SENDING, lease_until__lt=now).update(
                    status=S.PENDING, next_attempt_at=now, lease_until=None, last_error="worker lost (lease expired)"):
                _enqueue_on_commit(pk)
                count += 1
    overdue = list(Notification.objects.filter(status=S.PENDING).filter(
        Q(next_attempt_at__lt=now - grace) | Q(next_attempt_at__isnull=True, created_at__lt=now - grace))
        .order_by("next_attempt_at").values_list("id", "task_id")[:limit])
    alive = _tasks_alive([task_id for _, task_id in overdue if task_id], now=now)
    for pk, task_id in overdue:
        if task_id and task_id in alive:
            continue  # its task is still queued (a backlog, not a loss) or running right now
        with transaction.atomic():
            if Notification.objects.filter(pk=pk, status=S.PENDING).update(next_attempt_at=now):
                _enqueue_on_commit(pk)
                count += 1
    return count


def _tasks_alive(task_ids: list[str], *, now: datetime) -> set[str]:
    """Which of these delivery tasks will still run: READY, or RUNNING and started less than a lease
    ago (a RUNNING task of a killed worker never finishes). Unknown backends: none (re-enqueue)."""
    if not task_ids:
        return set()
    from .tasks import notification_deliver  # the task runs this module (see _enqueue_on_commit)

    lease = timedelta(seconds=settings.NOTIFY_LEASE_SECONDS)
    backend = notification_deliver.get_backend()
    if backend.__class__.__module__.startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult  # only with the database backend

        rows = DBTaskResult.objects.filter(id__in=task_ids).filter(
            Q(status=TaskResultStatus.READY) | Q(status=TaskResultStatus.RUNNING, started_at__gt=now - lease))
        return {str(pk) for pk in rows.values_list("id", flat=True)}
    alive = set()
    for task_id in task_ids:
        try:
            result = notification_deliver.get_result(task_id)
        except Exception:  # noqa: S112 - no result support or unknown id: treat as lost
            continue
        started = getattr(result, "started_at", None)
        if result.status == TaskResultStatus.READY or (
                result.status == TaskResultStatus.RUNNING and started is not None and started > now - lease):
            alive.add(task_id)
    return alive


def notification_delivery_timeouts(*, now: datetime | None = None, limit: int = 500) -> int:
    """SENT on a confirming channel (WhatsApp, SMS, phone) and not confirmed delivered in time → the
    next channel. Returns the number of fallbacks created."""
    now = now or clock.now()
    cutoff = now - timedelta(minutes=settings.NOTIFY_DELIVERY_TIMEOUT_MINUTES)
    rows = (Notification.objects.select_related("claim").filter(
        status=S.SENT, channel__in=[Channel.WHATSAPP, Channel.SMS], sent_at__lt=cutoff, fallback__isnull=True))
    made = 0
    for row in rows[:limit]:
        with transaction.atomic():
            made += int(notification_fallback(row=row, reason="not_confirmed") is not None)
    calls = PhoneCall.objects.select_related("notification", "notification__claim").filter(
        outcome=PhoneCall.Outcome.OPEN, due_at__lt=now, notification__fallback__isnull=True)
    for call in calls[:limit]:
        with transaction.atomic():
            made += int(notification_fallback(row=call.notification, reason="not_confirmed") is not None)
    return made


# --- delivery reports ---------------------------------------------------------------------------

_RANK = {S.PENDING: 0, S.SENDING: 1, S.SENT: 2, S.DELIVERED: 3, S.FAILED: 3, S.CANCELLED: 3}


def notification_status_report(*, provider_message_id: str = "", idempotency_key: str = "", status: str,
                               error: str = "", at: datetime | None = None) -> Notification | None:
    """Apply a provider's delivery report (``delivered`` / ``read`` / ``failed`` / ``sent``). Reports
    never move a row backwards; a failure after SENT falls back to the next channel."""
    at = at or clock.now()
    status = status.lower()
    with transaction.atomic():
        query = Notification.objects.select_for_update()
        row = None
        if idempotency_key:
            row = query.filter(idempotency_key=idempotency_key).first()
        if row is None and provider_message_id:
            row = query.filter(provider_message_id=provider_message_id).first()
        if row is None:
            return None
        if status in ("delivered", "read", "delivrd"):
            if row.status in (S.SENT, S.SENDING, S.PENDING):
                row.status, row.delivered_at, row.lease_until = S.DELIVERED, at, None
                row.save(update_fields=["status", "delivered_at", "lease_until"])
        elif status in ("failed", "undelivered", "undeliv", "rejected", "expired"):
            if row.status in (S.SENT, S.SENDING):
                row.status, row.failed_at, row.last_error = S.FAILED, at, (error or status)[:2000]
                row.save(update_fields=["status", "failed_at", "last_error"])
                notification_fallback(row=row, reason="provider_failed")
        return row


# --- phone calls --------------------------------------------------------------------------------


def phone_call_record(*, call_id: int, outcome: str, officer: Any = None, note: str = "") -> PhoneCall:
    """The officer's outcome of a call task: REACHED = delivered; NO_ANSWER / WRONG_NUMBER = failed and
    the next channel is tried. ``officer`` is the user who called. Returns the call; the caller records
    the claim's history (``claims.services.claim_phone_call_record`` does both in one transaction)."""
    if outcome not in (PhoneCall.Outcome.REACHED, PhoneCall.Outcome.NO_ANSWER, PhoneCall.Outcome.WRONG_NUMBER):
        raise InvalidInput(_("Hasil panggilan tidak dikenal."), code="invalid_outcome", fields={"outcome": [outcome]})
    with transaction.atomic():
        call = PhoneCall.objects.select_for_update().filter(pk=call_id).first()
        if call is None:
            raise NotFound()
        if call.outcome != PhoneCall.Outcome.OPEN:
            raise Conflict(_("Hasil panggilan ini sudah dicatat."), code="already_recorded")
        now = clock.now()
        call.outcome, call.note, call.completed_at = outcome, note[:500], now
        call.officer = officer
        call.save()
        row = Notification.objects.select_for_update(of=("self",)).select_related("claim").get(pk=call.notification_id)
        if outcome == PhoneCall.Outcome.REACHED:
            if row.status in (S.SENT, S.PENDING, S.SENDING):
                row.status, row.delivered_at = S.DELIVERED, now
                row.save(update_fields=["status", "delivered_at"])
        elif row.status in (S.SENT, S.PENDING, S.SENDING):
            row.status, row.failed_at, row.last_error = S.FAILED, now, f"phone: {outcome}"
            row.save(update_fields=["status", "failed_at", "last_error"])
            notification_fallback(row=row, reason="call_" + outcome.lower())
        call.notification = row
    return call
