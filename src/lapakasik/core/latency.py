"""The booking latency each web process publishes, so that another process can read it (the waiting room's
admitter slows admission when bookings slow down: docs/booking.md, "Pacing").

The overload gate (``core/admission.py``) knows, per process, when a booking POST (``LATENCY_PATHS``)
arrived and when its answer was ready: it calls ``Recorder.record`` with that time — queue wait included,
which is what the participant waits — and with ``OVERLOAD_MAX_WAIT_SECONDS`` for a booking it refused (a
refusal means the process is beyond what it can serve). ``Recorder`` keeps the last
``LATENCY_WINDOW_SECONDS`` of samples in memory and, at most every ``LATENCY_PUBLISH_SECONDS``, writes the
window's p90 and sample count into one cache entry (``core:latency:booking``: a small dict keyed by host and
process id; entries older than a minute are dropped by the next writer). One cache read and one write per
publication — nothing per request beyond appending to a list under the gate's own lock.

With the embedded default cache (locmem) each process sees only its own figure; with Redis every process
sees every process's. A lost update (two processes writing at once) is repaired at the next publication.
"""

from __future__ import annotations

import math
import os
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

from lapakasik.core import clock

CACHE_KEY = "core:latency:booking"
_KEEP_SECONDS = 60.0  # a process silent this long is dropped from the shared entry
_MAX_SAMPLES = 5000


@dataclass(frozen=True)
class Figure:
    """One process's recent booking latency: the p90 in milliseconds over ``samples`` bookings, published
    at ``at`` (Unix time)."""

    p90_ms: float
    samples: int
    at: float


def p90(values: list[float]) -> float:
    """The 90th percentile (nearest rank) of ``values`` (not empty)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def _process_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


class Recorder:
    """A process's booking latencies, and their publication through the cache."""

    def __init__(self, *, window: float | None = None, every: float | None = None) -> None:
        self.window = float(window if window is not None else getattr(settings, "LATENCY_WINDOW_SECONDS", 30.0))
        self.every = float(every if every is not None else getattr(settings, "LATENCY_PUBLISH_SECONDS", 2.0))
        self._samples: deque[tuple[float, float]] = deque(maxlen=_MAX_SAMPLES)  # (monotonic, seconds)
        self._lock = threading.Lock()
        self._published_at = 0.0

    def record(self, seconds: float, *, now: float | None = None) -> None:
        """One booking's latency (seconds from its arrival to its answer); publishes when it is time."""
        mono = time.monotonic() if now is None else now
        with self._lock:
            self._samples.append((mono, max(0.0, float(seconds))))
            due = mono - self._published_at >= self.every
            if due:
                self._published_at = mono
        if due:
            self.publish(now=mono)

    def figure(self, *, now: float | None = None) -> Figure | None:
        mono = time.monotonic() if now is None else now
        with self._lock:
            while self._samples and self._samples[0][0] < mono - self.window:
                self._samples.popleft()
            values = [s for _t, s in self._samples]
        if not values:
            return None
        return Figure(p90_ms=p90(values) * 1000.0, samples=len(values), at=clock.now().timestamp())

    def publish(self, *, now: float | None = None) -> None:
        """This process's figure into the shared entry (a failing cache is not the request's problem)."""
        fig = self.figure(now=now)
        if fig is None:
            return
        try:
            publish_figure(_process_id(), fig)
        except Exception:  # the cache being down must not fail a booking
            return


def publish_figure(process: str, fig: Figure) -> None:
    """Merge one process's figure into the shared entry; drop the ones not renewed for a minute."""
    current: Any = cache.get(CACHE_KEY)
    entries = dict(current) if isinstance(current, dict) else {}
    entries = {k: v for k, v in entries.items() if isinstance(v, tuple) and len(v) == 3
               and fig.at - float(v[2]) < _KEEP_SECONDS}
    entries[process] = (float(fig.p90_ms), int(fig.samples), float(fig.at))
    cache.set(CACHE_KEY, entries, timeout=int(_KEEP_SECONDS * 2))


def figures() -> list[Figure]:
    """Every process's published figure (stale ones included: the reader decides what is too old)."""
    current: Any = cache.get(CACHE_KEY)
    if not isinstance(current, dict):
        return []
    found = []
    for value in current.values():
        if isinstance(value, tuple) and len(value) == 3:
            found.append(Figure(p90_ms=float(value[0]), samples=int(value[1]), at=float(value[2])))
    return found
