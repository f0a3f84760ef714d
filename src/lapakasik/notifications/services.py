"""Storing notifications: ``notification_enqueue`` (and its bulk forms) writes the outbox rows inside the
caller's transaction with the task rows that deliver them, so all commit together; the templates they are rendered with.
Delivering them — dispatch, retries, fallback, replay, delivery reports, phone-call outcomes — is
``delivery.py``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from lapakasik.core import clock
from lapakasik.core.bulkinsert import insert_rows
from lapakasik.core.codes import new_code, new_token
from lapakasik.core.errors import InvalidInput

from . import channels as channel_mod
from . import defaults, rendering
from .models import Channel, Notification, NotificationTemplate
from .recipients import Recipient

log = logging.getLogger(__name__)
S = Notification.Status
# Channels that confirm delivery (webhook or officer's outcome): no confirmation in time → fallback.
CONFIRMING = {Channel.WHATSAPP, Channel.SMS, Channel.PHONE}


def _enqueue_delivery(notification_id: int, run_after: datetime | None = None) -> None:
    """Queue the row's delivery task. Inside a transaction the task row is written in it (the database task
    backend's table): the change, its outbox row and the task that delivers it commit together, with no
    extra commit of their own after it; a rollback leaves no task for a row that does not exist. Outside
    one (autocommit) it is written at once."""
    # Imported here: the delivery task runs this module (a failed delivery re-queues its own task).
    from .tasks import notification_deliver

    task = notification_deliver.using(run_after=run_after) if run_after else notification_deliver
    result = task.enqueue(notification_id)
    # Remember the task, so the replay job can tell a queued row from a lost one.
    Notification.objects.filter(pk=notification_id).update(task_id=str(result.id)[:64])


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
    """Store one notification per channel (``to``'s preferred channels by default) and queue its
    delivery in the same transaction — a change, its messages and their delivery tasks commit together, and
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
            _enqueue_delivery(row.id)
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
        _enqueue_many(ids[start:start + DELIVER_MANY_CHUNK])
    return len(ids)


def _enqueue_many(notification_ids: list[int]) -> None:
    """One delivery task for many rows, in the caller's transaction (as ``_enqueue_delivery``)."""
    # Imported here: the delivery task runs this module (a failed delivery re-queues its own task).
    from .tasks import notification_deliver_many

    result = notification_deliver_many.enqueue(notification_ids)
    Notification.objects.filter(pk__in=notification_ids).update(task_id=str(result.id)[:64])


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
