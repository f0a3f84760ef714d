"""Pure rules of the fair opening: when an opening's window and period are, the order of the places and
when a place is admitted. No database, no cache: unit-tested on their own.

One opening is one instant: the branch-local ``BOOKING_OPEN_HOUR`` of a day, in the branch's zone — all
branches of a time zone open together and share one queue (its id is the instant's Unix time). An
explicit instant (``Settings.opens_at``, the ``OPENING_AT`` setting, for rehearsals and benchmarks) replaces
the daily hour: then there is that one opening, the same instant in every zone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Settings:
    open_hour: int = 0
    before_minutes: int = 15
    after_minutes: int = 5
    period_minutes: int = 120
    admit_per_second: int = 20
    admission_minutes: int = 10
    clock_skew_seconds: int = 5
    opens_at: datetime | None = None  # one explicit opening (UTC) instead of the daily open hour
    enabled: bool = True  # the waiting room is on
    target_booking_ms: int = 250  # automatic pacing's target (0: the rate stays as set)


@dataclass(frozen=True)
class Opening:
    opens_at: datetime  # UTC
    time_zone: str
    window_start: datetime
    window_end: datetime  # the draw closes here
    period_end: datetime  # after this no admission is needed
    admission_start: datetime  # the draw is made: window_end + the clock-skew allowance

    @property
    def id(self) -> int:
        return int(self.opens_at.timestamp())

    @property
    def local_date(self) -> datetime:
        return self.opens_at.astimezone(ZoneInfo(self.time_zone))


def _opening(day_local: datetime, tz_name: str, s: Settings) -> Opening:
    opens = day_local.astimezone(UTC)
    window_end = opens + timedelta(minutes=s.after_minutes)
    return Opening(opens_at=opens, time_zone=tz_name, window_start=opens - timedelta(minutes=s.before_minutes),
                   window_end=window_end,
                   period_end=max(opens + timedelta(minutes=s.period_minutes), window_end),
                   admission_start=window_end + timedelta(seconds=s.clock_skew_seconds))


def opening_at(now: datetime, tz_name: str, s: Settings) -> Opening | None:
    """The opening whose period (window start … period end) holds ``now`` in zone ``tz_name``, else None."""
    if s.opens_at is not None:
        o = _opening(s.opens_at, tz_name, s)
        return o if o.window_start <= now < o.period_end else None
    tz = ZoneInfo(tz_name)
    today = now.astimezone(tz).date()
    for day in (today, today + timedelta(days=1), today - timedelta(days=1)):
        o = _opening(datetime.combine(day, time(s.open_hour), tzinfo=tz), tz_name, s)
        if o.window_start <= now < o.period_end:
            return o
    return None


def next_opening(now: datetime, tz_name: str, s: Settings) -> Opening:
    """The next opening whose window has not started yet (for "come back at …"); with an explicit
    ``opens_at``, that opening (even when it is past: there is no other)."""
    if s.opens_at is not None:
        return _opening(s.opens_at, tz_name, s)
    tz = ZoneInfo(tz_name)
    day = now.astimezone(tz).date()
    while True:
        o = _opening(datetime.combine(day, time(s.open_hour), tzinfo=tz), tz_name, s)
        if o.window_start > now:
            return o
        day += timedelta(days=1)


def joins_draw(op: Opening, joined_at: datetime, draw_made: bool) -> bool:
    """A place joined before the window's end is drawn — unless the draw is already made (a process whose
    clock runs behind must not slip a place into an order others already read)."""
    return joined_at < op.window_end and not draw_made


def rank_late(draw_size: int, late_seq: int) -> int:
    """0-based rank of the ``late_seq``-th (1-based) arrival after the window."""
    return draw_size + late_seq - 1


def admitted_from(op: Opening, rank: int, per_second: int) -> datetime:
    """When the place of 0-based ``rank`` is admitted: admission starts once the draw is made and runs at
    ``per_second`` people a second, in queue order."""
    return op.admission_start + timedelta(seconds=rank / max(per_second, 1))


def admission_ends(admitted: datetime, minutes: int) -> datetime:
    return admitted + timedelta(minutes=minutes)


def admitted_so_far(op: Opening, now: datetime, per_second: int, total: int) -> int:
    """How many places are admitted at ``now`` (at most ``total``)."""
    if now < op.admission_start:
        return 0
    return min(total, math.floor((now - op.admission_start).total_seconds() * max(per_second, 1)) + 1)


def draw_wait_range(op: Opening, now: datetime, draw_size: int, per_second: int) -> tuple[datetime, datetime]:
    """Before the draw: the earliest and latest admission of a place in a draw of ``draw_size`` (it may
    land anywhere in it — the honest estimate is a range)."""
    first = op.admission_start
    last = admitted_from(op, max(draw_size - 1, 0), per_second)
    return max(first, now), max(last, now)


def seats_likely(ahead: int, seats_left: int) -> bool:
    """Seats are likely left for someone with ``ahead`` people before them when fewer people are ahead
    than seats remain (everyone ahead might book; some will not, so this errs on the side of "no")."""
    return seats_left > ahead
