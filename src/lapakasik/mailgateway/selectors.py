"""Reads of the mail gateway."""

from __future__ import annotations

from typing import Any

from .models import InboundMessage


def inbox_timeline_items(claim_code: str) -> list[dict[str, Any]]:
    """The e-mails the participant sent to the claim's intake address, as items of the development
    inbox's conversation view (added to ``notifications.selectors.inbox_timeline`` by this app)."""
    return [{"at": m.received_at, "direction": "in", "channel": "email", "event": m.subject, "status": m.status,
             "attempts": 0, "fallback": "", "error": ""}
            for m in InboundMessage.objects.filter(claim__code=claim_code)]
