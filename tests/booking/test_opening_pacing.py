"""Admission paced by the booking latency: the controller's steps (halved above the target, never below the
minimum; raised by a step at or below it, never above the configured rate; the configured rate without a
fresh figure), the frontier when the rate changes on the way (nobody admitted is un-admitted), and the
waiting room slowed by a high published latency — and the operators' page saying so."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from lapakasik.booking.waitroom import pacing
from lapakasik.booking.waitroom.pacing import PacingSettings, Reading

from .opening_support import DRAW_AT, JOIN_URL, Clock, poll, post_json

Body = Callable[..., dict[str, Any]]
S = PacingSettings(configured=20, target_ms=250, minimum=2, decrease=0.5, increase=0, stale_seconds=20,
                   min_samples=5)
NOW = 1_000_000.0


def fig(p90: float, *, age: float = 1.0, samples: int = 50) -> Reading:
    return Reading(p90_ms=p90, samples=samples, at=NOW - age)


# --- the controller (pure) -----------------------------------------------------------------------------------

def test_above_the_target_the_rate_is_halved_down_to_the_minimum() -> None:
    rate, steps = 20.0, []
    for _ in range(6):
        step = pacing.next_rate(rate, [fig(400)], NOW, S)
        assert step.reason == pacing.SLOWING and step.p90_ms == 400
        rate = step.rate
        steps.append(rate)
    assert steps == [10, 5, 2.5, 2, 2, 2]


def test_at_or_below_the_target_the_rate_grows_by_a_step_up_to_the_configured_rate() -> None:
    rate, steps = 2.0, []
    for _ in range(20):
        step = pacing.next_rate(rate, [fig(250)], NOW, S)
        rate = step.rate
        steps.append((rate, step.reason))
    assert steps[0] == (4.0, pacing.RECOVERING)  # a tenth of the configured 20 a step
    assert steps[8] == (20.0, pacing.CONFIGURED) and steps[-1] == (20.0, pacing.CONFIGURED)
    rates = [r for r, _reason in steps]
    assert rates == sorted(rates)
    explicit = PacingSettings(configured=20, increase=3)
    assert pacing.next_rate(5, [fig(100)], NOW, explicit).rate == 8


def test_without_a_fresh_figure_the_rate_is_the_configured_one() -> None:
    assert pacing.next_rate(3, [], NOW, S) == pacing.Step(20, pacing.NO_FIGURE, None)
    stale = pacing.next_rate(3, [fig(900, age=21)], NOW, S)
    assert stale == pacing.Step(20, pacing.STALE, None)
    future = pacing.next_rate(3, [fig(900, age=-60)], NOW, S)  # a clock far ahead: not trusted either
    assert future.rate == 20 and future.reason == pacing.STALE
    few = pacing.next_rate(3, [fig(900, samples=4)], NOW, S)  # four bookings are not enough to judge
    assert few.rate == 20


def test_the_slowest_fresh_process_decides() -> None:
    step = pacing.next_rate(20, [fig(100), fig(600), fig(5000, age=30)], NOW, S)
    assert step.reason == pacing.SLOWING and step.p90_ms == 600 and step.rate == 10


def test_pacing_off_keeps_the_configured_rate() -> None:
    off = PacingSettings(configured=20, target_ms=0)
    assert pacing.next_rate(3, [fig(5000)], NOW, off) == pacing.Step(20, pacing.OFF, None)


def test_the_bounds_hold_whatever_the_current_rate() -> None:
    assert pacing.next_rate(500, [fig(100)], NOW, S).rate == 20
    assert pacing.next_rate(0, [fig(900)], NOW, S).rate == 2
    tiny = PacingSettings(configured=1, minimum=5)  # a minimum above the configured rate: the configured
    assert pacing.next_rate(1, [fig(900)], NOW, tiny).rate == 1


# --- the frontier (pure) ---------------------------------------------------------------------------------------

def test_one_segment_is_the_fixed_rate_rule() -> None:
    from lapakasik.booking.waitroom import policy

    start = datetime(2026, 12, 21, 3, 5, 1, tzinfo=UTC)
    op = policy.Opening(opens_at=start, time_zone="Asia/Jakarta", window_start=start, window_end=start,
                        period_end=start + timedelta(hours=2), admission_start=start)
    segs = [(start.timestamp(), 0.0, 4.0)]
    for rank in (0, 1, 7, 100):
        assert pacing.admitted_at(segs, rank) == policy.admitted_from(op, rank, 4).timestamp()
    for seconds in (0, 0.1, 0.25, 3, 17.5):
        t = start + timedelta(seconds=seconds)
        assert pacing.admitted_so_far(segs, t.timestamp(), 1000) == policy.admitted_so_far(op, t, 4, 1000)
    assert pacing.admitted_so_far(segs, start.timestamp() - 1, 1000) == 0


def test_a_rate_change_continues_from_where_the_frontier_is() -> None:
    segs = [(0.0, 0.0, 10.0)]
    segs = pacing.with_rate(segs, 5.0, 2.0)  # 50 admitted after 5 s at 10/s, then 2/s
    assert segs[-1] == (5.0, 50.0, 2.0)
    assert pacing.with_rate(segs, 6.0, 2.0) is segs  # the same rate: nothing appended
    assert pacing.admitted_count(segs, 5.0) == 50 and pacing.admitted_count(segs, 10.0) == 60
    assert pacing.admitted_so_far(segs, 10.0, 1000) == 61
    assert pacing.admitted_at(segs, 30) == 3.0  # admitted at the old rate: its time does not move
    assert pacing.admitted_at(segs, 60) == 10.0
    # monotone: a later moment never admits fewer, a later rank is never admitted earlier
    counts = [pacing.admitted_so_far(segs, t / 4, 10_000) for t in range(0, 200)]
    assert counts == sorted(counts)
    times = [pacing.admitted_at(segs, r) for r in range(0, 200)]
    assert times == sorted(times)


# --- the waiting room slowed by a high published latency -------------------------------------------------------

def _publish(p90_ms: float, at: datetime) -> None:
    from lapakasik.core.latency import Figure, publish_figure

    publish_figure("web-1:1", Figure(p90_ms=p90_ms, samples=40, at=at.timestamp()))


@pytest.mark.usefixtures("booking_env")
def test_a_high_booking_latency_slows_admission_and_a_low_one_raises_it_again(
        client: Client, opening_clock: Clock, join_body: Body, settings: Any) -> None:
    from tests.accounts.factories import make_officer
    from tests.accounts.helpers import officer_login

    settings.LAPAKASIK = {**settings.LAPAKASIK, "OPENING_ADMIT_PER_SECOND": 10, "OPENING_PACING_SECONDS": 1,
                          "OPENING_TARGET_BOOKING_MS": 250, "OPENING_ADMIT_MIN_PER_SECOND": 1}
    tokens = []
    for _ in range(30):
        r = post_json(client, JOIN_URL, join_body())
        assert r.status_code == 201
        tokens.append(r.json()["place_token"])
    opening_clock.at(DRAW_AT)
    _publish(900, DRAW_AT)  # bookings take 900 ms at the 90th percentile: above the 250 ms target
    by_position = {poll(client, t).json()["position"]: t for t in tokens}  # the draw; the first step: 10 → 5/s
    opening_clock.at(DRAW_AT + timedelta(seconds=1))
    poll(client, by_position[1])  # 5 admitted in that second; 5 → 2.5/s
    opening_clock.at(DRAW_AT + timedelta(seconds=2))  # the next poll steps again: 2.5 → 1.25/s
    assert poll(client, by_position[8]).json()["phase"] == "admitted"  # 5 + 2.5 → ranks 0…7
    ninth = poll(client, by_position[9]).json()
    # at the configured 10/s, 21 places would be admitted by now; paced, the ninth still waits
    assert ninth["phase"] == "waiting" and ninth["ahead"] == 0  # next in line, in 0.4 s at 1.25/s
    national = officer_login(Client(), make_officer("nasional-laju", "national_admin"))
    zone = national.get("/petugas/pembukaan/").content.decode()
    zone = zone[zone.index('id="opening-zone-WIB"'):]
    zone = zone[:zone.index("</tr>")]
    assert "1.2 orang per detik" in zone  # 1.25, shown to one decimal
    assert "diperlambat: latensi booking p90 900 ms di atas target 250 ms" in zone
    # bookings are fast again: the rate climbs back a step at a time (a tenth of 10/s = 1/s a step)
    opening_clock.at(DRAW_AT + timedelta(seconds=3))
    _publish(120, opening_clock.now)
    poll(client, by_position[2])
    opening_clock.at(DRAW_AT + timedelta(seconds=4))
    zone = national.get("/petugas/pembukaan/").content.decode()
    zone = zone[zone.index('id="opening-zone-WIB"'):zone.index('id="opening-zone-WIB"') + 2000]
    assert "3.2 orang per detik" in zone and "dinaikkan bertahap" in zone
    english = national.get("/petugas/pembukaan/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "raised step by step" in english


@pytest.mark.usefixtures("booking_env")
def test_without_a_published_latency_admission_runs_at_the_configured_rate(
        client: Client, opening_clock: Clock, join_body: Body, settings: Any) -> None:
    from lapakasik.booking.waitroom import services

    settings.LAPAKASIK = {**settings.LAPAKASIK, "OPENING_ADMIT_PER_SECOND": 10, "OPENING_PACING_SECONDS": 1}
    tokens = [post_json(client, JOIN_URL, join_body()).json()["place_token"] for _ in range(25)]
    opening_clock.at(DRAW_AT)
    _publish(900, DRAW_AT - timedelta(minutes=5))  # an old figure (a process that stopped): ignored
    by_position = {poll(client, t).json()["position"]: t for t in tokens}
    opening_clock.at(DRAW_AT + timedelta(seconds=2))
    assert poll(client, by_position[21]).json()["phase"] == "admitted"
    assert poll(client, by_position[22]).json()["phase"] == "waiting"
    (op,) = [o for o in services.openings_now(opening_clock.now) if o.time_zone == "Asia/Jakarta"]
    pace = services.live_counts(op, opening_clock.now).pace
    assert (pace.rate, pace.reason) == (10, pacing.STALE)


@pytest.mark.usefixtures("booking_env")
def test_losing_the_pace_admits_more_never_fewer(client: Client, opening_clock: Clock, join_body: Body,
                                                  settings: Any) -> None:
    from django.core.cache import cache

    from lapakasik.booking.waitroom import admitter, services

    settings.LAPAKASIK = {**settings.LAPAKASIK, "OPENING_ADMIT_PER_SECOND": 10, "OPENING_PACING_SECONDS": 1}
    tokens = [post_json(client, JOIN_URL, join_body()).json()["place_token"] for _ in range(25)]
    opening_clock.at(DRAW_AT)
    _publish(900, DRAW_AT)
    by_position = {poll(client, t).json()["position"]: t for t in tokens}
    opening_clock.at(DRAW_AT + timedelta(seconds=1))
    first = poll(client, by_position[1]).json()
    assert first["phase"] == "admitted"
    (op,) = [o for o in services.openings_now(opening_clock.now) if o.time_zone == "Asia/Jakarta"]
    assert admitter.pace(op, opening_clock.now, 10, 250).rate == 2.5  # stepped once this second, not again
    assert poll(client, by_position[7]).json()["phase"] == "waiting"
    cache.delete(f"opening:{op.id}:pace")  # a cache restart
    assert poll(client, by_position[1]).json()["admission_expires_at"] == first["admission_expires_at"]
    assert poll(client, by_position[7]).json()["phase"] == "admitted"  # the configured rate from the draw
