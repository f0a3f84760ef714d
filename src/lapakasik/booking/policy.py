"""Pure rules of the online queue: the booking window, the H-1 deadline, the broker threshold. No
database. Eligibility against the registry record is the claim's rule: ``claims.policy``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from lapakasik.branches import policy as branch_policy

# --- the booking follows its claim -------------------------------------------------------------------

#: The booking status an ACTIVE booking takes when its claim arrives in a state (others: unchanged; a
#: booking whose session is over while the claim goes on is COMPLETED by the no-show job instead).
BOOKING_STATUS_FOR_CLAIM_STATE = {"CANCELLED": "CANCELLED", "EXPIRED": "EXPIRED"}


def booking_status_after(claim_state: str) -> str | None:
    """The status an active booking moves to when its claim arrives in ``claim_state`` (None: stays)."""
    return BOOKING_STATUS_FOR_CLAIM_STATE.get(claim_state)


# --- the booking window -----------------------------------------------------------------------------

def window_last_day(today: date, local_hour: int, *, open_hour: int, days: int,
                    closed_days: Iterable[date] = ()) -> date | None:
    """The last bookable date: ``days`` working days counted from tomorrow; before the opening hour
    (branch-local) the newest day is not open yet, so the window is counted from yesterday's view."""
    base = today if local_hour >= open_hour else today - timedelta(days=1)
    ahead = branch_policy.working_days_ahead(base + timedelta(days=1), days, closed_days)
    return ahead[-1] if ahead else None


def window_days(today: date, local_hour: int, *, open_hour: int, days: int,
                closed_days: Iterable[date] = ()) -> list[date]:
    """Every bookable working day: from tomorrow to ``window_last_day`` (branch-local dates)."""
    closed = set(closed_days)
    last = window_last_day(today, local_hour, open_hour=open_hour, days=days, closed_days=closed)
    result: list[date] = []
    day = today + timedelta(days=1)
    while last is not None and day <= last:
        if branch_policy.is_working_day(day, closed):
            result.append(day)
        day += timedelta(days=1)
    return result


def slot_bounds(day: date, start: time, end: time, tz_name: str) -> tuple[datetime, datetime]:
    tz = ZoneInfo(tz_name)
    return datetime.combine(day, start, tzinfo=tz), datetime.combine(day, end, tzinfo=tz)


def documents_due(slot_start_local: datetime) -> datetime:
    """H-1: documents must arrive by the end of the day before the slot (branch-local 23:59:59)."""
    day_before = slot_start_local.date() - timedelta(days=1)
    return datetime.combine(day_before, time(23, 59, 59), tzinfo=slot_start_local.tzinfo)


def parse_session_start(value: str) -> time | None:
    text = str(value or "").strip()
    if len(text) != 5 or text[2] != ":" or not (text[:2] + text[3:]).isdigit():
        return None
    hour, minute = int(text[:2]), int(text[3:])
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


# --- the waiting list's offer -----------------------------------------------------------------------

def offer_hold_until(now: datetime, *, minutes: int, tz_name: str, session_starts_at: datetime,
                     day_start_hour: int = 7, day_end_hour: int = 21) -> datetime:
    """When a seat offered to the first person waiting stops being held for them: ``minutes`` after the
    offer, unless that falls outside waking hours (``day_start_hour``..``day_end_hour``, branch-local): a
    seat freed in the evening or at night is then held until ``minutes`` after ``day_start_hour`` the next
    morning, so the participant has the whole hold while awake. Never after the session starts."""
    tz = ZoneInfo(tz_name)
    local = now.astimezone(tz)
    end = local + timedelta(minutes=minutes)
    day_start, day_end = time(day_start_hour), time(day_end_hour)
    awake = end.date() == local.date() and day_start <= end.time() <= day_end
    if not awake:
        morning_day = local.date() if local.time() < day_start else local.date() + timedelta(days=1)
        end = datetime.combine(morning_day, day_start, tzinfo=tz) + timedelta(minutes=minutes)
    return min(end, session_starts_at.astimezone(tz)).astimezone(now.tzinfo)


# --- brokers ---------------------------------------------------------------------------------------

def is_broker(distinct_niks: int, threshold: int) -> bool:
    return threshold > 0 and distinct_niks >= threshold
