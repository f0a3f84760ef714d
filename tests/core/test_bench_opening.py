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
    ({"mornings": 0}, "--mornings"),
])
def test_bad_options_are_refused_before_anything_is_touched(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        bench.run(_opts(pg="postgres://nobody@127.0.0.1:1", **overrides), io.StringIO())


def _result(seats: int, scripted_seats: int, people: int, scripted_people: int) -> bench.Result:
    """A morning's outcome as the clients saw it: ``seats`` people booked, ``scripted_seats`` of them scripts."""
    crowd = []
    for i in range(people):
        p = bench.Person(row={}, arrive=float(i), scripted=i < scripted_people, place_wait=0.1)
        crowd.append(p)
    scripts, others = [p for p in crowd if p.scripted], [p for p in crowd if not p.scripted]
    for p in scripts[:scripted_seats] + others[:seats - scripted_seats]:
        p.outcome, p.seat_at = "booked", 1.0
    tally = bench.Tally()
    for _ in range(seats):
        tally.note("admitted_booking", 201, 0.05)
    db = {"booked": seats, "supply": seats, "rows": seats, "over": 0}
    return bench.Result(tally, crowd, db, 100.0, 1.0, 1.0, 10.0)


def test_mornings_pooled_give_the_scripts_share_of_all_their_seats() -> None:
    """Nine mornings of 100 seats: one morning's share moves by whole points; together the share is the
    scripts' seats over all the seats, with the spread a fair draw would have at that many seats."""
    runs = [_result(100, n, 1000, 100) for n in (7, 12, 9, 10, 8, 11, 10, 9, 8)]
    out: list[str] = []
    bench._pooled(out.append, "waitroom", runs)
    text = "\n".join(out)
    assert "9 mornings together" in text
    assert "scripts' share of seats 9.3% (84 of 900) against 10.0% of the people (-0.7 points" in text
    assert "within ±2.0 points" in text  # 1.96 × √(0.1 × 0.9 / 900)
    assert "seats booked 900 of 900; slots over capacity 0" in text
    assert "per morning: 7%, 12%, 9%, 10%, 8%, 11%, 10%, 9%, 8%" in text


def test_a_morning_that_oversold_is_flagged() -> None:
    r = _result(100, 10, 1000, 100)
    r.db["over"] = 1
    out: list[str] = []
    bench._report(out.append, "waitroom", "waitroom", r)
    assert "slots over capacity 1  [CHECK]" in "\n".join(out)
