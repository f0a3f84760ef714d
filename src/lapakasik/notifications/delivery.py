"""Delivering what the outbox holds (``services`` stores it): ``notification_dispatch`` (run by the task)
claims one row with a lease, takes a rate-limit unit, renders, calls the channel's provider with the
idempotency key and records the outcome (SENT / retry with backoff / FAILED and fall back to the next
channel). The row's status is the truth: ``notification_replay`` hands rows back to the queue when a worker
died or a task got lost; ``notification_delivery_timeouts`` falls back when a confirming channel never
confirmed; delivery reports (webhooks) and the officer's phone-call outcomes land here too.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus

from lapakasik.core import clock
from lapakasik.core.codes import new_token
from lapakasik.core.errors import Conflict, InvalidInput, NotFound

from . import channels as channel_mod
from . import policy
from .models import Channel, Notification, PhoneCall
from .ratelimit import rate_acquire
from .recipients import Recipient
from .services import _enqueue_delivery, _new_row, notification_render

log = logging.getLogger(__name__)
S = Notification.Status
# Channels that confirm delivery (webhook or officer's outcome): no confirmation in time → fallback.
CONFIRMING = {Channel.WHATSAPP, Channel.SMS, Channel.PHONE}


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
            _enqueue_delivery(row.id, run_after=row.next_attempt_at)
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
        _enqueue_delivery(row.id, run_after=row.next_attempt_at)
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
    _enqueue_delivery(new.id)
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
                _enqueue_delivery(pk)
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
                _enqueue_delivery(pk)
                count += 1
    return count


def _tasks_alive(task_ids: list[str], *, now: datetime) -> set[str]:
    """Which of these delivery tasks will still run: READY, or RUNNING and started less than a lease
    ago (a RUNNING task of a killed worker never finishes). Unknown backends: none (re-enqueue)."""
    if not task_ids:
        return set()
    from .tasks import notification_deliver  # the task runs this module (see _enqueue_delivery)

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
