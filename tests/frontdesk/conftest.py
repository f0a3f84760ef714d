"""A branch with its front desk and head, bookings at it and at another branch, and the clock fixed on a
Monday morning (10:00 WIB)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

FIXED_NOW = datetime(2026, 12, 21, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB
TOMORROW = "2026-12-22"


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> datetime:
    from lapakasik.core import clock

    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture(autouse=True)
def _clean_cache() -> Any:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@dataclass
class Desk:
    branch: Any
    other_branch: Any  # another region's branch
    users: dict[str, Any]
    booking: Callable[..., Any]


@pytest.fixture
def desk(network: None, frozen: datetime) -> Desk:
    from lapakasik.booking.services import booking_create, slots_generate
    from lapakasik.branches.models import Branch
    from lapakasik.registry.models import DemoParticipant
    from lapakasik.registry.seed import REASON_FOR_CASE
    from lapakasik.registry.seed import seed_demo as registry_seed
    from tests.accounts.factories import make_officer

    branch = Branch.objects.get(code="BDG01")
    other = Branch.objects.get(code="SMG01")
    slots_generate(branch_codes=[branch.code, other.code])
    registry_seed(participants=30)
    people = iter(DemoParticipant.objects.filter(case="eligible").order_by("id"))
    serial = iter(range(1000))

    def booking(at: Any = branch, session: str = "08:00") -> Any:
        p = next(people)
        n = next(serial)
        return booking_create(branch_code=at.code, date=TOMORROW, session_start=session, claim_type="JHT",
                              claim_reason=REASON_FOR_CASE[p.case], nik=p.nik, kpj=p.kpj, full_name=p.full_name,
                              email=f"skrining{n}@contoh.id", phone=f"08129911{n:04d}", channels=["email"]).booking

    users = {
        "front_desk": make_officer("satpam", "front_desk", branch=branch),
        "supervisor": make_officer("kepala", "supervisor", branch=branch),
        "officer": make_officer("petugas", "officer", branch=branch),
        "other_front_desk": make_officer("satpam.lain", "front_desk", branch=other),
        "regional": make_officer("kanwil", "regional_admin", region=branch.region),
        "national": make_officer("pusat", "national_admin"),
    }
    return Desk(branch=branch, other_branch=other, users=users, booking=booking)


@pytest.fixture
def login() -> Callable[[Any], Any]:
    from django.test import Client

    from tests.accounts.helpers import officer_login

    def make(user: Any) -> Client:
        return officer_login(Client(), user)

    return make
