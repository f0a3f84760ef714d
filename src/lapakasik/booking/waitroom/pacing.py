"""Pure rules of the automatic pacing of admission (docs/booking.md, "Pacing"): the controller that sets
the admission rate from the booking latency, and the frontier — how many places are admitted at a moment
when the rate has changed along the way. No database, no cache: unit-tested on their own; the admitter
(``admitter.py``) keeps the frontier in the cache and steps the controller.

**The controller** (additive increase, multiplicative decrease — the rule TCP uses to share a link): every
step, the booking latency's p90 (the slowest web process's, from ``core.latency``) is compared with the
target. Above it, the rate is multiplied by ``decrease`` (0.5: halved), never below ``minimum``; at or below
it, the rate grows by ``increase`` a step, never above the configured rate. Without a fresh figure (none,
too few bookings to judge, or older than ``stale_seconds``) the rate is the configured one: nobody is
booking, or the figures stopped coming, and the overload gate still protects the server.

**The frontier** is a list of segments ``(t, n, rate)``: from Unix time ``t`` on, when ``n`` places were
admitted, admission runs at ``rate`` a second. The place of 0-based rank ``r`` is admitted when the
frontier reaches ``r``; with one segment this is the fixed-rate rule of ``policy.admitted_from``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Segment = tuple[float, float, float]  # (unix time, admitted so far, rate per second)

NO_FIGURE, STALE, SLOWING, RECOVERING, CONFIGURED, OFF = (
    "no_figure", "stale", "slowing", "recovering", "configured", "off")


@dataclass(frozen=True)
class PacingSettings:
    configured: float  # OPENING_ADMIT_PER_SECOND: the most that is admitted
    target_ms: int = 250  # 0: pacing off
    minimum: float = 1.0
    decrease: float = 0.5
    increase: float = 0.0  # per step; 0: a tenth of the configured rate (at least 1)
    stale_seconds: float = 20.0
    min_samples: int = 5
    step_seconds: float = 5.0

    @property
    def step_up(self) -> float:
        return self.increase if self.increase > 0 else max(1.0, self.configured / 10)

    @property
    def floor(self) -> float:
        return max(0.01, min(self.minimum, self.configured))


@dataclass(frozen=True)
class Reading:
    """The latency figure the controller judges: the p90 (ms) of ``samples`` bookings, published at ``at``."""

    p90_ms: float
    samples: int
    at: float  # Unix time


@dataclass(frozen=True)
class Step:
    rate: float
    reason: str  # one of the constants above
    p90_ms: float | None  # the figure judged (None: none was)


def reading_of(figures: list[Reading], now: float, s: PacingSettings) -> Reading | None:
    """The figure to judge: among the fresh ones (younger than ``stale_seconds``, not from the future
    beyond the same allowance) with enough samples, the slowest process's; None when there is none."""
    fresh = [f for f in figures if abs(now - f.at) <= s.stale_seconds and f.samples >= s.min_samples]
    return max(fresh, key=lambda f: f.p90_ms) if fresh else None


def next_rate(current: float, figures: list[Reading], now: float, s: PacingSettings) -> Step:
    """One step of the controller from ``current`` (admitted a second) given the published figures."""
    if s.target_ms <= 0:
        return Step(s.configured, OFF, None)
    reading = reading_of(figures, now, s)
    if reading is None:
        reason = STALE if figures else NO_FIGURE
        return Step(s.configured, reason, None)
    current = min(max(current, s.floor), s.configured)
    if reading.p90_ms > s.target_ms:
        return Step(max(s.floor, current * s.decrease), SLOWING, reading.p90_ms)
    raised = min(s.configured, current + s.step_up)
    return Step(raised, CONFIGURED if raised >= s.configured else RECOVERING, reading.p90_ms)


# --- the frontier ----------------------------------------------------------------------------------------

def _segment_at(segments: list[Segment], t: float) -> Segment:
    found = segments[0]
    for seg in segments:
        if seg[0] <= t:
            found = seg
        else:
            break
    return found


def admitted_count(segments: list[Segment], t: float) -> float:
    """How far the frontier is at Unix time ``t`` (a real number; rank ``r`` is admitted once it is ≥ r)."""
    if not segments or t < segments[0][0]:
        return -1.0
    start, n, rate = _segment_at(segments, t)
    return n + (t - start) * rate


def admitted_so_far(segments: list[Segment], t: float, total: int) -> int:
    """How many places are admitted at ``t`` (at most ``total``): ranks 0 … ⌊frontier⌋."""
    count = admitted_count(segments, t)
    if count < 0:
        return 0
    return min(total, math.floor(count + 1e-9) + 1)


def admitted_at(segments: list[Segment], rank: int) -> float:
    """When the place of 0-based ``rank`` is (or, at the current rate, will be) admitted."""
    chosen = segments[0]
    for seg in segments:
        if seg[1] <= rank:
            chosen = seg
        else:
            break
    start, n, rate = chosen
    return start + (rank - n) / max(rate, 0.01)


def with_rate(segments: list[Segment], t: float, rate: float) -> list[Segment]:
    """The frontier with admission running at ``rate`` from ``t`` on (unchanged when it already does)."""
    if not segments:
        return [(t, 0.0, rate)]
    if math.isclose(segments[-1][2], rate):
        return segments
    at = max(t, segments[-1][0])
    return [*segments, (at, admitted_count(segments, at), rate)]
