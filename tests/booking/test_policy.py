"""The pure rules: booking window, eligibility (waiting period, active membership, age 56, partial
withdrawal ≥ 10 years and once), name matching."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from lapakasik.booking import policy
from lapakasik.registry.adapters import MemberRecord

TODAY = date(2026, 12, 21)
BASE = MemberRecord(nik="3174010101900001", kpj="10000000000", full_name="BUDI SANTOSO", birth_date=date(1990, 1, 1),
                    employer="PT X", membership_start=date(2010, 1, 1), membership_end=date(2026, 10, 1),
                    active=False, balance=10_000_000, last_contribution=date(2026, 9, 1))


@pytest.mark.parametrize(("member", "reason", "rule", "possible"), [
    (BASE, "RESIGNED", "", None),
    (BASE, "PHK", "", None),
    (replace(BASE, active=True, membership_end=None), "RESIGNED", "membership_active", None),
    (replace(BASE, membership_end=date(2026, 12, 1)), "RESIGNED", "waiting_period", date(2027, 1, 1)),
    (replace(BASE, membership_end=date(2026, 11, 21)), "RESIGNED", "", None),  # exactly one month
    (replace(BASE, membership_end=date(2026, 11, 22)), "PHK", "waiting_period", date(2026, 12, 22)),
    (replace(BASE, membership_end=date(2026, 1, 31)), "RESIGNED", "", None),
    (BASE, "AGE_56", "age_56", date(2046, 1, 1)),
    (replace(BASE, birth_date=date(1970, 12, 21)), "AGE_56", "", None),
    (replace(BASE, birth_date=date(1970, 12, 22)), "AGE_56", "age_56", date(2026, 12, 22)),
    (replace(BASE, active=True, membership_end=None), "PARTIAL_10", "", None),
    (replace(BASE, active=True, membership_end=None, membership_start=date(2017, 3, 1)), "PARTIAL_30",
     "membership_10_years", date(2027, 3, 1)),
    (replace(BASE, active=True, membership_end=None, partial_withdrawal_taken=True), "PARTIAL_10",
     "partial_once", None),
    (BASE, "PARTIAL_10", "membership_inactive", None),
    (replace(BASE, active=True), "DISABILITY", "", None),
])
def test_eligibility_rules(member: MemberRecord, reason: str, rule: str, possible: date | None) -> None:
    verdict = policy.eligibility(member, "JHT", reason, TODAY)
    assert verdict.eligible is (rule == "")
    assert verdict.rule == rule
    assert verdict.possible_from == possible
    if rule:
        assert verdict.message


def test_waiting_period_month_end() -> None:
    assert policy.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert policy.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert policy.add_years(date(2000, 2, 29), 56) == date(2056, 2, 29)
    assert policy.add_years(date(2001, 2, 28), 3) == date(2004, 2, 28)


@pytest.mark.parametrize(("given", "registered", "ok"), [
    ("budi santoso", "BUDI SANTOSO", True),
    ("  Budi   SANTOSO ", "BUDI SANTOSO", True),
    ("Budi\tSantoso", "Budi Santoso", True),
    ("Budi Santosa", "BUDI SANTOSO", False),
    ("BudiSantoso", "BUDI SANTOSO", False),
    ("", "BUDI SANTOSO", False),
])
def test_names_match_case_and_space_insensitive(given: str, registered: str, ok: bool) -> None:
    assert policy.names_match(given, registered) is ok


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
