"""Messages say one thing once: no document reminder within NOTIFY_REMINDER_QUIET_HOURS after the
booking confirmation. The report: a next-day booking got its confirmation and, 41 s later, the
"documents still missing" reminder on the same three channels."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from lapakasik.claims.models import Claim
from lapakasik.core import clock
from lapakasik.intake.policy import reminder_quiet
from lapakasik.notifications.models import Notification

from .pages_support import booking_world

__all__ = ["booking_world"]

pytestmark = pytest.mark.django_db


def _book(world: dict[str, Any]) -> Claim:
    from lapakasik.booking import services

    result = services.booking_create(
        branch_code=world["branch"].code, date=world["day"], session_start="09:00", claim_type="JHT",
        claim_reason="RESIGNED", nik="3174014506900003", kpj="12345678901", full_name="Siti Rahayu",
        email="siti@example.id", phone="081234567890", channels=["email", "whatsapp", "sms"])
    claim = Claim.objects.get(code=result.code)
    # a next-day session: the H-1 deadline is tonight, inside the 24-hour reminder window
    Claim.objects.filter(pk=claim.pk).update(documents_due_at=clock.now() + timedelta(hours=20))
    return claim


def _reminders(claim: Claim) -> int:
    return Notification.objects.filter(claim=claim, event="documents_incomplete_reminder").count()


def test_no_reminder_right_after_the_confirmation(booking_world: dict[str, Any]) -> None:
    from lapakasik.intake.services import intake_reminders_send

    claim = _book(booking_world)
    assert Notification.objects.filter(claim=claim, event="booking_confirmed").count() == 3
    assert intake_reminders_send(now=clock.now() + timedelta(seconds=41)) == 0
    assert intake_reminders_send(now=clock.now() + timedelta(hours=11, minutes=59)) == 0
    assert _reminders(claim) == 0
    # after the quiet period, with the documents still missing and the deadline ahead: one reminder
    assert intake_reminders_send(now=clock.now() + timedelta(hours=12, minutes=1)) == 1
    assert intake_reminders_send(now=clock.now() + timedelta(hours=13)) == 0  # and only one
    assert _reminders(claim) == 3  # once per channel


def test_quiet_period_is_configurable(booking_world: dict[str, Any], settings: Any) -> None:
    from lapakasik.intake.services import intake_reminders_send

    settings.NOTIFY_REMINDER_QUIET_HOURS = 2
    claim = _book(booking_world)
    assert intake_reminders_send(now=clock.now() + timedelta(hours=1)) == 0
    assert intake_reminders_send(now=clock.now() + timedelta(hours=2, minutes=1)) == 1
    assert _reminders(claim) == 3


def test_quiet_period_zero_turns_it_off(booking_world: dict[str, Any], settings: Any) -> None:
    from lapakasik.intake.services import intake_reminders_send

    settings.NOTIFY_REMINDER_QUIET_HOURS = 0
    _book(booking_world)
    assert intake_reminders_send(now=clock.now() + timedelta(seconds=41)) == 1


def test_reminder_quiet_rule() -> None:
    t = clock.now()
    assert reminder_quiet(now=t + timedelta(seconds=41), confirmed_at=t, quiet_hours=12)
    assert not reminder_quiet(now=t + timedelta(hours=12), confirmed_at=t, quiet_hours=12)
    assert not reminder_quiet(now=t, confirmed_at=None, quiet_hours=12)  # never confirmed (e.g. dropbox only)
    assert not reminder_quiet(now=t, confirmed_at=t, quiet_hours=0)
    assert not reminder_quiet(now=t, confirmed_at=t, quiet_hours=-5)
