"""The opening benchmark's pieces that need no server: the arrivals and the refusal of bad options."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management.base import CommandError

from lapakasik_bench import opening as bench


def _opts(**overrides: Any) -> dict[str, Any]:
    import argparse

    parser = argparse.ArgumentParser()
    bench.add_arguments(parser)
    return {**vars(parser.parse_args([])), **overrides}


def test_the_defaults_are_the_issues_morning() -> None:
    o = _opts()
    assert (o["people"], o["seats"], o["scripted"], o["speedup"]) == (100_000, 10_000, 0.1, 50.0)
    assert (o["first_share"], o["first_seconds"], o["seconds"], o["modes"]) == (0.3, 30.0, 300.0, "waitroom,fcfs")


def test_arrivals_follow_the_clock_shares_and_are_the_same_for_both_modes() -> None:
    o = _opts(first_seconds=30.0, seconds=300.0)
    plan = bench.arrivals(10_000, o)
    times = [t for t, _s in plan]
    assert times == sorted(times) and 0 <= times[0] and times[-1] < 300
    assert sum(1 for t in times if t < 30) == 3_000  # 30 % in the first 30 s, the rest after
    assert sum(1 for _t, s in plan if s) == 1_000  # 10 % scripted, spread over the whole morning
    assert 200 < sum(1 for t, s in plan if s and t < 30) < 400
    assert bench.arrivals(10_000, o) == plan  # the same seed: the same arrivals in every mode


@pytest.mark.parametrize("overrides, message", [
    ({"modes": "waitroom,lottery"}, "--modes"),
    ({"modes": ""}, "--modes"),
    ({"database": "bench; DROP DATABASE postgres"}, "--database"),
    ({"database": "Bench-Opening"}, "--database"),
    ({"first_seconds": 300.0, "seconds": 300.0}, "first-seconds"),
    ({"people": 0}, "--people"),
    ({"seats": -1}, "--seats"),
])
def test_bad_options_are_refused_before_anything_is_touched(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        bench.run(_opts(pg="postgres://nobody@127.0.0.1:1", **overrides), io.StringIO())
