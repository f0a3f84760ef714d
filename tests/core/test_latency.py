"""The booking latency a web process publishes (core/latency.py): the gate times booking POSTs from their
arrival to their answer (a refusal counts as the bound), the window's p90 goes into one shared cache entry
at most every few seconds, each process under its own name; old samples and silent processes drop out."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from django.core.cache import cache

from lapakasik.core import latency
from lapakasik.core.admission import AdmissionGate

API = "/api/v1/bookings"


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.delete(latency.CACHE_KEY)
    yield
    cache.delete(latency.CACHE_KEY)


def test_p90_is_the_nearest_rank() -> None:
    assert latency.p90([0.1] * 18 + [2.0] * 2) == 0.1
    assert latency.p90([0.1] * 17 + [2.0] * 3) == 2.0
    assert latency.p90([0.5]) == 0.5


def test_a_recorder_publishes_its_window_p90_at_most_every_period() -> None:
    rec = latency.Recorder(window=30, every=5)
    for i in range(17):
        rec.record(0.1, now=100 + i * 0.01)
    (first,) = latency.figures()  # the first sample published at once
    assert first.samples == 1 and first.p90_ms == pytest.approx(100)
    for i in range(3):
        rec.record(2.0, now=101 + i * 0.01)
    assert latency.figures()[0].samples == 1  # not yet: within the period
    rec.record(2.0, now=106)
    (fig,) = latency.figures()
    assert fig.samples == 21 and fig.p90_ms == pytest.approx(2000)
    # 40 s later the old samples are out of the window
    rec.record(0.05, now=146)
    (fig,) = latency.figures()
    assert fig.samples == 1 and fig.p90_ms == pytest.approx(50)


def test_processes_publish_side_by_side_and_a_silent_one_drops_out() -> None:
    latency.publish_figure("web-a:1", latency.Figure(p90_ms=100, samples=10, at=1000))
    latency.publish_figure("web-b:2", latency.Figure(p90_ms=700, samples=10, at=1001))
    assert sorted(f.p90_ms for f in latency.figures()) == [100, 700]
    latency.publish_figure("web-b:2", latency.Figure(p90_ms=650, samples=12, at=1070))  # a minute later
    assert [f.p90_ms for f in latency.figures()] == [650]  # web-a stopped publishing: dropped


def test_a_garbled_cache_entry_reads_as_no_figure() -> None:
    for junk in ("x", 42, {"p": "bad"}, {"p": (1, 2)}, None):
        cache.set(latency.CACHE_KEY, junk)
        assert latency.figures() == []
    cache.set(latency.CACHE_KEY, {"p": (1, 2)})
    latency.publish_figure("web-a:1", latency.Figure(p90_ms=10, samples=5, at=1))
    assert [f.p90_ms for f in latency.figures()] == [10]


class Sleepy:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        time.sleep(self.seconds)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]


def _env(method: str, path: str) -> dict[str, Any]:
    return {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "wsgi.input": io.BytesIO(b"{}"),
            "CONTENT_LENGTH": "2"}


def _call(gate: AdmissionGate, env: dict[str, Any]) -> str:
    got: dict[str, str] = {}
    b"".join(gate(env, lambda status, headers, exc_info=None: got.setdefault("status", status)))
    return got["status"]


def test_the_gate_times_bookings_only_and_publishes_them(settings: Any) -> None:
    settings.LATENCY_PATHS = [API]
    settings.LATENCY_PUBLISH_SECONDS = 0
    gate = AdmissionGate(Sleepy(0.06), threads=1, queue=10, max_wait=5, shedding=True,
                         shed_paths=[API, "/api/v1/opening/places"], retry_after=1)
    for _ in range(3):
        assert _call(gate, _env("GET", API)).startswith("200")  # a read: not timed
        assert _call(gate, _env("POST", "/api/v1/opening/places")).startswith("200")  # a join: not timed
    assert latency.figures() == []
    for _ in range(5):
        assert _call(gate, _env("POST", API)).startswith("200")
    (fig,) = latency.figures()
    assert fig.samples == 5 and 55 <= fig.p90_ms < 2000


def test_a_refused_booking_counts_as_the_bound(settings: Any) -> None:
    settings.LATENCY_PATHS = [API]
    settings.LATENCY_PUBLISH_SECONDS = 0
    gate = AdmissionGate(Sleepy(0), threads=1, queue=0, max_wait=3, shedding=True, shed_paths=[API],
                         retry_after=1)
    assert _call(gate, _env("POST", API)).startswith("503")  # no room in the queue at all: refused
    (fig,) = latency.figures()
    assert fig.p90_ms == pytest.approx(3000)
