"""The fair opening's services and rules: the pure policy (window, period, order, admission times), the
day's seats running out (those still waiting told at once on the page, and once by message with the
waiting room's address), the live counts operators read, and the admission tokens' binding."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tests.conftest import error_of

from .opening_support import DRAW_AT, JOIN_URL, OPENS_AT, RATE, Clock, booking_body, poll, post_json

Body = Callable[..., dict[str, Any]]


# --- the pure rules ------------------------------------------------------------------------------------------

def test_an_opening_is_found_from_its_window_to_the_end_of_its_period() -> None:
    from lapakasik.booking.waitroom import policy

    s = policy.Settings(open_hour=0, before_minutes=15, after_minutes=5, period_minutes=60)
    # 00:00 WIB on 22 Dec = 17:00 UTC on 21 Dec; the window starts the evening before (23:45 WIB)
    evening = datetime(2026, 12, 21, 16, 45, tzinfo=UTC)
    op = policy.opening_at(evening, "Asia/Jakarta", s)
    assert op is not None and op.opens_at == datetime(2026, 12, 21, 17, 0, tzinfo=UTC)
    assert op.window_end == datetime(2026, 12, 21, 17, 5, tzinfo=UTC)
    assert policy.opening_at(evening - timedelta(seconds=1), "Asia/Jakarta", s) is None
    assert policy.opening_at(op.period_end - timedelta(seconds=1), "Asia/Jakarta", s) == op
    assert policy.opening_at(op.period_end, "Asia/Jakarta", s) is None
    # WITA opens an hour earlier (a queue of its own)
    wita = policy.opening_at(datetime(2026, 12, 21, 15, 50, tzinfo=UTC), "Asia/Makassar", s)
    assert wita is not None and wita.id != op.id and wita.opens_at == datetime(2026, 12, 21, 16, 0, tzinfo=UTC)
    assert policy.next_opening(evening - timedelta(hours=1), "Asia/Jakarta", s) == op


def test_an_explicit_opening_instant_replaces_the_daily_hour_in_every_zone() -> None:
    from lapakasik.booking.waitroom import policy

    at = datetime(2026, 12, 21, 8, 37, 30, tzinfo=UTC)  # any minute, even mid-minute
    s = policy.Settings(open_hour=0, before_minutes=1, after_minutes=2, period_minutes=30, opens_at=at)
    for zone in ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"):
        op = policy.opening_at(at, zone, s)
        assert op is not None and op.opens_at == at and op.id == int(at.timestamp())
        assert op.window_start == at - timedelta(minutes=1) and op.window_end == at + timedelta(minutes=2)
    assert policy.opening_at(at - timedelta(minutes=1, seconds=1), "Asia/Jakarta", s) is None
    assert policy.opening_at(at + timedelta(minutes=30), "Asia/Jakarta", s) is None
    # the daily hour no longer opens anything: midnight WIB of that day is outside every window
    assert policy.opening_at(datetime(2026, 12, 21, 17, 0, tzinfo=UTC), "Asia/Jakarta", s) is None
    assert policy.next_opening(at - timedelta(hours=3), "Asia/Jakarta", s).opens_at == at


@pytest.mark.parametrize("raw, expected", [
    ("", None),
    ("2026-12-21T15:37:30+07:00", datetime(2026, 12, 21, 8, 37, 30, tzinfo=UTC)),
    ("2026-12-21T08:37:30Z", datetime(2026, 12, 21, 8, 37, 30, tzinfo=UTC)),
])
def test_the_opening_at_setting_is_an_instant_with_its_offset(settings: Any, raw: str,
                                                              expected: datetime | None) -> None:
    from lapakasik.booking.waitroom import config

    settings.LAPAKASIK = {**settings.LAPAKASIK, "OPENING_AT": raw}
    assert config.explicit_opening() == expected


@pytest.mark.parametrize("raw", ["2026-12-21T15:37:30", "besok pagi", "2026-13-40T00:00:00Z", "'; DROP TABLE"])
def test_an_opening_at_without_offset_or_not_a_date_is_refused_loudly(settings: Any, raw: str) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from lapakasik.booking.waitroom import config

    settings.LAPAKASIK = {**settings.LAPAKASIK, "OPENING_AT": raw}
    with pytest.raises(ImproperlyConfigured, match="OPENING_AT"):
        config.explicit_opening()


def test_a_place_joins_the_draw_only_before_the_window_ends_and_before_the_draw() -> None:
    from lapakasik.booking.waitroom import policy

    op = policy.opening_at(datetime(2026, 12, 21, 17, 0, tzinfo=UTC), "Asia/Jakarta", policy.Settings())
    assert op is not None
    assert policy.joins_draw(op, op.window_end - timedelta(seconds=1), draw_made=False)
    assert not policy.joins_draw(op, op.window_end, draw_made=False)
    # a process whose clock runs behind cannot slip a place into a draw already read
    assert not policy.joins_draw(op, op.window_end - timedelta(seconds=1), draw_made=True)


def test_admission_times_follow_the_rank_at_the_rate() -> None:
    from lapakasik.booking.waitroom import policy

    op = policy.opening_at(datetime(2026, 12, 21, 17, 0, tzinfo=UTC), "Asia/Jakarta", policy.Settings())
    assert op is not None
    assert policy.admitted_from(op, 0, 10) == op.admission_start
    assert policy.admitted_from(op, 100, 10) == op.admission_start + timedelta(seconds=10)
    assert policy.admitted_so_far(op, op.admission_start - timedelta(seconds=1), 10, 500) == 0
    assert policy.admitted_so_far(op, op.admission_start + timedelta(seconds=10), 10, 500) == 101
    assert policy.admitted_so_far(op, op.admission_start + timedelta(hours=1), 10, 500) == 500
    assert policy.rank_late(draw_size=40, late_seq=1) == 40
    lo, hi = policy.draw_wait_range(op, op.opens_at, 100, 10)
    assert lo == op.admission_start and hi == op.admission_start + timedelta(seconds=9.9)
    assert policy.seats_likely(ahead=9, seats_left=10) and not policy.seats_likely(ahead=10, seats_left=10)


def test_tokens_are_refused_when_tampered_or_of_the_other_kind(settings: Any) -> None:
    from lapakasik.booking.waitroom import tokens

    place = tokens.place_token(1_700_000_000, 5)
    assert tokens.place_ref(place) == tokens.PlaceRef(1_700_000_000, 5)
    admission = tokens.admission_token(opening_id=1, place_id=5, nik_digest="ab" * 20,
                                       expires_at=datetime(2026, 12, 21, tzinfo=UTC))
    assert tokens.admission(admission) is not None and tokens.admission(place) is None
    assert tokens.place_ref(admission) is None
    for bad in ("", "x", place + "x", "a" * 401, "é:é:é"):
        assert tokens.place_ref(bad) is None and tokens.admission(bad) is None
    settings.SECRET_KEY = "another-key-" + "x" * 50
    assert tokens.place_ref(place) is None and tokens.admission(admission) is None


# --- the day's seats run out ---------------------------------------------------------------------------------

def _sell_out(day: str) -> None:
    from lapakasik.booking.models import SlotQuota

    for slot in SlotQuota.objects.filter(branch__time_zone="Asia/Jakarta", date=day):
        SlotQuota.objects.filter(pk=slot.pk).update(booked=slot.capacity - slot.held)
    cache.clear()


@pytest.mark.usefixtures("booking_env")
def test_when_the_day_is_gone_those_waiting_are_told_at_once_and_once(
        client: Client, opening_clock: Clock, join_body: Body) -> None:
    from lapakasik.booking.models import OpeningPlace
    from lapakasik.booking.waitroom import services
    from lapakasik.notifications.models import Notification
    from lapakasik.notifications.services import notification_render

    bodies = [join_body(language=lang) for lang in ("id", "id", "en", "en")]
    tokens = [post_json(client, JOIN_URL, b).json()["place_token"] for b in bodies]
    opening_clock.at(DRAW_AT + timedelta(seconds=3 / RATE))
    statuses = [poll(client, t).json() for t in tokens]
    day = statuses[0]["opened_day"]
    first = next(i for i, s in enumerate(statuses) if s["position"] == 1)
    booked = post_json(client, "/api/v1/bookings",
                       booking_body(bodies[first], admission_token=statuses[first]["admission_token"]))
    assert booked.status_code == 201, booked.content
    _sell_out(day)
    after = [poll(client, t).json() for t in tokens]
    assert [a["phase"] for i, a in enumerate(after) if i != first] == ["sold_out"] * 3
    assert after[first]["phase"] == "booked" and after[first]["booking_code"] == booked.json()["code"]
    assert all(a["seats_left"] == 0 and a["seats_likely"] is False for a in after)

    assert services.opening_tell_sold_out(opening_clock.now) == 3
    assert services.opening_tell_sold_out(opening_clock.now) == 0  # once
    told = OpeningPlace.objects.filter(told_sold_out_at__isnull=False)
    assert told.count() == 3 and not told.filter(used_at__isnull=False).exists()
    rows = list(Notification.objects.filter(event="opening_sold_out").order_by("id"))
    waiting = [b["language"] for i, b in enumerate(bodies) if i != first]
    assert sorted(r.language for r in rows) == sorted(waiting)  # each in their own language (both remain)
    english = notification_render(next(r for r in rows if r.language == "en"))
    assert "are gone" in english.subject and "December 2026" in english.subject
    assert "/antrean/pembukaan/" in english.text and english.text.count("http") >= 1
    indonesian = notification_render(next(r for r in rows if r.language == "id"))
    assert "sudah habis" in indonesian.subject and "Desember 2026" in indonesian.subject

    # the rush is over: booking another day needs no token, and nobody new joins for nothing
    later = post_json(client, "/api/v1/bookings", booking_body(join_body(), date="2026-12-28"))
    assert later.status_code == 201, later.content
    refused = post_json(client, JOIN_URL, join_body())
    assert refused.status_code == 409 and error_of(refused)["code"] == "opening_sold_out"


@pytest.mark.usefixtures("booking_env")
def test_the_live_counts(client: Client, opening_clock: Clock, join_body: Body) -> None:
    from lapakasik.booking.selectors import branch_info
    from lapakasik.booking.waitroom import services

    bodies = [join_body() for _ in range(4)]
    tokens = [post_json(client, JOIN_URL, b).json()["place_token"] for b in bodies]
    info = branch_info("JKT02")
    assert info is not None
    op = services.current_opening(info, opening_clock.now)
    assert op is not None and op.opens_at == OPENS_AT
    counts = services.live_counts(op, opening_clock.now)
    assert (counts.joined, counts.waiting, counts.admitted, counts.booked, counts.drawn) == (4, 4, 0, 0, False)
    seats_before = counts.seats_left
    assert seats_before > 0 and counts.per_branch["JKT02"] > 0
    opening_clock.at(DRAW_AT + timedelta(seconds=1 / RATE))
    statuses = {i: poll(client, t).json() for i, t in enumerate(tokens)}
    i = next(k for k, s in statuses.items() if s["position"] == 1)
    assert post_json(client, "/api/v1/bookings", booking_body(
        bodies[i], admission_token=statuses[i]["admission_token"])).status_code == 201
    cache.delete(f"opening:{op.id}:supply:0")
    counts = services.live_counts(op, opening_clock.now)
    assert (counts.joined, counts.admitted, counts.waiting, counts.booked, counts.drawn) == (4, 2, 2, 1, True)


@pytest.mark.usefixtures("booking_env")
def test_the_operators_page_shows_the_settings_and_the_live_counts(
        client: Client, opening_clock: Clock, join_body: Body) -> None:
    from lapakasik.branches.models import Region
    from tests.accounts.factories import make_officer
    from tests.accounts.helpers import officer_login

    bodies = [join_body() for _ in range(3)]
    for b in bodies:
        post_json(client, JOIN_URL, b)
    national = officer_login(Client(), make_officer("nasional-pembukaan", "national_admin"))
    html = national.get("/petugas/pembukaan/").content.decode()
    assert f"{RATE} orang per detik" in html and "15 menit sebelum sampai 5 menit sesudah" in html
    zone = html[html.index('id="opening-zone-WIB"'):]
    zone = zone[:zone.index("</tr>")]
    assert '<td class="waiting">3</td>' in zone and '<td class="booked">0</td>' in zone
    row = html[html.index('id="opening-branch-JKT02"'):]
    assert row[:row.index("</tr>")].count("<td>3</td>") == 1  # three people chose JKT02
    for b in bodies:
        assert b["nik"] not in html and b["full_name"] not in html
    # a regional admin sees the counts and only the branches of the region
    other = Region.objects.exclude(branches__code="JKT02").first()
    regional = officer_login(Client(), make_officer("wilayah-pembukaan", "regional_admin", region=other))
    page = regional.get("/petugas/pembukaan/").content.decode()
    assert 'id="opening-branch-JKT02"' not in page and 'id="opening-zone-' in page
    officer = officer_login(Client(), make_officer("petugas-pembukaan", "officer",
                                                   branch=other.branches.first() if other else None))
    assert officer.get("/petugas/pembukaan/").status_code == 403
