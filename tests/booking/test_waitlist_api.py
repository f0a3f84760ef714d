"""Joining the waitlist of a full session through the API (``POST /api/v1/waitlist``): the same identity checks
as booking (NIK, KPJ, name, eligibility), one entry per person and session, a clear refusal when the session is
not full; hostile and malformed bodies change nothing. Accepting an offer books once; a lapsed offer is refused.
The "other sessions" of a full answer include the same day's earlier free sessions."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from tests.conftest import error_of

from .conftest import FIXED_NOW, TOMORROW, book, snapshot_counts
from .test_bad_input import CASES

pytestmark = pytest.mark.usefixtures("booking_env")
URL = "/api/v1/waitlist"


def post(client: Client, body: Any, content_type: str = "application/json", **extra: Any) -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data=data, content_type=content_type, **extra)


def full(branch: str = "JKT02", day: str = TOMORROW, start: str = "08:00", capacity: int = 1) -> None:
    from django.core.cache import cache

    from lapakasik.booking.models import SlotQuota

    SlotQuota.objects.filter(branch__code=branch, date=day, session_start=start).update(
        capacity=capacity, booked=capacity)
    cache.clear()


def test_join_a_full_session_answers_the_position_and_a_token(client: Client,
                                                              payload: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.models import WaitlistEntry

    full()
    first = post(client, payload())
    second = post(client, payload())
    assert first.status_code == 201 and second.status_code == 201, (first.content, second.content)
    a, b = first.json(), second.json()
    assert (a["position"], b["position"]) == (1, 2)
    assert a["status"] == "WAITING" and a["branch_code"] == "JKT02" and a["date"] == TOMORROW
    assert a["session_start"] == "08:00" and len(a["access_token"]) >= 32
    entry = WaitlistEntry.objects.get(pk=a["id"])
    assert a["access_token"] not in json.dumps(entry.applicant) and entry.token_digest != a["access_token"]
    status = client.get(f"{URL}/{b['id']}", HTTP_AUTHORIZATION=f"Bearer {b['access_token']}").json()
    assert (status["status"], status["position"], status["booking_code"]) == ("WAITING", 2, None)
    # another entry's token does not open this one; the same answer as an unknown id
    wrong = client.get(f"{URL}/{a['id']}", HTTP_AUTHORIZATION=f"Bearer {b['access_token']}")
    unknown = client.get(f"{URL}/987654", HTTP_AUTHORIZATION=f"Bearer {b['access_token']}")
    assert wrong.status_code == unknown.status_code == 401 and error_of(wrong) == error_of(unknown)


def test_one_entry_per_person_and_session(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    full()
    body = payload()
    assert post(client, body).status_code == 201
    before = snapshot_counts()
    again = post(client, {**body, "email": "lain@contoh.id", "phone": "081299990000"})
    assert again.status_code == 409 and error_of(again)["code"] == "already_waiting"
    assert "daftar tunggu" in error_of(again)["message"]
    assert snapshot_counts() == before


def test_joining_tells_the_participant_once_on_each_chosen_channel(
        client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    """"You are on the waiting list": one message per channel the participant chose, each to its own address,
    in their language, with the session in the branch's time and their place; a second try (refused) and
    reading the status send nothing more."""
    from lapakasik.notifications.models import Notification
    from lapakasik.notifications.services import notification_render

    full()
    first = payload(channels=["email", "sms"])
    joined = post(client, first).json()
    rows = list(Notification.objects.filter(event="waitlist_joined").order_by("channel"))
    phone = "+62" + first["phone"].removeprefix("0")
    assert [(r.channel, r.recipient) for r in rows] == [("email", first["email"]), ("sms", phone)]
    assert all(r.claim_id is None and r.language == "id" for r in rows)
    mail = notification_render(rows[0])
    assert "daftar tunggu" in mail.subject and "Selasa, 22 Desember 2026 08:00–09:00 WIB" in mail.text
    assert "Urutan Anda: ke-1" in mail.text and first["nik"] not in mail.text
    assert "Belum booking" in notification_render(rows[1]).text

    post(client, {**first, "email": "lain@contoh.id"})  # refused: already waiting
    client.get(f"{URL}/{joined['id']}", HTTP_AUTHORIZATION=f"Bearer {joined['access_token']}")
    assert Notification.objects.filter(event="waitlist_joined").count() == 2

    second = payload(language="en")
    post(client, second)
    english = Notification.objects.get(event="waitlist_joined", recipient=second["email"])
    text = notification_render(english).text
    assert english.language == "en" and "You are on the waiting list" in text and "number 2" in text


def test_a_session_with_room_is_refused_clearly(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    before = snapshot_counts()
    r = post(client, payload())
    assert r.status_code == 409
    err = error_of(r)
    assert err["code"] == "slot_has_room" and "langsung memesan" in err["message"]
    english = post(client, payload(), HTTP_ACCEPT_LANGUAGE="en")
    assert error_of(english)["code"] == "slot_has_room" and "free seats" in error_of(english)["message"]
    assert snapshot_counts() == before


def test_someone_with_an_open_booking_cannot_also_wait(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    body = payload(session_start="09:00")
    book(**body)
    full()
    before = snapshot_counts()
    r = post(client, {**body, "session_start": "08:00"})
    assert r.status_code == 409 and error_of(r)["code"] == "duplicate_active_booking"
    assert snapshot_counts() == before


@pytest.mark.parametrize(("name", "overrides", "status", "code", "field"), CASES, ids=[c[0] for c in CASES])
def test_bad_waitlist_request(client: Client, payload: Callable[..., dict[str, Any]], name: str,
                              overrides: dict[str, Any], status: int, code: str, field: str | None) -> None:
    """Every bad booking body is as bad for the waitlist of a full session: same status, code and field."""
    full()
    body = {k: v for k, v in payload(**overrides).items() if v is not None}
    before = snapshot_counts()
    r = post(client, body)
    assert r.status_code == status, (name, r.content)
    err = error_of(r)
    assert err["code"] == code and err["message"], err
    if field:
        assert err["fields"].get(field), err
    assert snapshot_counts() == before


@pytest.mark.parametrize("case", ["waiting_period", "still_active", "partial_taken"])
def test_not_eligible_cannot_wait(client: Client, payload: Callable[..., dict[str, Any]],
                                  person: Callable[..., Any], case: str) -> None:
    full()
    before = snapshot_counts()
    r = post(client, payload(person(case)))
    assert r.status_code == 409 and error_of(r)["code"] == "not_eligible" and error_of(r)["rule"]
    assert snapshot_counts() == before


@pytest.mark.parametrize(("body", "content_type"), [
    ("{not json", "application/json"), ("", "application/json"), ("[1, 2, 3]", "application/json"),
    ("nik=3174010101900001", "application/x-www-form-urlencoded"), (b"\xff\xfe\x00garbage", "application/json"),
    (json.dumps({"branch_code": "JKT02", "extra": "field"}), "application/json"),
], ids=["broken-json", "empty", "array", "form-encoded", "binary", "unknown-field"])
def test_malformed_bodies(client: Client, body: Any, content_type: str) -> None:
    full()
    before = snapshot_counts()
    r = post(client, body, content_type=content_type)
    assert r.status_code == 422 and error_of(r)["message"], r.content
    assert snapshot_counts() == before


def test_oversized_body(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    full()
    before = snapshot_counts()
    r = post(client, {**payload(), "padding": "x" * (2 * 1024 * 1024)})
    assert r.status_code == 413 and error_of(r)["code"] == "body_too_large"
    assert snapshot_counts() == before


def _joined_and_offered(client: Client, payload: Callable[..., dict[str, Any]]) -> tuple[dict[str, Any], dict[str, str]]:
    from lapakasik.booking.models import SlotQuota
    from lapakasik.booking.services import booking_cancel
    from lapakasik.claims.services import Actor

    SlotQuota.objects.filter(branch__code="JKT02", date=TOMORROW, session_start="08:00").update(capacity=1)
    holder = book(**payload())
    joined = post(client, payload()).json()
    booking_cancel(booking=holder.booking, actor=Actor.participant())
    return joined, {"HTTP_AUTHORIZATION": f"Bearer {joined['access_token']}"}


def test_double_accept_books_once(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.models import Booking, SlotQuota

    joined, auth = _joined_and_offered(client, payload)
    accepted = client.post(f"{URL}/{joined['id']}/accept", **auth)
    assert accepted.status_code == 201, accepted.content
    code = accepted.json()["code"]
    status = client.get(f"{URL}/{joined['id']}", **auth).json()
    assert (status["status"], status["booking_code"], status["position"]) == ("ACCEPTED", code, None)
    before = snapshot_counts()
    again = client.post(f"{URL}/{joined['id']}/accept", **auth)
    assert again.status_code == 409
    err = error_of(again)
    assert err["code"] == "offer_already_accepted" and err["booking_code"] == code and code in err["message"]
    assert snapshot_counts() == before
    assert Booking.objects.filter(status="ACTIVE", slot__branch__code="JKT02", slot__date=TOMORROW).count() == 1
    slot = SlotQuota.objects.get(branch__code="JKT02", date=TOMORROW, session_start="08:00")
    assert (slot.booked, slot.held) == (1, 0)


def test_a_lapsed_offer_is_refused(client: Client, payload: Callable[..., dict[str, Any]],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from lapakasik.core import clock

    joined, auth = _joined_and_offered(client, payload)
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW + timedelta(minutes=31))  # held 30 minutes
    before = snapshot_counts()
    r = client.post(f"{URL}/{joined['id']}/accept", **auth)
    assert r.status_code == 409 and error_of(r)["code"] == "offer_not_open"
    assert "sudah tidak berlaku" in error_of(r)["message"]
    assert snapshot_counts() == before


def test_a_seat_freed_at_night_is_held_until_the_morning(client: Client, payload: Callable[..., dict[str, Any]],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A cancellation at 23:30 WIB offers the seat at once, but the hold ends at 07:30 WIB (30 minutes from
    07:00), not at midnight while the participant sleeps; the message says so in the branch's time."""
    from datetime import UTC, datetime

    from lapakasik.booking.models import SlotQuota, WaitlistEntry
    from lapakasik.booking.services import booking_cancel
    from lapakasik.claims.services import Actor
    from lapakasik.core import clock
    from lapakasik.notifications.models import Notification

    SlotQuota.objects.filter(branch__code="JKT02", date=TOMORROW, session_start="08:00").update(capacity=1)
    holder = book(**payload())
    joined = post(client, payload()).json()
    night = datetime(2026, 12, 21, 16, 30, tzinfo=UTC)  # 23:30 WIB
    monkeypatch.setattr(clock, "now", lambda: night)
    booking_cancel(booking=holder.booking, actor=Actor.participant())
    entry = WaitlistEntry.objects.get(pk=joined["id"])
    assert entry.status == "OFFERED"
    assert entry.hold_until == datetime(2026, 12, 22, 0, 30, tzinfo=UTC)  # 07:30 WIB
    offer = Notification.objects.filter(event="waitlist_offer").latest("id")
    assert offer.context["hold_until"] == entry.hold_until.isoformat()
    from lapakasik.notifications.services import notification_render

    assert "Selasa, 22 Desember 2026 07:30 WIB" in notification_render(offer).text
    # still open at 07:29 WIB the next morning; gone at 07:30
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 22, 0, 29, tzinfo=UTC))
    assert client.get(f"{URL}/{joined['id']}", HTTP_AUTHORIZATION=f"Bearer {joined['access_token']}").json()[
        "status"] == "OFFERED"


# --- the "other sessions" of a full answer --------------------------------------------------------------


def test_other_sessions_include_the_same_days_earlier_ones(client: Client,
                                                          payload: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.models import SlotQuota

    SlotQuota.objects.filter(branch__code="JKT02", date=TOMORROW, session_start="10:00").update(capacity=1)
    assert client.post("/api/v1/bookings", data=json.dumps(payload(session_start="10:00")),
                       content_type="application/json").status_code == 201
    r = client.post("/api/v1/bookings", data=json.dumps(payload(session_start="10:00")),
                    content_type="application/json")
    assert r.status_code == 409 and error_of(r)["code"] == "slot_full"
    same = [(s["date"], s["session_start"]) for s in error_of(r)["alternatives"]["same_branch"]]
    assert same[:2] == [(TOMORROW, "08:00"), (TOMORROW, "09:00")]  # earlier that day, first
    assert (TOMORROW, "10:00") not in same
    assert any(start > "10:00" for day, start in same if day == TOMORROW)  # and the later ones
    assert same == sorted(same, key=lambda s: (s[0] != TOMORROW, s))


def test_other_sessions_skip_a_full_earlier_session(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.models import SlotQuota

    SlotQuota.objects.filter(branch__code="JKT02", date=TOMORROW, session_start="08:00").update(capacity=0)
    SlotQuota.objects.filter(branch__code="JKT02", date=TOMORROW, session_start="10:00").update(capacity=0)
    r = client.post("/api/v1/bookings", data=json.dumps(payload(session_start="10:00")),
                    content_type="application/json")
    same = [(s["date"], s["session_start"]) for s in error_of(r)["alternatives"]["same_branch"]]
    assert same[0] == (TOMORROW, "09:00") and (TOMORROW, "08:00") not in same
