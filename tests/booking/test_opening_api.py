"""The fair opening through the API: joining the waiting room (one place per NIK, checked against the
registry and the eligibility rules first), the random order of the pre-queue window and the arrival order
after it, admission at the configured rate, the admission token a booking needs during the opening
(forged, expired, reused and another NIK's refused; none at all sends to the waiting room, never a 5xx),
and polling: from the cache, throttled, the place kept — also across a cache restart."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tests.conftest import error_of

from .conftest import snapshot_counts
from .opening_support import (
    DRAW_AT,
    JOIN_URL,
    OPENS_AT,
    RATE,
    WINDOW_END,
    WINDOW_START,
    Clock,
    booking_body,
    poll,
    post_json,
)

pytestmark = pytest.mark.usefixtures("booking_env")
Body = Callable[..., dict[str, Any]]


def places() -> int:
    from lapakasik.booking.models import OpeningPlace

    return OpeningPlace.objects.count()


def join(client: Client, body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    r = post_json(client, JOIN_URL, body, **extra)
    assert r.status_code in (200, 201), r.content
    return r.json()  # type: ignore[no-any-return]


# --- joining ---------------------------------------------------------------------------------------------

def test_joining_in_the_window_gives_a_place_in_the_draw(client: Client, opening_clock: Clock, join_body: Body) -> None:
    r = post_json(client, JOIN_URL, join_body())
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["phase"] == "waiting_draw" and data["position"] is None and data["draw_size"] == 1
    assert data["branch_code"] == "JKT02" and data["admission_token"] is None
    assert data["draw_at"].startswith("2026-12-21T03:05:01") and data["opening_at"].startswith("2026-12-21T03:00")
    assert data["estimate_from"] and data["estimate_to"] and data["seats_left"] > 0 and data["seats_likely"] is True
    assert len(data["place_token"]) > 20 and places() == 1


def test_joining_twice_gives_the_same_place_back(client: Client, opening_clock: Clock, join_body: Body) -> None:
    body = join_body()
    first = post_json(client, JOIN_URL, body)
    again = post_json(client, JOIN_URL, {**body, "email": "lain@contoh.id", "phone": "081299990001"})
    assert (first.status_code, again.status_code) == (201, 200), again.content
    assert places() == 1
    opening_clock.at(DRAW_AT)
    a = poll(client, first.json()["place_token"]).json()
    b = poll(client, again.json()["place_token"]).json()
    assert a["position"] == b["position"] == 1


def test_outside_an_opening_there_is_no_waiting_room(client: Client, opening_clock: Clock, join_body: Body) -> None:
    opening_clock.at(WINDOW_START - timedelta(seconds=1))
    before = snapshot_counts()
    r = post_json(client, JOIN_URL, join_body())
    assert r.status_code == 409
    err = error_of(r)
    assert err["code"] == "opening_not_open" and err["window_opens_at"].startswith("2026-12-21T02:45")
    assert "09:45" in err["message"] and "WIB" in err["message"]
    assert places() == 0 and snapshot_counts() == before


def test_an_ineligible_claim_is_refused_with_the_date_it_becomes_possible(
        client: Client, opening_clock: Clock, join_body: Body, person: Callable[..., Any]) -> None:
    r = post_json(client, JOIN_URL, join_body(person("waiting_period")))
    assert r.status_code == 409
    err = error_of(r)
    assert err["code"] == "not_eligible" and err["rule"] == "waiting_period"
    assert err["possible_from"] and err["possible_from"] > "2026-12-21"
    english = post_json(client, JOIN_URL, join_body(person("waiting_period")), HTTP_ACCEPT_LANGUAGE="en")
    assert error_of(english)["code"] == "not_eligible"
    assert places() == 0


@pytest.mark.parametrize(("change", "status", "code", "field"), [
    ({"kpj": "99999999999"}, 409, "registry_mismatch", "kpj"),
    ({"full_name": "Orang Lain Sekali"}, 409, "name_mismatch", "full_name"),
    ({"nik": "1234"}, 422, "invalid", "nik"),
    ({"nik": "3171' OR 1=1--"}, 422, "invalid", "nik"),
    ({"branch_code": "XX99"}, 409, "refused", "branch_code"),
    ({"branch_code": "JKT02\u0000"}, 422, "invalid", "branch_code"),
    ({"claim_reason": "HOLIDAY"}, 422, "invalid", "claim_reason"),
    ({"claim_type": "JKM"}, 409, "refused", "claim_reason"),  # every type is bookable; RESIGNED is not JKM's
    ({"email": "bukan-email"}, 422, "invalid", "email"),
    ({"admission_token": "x"}, 422, "invalid", "admission_token"),
])
def test_bad_joins_are_refused_and_write_nothing(client: Client, opening_clock: Clock, join_body: Body,
                                                 change: dict[str, Any], status: int, code: str, field: str) -> None:
    before = snapshot_counts()
    r = post_json(client, JOIN_URL, join_body(**change))
    assert r.status_code == status, r.content
    err = error_of(r)
    assert err["code"] == code and field in err["fields"], err
    assert places() == 0 and snapshot_counts() == before


@pytest.mark.parametrize("raw", ["", "{", "[]", "null", '{"nik": 1}', "x" * 70_000])
def test_malformed_join_bodies(client: Client, opening_clock: Clock, raw: str) -> None:
    r = post_json(client, JOIN_URL, raw)
    assert r.status_code in (413, 422), r.content
    assert error_of(r)["code"] in ("malformed_body", "invalid", "body_too_large")
    assert places() == 0


def test_someone_with_an_active_booking_does_not_queue(client: Client, opening_clock: Clock, join_body: Body) -> None:
    from .conftest import book

    body = join_body()
    opening_clock.at(OPENS_AT - timedelta(hours=2))  # before the opening: booking needs no token
    book(**booking_body(body))
    opening_clock.at(OPENS_AT)
    r = post_json(client, JOIN_URL, body)
    assert r.status_code == 409 and error_of(r)["code"] == "duplicate_active_booking"
    assert places() == 0


# --- order and admission ------------------------------------------------------------------------------------

def test_the_window_is_drawn_at_random_and_later_arrivals_queue_behind(
        client: Client, opening_clock: Clock, join_body: Body) -> None:
    tokens = []
    for i in range(12):
        opening_clock.at(WINDOW_START + timedelta(minutes=i))  # arrival order = i
        tokens.append(join(client, join_body())["place_token"])
    opening_clock.at(WINDOW_END + timedelta(milliseconds=200))  # after the window, before the draw
    late = [join(client, join_body())["place_token"] for _ in range(2)]
    assert poll(client, late[0]).json()["phase"] == "waiting_draw"  # the draw is made at DRAW_AT
    opening_clock.at(DRAW_AT)
    positions = [poll(client, t).json()["position"] for t in tokens]
    assert sorted(positions) == list(range(1, 13))
    assert positions != list(range(1, 13)), "the draw kept the arrival order (1 in 12! by chance)"
    assert [poll(client, t).json()["position"] for t in late] == [13, 14]


def test_the_order_is_the_same_for_everyone_who_asks_and_survives_a_cache_restart(
        client: Client, opening_clock: Clock, join_body: Body) -> None:
    tokens = [join(client, join_body())["place_token"] for _ in range(6)]
    opening_clock.at(DRAW_AT)
    before = [poll(client, t).json()["position"] for t in tokens]
    cache.clear()  # the cache restarts during the opening
    after = [poll(client, t).json()["position"] for t in tokens]
    assert before == after and sorted(after) == list(range(1, 7))


def test_people_are_admitted_in_queue_order_at_the_configured_rate(
        client: Client, opening_clock: Clock, join_body: Body) -> None:
    tokens = [join(client, join_body())["place_token"] for _ in range(5)]
    opening_clock.at(DRAW_AT)
    by_position = {poll(client, t).json()["position"]: t for t in tokens}
    first = poll(client, by_position[1]).json()
    assert first["phase"] == "admitted" and first["admission_token"] and first["ahead"] == 0
    third = poll(client, by_position[3]).json()
    # position 1 is admitted, position 2 is the one still ahead
    assert third["phase"] == "waiting" and third["admission_token"] is None and third["ahead"] == 1
    assert third["estimate_from"] == third["estimate_to"]
    opening_clock.at(DRAW_AT + timedelta(seconds=2 / RATE))  # two more seconds' worth of admissions
    assert poll(client, by_position[3]).json()["phase"] == "admitted"
    assert poll(client, by_position[4]).json()["phase"] == "waiting"


# --- the admission token at booking time ---------------------------------------------------------------------

def _admitted(client: Client, opening_clock: Clock, join_body: Body, n: int = 1) -> list[tuple[dict[str, Any], str]]:
    """``n`` people joined in the window and all admitted: (their join body, their admission token)."""
    bodies = [join_body() for _ in range(n)]
    tokens = [join(client, b)["place_token"] for b in bodies]
    opening_clock.at(DRAW_AT + timedelta(seconds=n / RATE))
    out = []
    for b, t in zip(bodies, tokens, strict=True):
        status = poll(client, t).json()
        assert status["phase"] == "admitted", status
        out.append((b, status["admission_token"]))
    return out


def test_booking_during_the_opening_without_a_token_is_sent_to_the_waiting_room(
        client: Client, opening_clock: Clock, join_body: Body) -> None:
    opening_clock.at(OPENS_AT + timedelta(minutes=1))
    before = snapshot_counts()
    r = post_json(client, "/api/v1/bookings", booking_body(join_body()))
    assert r.status_code == 409, r.content
    err = error_of(r)
    assert err["code"] == "admission_required" and err["waiting_room_url"] == "/antrean/pembukaan/"
    assert "ruang tunggu" in err["message"]
    assert snapshot_counts() == before


def test_an_admitted_person_books_with_the_token_once(client: Client, opening_clock: Clock, join_body: Body) -> None:
    from lapakasik.booking.models import OpeningPlace

    (body, token), = _admitted(client, opening_clock, join_body)
    r = post_json(client, "/api/v1/bookings", booking_body(body, admission_token=token))
    assert r.status_code == 201, r.content
    booked = r.json()
    place = OpeningPlace.objects.get()
    assert place.used_at is not None and place.booking_code == booked["code"]
    # cancel, then try the same token again: single use
    cancel = client.post(f"/api/v1/bookings/{booked['code']}/cancel",
                         HTTP_AUTHORIZATION=f"Bearer {booked['access_token']}", content_type="application/json")
    assert cancel.status_code == 200, cancel.content
    before = snapshot_counts()
    again = post_json(client, "/api/v1/bookings", booking_body(body, admission_token=token))
    assert again.status_code == 409 and error_of(again)["code"] == "admission_used"
    assert snapshot_counts() == before


def test_forged_tokens_are_refused(client: Client, opening_clock: Clock, join_body: Body) -> None:
    from lapakasik.booking.waitroom import tokens

    (body, token), = _admitted(client, opening_clock, join_body)
    head, _sep, sig = token.rpartition(":")
    forged = [
        head + ":" + ("A" if sig[0] != "A" else "B") + sig[1:],  # signature changed
        tokens.place_token(int(OPENS_AT.timestamp()), 1),  # a place token is not an admission token
        "not-a-token",
        "a" * 399,
    ]
    before = snapshot_counts()
    for bad in forged:
        r = post_json(client, "/api/v1/bookings", booking_body(body, admission_token=bad))
        assert r.status_code == 409, (bad, r.content)
        assert error_of(r)["code"] == "admission_invalid"
    assert snapshot_counts() == before


def test_another_nik_cannot_use_the_token(client: Client, opening_clock: Clock, join_body: Body) -> None:
    (_mine, token), (theirs, _t) = _admitted(client, opening_clock, join_body, n=2)
    before = snapshot_counts()
    r = post_json(client, "/api/v1/bookings", booking_body(theirs, admission_token=token))
    assert r.status_code == 409 and error_of(r)["code"] == "admission_other_nik"
    assert "NIK lain" in error_of(r)["message"]
    assert snapshot_counts() == before


def test_an_expired_token_is_refused(client: Client, opening_clock: Clock, join_body: Body) -> None:
    (body, token), = _admitted(client, opening_clock, join_body)
    opening_clock.at(opening_clock.now + timedelta(minutes=11))
    before = snapshot_counts()
    r = post_json(client, "/api/v1/bookings", booking_body(body, admission_token=token))
    assert r.status_code == 409 and error_of(r)["code"] == "admission_expired"
    assert snapshot_counts() == before


def test_after_the_period_no_token_is_needed(client: Client, opening_clock: Clock, join_body: Body) -> None:
    opening_clock.at(OPENS_AT + timedelta(minutes=120))
    r = post_json(client, "/api/v1/bookings", booking_body(join_body()))
    assert r.status_code == 201, r.content


# --- polling -------------------------------------------------------------------------------------------------

def test_polling_a_hundred_times_is_throttled_and_the_place_kept(
        client: Client, opening_clock: Clock, join_body: Body) -> None:
    token = join(client, join_body())["place_token"]
    opening_clock.at(DRAW_AT)
    position = poll(client, token).json()["position"]
    answers = [poll(client, token) for _ in range(100)]
    codes = [a.status_code for a in answers]
    assert codes.count(200) == 29 and codes.count(429) == 71, codes  # 30 a minute, the first one included
    refused = answers[-1]
    assert int(refused["Retry-After"]) >= 1 and error_of(refused)["code"] == "rate_limited"
    assert "tetap aman" in error_of(refused)["message"]
    assert codes.count(500) == 0
    opening_clock.at(DRAW_AT + timedelta(minutes=1))
    assert poll(client, token).json()["position"] == position


def test_a_poll_already_over_its_limit_is_answered_before_the_gate_and_django(
        client: Client, opening_clock: Clock, join_body: Body) -> None:
    """The layer in front of the overload gate (``waitroom.early.PollThrottle``): once the place has been
    refused this minute, the next polls get the same 429 without reaching the application behind it; polls
    under the limit, forged tokens and other paths go through; the next minute the place is polled again."""
    from django.test import RequestFactory

    from lapakasik.booking.waitroom.early import PollThrottle

    reached: list[str] = []

    def behind(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        reached.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]

    layer = PollThrottle(behind)

    def call(path: str = "/api/v1/opening/place", token: str = "", **extra: Any) -> tuple[str, dict[str, str], bytes]:
        environ = RequestFactory().get(path, HTTP_AUTHORIZATION=f"Bearer {token}", **extra).environ
        seen: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]]) -> None:
            seen["status"], seen["headers"] = status, dict(headers)

        body = b"".join(layer(environ, start_response))
        return seen["status"], seen["headers"], body

    token = join(client, join_body())["place_token"]
    opening_clock.at(DRAW_AT)
    assert call(token=token)[0] == "200 OK" and len(reached) == 1  # under the limit: through
    codes = [poll(client, token).status_code for _ in range(31)]  # through Django, which counts
    assert codes[-1] == 429
    status, headers, body = call(token=token)
    assert status == "429 Too Many Requests" and len(reached) == 1  # answered here, nothing behind it ran
    assert int(headers["Retry-After"]) >= 1 and headers["Content-Language"] == "id"
    assert "tetap aman" in json.loads(body)["error"]["message"]
    english = json.loads(call(token=token, HTTP_ACCEPT_LANGUAGE="en")[2])["error"]
    assert english["code"] == "rate_limited" and "place in the queue is safe" in english["message"]
    # forged and missing tokens, and other paths, are the application's to answer
    call(token=token[:-2] + "xx")
    call(token="")
    call(path="/api/v1/availability", token=token)
    assert len(reached) == 4
    opening_clock.at(DRAW_AT + timedelta(minutes=1))
    assert call(token=token)[0] == "200 OK" and len(reached) == 5


def test_the_poll_shortcut_steps_aside_when_the_cache_does_not_answer(
        opening_clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache restarting during the opening must not turn polls into bare server errors: the layer lets the
    request through to Django, whose own answer (and error shape) applies."""
    from django.test import RequestFactory

    from lapakasik.booking.waitroom import early, services, tokens

    def unreachable(key: str) -> None:
        raise ConnectionError("cache restarting")

    monkeypatch.setattr(services.cache, "get", unreachable)
    reached: list[bool] = []

    def behind(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        reached.append(True)
        start_response("200 OK", [])
        return [b""]

    token = tokens.place_token(int(OPENS_AT.timestamp()), 1)
    environ = RequestFactory().get("/api/v1/opening/place", HTTP_AUTHORIZATION=f"Bearer {token}").environ
    assert b"".join(early.PollThrottle(behind)(environ, lambda status, headers: None)) == b"" and reached == [True]


def test_a_poll_writes_nothing_and_reads_no_database(client: Client, opening_clock: Clock, join_body: Body,
                                                     django_assert_num_queries: Any) -> None:
    token = join(client, join_body())["place_token"]
    opening_clock.at(DRAW_AT)
    poll(client, token)  # the draw is made
    with django_assert_num_queries(0):
        r = poll(client, token)
    assert r.status_code == 200 and r.json()["position"] == 1


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer nope", "Basic abc", "Bearer " + "x" * 500])
def test_polling_without_a_valid_place_token_is_401(client: Client, opening_clock: Clock, header: str | None) -> None:
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    r = client.get("/api/v1/opening/place", **extra)
    assert r.status_code == 401 and error_of(r)["code"]


def test_an_admission_token_is_not_a_place_token(client: Client, opening_clock: Clock, join_body: Body) -> None:
    (_body, token), = _admitted(client, opening_clock, join_body)
    assert poll(client, token).status_code == 401


def test_a_lagging_clock_cannot_slip_a_place_into_a_draw_already_made(
        client: Client, opening_clock: Clock, join_body: Body) -> None:
    early = join(client, join_body())["place_token"]
    opening_clock.at(DRAW_AT)
    assert poll(client, early).json()["position"] == 1  # the draw is made
    opening_clock.at(WINDOW_END - timedelta(seconds=2))  # a web process whose clock runs behind
    lagging = join(client, join_body())["place_token"]
    opening_clock.at(DRAW_AT + timedelta(seconds=1))
    assert poll(client, lagging).json()["position"] == 2  # behind the draw, not inside it
    assert poll(client, early).json()["position"] == 1


def test_late_arrivals_keep_their_order_across_a_cache_restart(
        client: Client, opening_clock: Clock, join_body: Body) -> None:
    drawn = join(client, join_body())["place_token"]
    opening_clock.at(DRAW_AT)
    late = [join(client, join_body())["place_token"] for _ in range(2)]
    cache.clear()  # the cache restarts: the late counter is rebuilt from the rows
    late.append(join(client, join_body())["place_token"])
    assert [poll(client, t).json()["position"] for t in [drawn, *late]] == [1, 2, 3, 4]


def test_polls_during_a_redraw_never_lose_the_place(client: Client, opening_clock: Clock, join_body: Body) -> None:
    token = join(client, join_body())["place_token"]
    opening_clock.at(DRAW_AT)
    poll(client, token)
    cache.clear()
    opening = int(OPENS_AT.timestamp())
    cache.add(f"opening:{opening}:drawing", 1, timeout=30)  # another request is drawing right now
    during = poll(client, token)
    assert during.status_code == 200 and during.json()["phase"] == "drawing"
    cache.delete(f"opening:{opening}:drawing")
    assert poll(client, token).json()["position"] == 1


def test_after_the_period_an_old_place_says_the_opening_is_over(
        client: Client, opening_clock: Clock, join_body: Body) -> None:
    token = join(client, join_body())["place_token"]
    opening_clock.at(OPENS_AT + timedelta(minutes=120))
    status = poll(client, token).json()
    assert status["phase"] == "over" and status["admission_token"] is None
    opening_clock.at(OPENS_AT + timedelta(days=1, hours=3))  # the next day, outside any opening
    assert poll(client, token).json()["phase"] == "over"


# --- heirs ---------------------------------------------------------------------------------------------------

def _heir_join(person: Callable[..., Any], join_body: Body, dead: Any = None, relation: str = "spouse",
               **overrides: Any) -> dict[str, Any]:
    """A widow (or another relative) joining for her late husband's JKM: her own NIK and name, no KPJ of her
    own, his NIK and KPJ."""
    dead = dead or person("deceased")
    heir = next(m for m in dead.family if m["relation"] == relation)
    fields = {"claim_type": "JKM", "claim_reason": "DEATH", "nik": heir["nik"], "full_name": heir["full_name"],
              "insured_nik": dead.nik, "insured_kpj": dead.kpj}
    body = join_body(**{**fields, **overrides})
    body.pop("kpj")
    return body


def test_an_heir_queues_and_books_with_her_admission(client: Client, opening_clock: Clock, join_body: Body,
                                                     person: Callable[..., Any]) -> None:
    """During the opening a booking needs an admission, so an heir must be able to queue as the participants
    do: checked as her booking will be (in the family, first in the heirs' order), then admitted, then booked."""
    from lapakasik.claims.models import Claim

    dead = person("deceased")
    body = _heir_join(person, join_body, dead)
    joined = post_json(client, JOIN_URL, body)
    assert joined.status_code == 201, joined.content
    opening_clock.at(DRAW_AT + timedelta(seconds=1))
    status = poll(client, joined.json()["place_token"]).json()
    assert status["phase"] == "admitted", status
    r = post_json(client, "/api/v1/bookings", booking_body(body, admission_token=status["admission_token"]))
    assert r.status_code == 201, r.content
    claim = Claim.objects.get(code=r.json()["code"])
    assert (claim.claim_type, claim.insured_nik) == ("JKM", dead.nik)
    assert claim.parties.get(is_applicant=True).role == "heir"


def test_an_heir_is_refused_before_a_place_as_her_booking_would_be(
        client: Client, opening_clock: Clock, join_body: Body, person: Callable[..., Any]) -> None:
    dead = person("deceased")
    cases = [
        # a child while the widow lives: the heirs' order
        (_heir_join(person, join_body, dead, relation="child"), 409, "not_eligible"),
        # the deceased's KPJ wrong
        (_heir_join(person, join_body, dead, insured_kpj="99999999999"), 409, "registry_mismatch"),
        # somebody outside the family
        (_heir_join(person, join_body, dead, nik=person("eligible").nik), 409, "heir_not_in_family"),
        # only one of the deceased's numbers
        ({k: v for k, v in _heir_join(person, join_body, dead).items() if k != "insured_kpj"}, 409, "refused"),
        # a claim an heir does not make
        (_heir_join(person, join_body, dead, claim_type="JHT", claim_reason="RESIGNED"), 409, "refused"),
    ]
    before = places()
    for body, status, code in cases:
        r = post_json(client, JOIN_URL, body)
        assert r.status_code == status, (body, r.content)
        if code is not None:
            assert error_of(r)["code"] == code, r.content
    assert places() == before


def test_a_death_already_claimed_gives_no_place_to_another_heir(
        client: Client, opening_clock: Clock, join_body: Body, person: Callable[..., Any]) -> None:
    """One death is claimed once per claim type: with the widow's JKM claim open, a second heir of the same
    death is told another heir may have claimed it, and gets no place."""
    from lapakasik.booking.services import booking_create

    dead = person("deceased")
    widow = next(m for m in dead.family if m["relation"] == "spouse")
    opening_clock.at(OPENS_AT - timedelta(hours=1))  # before the opening: no admission needed
    booking_create(branch_code="JKT02", date="2026-12-22", session_start="08:00", claim_type="JKM",
                   claim_reason="DEATH", nik=widow["nik"], kpj="", full_name=widow["full_name"],
                   email="janda@contoh.id", phone="081299990001", insured_nik=dead.nik, insured_kpj=dead.kpj)
    opening_clock.at(WINDOW_START + timedelta(minutes=1))
    r = post_json(client, JOIN_URL, _heir_join(person, join_body, dead))
    assert r.status_code == 409 and error_of(r)["code"] == "duplicate_active_booking", r.content
    assert "ahli waris lain" in error_of(r)["message"]
