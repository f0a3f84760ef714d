"""The claim's eligibility rules (pure): JHT's waiting period after separation (PP 60/2015), active
membership, age 56, partial withdrawal (≥ 10 years, once, active only), name matching; JKK/JKM/JP
say by name that the officer decides; an unknown type or reason is refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from django.utils import translation

from lapakasik.claims import policy
from lapakasik.claims.reasons import REASONS
from lapakasik.core.dates import long_date
from lapakasik.registry.adapters import MemberRecord

TODAY = date(2026, 12, 21)
BASE = MemberRecord(nik="3174010101900001", kpj="10000000000", full_name="BUDI SANTOSO", birth_date=date(1990, 1, 1),
                    employer="PT X", membership_start=date(2010, 1, 1), membership_end=date(2026, 10, 1),
                    active=False, balance=10_000_000, last_contribution=date(2026, 9, 1))
ACTIVE = replace(BASE, active=True, membership_end=None)


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
    (BASE, "LEAVING_INDONESIA", "", None),
    (BASE, "DEATH", "", None),
    (replace(BASE, membership_end=None), "PHK", "membership_active", None),  # inactive but no end date
    (replace(BASE, membership_end=date(2026, 11, 30)), "RESIGNED", "waiting_period", date(2026, 12, 30)),
    (replace(ACTIVE, membership_start=date(2016, 12, 21)), "PARTIAL_10", "", None),  # exactly 10 years
    (replace(ACTIVE, membership_start=date(2016, 12, 22)), "PARTIAL_10", "membership_10_years", date(2026, 12, 22)),
    (replace(BASE, partial_withdrawal_taken=True), "PARTIAL_30", "partial_once", None),  # once beats inactive
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




def test_refusals_name_the_date_in_the_one_long_format_in_both_languages() -> None:
    with translation.override("id"):  # whatever language an earlier test in this process left active
        verdict = policy.eligibility(replace(BASE, membership_end=date(2026, 12, 1)), "JHT", "RESIGNED", TODAY)
        assert long_date(date(2027, 1, 1)) in verdict.message and "Masa tunggu" in verdict.message
    with translation.override("en"):
        english = policy.eligibility(replace(BASE, membership_end=date(2026, 12, 1)), "JHT", "RESIGNED", TODAY)
        assert "waiting period" in english.message and long_date(date(2027, 1, 1)) in english.message


def test_only_jp_disability_is_left_to_the_officer() -> None:
    """JKK, JKM and JP are checked here now (tests/claims/test_policy_programmes.py); only the reason that is
    decided on the doctor's statement alone still says by name that the officer decides."""
    for member in (BASE, ACTIVE, replace(BASE, partial_withdrawal_taken=True)):
        verdict = policy.eligibility(member, "JP", "DISABILITY", TODAY)
        assert verdict.eligible and verdict.rule == policy.OFFICER_DECIDES and not verdict.checked_here
        assert verdict.message and verdict.possible_from is None
    undecided = {(t, r) for t in ("JKK", "JKM", "JP") for r in REASONS[t]
                 if policy.eligibility(BASE, t, r, TODAY).rule == policy.OFFICER_DECIDES}
    assert undecided == {("JP", "DISABILITY")}
    assert set(policy.RULES) == set(REASONS) == set(policy.TRACES)


def test_jht_verdicts_are_checked_here() -> None:
    assert policy.eligibility(BASE, "JHT", "RESIGNED", TODAY).checked_here
    assert policy.eligibility(ACTIVE, "JHT", "RESIGNED", TODAY).checked_here


@pytest.mark.parametrize(("claim_type", "reason"), [
    ("JHT", "ACCIDENT"), ("JKK", "RESIGNED"), ("XYZ", "RESIGNED"), ("", ""), ("jht", "resigned"),
    ("JHT", "RESIGNED; DROP TABLE"), ("JHT", "PARTIAL_50"),
])
def test_an_unknown_type_or_reason_is_refused_not_waved_through(claim_type: str, reason: str) -> None:
    verdict = policy.eligibility(BASE, claim_type, reason, TODAY)
    assert not verdict.eligible and verdict.rule == policy.UNKNOWN_REASON and verdict.message


def test_age_on() -> None:
    assert policy.age_on(date(1970, 12, 22), TODAY) == 55
    assert policy.age_on(date(1970, 12, 21), TODAY) == 56
