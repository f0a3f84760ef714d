"""Fixtures of the booking tests: a frozen clock (Monday 21 December 2026, 10:00 WIB, so the window
holds Christmas), the seeded network, synthetic registry participants and generated slots."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

FIXED_NOW = datetime(2026, 12, 21, 3, 0, tzinfo=UTC)  # Mon 10:00 WIB
TOMORROW = "2026-12-22"
_phone_seq = itertools.count(10_000_000)


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> datetime:
    from lapakasik.core import clock

    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def booking_env(network: None, frozen: datetime) -> None:
    from lapakasik.booking.services import slots_generate
    from lapakasik.registry.seed import seed_demo

    seed_demo(participants=400)
    slots_generate()


def new_phone() -> str:
    return f"0812{next(_phone_seq):08d}"


@pytest.fixture
def person() -> Callable[..., Any]:
    """``person("eligible")`` → a DemoParticipant of that case not handed out before in this test."""
    from lapakasik.registry.models import DemoParticipant

    used: set[int] = set()

    def pick(case: str = "eligible") -> Any:
        p = DemoParticipant.objects.filter(case=case).exclude(id__in=used).order_by("id").first()
        assert p is not None, f"no more participants of case {case}"
        used.add(p.id)
        return p

    return pick


def reason_for(p: Any) -> str:
    from lapakasik.registry.seed import REASON_FOR_CASE

    return REASON_FOR_CASE[p.case]


@pytest.fixture
def payload(person: Callable[..., Any]) -> Callable[..., dict[str, Any]]:
    """A valid POST /bookings body for a fresh eligible participant; keyword overrides replace fields."""

    def build(p: Any = None, **overrides: Any) -> dict[str, Any]:
        p = p or person("eligible")
        body = {
            "branch_code": "JKT02", "date": TOMORROW, "session_start": "08:00", "claim_type": "JHT",
            "claim_reason": reason_for(p), "nik": p.nik, "kpj": p.kpj, "full_name": p.full_name,
            "email": f"p{p.id}@contoh.id", "phone": new_phone(), "language": "id", "channels": ["email"],
        }
        body.update(overrides)
        return body

    return build


def book(**body: Any) -> Any:
    """booking_create from a payload dict."""
    from lapakasik.booking.services import booking_create

    return booking_create(**body)


def snapshot_counts() -> dict[str, Any]:
    """Everything a booking writes — to assert that a refused request changed nothing."""
    from django.db.models import Sum

    from lapakasik.booking.models import Booking, SlotQuota, WaitlistEntry
    from lapakasik.claims.models import Claim, ClaimEvent
    from lapakasik.notifications.models import Notification

    return {
        "claims": Claim.objects.count(), "events": ClaimEvent.objects.count(), "bookings": Booking.objects.count(),
        "notifications": Notification.objects.count(), "waitlist": WaitlistEntry.objects.count(),
        "booked": SlotQuota.objects.aggregate(s=Sum("booked"))["s"],
        "held": SlotQuota.objects.aggregate(s=Sum("held"))["s"],
        "statuses": sorted(Booking.objects.values_list("status", flat=True)),
    }
