"""The eligibility trace: every rule that applied to the claim, each with the registry facts it used, its
verdict and the date it becomes possible — and ``eligibility`` is the trace's first refusal."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from lapakasik.claims import policy
from lapakasik.claims.reasons import REASONS
from tests.claims.test_policy import ACTIVE, BASE, TODAY


def rules(trace: policy.Trace) -> list[tuple[str, bool, date | None]]:
    return [(c.rule, c.passed, c.possible_from) for c in trace.checks]


def facts(trace: policy.Trace, rule: str) -> dict[str, str]:
    return {f.name: f.value for c in trace.checks if c.rule == rule for f in c.facts}


def test_separation_shows_both_rules_and_the_waiting_period_date() -> None:
    t = policy.eligibility_trace(replace(BASE, membership_end=date(2026, 12, 1)), "JHT", "RESIGNED", TODAY)
    assert rules(t) == [("membership_active", True, None), ("waiting_period", False, date(2027, 1, 1))]
    assert not t.eligible and t.verdict.rule == "waiting_period" and t.verdict.possible_from == date(2027, 1, 1)
    assert facts(t, "waiting_period")["membership_end"] == "Selasa, 1 Desember 2026"
    assert facts(t, "membership_active")["active"] == "tidak"


def test_still_employed_fails_both_and_no_date_can_be_given() -> None:
    t = policy.eligibility_trace(ACTIVE, "JHT", "PHK", TODAY)
    assert rules(t) == [("membership_active", False, None), ("waiting_period", False, None)]
    assert t.verdict.rule == "membership_active"


def test_age_56_uses_the_birth_date() -> None:
    t = policy.eligibility_trace(BASE, "JHT", "AGE_56", TODAY)
    assert rules(t) == [("age_56", False, date(2046, 1, 1))]
    assert facts(t, "age_56")["age"] == "36"
    ok = policy.eligibility_trace(replace(BASE, birth_date=date(1970, 12, 21)), "JHT", "AGE_56", TODAY)
    assert ok.eligible and rules(ok) == [("age_56", True, None)]


def test_partial_shows_once_active_ten_years_and_the_share() -> None:
    member = replace(ACTIVE, membership_start=date(2017, 3, 1), partial_withdrawal_taken=True, balance=80_000_000)
    t = policy.eligibility_trace(member, "JHT", "PARTIAL_30", TODAY)
    assert rules(t) == [("partial_once", False, None), ("membership_inactive", True, None),
                        ("membership_10_years", False, date(2027, 3, 1)), ("partial_share", True, None)]
    assert t.verdict.rule == "partial_once"  # the first refusal, as eligibility() always answered
    assert facts(t, "partial_share") == {"balance": "Rp 80.000.000", "percent": "30%", "cap": "30%"}


@pytest.mark.parametrize(("reason", "percent", "passed"), [
    ("PARTIAL_10", 10, True), ("PARTIAL_10", 11, False), ("PARTIAL_10", 0, False), ("PARTIAL_30", 30, True),
    ("PARTIAL_30", 31, False), ("PARTIAL_30", 1, True), ("PARTIAL_10", None, True)])
def test_the_partial_share_is_at_most_its_cap(reason: str, percent: int | None, passed: bool) -> None:
    t = policy.eligibility_trace(ACTIVE, "JHT", reason, TODAY, percent=percent)
    assert [c.passed for c in t.checks if c.rule == "partial_share"] == [passed]
    assert t.eligible is passed


def test_jp_disability_says_the_officer_decides() -> None:
    t = policy.eligibility_trace(BASE, "JP", "DISABILITY", TODAY)
    assert rules(t) == [(policy.OFFICER_DECIDES, True, None)]
    assert t.eligible and t.verdict.rule == policy.OFFICER_DECIDES


def test_unknown_reason_is_one_refusing_rule() -> None:
    t = policy.eligibility_trace(BASE, "JHT", "NOPE", TODAY)
    assert rules(t) == [(policy.UNKNOWN_REASON, False, None)]


@pytest.mark.parametrize("reason", sorted(REASONS["JHT"]))
def test_eligibility_is_the_traces_first_refusal(reason: str) -> None:
    for member in (BASE, ACTIVE, replace(BASE, membership_end=date(2026, 12, 1)),
                   replace(ACTIVE, partial_withdrawal_taken=True)):
        t = policy.eligibility_trace(member, "JHT", reason, TODAY)
        assert policy.eligibility(member, "JHT", reason, TODAY) == t.verdict
        assert t.as_list() and all(set(row) >= {"rule", "passed", "facts", "possible_from"} for row in t.as_list())
