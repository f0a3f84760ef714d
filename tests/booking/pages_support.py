"""Fixtures and helpers shared by the participant-page tests (pages, OTP, ticket, e2e)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

NIK = "3174014506900003"  # DKI, born 05-06-1990, female
KPJ = "12345678901"
NAME = "Siti Rahayu"
EMAIL = "siti@example.id"
PHONE = "0812 3456 7890"


def make_participant(*, nik: str = NIK, kpj: str = KPJ, name: str = NAME, case: str = "eligible") -> Any:
    from lapakasik.core import clock
    from lapakasik.registry.models import DemoParticipant

    today = clock.now().date()
    fields: dict[str, Any] = {"membership_start": today - timedelta(days=8 * 365), "membership_end": None,
                              "active": True}
    if case == "eligible":
        fields.update(membership_end=today - timedelta(days=90), active=False)
    elif case == "waiting_period":
        fields.update(membership_end=today - timedelta(days=5), active=False)
    return DemoParticipant.objects.create(
        nik=nik, kpj=kpj, full_name=name.upper(), birth_date=date(1990, 6, 5), employer="PT Maju Bersama",
        balance=25_000_000, last_contribution=today.replace(day=1), case=case, **fields)


@pytest.fixture
def booking_world(network: None) -> dict[str, Any]:
    """The seeded branch network, the intake catalogue and one eligible participant. Returns the
    branch used (DKI Sudirman-like first branch of a WIB region) and its first open session."""
    from django.core.cache import cache

    from lapakasik.booking.selectors import availability_for_branch
    from lapakasik.branches.models import Branch
    from lapakasik.intake.catalogue import catalogue_seed

    cache.clear()
    catalogue_seed()
    make_participant()
    branch = Branch.objects.filter(region__code="JABAR", is_active=True).order_by("code").first()
    assert branch is not None
    days = [d for d in availability_for_branch(branch=branch.code).days if d.status == "open"]
    session = days[0].sessions[0]
    return {"branch": branch, "day": days[0].date, "session": session.start, "days": days}


def identity_post(world: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "cabang": world["branch"].code, "tanggal": world["day"].isoformat(), "sesi": world["session"],
        "nik": NIK, "kpj": KPJ, "full_name": "Siti  Rahayu", "email": EMAIL, "phone": PHONE,
        "claim_type": "JHT", "claim_reason": "RESIGNED", "channels": ["email", "whatsapp"], "language": "id",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def book(client: Any, world: dict[str, Any], **overrides: Any) -> str:
    """Walk identity → review → done with the Django test client; returns the booking code."""
    from django.urls import reverse

    r = client.post(reverse("booking:identity"), identity_post(world, **overrides))
    assert r.status_code == 302, r.content.decode()[:2000]
    assert r["Location"] == reverse("booking:review")
    draft = client.session["booking_draft"]["id"]
    r = client.post(reverse("booking:review"), {"draft": draft, "confirm": "on"})
    assert r.status_code == 302, r.content.decode()[:2000]
    return str(r["Location"]).rstrip("/").rsplit("/", 1)[-1]


def otp_from_outbox(code: str) -> str:
    from lapakasik.notifications.models import Notification

    row = Notification.objects.filter(claim__code=code, event="otp_code").order_by("-id").first()
    assert row is not None
    return str(row.context["otp"])


def day_label(day: date) -> str:
    from django.utils import formats

    return str(formats.date_format(day, "l, j F Y"))
