"""The fair opening's participant pages: joining (the same identity checks as booking, refusals on their
page, nothing written), the waiting page (no personal data in the URL, a <noscript> meta refresh and an
htmx poll, the draw's time and the estimate in the branch's zone, Indonesian and English), and the
booking pages during the opening: without a turn → 303 to the waiting room; with the session's
admission → booked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from .conftest import snapshot_counts
from .opening_support import DRAW_AT, OPENS_AT, RATE, Clock

pytestmark = pytest.mark.usefixtures("booking_env")
Body = Callable[..., dict[str, Any]]
JOIN = "/antrean/pembukaan/"
WAIT = "/antrean/pembukaan/tunggu/"


def form_data(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "channels": body["channels"]}


def test_the_join_page_explains_the_random_order(client: Client, opening_clock: Clock) -> None:
    r = client.get(JOIN)
    html = r.content.decode()
    assert r.status_code == 200 and "acak" in html and 'name="branch_code"' in html and 'name="nik"' in html
    english = client.get(JOIN, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "random" in english and "Join the waiting room" in english


def test_joining_leads_to_the_waiting_page_without_personal_data_in_the_url(
        client: Client, opening_clock: Clock, join_body: Body) -> None:
    body = join_body()
    r = client.post(JOIN, form_data(body))
    assert r.status_code == 303 and r["Location"] == WAIT
    assert body["nik"] not in r["Location"]
    page = client.get(WAIT)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-phase="waiting_draw"' in html and "10:05:01 WIB" in html
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html
    assert 'hx-trigger="every 5s"' in html and body["nik"] not in html
    fragment = client.get(WAIT, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="opening-status"') and "<html" not in fragment
    english = client.get(WAIT, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "drawn at 10:05:01 WIB" in english


def test_an_ineligible_claim_is_refused_on_the_page_with_its_date(
        client: Client, opening_clock: Clock, join_body: Body, person: Callable[..., Any]) -> None:
    from lapakasik.booking.models import OpeningPlace

    r = client.post(JOIN, form_data(join_body(person("waiting_period"))))
    html = r.content.decode()
    assert r.status_code == 409 and "belum bisa diajukan" in html
    assert 'id="possible-from"' in html and "Januari 2027" in html
    assert "Masa tunggu satu bulan" in html
    assert OpeningPlace.objects.count() == 0


@pytest.mark.parametrize(("change", "field"), [
    ({"nik": "12"}, "nik"), ({"kpj": "abc"}, "kpj"), ({"branch_code": "NOPE"}, "branch_code"),
    ({"email": "x"}, "email"), ({"full_name": "<script>alert(1)</script>"}, "full_name"),
])
def test_bad_input_on_the_join_page(client: Client, opening_clock: Clock, join_body: Body,
                                    change: dict[str, Any], field: str) -> None:
    from lapakasik.booking.models import OpeningPlace

    before = snapshot_counts()
    r = client.post(JOIN, form_data(join_body(**change)))
    html = r.content.decode()
    assert r.status_code == 422 and f'id="err-{field}"' in html and "<script>alert(1)" not in html
    assert OpeningPlace.objects.count() == 0 and snapshot_counts() == before


def test_an_heir_joins_on_the_page_with_the_deceased_workers_numbers(
        client: Client, opening_clock: Clock, join_body: Body, person: Callable[..., Any]) -> None:
    """The join page has the booking pages' "Ahli waris" fields and they are used: the widow, with no KPJ of
    her own, gets a place; the same widow naming nobody is asked for her own KPJ."""
    from lapakasik.booking.models import OpeningPlace

    page = client.get(JOIN).content.decode()
    assert 'id="heir"' in page and 'name="insured_nik"' in page and 'name="insured_kpj"' in page
    dead = person("deceased")
    widow = next(m for m in dead.family if m["relation"] == "spouse")
    body = join_body(claim_type="JKM", claim_reason="DEATH", nik=widow["nik"], full_name=widow["full_name"],
                     kpj="")
    r = client.post(JOIN, form_data(body))
    assert r.status_code == 422 and 'id="err-kpj"' in r.content.decode()
    r = client.post(JOIN, form_data({**body, "insured_nik": dead.nik, "insured_kpj": dead.kpj}))
    assert r.status_code == 303 and r["Location"] == WAIT, r.content.decode()[:2000]
    assert OpeningPlace.objects.count() == 1


def test_the_waiting_page_without_a_place_sends_to_joining(client: Client, opening_clock: Clock) -> None:
    r = client.get(WAIT)
    assert r.status_code == 303 and r["Location"] == JOIN


def _review(client: Client, body: dict[str, Any], day: str = "2026-12-23") -> Any:
    data = {"cabang": "JKT02", "tanggal": day, "sesi": "08:00", **{
        k: body[k] for k in ("nik", "kpj", "full_name", "email", "phone", "claim_type", "claim_reason", "language")},
        "channels": ["email"]}
    r = client.post(reverse("booking:identity"), data)
    assert r.status_code == 302 and r["Location"] == reverse("booking:review"), r.content.decode()[:1500]
    draft = client.session["booking_draft"]["id"]
    return client.post(reverse("booking:review"), {"draft": draft, "confirm": "on"})


def test_booking_pages_during_the_opening_send_to_the_waiting_room_then_book_with_the_turn(
        client: Client, opening_clock: Clock, join_body: Body, django_capture_on_commit_callbacks: Any) -> None:
    body = join_body()
    opening_clock.at(OPENS_AT + timedelta(minutes=1))
    before = snapshot_counts()
    r = _review(client, body)
    assert r.status_code == 303 and r["Location"] == JOIN  # no place yet: join first
    assert snapshot_counts() == before
    assert client.post(JOIN, form_data(body)).status_code == 303
    r = _review(client, body)
    assert r.status_code == 303 and r["Location"] == WAIT  # a place, not the turn yet
    opening_clock.at(DRAW_AT + timedelta(seconds=1 / RATE))
    page = client.get(WAIT).content.decode()
    assert 'data-phase="admitted"' in page and 'id="opening-book"' in page
    with django_capture_on_commit_callbacks(execute=True):
        r = _review(client, body)
    assert r.status_code == 302 and "/antrean/selesai/" in r["Location"], r.content.decode()[:1500]
    assert 'data-phase="booked"' in client.get(WAIT).content.decode()


def test_a_page_polled_too_often_keeps_the_place(client: Client, opening_clock: Clock, join_body: Body) -> None:
    client.post(JOIN, form_data(join_body()))
    answers = [client.get(WAIT).status_code for _ in range(40)]
    assert answers.count(429) == 10 and 500 not in answers
    refused = client.get(WAIT)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "tetap aman" in refused.content.decode()
    opening_clock.at(opening_clock.now + timedelta(minutes=1))
    assert client.get(WAIT).status_code == 200
