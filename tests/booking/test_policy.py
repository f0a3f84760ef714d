"""The pure rules of the online queue: booking window, H-1 deadline, session format, brokers (the
eligibility rules are the claim's: tests/claims/test_policy.py)."""

from __future__ import annotations

from datetime import date

import pytest

from lapakasik.booking import policy

TODAY = date(2026, 12, 21)
def test_window_from_tomorrow_skips_weekend_and_christmas() -> None:
    days = policy.window_days(TODAY, 10, open_hour=0, days=7)
    assert days[0] == date(2026, 12, 22)
    assert date(2026, 12, 25) not in days  # Hari Raya Natal
    assert all(d.weekday() < 5 for d in days)
    assert len(days) == 7
    assert days[-1] == date(2026, 12, 31)


def test_new_day_opens_at_the_configured_local_hour() -> None:
    before = policy.window_days(TODAY, 6, open_hour=7, days=7)
    after = policy.window_days(TODAY, 7, open_hour=7, days=7)
    assert after[-1] == date(2026, 12, 31)
    assert before[-1] == date(2026, 12, 30)
    assert before[0] == after[0] == date(2026, 12, 22)  # never today


def test_closures_are_not_bookable() -> None:
    days = policy.window_days(TODAY, 10, open_hour=0, days=7, closed_days={date(2026, 12, 24)})
    assert date(2026, 12, 24) not in days and len(days) == 7


@pytest.mark.parametrize(("text", "ok"), [("08:00", True), ("14:00", True), ("8:00", False), ("24:00", False),
                                          ("08:60", False), ("0800", False), ("", False), ("ab:cd", False)])
def test_session_start_format(text: str, ok: bool) -> None:
    assert (policy.parse_session_start(text) is not None) is ok


def test_documents_due_is_end_of_the_day_before() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    start = datetime(2026, 12, 22, 8, 0, tzinfo=ZoneInfo("Asia/Makassar"))
    due = policy.documents_due(start)
    assert due.date() == date(2026, 12, 21) and (due.hour, due.minute) == (23, 59)
    assert due.tzinfo == start.tzinfo


def test_broker_threshold() -> None:
    assert policy.is_broker(3, 3) and not policy.is_broker(2, 3) and not policy.is_broker(99, 0)
