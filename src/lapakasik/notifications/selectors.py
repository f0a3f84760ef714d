"""Reads of the notifications app: the authenticity check, the development inbox, call tasks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils import translation

from lapakasik.core.codes import normalize_code

from .models import Channel, Notification, PhoneCall, SimulatedMessage

EVENT_LABELS = {
    "id": {"booking": "Antrean klaim", "waitlist": "Daftar tunggu antrean", "otp": "Kode sekali pakai",
           "intake": "Tanda terima dokumen", "upload": "Petunjuk pengiriman dokumen",
           "documents": "Kelengkapan dokumen", "dropbox": "Petunjuk dropbox", "confirmation": "Konfirmasi petugas",
           "claim": "Status klaim"},
    "en": {"booking": "Claim queue booking", "waitlist": "Queue waiting list", "otp": "One-time code",
           "intake": "Document receipt", "upload": "How to send documents", "documents": "Document checklist",
           "dropbox": "Dropbox instructions", "confirmation": "Officer confirmation", "claim": "Claim status"},
}


# The messages that confirm a booking and state its document deadline.
CONFIRMATION_EVENTS = ("booking_confirmed", "booking_rescheduled")


def notification_last_confirmation_at(*, claim: Any) -> datetime | None:
    """When the claim's latest booking confirmation (on any channel) was written, or None."""
    return (Notification.objects.filter(claim=claim, event__in=CONFIRMATION_EVENTS)
            .order_by("-created_at").values_list("created_at", flat=True).first())


@dataclass(frozen=True)
class CheckResult:
    """What the public page may say about a code: no name, no address, no claim code."""

    genuine: bool
    channel: str = ""
    channel_label: str = ""
    kind: str = ""
    sent_at: datetime | None = None


def event_kind_label(event: str, language: str = "id") -> str:
    labels = EVENT_LABELS.get(language, EVENT_LABELS["id"])
    return labels.get(event.split("_", 1)[0], labels["claim"])


def notification_check(*, code: str, language: str = "id") -> CheckResult:
    """Did the agency send a message with this verification code? Only messages actually handed to a
    provider count (SENT, DELIVERED; FAILED after an attempt may still have arrived)."""
    cleaned = normalize_code(code)
    if len(cleaned) != 8:
        return CheckResult(genuine=False)
    row = (Notification.objects.filter(verification_code=cleaned, attempts__gt=0)
           .exclude(status__in=[Notification.Status.CANCELLED]).only("channel", "event", "sent_at", "created_at")
           .first())
    if row is None:
        return CheckResult(genuine=False)
    with translation.override(language):
        channel_label = str(Channel(row.channel).label) if row.channel in Channel.values else row.channel
    return CheckResult(genuine=True, channel=row.channel, channel_label=channel_label,
                       kind=event_kind_label(row.event, language), sent_at=row.sent_at or row.created_at)


def inbox_messages(*, recipient: str = "", claim_code: str = "", limit: int = 200) -> QuerySet[SimulatedMessage]:
    """What the simulators delivered, newest first; filtered by recipient or by claim."""
    rows = SimulatedMessage.objects.all()
    if recipient:
        rows = rows.filter(recipient=recipient)
    if claim_code:
        keys = Notification.objects.filter(claim__code=normalize_code(claim_code)).values("idempotency_key")
        rows = rows.filter(idempotency_key__in=keys)
    return rows.order_by("-received_at", "-id")[:limit]


def inbox_calls(*, claim_code: str = "", limit: int = 100) -> QuerySet[PhoneCall]:
    calls = PhoneCall.objects.select_related("notification", "notification__claim")
    if claim_code:
        calls = calls.filter(notification__claim__code=normalize_code(claim_code))
    return calls.order_by("-created_at")[:limit]


def inbox_recipients(limit: int = 100) -> list[dict[str, Any]]:
    return list(SimulatedMessage.objects.values("recipient").annotate(n=Count("id"), last=Max("received_at"))
                .order_by("-last")[:limit])


def phone_calls_open(*, branches: Any) -> QuerySet[PhoneCall]:
    """Open call tasks of these branches (the caller passes the branches the officer may see)."""
    return (PhoneCall.objects.select_related("notification", "notification__claim", "branch")
            .filter(outcome=PhoneCall.Outcome.OPEN, branch__in=branches).order_by("due_at"))


def phone_call_open_get(*, pk: int) -> PhoneCall | None:
    """One open call task (whoever asks: the caller checks the policy on its branch)."""
    return PhoneCall.objects.select_related("branch").filter(pk=pk, outcome=PhoneCall.Outcome.OPEN).first()


def notifications_for_claim(claim: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(claim=claim).order_by("created_at", "id")


TimelineSource = Callable[[str], Iterable[dict[str, Any]]]
# What the participant sent, from apps above this one (the mail gateway: e-mails to the intake address).
# They add a source in their AppConfig.ready, so this app never imports them.
_TIMELINE_SOURCES: list[TimelineSource] = []


def inbox_timeline_source_add(source: TimelineSource) -> None:
    """``source(claim_code)`` gives more items of a claim's conversation (``at``, ``direction``,
    ``channel``, ``event``, ``status``, ``attempts``, ``fallback``, ``error``)."""
    if source not in _TIMELINE_SOURCES:
        _TIMELINE_SOURCES.append(source)


def inbox_timeline(*, claim_code: str) -> list[dict[str, Any]]:
    """One claim's conversation for the development inbox: every outbox row (status, attempts, fallback)
    and what the participant sent (from the sources other apps added), in time order."""
    code = normalize_code(claim_code)
    items: list[dict[str, Any]] = [
        {"at": n.created_at, "direction": "out", "channel": n.channel, "event": n.event, "status": n.status,
         "attempts": n.attempts, "fallback": n.fallback_reason, "error": n.last_error[:120]}
        for n in Notification.objects.filter(claim__code=code).order_by("created_at", "id")]
    for source in _TIMELINE_SOURCES:
        items += source(code)
    return sorted(items, key=lambda i: i["at"])
