"""Reads of the mail gateway: messages to process again, a claim's e-mails for the development inbox."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q

from .models import InboundMessage

RETRY_MAX_ATTEMPTS = 3
# A message PROCESSING (or STORED) for longer than this was left by a worker that died or a lost task.
STUCK_AFTER_MINUTES = 30


def inbound_messages_unfinished(*, now: datetime, limit: int = 200) -> list[int]:
    """What did not finish, oldest first: FAILED messages with fewer than RETRY_MAX_ATTEMPTS attempts,
    and messages STORED/PROCESSING for more than STUCK_AFTER_MINUTES (a lost task, a worker killed
    mid-way)."""
    S = InboundMessage.Status
    stuck_before = now - timedelta(minutes=STUCK_AFTER_MINUTES)
    return list(InboundMessage.objects.filter(
        Q(status=S.FAILED, attempts__lt=RETRY_MAX_ATTEMPTS)
        | Q(status=S.STORED, received_at__lt=stuck_before, attempts__lt=RETRY_MAX_ATTEMPTS)
        | Q(status=S.PROCESSING, processing_started_at__lt=stuck_before, attempts__lt=RETRY_MAX_ATTEMPTS))
        .order_by("received_at").values_list("pk", flat=True)[:limit])


def inbox_timeline_items(claim_code: str) -> list[dict[str, Any]]:
    """The e-mails the participant sent to the claim's intake address, as items of the development
    inbox's conversation view (added to ``notifications.selectors.inbox_timeline`` by this app)."""
    return [{"at": m.received_at, "direction": "in", "channel": "email", "event": m.subject, "status": m.status,
             "attempts": 0, "fallback": "", "error": ""}
            for m in InboundMessage.objects.filter(claim__code=claim_code)]
