"""Storing notifications (the outbox). Delivery is in tasks.py."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from lapakasik.core.codes import new_code, new_token

from .models import Channel, Notification


def _recipient_for(claim: Any, channel: str) -> str:
    return claim.email if channel == Channel.EMAIL else claim.phone


def notification_enqueue(
    *, event: str, claim: Any = None, context: dict[str, Any] | None = None, channels: list[str] | None = None,
    recipient: str | None = None, language: str | None = None,
) -> list[Notification]:
    """Store one notification per channel (the claim's preferred channels by default) and enqueue
    its delivery — inside the caller's transaction, so a change and its messages commit together."""
    from .tasks import notification_deliver

    chosen = channels or (list(claim.channels) if claim is not None and claim.channels else [Channel.EMAIL])
    rows = []
    with transaction.atomic():
        for channel in chosen:
            row = Notification.objects.create(
                claim=claim, event=event, channel=channel,
                recipient=recipient or _recipient_for(claim, channel),
                language=language or (claim.language if claim is not None else "id"),
                context=context or {}, idempotency_key=new_token(16), verification_code=new_code(8),
            )
            notification_deliver.enqueue(row.id)
            rows.append(row)
    return rows
