"""The fair opening in a real browser, on three phones: three participants join the waiting room before the
quota opens (each gets "drawn at 10:05:01 WIB"), the draw gives them a random order, they are admitted one
per second in that order, and each books with the turn the waiting page put in their session. A forged
admission token is refused."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from test_booking import no_sideways_scroll  # tests/e2e is on the path (no package)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPENS_AT = datetime(2026, 12, 21, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB: the opening hour below
DRAW_AT = OPENS_AT + timedelta(minutes=5, seconds=1)
PEOPLE = [("3174014506900011", "20000000011", "Ani Lestari"), ("3174014506900012", "20000000012", "Budi Hartono"),
          ("3174014506900013", "20000000013", "Citra Dewi")]


@dataclass
class Clock:
    now: datetime


@pytest.fixture
def opening_world(db: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    from django.core.cache import cache

    from lapakasik.branches.seed import seed_demo
    from lapakasik.core import clock as clock_module
    from lapakasik.intake.catalogue import catalogue_seed
    from lapakasik.registry.models import DemoParticipant

    settings.LAPAKASIK = {**settings.LAPAKASIK, "BOOKING_OPEN_HOUR": 10, "OPENING_ENABLED": 1,
                          "OPENING_ADMIT_PER_SECOND": 1, "OPENING_CLOCK_SKEW_SECONDS": 1,
                          "OPENING_POLL_SECONDS": 2, "OPENING_POLLS_PER_MINUTE": 1000}
    c = Clock(now=OPENS_AT - timedelta(minutes=10))
    monkeypatch.setattr(clock_module, "now", lambda: c.now)  # the live server's thread reads it too
    cache.clear()
    seed_demo()
    catalogue_seed()
    today = c.now.date()
    for nik, kpj, name in PEOPLE:
        DemoParticipant.objects.create(
            nik=nik, kpj=kpj, full_name=name.upper(), birth_date=date(1990, 6, 5), employer="PT Maju Bersama",
            membership_start=today - timedelta(days=8 * 365), membership_end=today - timedelta(days=90),
            active=False, balance=25_000_000, last_contribution=today.replace(day=1), case="eligible")
    yield c
    cache.clear()


def _identity(page: Any, nik: str, kpj: str, name: str, i: int) -> None:
    page.fill("#id_nik", nik)
    page.fill("#id_kpj", kpj)
    page.fill("#id_full_name", name)
    page.fill("#id_email", f"orang{i}@example.id")
    page.fill("#id_phone", f"0812 3456 78{i:02d}")
    page.select_option("#id_claim_reason", "RESIGNED")


def test_join_before_the_opening_be_admitted_in_random_order_and_book(
        live_server: Any, phone_factory: Any, opening_world: Clock) -> None:
    from playwright.sync_api import expect

    from lapakasik.booking.models import Booking, OpeningPlace

    base = live_server.url
    phones = []
    for i, (nik, kpj, name) in enumerate(PEOPLE):
        page = phone_factory()
        page.goto(f"{base}/antrean/pembukaan/?cabang=BDG01")
        expect(page.locator("h1")).to_contain_text("Ruang tunggu pembukaan kuota")
        no_sideways_scroll(page)
        _identity(page, nik, kpj, name, i)
        page.get_by_role("button", name="Masuk ruang tunggu").click()
        expect(page.locator("#opening-status")).to_have_attribute("data-phase", "waiting_draw")
        expect(page.locator("#opening-position")).to_contain_text("10:05:01 WIB")
        assert nik not in page.url
        no_sideways_scroll(page)
        phones.append(page)
    assert OpeningPlace.objects.filter(in_draw=True).count() == 3

    # the draw: each phone learns its place; together they are 1, 2, 3 in an order nobody chose
    opening_world.now = DRAW_AT + timedelta(milliseconds=500)
    positions = []
    for page in phones:
        page.reload()
        positions.append(int(page.locator("#opening-position").inner_text()))
    assert sorted(positions) == [1, 2, 3]
    first = phones[positions.index(1)]
    expect(first.locator("#opening-status")).to_have_attribute("data-phase", "admitted")
    for page, position in zip(phones, positions, strict=True):
        if position > 1:
            expect(page.locator("#opening-status")).to_have_attribute("data-phase", "waiting")
            # ahead = places before this one not admitted yet (place 1 is admitted)
            expect(page.locator("#opening-ahead")).to_have_text(str(position - 2))

    # one a second, in queue order; each books with its turn
    opening_world.now = DRAW_AT + timedelta(seconds=3)
    booked_order = []
    for position in (1, 2, 3):
        i = positions.index(position)
        page = phones[i]
        page.reload()
        expect(page.locator("#opening-status")).to_have_attribute("data-phase", "admitted")
        page.locator("#opening-book").click()
        session = page.locator("button.session[data-status=open]").first
        expect(session).to_be_visible()
        session.click()
        expect(page.locator("h1")).to_contain_text("Data diri dan kontak")
        _identity(page, *PEOPLE[i], i)
        page.get_by_role("button", name="Lanjut ke pemeriksaan").click()
        page.locator("#id_confirm").check()
        page.get_by_role("button", name="Kirim pendaftaran").click()
        expect(page.locator("h1")).to_contain_text("Pendaftaran berhasil")
        booked_order.append(PEOPLE[i][0])
    assert Booking.objects.count() == 3
    assert OpeningPlace.objects.filter(used_at__isnull=False).count() == 3
    by_draw = [PEOPLE[positions.index(n)][0] for n in (1, 2, 3)]
    assert booked_order == by_draw
    assert list(Booking.objects.order_by("id").values_list("claim__insured_nik", flat=True)) == by_draw

    # a forged admission token is refused, and nothing is booked
    other = phone_factory()
    other.goto(base + "/")
    answer = other.request.post(f"{base}/api/v1/bookings", data={
        "branch_code": "BDG01", "date": "2026-12-23", "session_start": "08:00", "claim_type": "JHT",
        "claim_reason": "RESIGNED", "nik": PEOPLE[0][0], "kpj": PEOPLE[0][1], "full_name": PEOPLE[0][2],
        "email": "orang0@example.id", "phone": "081234567800", "admission_token": "eyJvIjoxfQ:forged:signature"})
    assert answer.status == 409 and answer.json()["error"]["code"] == "admission_invalid"
    assert Booking.objects.count() == 3
