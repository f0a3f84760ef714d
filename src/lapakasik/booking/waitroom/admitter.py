"""The admitter: admission paced by the booking latency (docs/booking.md, "Pacing"; the rules:
``pacing.py``).

The frontier of an opening (``pacing`` segments) lives in one cache entry, ``opening:<id>:pace``, with the
current rate, why, and the figure judged. Any request that reads it — a poll, the operators' page — steps
the controller when ``OPENING_PACING_SECONDS`` have passed since the last step: the first such request of
the tick wins a ``cache.add`` and reads the published latencies (``core.latency``, one cache read), and
writes the entry back once. Nothing is written to the database; a poll still reads the cache only.

When the cache lost the entry (a restart) the frontier starts again at the configured rate from the draw:
that is at least as far as any paced frontier, so nobody admitted is un-admitted; more people are admitted
at once, and the overload gate still bounds every answer. (After the operators lowered the configured rate
during the opening, a restarted frontier can be behind what was admitted: the admission tokens already given
stay valid until their expiry, and the places between are admitted again as the frontier reaches them.)

When the operators change the configured rate or the latency target (``config``), the frontier continues
from where it stands at the new rate: a segment is appended, so the places admitted stay admitted and their
admission times do not move. With the embedded cache (locmem) each process
paces by its own figure: a place polled through two processes may be admitted by one a little earlier —
the admission token it got stays valid (it carries its own expiry).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache

from lapakasik.core import latency

from . import pacing
from .policy import Opening

_TTL = 6 * 3600  # longer than any opening period


def pacing_conf(configured: int, target_ms: int) -> pacing.PacingSettings:
    """The controller's settings: the rate and the target as in force (``config``, the operators may change
    them), the controller's own constants from the configuration."""
    conf: Any = settings.LAPAKASIK  # read once: this runs on every poll

    def get(name: str, default: int) -> int:
        return int(conf.get(name, default))

    return pacing.PacingSettings(
        configured=float(max(1, configured)), target_ms=max(0, target_ms),
        minimum=float(max(1, get("OPENING_ADMIT_MIN_PER_SECOND", 1))),
        decrease=min(0.95, max(0.05, get("OPENING_PACING_DECREASE_PERCENT", 50) / 100)),
        increase=float(max(0, get("OPENING_PACING_INCREASE_PER_STEP", 0))),
        stale_seconds=float(max(1, get("OPENING_LATENCY_STALE_SECONDS", 20))),
        min_samples=max(1, get("OPENING_LATENCY_MIN_SAMPLES", 5)),
        step_seconds=float(max(1, get("OPENING_PACING_SECONDS", 5))))


@dataclass(frozen=True)
class Pace:
    """An opening's admission as it stands: the frontier, the rate now, why, and the figure judged."""

    segments: list[pacing.Segment]
    rate: float
    configured: float
    reason: str
    p90_ms: float | None
    target_ms: int
    stepped_at: float

    def admitted_so_far(self, now: datetime, total: int) -> int:
        return pacing.admitted_so_far(self.segments, now.timestamp(), total)

    def admitted_from(self, rank: int) -> datetime:
        return datetime.fromtimestamp(pacing.admitted_at(self.segments, rank), tz=UTC)


def _key(op: Opening) -> str:
    return f"opening:{op.id}:pace"


def _initial(op: Opening, s: pacing.PacingSettings) -> Pace:
    start = op.admission_start.timestamp()
    return Pace(segments=[(start, 0.0, s.configured)], rate=s.configured, configured=s.configured,
                reason=pacing.OFF if s.target_ms <= 0 else pacing.NO_FIGURE, p90_ms=None, target_ms=s.target_ms,
                stepped_at=start - s.step_seconds)  # the first request after the draw steps at once


def _readings() -> list[pacing.Reading]:
    return [pacing.Reading(p90_ms=f.p90_ms, samples=f.samples, at=f.at) for f in latency.figures()]


def pace(op: Opening, now: datetime, configured: int, target_ms: int) -> Pace:
    """The opening's pace at ``now``, stepping the controller when a step is due (one process a tick). When
    the operators changed the rate or the target since the entry was written, the frontier continues from
    where it is at the new rate (``_reconfigured``)."""
    s = pacing_conf(configured, target_ms)
    state = _load(cache.get(_key(op)))
    t = now.timestamp()
    if state is None:
        state = _initial(op, s)
    elif (state.configured, state.target_ms) != (s.configured, s.target_ms):
        # One request writes the new segment: the first to add the key of this very transition (from the
        # entry as it stands to the new settings); the others use their own reading of it this once.
        key = f"opening:{op.id}:pace:conf:{s.configured}:{s.target_ms}:{state.stepped_at}"
        state = _reconfigured(op, state, s, t)
        if t >= op.admission_start.timestamp() and cache.add(key, 1, timeout=_TTL):
            cache.set(_key(op), _dump(state), timeout=_TTL)
        return state
    if s.target_ms <= 0 or t < op.admission_start.timestamp() or t - state.stepped_at < s.step_seconds:
        return state
    if not cache.add(_tick_key(op, t, s), 1, timeout=int(s.step_seconds * 4) + 1):
        return state  # another request steps this tick
    step = pacing.next_rate(state.rate, _readings(), t, s)
    stepped = Pace(segments=pacing.with_rate(state.segments, t, step.rate), rate=step.rate, configured=s.configured,
                   reason=step.reason, p90_ms=step.p90_ms, target_ms=s.target_ms, stepped_at=t)
    cache.set(_key(op), _dump(stepped), timeout=_TTL)
    return stepped


def _tick_key(op: Opening, t: float, s: pacing.PacingSettings) -> str:
    return f"opening:{op.id}:pace:tick:{int(t // s.step_seconds)}"


def _reconfigured(op: Opening, state: Pace, s: pacing.PacingSettings, t: float) -> Pace:
    """The pace after the operators changed the configured rate or the target at ``t``. Before the draw it
    starts afresh; after, a segment is appended at ``t``: the places admitted so far stay admitted and
    their admission times do not move. A controller that was slowing or recovering keeps its rate (within
    the new bound) and goes on judging from there; otherwise the new configured rate applies at once."""
    if t < op.admission_start.timestamp():
        return _initial(op, s)
    judging = s.target_ms > 0 and state.reason in (pacing.SLOWING, pacing.RECOVERING)
    rate = min(state.rate, s.configured) if judging else s.configured
    reason = pacing.OFF if s.target_ms <= 0 else (state.reason if state.reason != pacing.OFF else pacing.NO_FIGURE)
    return Pace(segments=pacing.with_rate(state.segments, t, rate), rate=rate, configured=s.configured,
                reason=reason, p90_ms=state.p90_ms, target_ms=s.target_ms, stepped_at=t)


def _dump(p: Pace) -> tuple[Any, ...]:
    """The cache holds plain values (cheaper to read back on every poll than a pickled class)."""
    return (p.configured, p.rate, p.reason, p.p90_ms, p.target_ms, p.stepped_at, tuple(p.segments))


def _load(raw: Any) -> Pace | None:
    """The pace read back; None for nothing or garbage."""
    if not isinstance(raw, tuple) or len(raw) != 7:
        return None
    configured, rate, reason, p90_ms, target_ms, stepped_at, segments = raw
    return Pace(segments=list(segments), rate=rate, configured=configured, reason=reason, p90_ms=p90_ms,
                target_ms=target_ms, stepped_at=stepped_at)
