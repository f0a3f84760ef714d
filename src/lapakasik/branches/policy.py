"""Pure rules of the branch network: working days, the effective channel policy, whether a change of
channel policy may be made, and which branches a change moves. No database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

ONLINE_ONLY = "ONLINE_ONLY"
ONLINE_AND_DROPBOX = "ONLINE_AND_DROPBOX"
MODES = (ONLINE_ONLY, ONLINE_AND_DROPBOX)
DEFAULT_MODE = ONLINE_AND_DROPBOX
REASON_MIN, REASON_MAX = 10, 255


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
    id: int | None = None


def effective_mode(rules: Iterable[PolicyRule], at: datetime) -> PolicyRule | None:
    """The rule in force at ``at``: a branch rule beats a region rule; among rules of the same scope,
    the one that started last wins. None means no rule: the default applies."""
    in_force = [r for r in rules if r.valid_from <= at and (r.valid_to is None or at < r.valid_to)]
    if not in_force:
        return None
    return max(in_force, key=lambda r: (r.scope == "branch", r.valid_from))


# --- changing the policy ------------------------------------------------------------------------------

# Why a change is refused (the service turns each into a clear error that names the other change).
INVALID_MODE = "invalid_mode"
REASON_MISSING = "reason_missing"
VALID_FROM_PAST = "valid_from_past"
ALREADY_IN_FORCE = "already_in_force"  # the same mode already governs the scope then: applied twice
ALREADY_SCHEDULED = "already_scheduled"  # the very same change is already waiting to start: applied twice
OVERLAP = "overlap"  # another change of the scope is waiting to start, or a bounded one still runs then


@dataclass(frozen=True)
class Refusal:
    code: str
    other: PolicyRule | None = None


def _windows_meet(a_from: datetime, a_to: datetime | None, b_from: datetime, b_to: datetime | None) -> bool:
    return (b_to is None or a_from < b_to) and (a_to is None or b_from < a_to)


def change_refusal(*, scope: str, mode: str, valid_from: datetime, reason: str, now: datetime,
                   existing: Iterable[PolicyRule]) -> Refusal | None:
    """May a change to ``mode`` from ``valid_from`` (open-ended) be made at a scope whose rows (not
    cancelled) are ``existing``? None, or why not.

    A started open-ended row is superseded by a later one (the latest start wins), so it never overlaps;
    what overlaps is a change still waiting to start (cancel it first) or a bounded window that still runs
    at ``valid_from``. Asking for the mode the scope already has then is a change applied twice; a branch
    without a row of its own may be pinned to its region's mode (the region may change later)."""
    if mode not in MODES:
        return Refusal(INVALID_MODE)
    if len(reason.strip()) < REASON_MIN:
        return Refusal(REASON_MISSING)
    if valid_from < now:
        return Refusal(VALID_FROM_PAST)
    rules = list(existing)
    for rule in sorted(rules, key=lambda r: r.valid_from):
        waiting = rule.valid_from > now
        if waiting and rule.mode == mode and rule.valid_from == valid_from:
            return Refusal(ALREADY_SCHEDULED, rule)
        if waiting and _windows_meet(valid_from, None, rule.valid_from, rule.valid_to):
            return Refusal(OVERLAP, rule)
        if not waiting and rule.valid_to is not None and rule.valid_to > valid_from:
            return Refusal(OVERLAP, rule)
    in_force = effective_mode(rules, valid_from)
    current = in_force.mode if in_force is not None else (DEFAULT_MODE if scope == "region" else None)
    if current == mode:
        return Refusal(ALREADY_IN_FORCE, in_force)
    return None


def branch_moved_by(change_id: int, rules: Iterable[PolicyRule], at: datetime) -> bool:
    """Does the change ``change_id`` (starting at ``at``) change the mode of the branch whose rules (its own
    and its region's, not cancelled) are ``rules``? Only when the change is what governs the branch from
    then on and the mode that governed it just before was another."""
    rules = list(rules)
    after = effective_mode(rules, at)
    if after is None or after.id != change_id:
        return False
    before = effective_mode([r for r in rules if r.id != change_id], at)
    return (before.mode if before is not None else DEFAULT_MODE) != after.mode
