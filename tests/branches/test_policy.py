from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from lapakasik.branches import policy

UTC = UTC


def test_weekends_and_national_holidays_are_closed() -> None:
    assert policy.is_working_day(date(2026, 11, 24))  # Tuesday
    assert not policy.is_working_day(date(2026, 11, 28))  # Saturday
    assert not policy.is_working_day(date(2026, 8, 17))  # Hari Kemerdekaan (Monday)
    assert policy.holiday_name(date(2026, 8, 17))
    assert not policy.is_working_day(date(2026, 11, 25), closed_days=[date(2026, 11, 25)])


def test_working_days_ahead_skips_weekend_and_holidays() -> None:
    days = policy.working_days_ahead(date(2026, 12, 24), 3)
    assert date(2026, 12, 25) not in days  # Christmas
    assert all(d.weekday() < 5 for d in days)
    assert len(days) == 3


def _rule(scope: str, mode: str, start_days: int, end_days: int | None = None) -> policy.PolicyRule:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    return policy.PolicyRule(scope, mode, base + timedelta(days=start_days),
                             None if end_days is None else base + timedelta(days=end_days))


def test_branch_rule_overrides_region_rule() -> None:
    at = datetime(2026, 6, 1, tzinfo=UTC)
    rules = [_rule("region", policy.ONLINE_ONLY, 0), _rule("branch", policy.ONLINE_AND_DROPBOX, 10)]
    assert policy.effective_mode(rules, at).mode == policy.ONLINE_AND_DROPBOX  # type: ignore[union-attr]


def test_expired_rule_and_no_rule() -> None:
    at = datetime(2026, 6, 1, tzinfo=UTC)
    assert policy.effective_mode([_rule("branch", policy.ONLINE_ONLY, 0, 30)], at) is None
    assert policy.effective_mode([], at) is None


def test_later_region_rule_wins_among_same_scope() -> None:
    at = datetime(2026, 6, 1, tzinfo=UTC)
    rules = [_rule("region", policy.ONLINE_AND_DROPBOX, 0), _rule("region", policy.ONLINE_ONLY, 100)]
    assert policy.effective_mode(rules, at).mode == policy.ONLINE_ONLY  # type: ignore[union-attr]
    assert policy.effective_mode(rules, datetime(2026, 2, 1, tzinfo=UTC)).mode == policy.ONLINE_AND_DROPBOX  # type: ignore[union-attr]
