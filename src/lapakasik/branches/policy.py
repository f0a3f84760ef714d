"""Pure rules of the branch network: working days and effective channel policy. No database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

ONLINE_ONLY = "ONLINE_ONLY"
ONLINE_AND_DROPBOX = "ONLINE_AND_DROPBOX"
DEFAULT_MODE = ONLINE_AND_DROPBOX


@lru_cache(maxsize=16)
def national_holidays(year: int) -> dict[date, str]:
    return dict(holidays.Indonesia(years=year, language="id"))


def holiday_name(day: date) -> str | None:
    return national_holidays(day.year).get(day)


def is_working_day(day: date, closed_days: Iterable[date] = ()) -> bool:
    """Monday–Friday, not a national holiday, not a closure that applies to the branch."""
    return day.weekday() < 5 and holiday_name(day) is None and day not in set(closed_days)


def closed_reason(day: date, closures: dict[date, str]) -> str | None:
    if day.weekday() >= 5:
        return "weekend"
    if (name := holiday_name(day)) is not None:
        return name
    return closures.get(day)


def working_days_ahead(start: date, count: int, closed_days: Iterable[date] = ()) -> list[date]:
    """The next ``count`` working days from ``start`` inclusive."""
    closed = set(closed_days)
    days: list[date] = []
    day = start
    while len(days) < count:
        if is_working_day(day, closed):
            days.append(day)
        day += timedelta(days=1)
        if (day - start).days > 366:
            break
    return days


@dataclass(frozen=True)
class PolicyRule:
    scope: str  # "branch" | "region"
    mode: str
    valid_from: datetime
    valid_to: datetime | None
    reason: str = ""


def effective_mode(rules: Iterable[PolicyRule], at: datetime) -> PolicyRule | None:
    """The rule in force at ``at``: a branch rule beats a region rule; among rules of the same scope,
    the one that started last wins. None means no rule: the default applies."""
    in_force = [r for r in rules if r.valid_from <= at and (r.valid_to is None or at < r.valid_to)]
    if not in_force:
        return None
    return max(in_force, key=lambda r: (r.scope == "branch", r.valid_from))
