""""Booking saya": booking code + one-time code. 6 digits, ≤ 10 minutes, single use, ≤ 5 tries, only a
hash stored, the same answer whether or not the booking exists, rate-limited."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lapakasik.booking import otp
from lapakasik.booking.models import OneTimeCode
from lapakasik.claims.models import ClaimEvent
from lapakasik.notifications.models import Notification

from .pages_support import book, booking_world, otp_from_outbox

__all__ = ["booking_world"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(booking_world: dict[str, Any]) -> str:
    return book(Client(), booking_world)


def ask(client: Any, code: str, channel: str = "email") -> Any:
    return client.post(reverse("booking:mine"), {"code": code, "channel": channel}, REMOTE_ADDR="10.0.0.1")


def answer(client: Any, value: str) -> Any:
    return client.post(reverse("booking:mine_code"), {"otp": value}, REMOTE_ADDR="10.0.0.1")


def assert_no_access(client: Any, code: str) -> None:
    r = client.get(reverse("booking:manage", kwargs={"code": code}))
    assert r.status_code == 302 and r["Location"] == reverse("booking:mine")


def normalised(response: Any, code: str) -> str:
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return body.replace(code, "CODE")


def test_code_is_sent_to_the_booking_contact_and_only_a_hash_is_stored(booked: str) -> None:
    client = Client()
    r = ask(client, booked.lower())  # codes are case-insensitive
    assert r.status_code == 302 and r["Location"] == reverse("booking:mine_code")
    row = Notification.objects.get(claim__code=booked, event="otp_code")
    assert row.channel == "email" and row.recipient == "siti@example.id"
    value = row.context["otp"]
    assert re.fullmatch(r"\d{6}", value)
    issued = OneTimeCode.objects.get(claim__code=booked)
    stored = [str(getattr(issued, f.attname)) for f in OneTimeCode._meta.concrete_fields]
    assert not any(value in column for column in stored) and len(issued.digest) == 64
    assert (issued.channel, issued.tries, issued.used_at) == ("email", 0, None)
    assert not ClaimEvent.objects.filter(claim__code=booked, kind__startswith="otp_").exists()
    page = client.get(r["Location"]).content.decode()
    assert "Kode berlaku 10 menit" in page and value not in page

    ask(Client(), booked, channel="sms")
    sms = Notification.objects.filter(claim__code=booked, event="otp_code", channel="sms").get()
    assert sms.recipient == "+6281234567890"


def test_right_code_opens_my_booking_without_anything_secret_in_urls(booked: str) -> None:
    client = Client()
    ask(client, booked)
    r = answer(client, otp_from_outbox(booked))
    assert r.status_code == 302 and r["Location"] == reverse("booking:manage", kwargs={"code": booked})
    page = client.get(r["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert booked in body and "Ubah jadwal" in body and "Unduh tiket (PDF)" in body
    for href in re.findall(r'href="([^"]+)"', body):
        if href.startswith("/antrean/"):
            assert "3174" not in href and "token" not in href and "@" not in href
    assert ClaimEvent.objects.filter(claim__code=booked, kind="otp_verified").count() == 1
    assert OneTimeCode.objects.get(claim__code=booked).used_at is not None


def test_unknown_booking_gets_the_identical_answer(booked: str) -> None:
    known, unknown = Client(), Client()
    a, b = ask(known, booked), ask(unknown, "ZZZZ9999")
    assert (a.status_code, a["Location"]) == (b.status_code, b["Location"])
    assert set(known.session.keys()) == set(unknown.session.keys())
    pa, pb = known.get(a["Location"]), unknown.get(b["Location"])
    assert pa.status_code == pb.status_code == 200
    assert normalised(pa, booked) == normalised(pb, "ZZZZ9999")
    wa, wb = answer(known, "000000"), answer(unknown, "000000")
    if otp_from_outbox(booked) == "000000":  # pragma: no cover - one in a million
        return
    assert wa.status_code == wb.status_code == 422
    assert normalised(wa, booked) == normalised(wb, "ZZZZ9999")
    assert not Notification.objects.filter(event="otp_code").exclude(claim__code=booked).exists()


def test_five_wrong_tries_kill_the_code(booked: str) -> None:
    client = Client()
    ask(client, booked)
    right = otp_from_outbox(booked)
    wrong = "111111" if right != "111111" else "222222"
    for n in range(4):
        r = answer(client, wrong)
        assert r.status_code == 422
        assert f"Sisa percobaan: {4 - n}" in r.content.decode()
    r = answer(client, wrong)
    assert r.status_code == 403 and "Kode salah 5 kali" in r.content.decode()
    r = answer(client, right)
    assert r.status_code == 403
    assert_no_access(client, booked)
    # the server-side count holds across sessions too: a fresh browser cannot use the code either
    other = Client()
    other.session["x"] = 1
    assert otp.otp_verify(code=booked, otp=right).reason == "locked"
    assert OneTimeCode.objects.get(claim__code=booked).tries == 5


def test_tries_are_counted_server_side_across_sessions(booked: str) -> None:
    ask(Client(), booked)
    right = otp_from_outbox(booked)
    wrong = "111111" if right != "111111" else "222222"
    for _i in range(5):
        c = Client()
        c.post(reverse("booking:mine"), {"code": booked, "channel": "email"}, REMOTE_ADDR="10.0.0.9")
        # each new request is silently capped per booking; we answer on the first challenge only
    for _i in range(5):
        assert not otp.otp_verify(code=booked, otp=wrong).ok
    assert otp.otp_verify(code=booked, otp=right).reason == "locked"


def test_expired_code_is_refused(booked: str, monkeypatch: Any) -> None:
    from lapakasik.core import clock

    client = Client()
    ask(client, booked)
    right = otp_from_outbox(booked)
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(minutes=10, seconds=1))
    r = answer(client, right)
    assert r.status_code == 422 and "Kode salah atau sudah tidak berlaku" in r.content.decode()
    assert otp.otp_verify(code=booked, otp=right).reason == "expired"
    assert_no_access(client, booked)


def test_code_works_once(booked: str) -> None:
    first = Client()
    ask(first, booked)
    right = otp_from_outbox(booked)
    assert answer(first, right).status_code == 302
    second = Client()
    second.session.save()
    s = second.session
    s["booking_otp_pending"] = {"code": booked, "tries": 0, "channel": "email"}
    s.save()
    r = answer(second, right)
    assert r.status_code == 422
    assert_no_access(second, booked)
    assert otp.otp_verify(code=booked, otp=right).reason == "used"


def test_a_new_code_replaces_the_old_one(booked: str) -> None:
    client = Client()
    ask(client, booked)
    old = otp_from_outbox(booked)
    ask(client, booked)
    new = otp_from_outbox(booked)
    if old == new:  # pragma: no cover - one in a million
        return
    assert not otp.otp_verify(code=booked, otp=old).ok
    assert otp.otp_verify(code=booked, otp=new).ok


def test_codes_per_booking_are_capped_silently(booked: str) -> None:
    for i in range(5):
        r = Client().post(reverse("booking:mine"), {"code": booked, "channel": "email"}, REMOTE_ADDR=f"10.1.0.{i}")
        assert r.status_code == 302
    assert Notification.objects.filter(claim__code=booked, event="otp_code").count() == 3


def test_per_client_rate_limit_is_the_same_for_known_and_unknown(booked: str) -> None:
    from django.core.cache import cache

    cache.clear()
    statuses = []
    client = Client()
    for i in range(12):
        code = booked if i % 2 else "ZZZZ9999"
        statuses.append(client.post(reverse("booking:mine"), {"code": code, "channel": "email"},
                                    REMOTE_ADDR="10.2.0.1"))
    codes = [r.status_code for r in statuses]
    assert codes[:5] == [302] * 5
    assert 429 in codes
    limited = next(r for r in statuses if r.status_code == 429)
    assert int(limited["Retry-After"]) >= 1
    assert "Terlalu banyak" in limited.content.decode()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("code", "", "Kode booking wajib diisi"),
    ("code", "ABC", "Kode booking terdiri dari 8 huruf/angka"),
    ("code", "ABCD-EFGH-J", "Kode booking terdiri dari 8 huruf/angka"),
    ("code", "<script>", "Kode booking terdiri dari 8 huruf/angka"),
    ("channel", "fax", "Pilihan tidak dikenal"),
])
def test_bad_lookup_input(booked: str, field: str, value: str, message: str) -> None:
    data = {"code": booked, "channel": "email", field: value}
    r = Client().post(reverse("booking:mine"), data, REMOTE_ADDR="10.3.0.1")
    assert r.status_code == 200
    assert message in r.content.decode()
    assert not Notification.objects.filter(event="otp_code").exists()


@pytest.mark.parametrize("value", ["", "12345", "1234567", "12a456", "١٢٣٤٥٦"])
def test_malformed_one_time_code_is_not_a_try(booked: str, value: str) -> None:
    client = Client()
    ask(client, booked)
    r = answer(client, value)
    assert r.status_code == 422
    assert "6 angka" in r.content.decode()
    assert OneTimeCode.objects.get(claim__code=booked).tries == 0


def test_code_page_without_a_request_goes_back() -> None:
    r = Client().get(reverse("booking:mine_code"))
    assert r.status_code == 302 and r["Location"] == reverse("booking:mine")


def test_logout_ends_access(booked: str) -> None:
    client = Client()
    ask(client, booked)
    answer(client, otp_from_outbox(booked))
    assert client.get(reverse("booking:manage", kwargs={"code": booked})).status_code == 200
    client.post(reverse("booking:mine_logout"))
    assert_no_access(client, booked)


def test_access_grant_expires(booked: str, monkeypatch: Any) -> None:
    from lapakasik.core import clock

    client = Client()
    ask(client, booked)
    answer(client, otp_from_outbox(booked))
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(minutes=31))
    assert_no_access(client, booked)


def test_the_message_carries_the_code_in_the_participants_language(booked: str) -> None:
    from lapakasik.notifications.services import notification_render, template_defaults_install

    template_defaults_install()
    ask(Client(), booked, channel="sms")
    row = Notification.objects.get(claim__code=booked, event="otp_code")
    rendered = notification_render(row)
    assert row.context["otp"] in rendered.text
    assert "Berlaku 10 menit" in rendered.text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_tries_are_counted_exactly(booking_world: dict[str, Any]) -> None:
    """20 wrong guesses at once: the claim lock serialises them, so exactly 5 count and then the code
    is dead — no lost updates that would allow a sixth guess."""
    import threading

    from django.db import connection

    code = book(Client(), booking_world)
    ask(Client(), code)
    right = otp_from_outbox(code)
    wrong = [f"{(int(right) + k) % 10**6:06d}" for k in range(1, 21)]
    barrier = threading.Barrier(len(wrong))
    results: list[str] = []

    def guess(value: str) -> None:
        try:
            barrier.wait()
            results.append(otp.otp_verify(code=code, otp=value).reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(w,)) for w in wrong]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results).count("wrong") == 4 and results.count("locked") == 16
    assert OneTimeCode.objects.get(claim__code=code).tries == 5
    assert otp.otp_verify(code=code, otp=right).reason == "locked"


def test_response_time_does_not_tell_whether_the_booking_exists(booked: str) -> None:
    import time

    def timed(code: str) -> float:
        started = time.monotonic()
        ask(Client(), code)
        return time.monotonic() - started

    known = sorted(timed(booked) for _ in range(3))
    unknown = sorted(timed("ZZZZ9999") for _ in range(3))
    assert min(known + unknown) >= 0.2  # every answer takes at least the floor
    assert abs(known[1] - unknown[1]) < 0.1, (known, unknown)
