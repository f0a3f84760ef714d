"""Broker signals across the places of one opening: the same phone, e-mail or device (the join page's own
cookie with the User-Agent) used for different NIKs flags every such place for officers — beside the
booking's own signals in the admin's broker list — and the operators' page counts them. The same NIK
joining twice, and people who share nothing, are not flagged. The digests are keyed (not a plain hash
of the phone), scoped to the opening, and neither they nor the values reach the logs; a hostile device
cookie is ignored and replaced."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from .opening_support import JOIN_URL, Clock, post_json

pytestmark = pytest.mark.usefixtures("booking_env")
Body = Callable[..., dict[str, Any]]
JOIN_PAGE = "/antrean/pembukaan/"
UA = "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile"


def join(client: Client, body: dict[str, Any]) -> dict[str, Any]:
    r = post_json(client, JOIN_URL, body)
    assert r.status_code in (200, 201), r.content
    return r.json()  # type: ignore[no-any-return]


def sweep() -> int:
    from lapakasik.booking.tasks import opening_signals_sweep

    return int(opening_signals_sweep.call())


def opening_signals() -> list[Any]:
    from lapakasik.booking.models import BrokerSignal

    return list(BrokerSignal.objects.filter(source="opening").prefetch_related("entries").order_by("kind"))


def test_the_same_phone_for_two_niks_flags_both_places(client: Client, opening_clock: Clock, join_body: Body) -> None:
    from lapakasik.booking.models import OpeningPlace

    first = join_body(phone="+6281299990001")
    second = join_body(phone="+6281299990001")
    join(client, first)
    join(client, second)
    join(client, join_body())  # someone else, sharing nothing
    assert sweep() == 1
    (signal,) = opening_signals()
    assert (signal.kind, signal.nik_count) == ("phone", 2)
    flagged = {e.place_id for e in signal.entries.all()}
    assert flagged == set(OpeningPlace.objects.filter(applicant__nik__in=[first["nik"], second["nik"]])
                          .values_list("id", flat=True))
    assert signal.value != "+6281299990001" and "81299990001" not in signal.value
    assert sweep() == 0  # nothing new: nothing written again
    # a third NIK with that phone grows the signal
    join(client, join_body(phone="+6281299990001"))
    assert sweep() == 1
    (signal,) = opening_signals()
    assert signal.nik_count == 3 and signal.entries.count() == 3


def test_the_same_email_for_two_niks_is_flagged_whatever_its_case(
        client: Client, opening_clock: Clock, join_body: Body) -> None:
    join(client, join_body(email="calo@contoh.id"))
    join(client, join_body(email="Calo@Contoh.ID"))
    sweep()
    assert [(s.kind, s.nik_count) for s in opening_signals()] == [("email", 2)]


def test_the_same_nik_joining_twice_is_not_flagged(client: Client, opening_clock: Clock, join_body: Body) -> None:
    body = join_body()
    join(client, body)
    join(client, body)
    assert sweep() == 0 and opening_signals() == []


def test_people_sharing_nothing_are_not_flagged(client: Client, opening_clock: Clock, join_body: Body) -> None:
    for _ in range(4):
        join(client, join_body())
    assert sweep() == 0 and opening_signals() == []


def _page_join(client: Client, body: dict[str, Any], **extra: Any) -> Any:
    return client.post(JOIN_PAGE, body, HTTP_USER_AGENT=UA, **extra)


def test_one_browser_joining_for_two_niks_is_a_device_signal(
        client: Client, opening_clock: Clock, join_body: Body) -> None:
    from lapakasik.booking.models import OpeningPlace
    from lapakasik.booking.waitroom.signals import DEVICE_COOKIE

    page = client.get(JOIN_PAGE, HTTP_USER_AGENT=UA)
    cookie = page.cookies[DEVICE_COOKIE]
    assert len(cookie.value) == 32 and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert _page_join(client, join_body()).status_code == 303
    other = Client()  # the same browser profile's cookie on a second session (a calo's laptop)
    other.cookies[DEVICE_COOKIE] = cookie.value
    assert _page_join(other, join_body()).status_code == 303
    assert DEVICE_COOKIE not in _page_join(other, join_body()).cookies  # a valid cookie is kept, not replaced
    Client().get(JOIN_PAGE)
    stranger = Client()
    assert _page_join(stranger, join_body()).status_code == 303  # another browser
    sweep()
    (signal,) = opening_signals()
    assert (signal.kind, signal.nik_count) == ("device", 3)
    assert len(set(OpeningPlace.objects.exclude(device_digest="").values_list("device_digest", flat=True))) == 2


@pytest.mark.parametrize("hostile", ["x" * 5000, "pérangkat-ñ-😀-0123456789abcdefghij", "abc\x00def" * 4 + "abcd",
                                     "A" * 31, "A" * 33, "A" * 31 + "=", ""])
def test_a_hostile_device_cookie_is_ignored_and_replaced(
        client: Client, opening_clock: Clock, join_body: Body, hostile: str) -> None:
    from lapakasik.booking.models import OpeningPlace
    from lapakasik.booking.waitroom.signals import DEVICE_COOKIE

    bodies = [join_body(), join_body()]
    for body in bodies:
        c = Client(HTTP_COOKIE=f"{DEVICE_COOKIE}={hostile}".encode("utf-8", "replace").decode("latin-1"))
        r = _page_join(c, body)
        assert r.status_code == 303 and r["Location"] == "/antrean/pembukaan/tunggu/"
        fresh = r.cookies[DEVICE_COOKIE].value
        assert len(fresh) == 32 and fresh != hostile
    digests = list(OpeningPlace.objects.values_list("device_digest", flat=True))
    assert len(digests) == 2 and all(digests) and digests[0] != digests[1]  # each its own fresh cookie
    assert sweep() == 0 and opening_signals() == []


def test_device_key_refuses_what_the_page_could_not_have_set() -> None:
    from lapakasik.booking.waitroom.signals import device_key

    good = "A" * 32
    assert device_key(good, UA) == f"{good}\x00{UA}"
    assert device_key(good, "ua\x00with nul é" + "z" * 5000).startswith(f"{good}\x00ua")
    assert len(device_key(good, "z" * 5000)) == 33 + 300
    for bad in (None, 42, "", "A" * 31, "A" * 33, "A" * 31 + "\x00", "A" * 31 + "é", "A" * 10_000):
        assert device_key(bad, UA) == ""


def test_digests_are_keyed_scoped_and_never_logged(client: Client, opening_clock: Clock, join_body: Body,
                                                   settings: Any, caplog: pytest.LogCaptureFixture) -> None:
    from lapakasik.booking.models import BrokerSignal, OpeningPlace
    from lapakasik.booking.signals import signal_digest

    phone = "+6281299990002"
    caplog.set_level(logging.DEBUG)
    join(client, join_body(phone=phone))
    join(client, join_body(phone=phone))
    sweep()
    stored = OpeningPlace.objects.values_list("phone_digest", flat=True)[0]
    signal = BrokerSignal.objects.get(source="opening")
    assert signal.value == stored and len(stored) == 32
    # not a plain hash anyone could recompute by trying every phone number
    for plain in (hashlib.sha256(phone.encode()).hexdigest(), hashlib.md5(phone.encode()).hexdigest(),
                  hashlib.sha1(phone.encode()).hexdigest()):
        assert plain[:32] != stored
    assert phone.lstrip("+") not in stored
    # keyed: another key gives another digest; scoped: another opening gives another digest
    scope = f"opening:{signal.opening_at.timestamp():.0f}"
    assert signal_digest("phone", scope, phone) == stored
    assert signal_digest("phone", "opening:1", phone) != stored
    settings.SECRET_KEY = "another-key-" + "x" * 40
    assert signal_digest("phone", scope, phone) != stored
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "broker signals" in logged  # the sweep said what it did…
    assert stored not in logged and phone not in logged and phone.lstrip("+") not in logged  # …not with what


def test_the_keys_in_the_cache_carry_no_contact(client: Client, opening_clock: Clock, join_body: Body) -> None:
    body = join_body(phone="+6281299990003", email="rahasia@contoh.id")
    join(client, body)
    sweep()
    keys = " ".join(str(k) for k in getattr(cache, "_cache", {}))
    for secret in ("6281299990003", "rahasia", body["nik"]):
        assert secret not in keys


def test_a_booking_made_from_a_flagged_place_carries_the_broker_flag(
        client: Client, opening_clock: Clock, join_body: Body) -> None:
    from datetime import timedelta

    from lapakasik.booking.models import Booking

    from .opening_support import DRAW_AT, booking_body, poll

    bodies = [join_body(phone="+6281299990004"), join_body(phone="+6281299990004")]
    tokens = [join(client, b)["place_token"] for b in bodies]
    opening_clock.at(DRAW_AT + timedelta(seconds=5))
    status = poll(client, tokens[0]).json()
    r = post_json(client, "/api/v1/bookings", booking_body(bodies[0], admission_token=status["admission_token"]))
    assert r.status_code == 201
    assert not Booking.objects.get(code=r.json()["code"]).broker_flag
    sweep()
    assert Booking.objects.get(code=r.json()["code"]).broker_flag


def test_the_operators_page_counts_the_signals(client: Client, opening_clock: Clock, join_body: Body) -> None:
    from tests.accounts.factories import make_officer
    from tests.accounts.helpers import officer_login

    join(client, join_body(phone="+6281299990005"))
    join(client, join_body(phone="+6281299990005"))
    join(client, join_body())
    national = officer_login(Client(), make_officer("nasional-sinyal", "national_admin"))
    zone = national.get("/petugas/pembukaan/").content.decode()
    zone = zone[zone.index('id="opening-zone-WIB"'):]
    assert '<td class="signals">0 sinyal, 0 tempat</td>' in zone[:zone.index("</tr>")]
    sweep()
    zone = national.get("/petugas/pembukaan/").content.decode()
    zone = zone[zone.index('id="opening-zone-WIB"'):]
    assert '<td class="signals">1 sinyal, 2 tempat</td>' in zone[:zone.index("</tr>")]


def test_officers_see_the_opening_signals_in_the_broker_list(
        client: Client, opening_clock: Clock, join_body: Body) -> None:
    from django.contrib.auth import get_user_model

    from lapakasik.booking.models import BrokerSignal
    from lapakasik.core.masking import mask_nik
    from tests.accounts.helpers import officer_login

    admin_client = Client()
    officer_login(admin_client, get_user_model().objects.create_superuser("sinyal-admin", "a@example.id", "x"))

    bodies = [join_body(phone="+6281299990006"), join_body(phone="+6281299990006")]
    for b in bodies:
        join(client, b)
    sweep()
    listing = admin_client.get("/admin/booking/brokersignal/?source=opening")
    html = listing.content.decode()
    assert listing.status_code == 200 and "HMAC" in html and "6281299990006" not in html
    signal = BrokerSignal.objects.get(source="opening")
    detail = admin_client.get(f"/admin/booking/brokersignal/{signal.pk}/change/").content.decode()
    for b in bodies:
        assert b["full_name"] in detail and mask_nik(b["nik"]) in detail and b["nik"] not in detail
