"""Fixtures of the booking tests: a frozen clock (Monday 21 December 2026, 10:00 WIB, so the window
holds Christmas), the seeded network, synthetic registry participants and generated slots.

The world the tests book in (network, 400 participants, the slot rows of the window at ``FIXED_NOW``)
is written and committed **once per package run** (``_booking_world``), not once per test: writing it
took ~4 s and was most of the booking tests' time. Every test runs inside a transaction that is rolled
back, so each starts from the same world (a test that asks for ``network`` alone sees the network
alone: the rest is deleted inside its transaction). A committing test (``transaction=True``) empties the
database when it ends; ``booking_env`` and ``network`` write again what they find missing. When the
package's tests are done the world's rows are deleted, so tests elsewhere start from the database
the migrations left."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

FIXED_NOW = datetime(2026, 12, 21, 3, 0, tzinfo=UTC)  # Mon 10:00 WIB
TOMORROW = "2026-12-22"
_phone_seq = itertools.count(10_000_000)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> datetime:
    from lapakasik.core import clock

    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


WORLD_PARTICIPANTS = 400


def _world_present() -> bool:
    from lapakasik.booking.models import SlotQuota
    from lapakasik.registry.models import DemoParticipant

    return SlotQuota.objects.exists() and DemoParticipant.objects.count() >= WORLD_PARTICIPANTS


def _write_world() -> None:
    """Network, participants and slots as at ``FIXED_NOW`` (each step idempotent)."""
    from lapakasik.booking.services import slots_generate
    from lapakasik.branches.seed import seed_demo as network_seed
    from lapakasik.core import clock
    from lapakasik.registry.seed import seed_demo as registry_seed

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(clock, "now", lambda: FIXED_NOW)
        network_seed()
        registry_seed(participants=WORLD_PARTICIPANTS)
        slots_generate()


def _world_models() -> list[Any]:
    """The models the world writes, dependants first (the order they are deleted in)."""
    from lapakasik.booking.models import SlotQuota
    from lapakasik.branches.models import Branch, ChannelPolicy, Region, SessionTemplate
    from lapakasik.registry.models import DemoParticipant

    return [SlotQuota, DemoParticipant, ChannelPolicy, SessionTemplate, Branch, Region]


@pytest.fixture(scope="package", autouse=True)
def _booking_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The world written and committed once for the package; its rows deleted afterwards (rows that
    were there before are kept)."""
    from django.core.cache import cache

    with django_db_blocker.unblock():
        before = {m: set(m._base_manager.values_list("pk", flat=True)) for m in _world_models()}
        _write_world()
    yield
    with django_db_blocker.unblock():
        for model in _world_models():
            model._base_manager.exclude(pk__in=before[model]).delete()
    cache.clear()


@pytest.fixture
def network(request: pytest.FixtureRequest, db: None) -> None:
    """The sample network alone, as ``tests/conftest.py`` gives it: the world's participants and slot rows
    are deleted inside the test's transaction (unless the test asked for ``booking_env``, which keeps them)."""
    from django.db import connection

    from lapakasik.booking.models import SlotQuota
    from lapakasik.branches.models import Branch
    from lapakasik.branches.seed import seed_demo
    from lapakasik.registry.models import DemoParticipant

    if not Branch.objects.exists():
        seed_demo()
    if "booking_env" not in request.fixturenames:
        # One statement each (the ORM's delete would first read every row to look for dependants: there
        # are none yet, and reading them took half a second).
        with connection.cursor() as cursor:
            for model in (SlotQuota, DemoParticipant):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


@pytest.fixture
def booking_env(network: None, frozen: datetime) -> None:
    """The whole world (network, participants, slots at ``FIXED_NOW``) and the frozen clock."""
    if not _world_present():
        _write_world()


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


# The fair opening's fixtures (``opening_support``): its clock and a join body.
from .opening_support import join_body, opening_clock  # noqa: E402,F401
