"""The pure rules of the online queue: booking window, H-1 deadline, session format, brokers (the
eligibility rules are the claim's: tests/claims/test_policy.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

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


# --- the waiting list's hold ends at a waking hour, branch-local -------------------------------------

def _local(day: int, hh: int, mm: int, tz: str = "Asia/Jakarta") -> datetime:
    return datetime(2026, 12, day, hh, mm, tzinfo=ZoneInfo(tz))


SESSION = _local(23, 8, 0)  # Wednesday 08:00 WIB


@pytest.mark.parametrize(("offered", "ends"), [
    (_local(21, 10, 0), _local(21, 10, 30)),  # daytime: 30 minutes
    (_local(21, 20, 30), _local(21, 21, 0)),  # ends right at the end of the day: still fine
    (_local(21, 20, 45), _local(22, 7, 30)),  # would end 21:15: the next morning instead
    (_local(21, 23, 50), _local(22, 7, 30)),  # would end after midnight
    (_local(22, 0, 10), _local(22, 7, 30)),  # in the small hours: this morning
    (_local(22, 6, 20), _local(22, 7, 30)),  # would end 06:50, before the day starts
    (_local(22, 6, 45), _local(22, 7, 15)),  # ends 07:15, after the day starts: 30 minutes
    (_local(22, 23, 0), _local(23, 7, 30)),  # the night before the session: 07:30, before 08:00
    (_local(23, 7, 45), _local(23, 8, 0)),  # never after the session starts
])
def test_an_offer_is_held_until_a_waking_hour(offered: datetime, ends: datetime) -> None:
    got = policy.offer_hold_until(offered.astimezone(UTC), minutes=30, tz_name="Asia/Jakarta",
                                  session_starts_at=SESSION.astimezone(UTC))
    assert got == ends
    local = got.astimezone(ZoneInfo("Asia/Jakarta"))
    assert time(7) <= local.time() <= time(21)


def test_waking_hours_are_the_branchs_own() -> None:
    """At 20:15 WIB it is 21:15 WITA: a Makassar branch's hold moves to the next morning, a Jakarta one's
    does not."""
    offered = _local(21, 20, 15).astimezone(UTC)
    later = _local(24, 9, 0).astimezone(UTC)
    jakarta = policy.offer_hold_until(offered, minutes=30, tz_name="Asia/Jakarta", session_starts_at=later)
    makassar = policy.offer_hold_until(offered, minutes=30, tz_name="Asia/Makassar", session_starts_at=later)
    assert jakarta == _local(21, 20, 45)
    assert makassar == _local(22, 7, 30, "Asia/Makassar")
