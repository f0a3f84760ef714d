""""Booking saya": booking code + one-time code. 6 digits, ≤ 10 minutes, single use, ≤ 5 tries, only a
hash stored, the same answer whether or not the booking exists, rate-limited — and bound to the session that
asked for it, so a stranger who knows the booking code cannot lock the participant out."""

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

from .pages_support import NIK, book, booking_world, otp_from_outbox

__all__ = ["booking_world"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(booking_world: dict[str, Any]) -> str:
    return book(Client(), booking_world)


def ask(client: Any, code: str, channel: str = "email", ip: str = "10.0.0.1") -> Any:
    return client.post(reverse("booking:mine"), {"code": code, "channel": channel}, REMOTE_ADDR=ip)


def answer(client: Any, value: str, ip: str = "10.0.0.1") -> Any:
    return client.post(reverse("booking:mine_code"), {"otp": value}, REMOTE_ADDR=ip)


def session_of(client: Any) -> str:
    return str(client.session.session_key)


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
            assert NIK not in href and NIK[-6:] not in href and "token" not in href and "@" not in href
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
    # the count is on the code, server-side: clearing the page's own count does not revive it
    assert otp.otp_verify(code=booked, otp=right, session=session_of(client)).reason == "locked"
    assert OneTimeCode.objects.get(claim__code=booked).tries == 5


def test_a_code_works_only_in_the_session_that_asked_for_it(booked: str) -> None:
    asker, stranger = Client(), Client()
    ask(asker, booked)
    right = otp_from_outbox(booked)
    stranger.session.save()
    assert otp.otp_verify(code=booked, otp=right, session=session_of(stranger)).reason == "none"
    assert otp.otp_verify(code=booked, otp=right, session=session_of(asker)).ok


def test_expired_code_is_refused(booked: str, monkeypatch: Any) -> None:
    from lapakasik.core import clock

    client = Client()
    ask(client, booked)
    right = otp_from_outbox(booked)
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(minutes=10, seconds=1))
    r = answer(client, right)
    assert r.status_code == 422 and "Kode salah atau sudah tidak berlaku" in r.content.decode()
    assert otp.otp_verify(code=booked, otp=right, session=session_of(client)).reason == "expired"
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
    assert otp.otp_verify(code=booked, otp=right, session=session_of(first)).reason == "none"  # cycled on success
    assert OneTimeCode.objects.get(claim__code=booked).used_at is not None


def test_a_new_code_replaces_the_old_one(booked: str) -> None:
    client = Client()
    ask(client, booked)
    old = otp_from_outbox(booked)
    ask(client, booked)
    new = otp_from_outbox(booked)
    if old == new:  # pragma: no cover - one in a million
        return
    assert not otp.otp_verify(code=booked, otp=old, session=session_of(client)).ok
    assert otp.otp_verify(code=booked, otp=new, session=session_of(client)).ok


def test_codes_per_booking_are_capped_silently(booked: str) -> None:
    """Ten codes per claim and 15 minutes from everyone together (the brake on the participant's inbox and
    on guesses); beyond that the page answers the same and nothing is sent."""
    for i in range(12):
        r = ask(Client(), booked, ip=f"10.1.0.{i}")
        assert r.status_code == 302
    assert Notification.objects.filter(claim__code=booked, event="otp_code").count() == 10


def test_codes_per_client_are_capped_silently(booked: str) -> None:
    """One address gets at most three codes per claim and window, even with a fresh session each time."""
    for _i in range(6):
        assert ask(Client(), booked, ip="10.1.1.1").status_code == 302
    assert Notification.objects.filter(claim__code=booked, event="otp_code").count() == 3


def test_a_stranger_cannot_lock_the_participant_out(booked: str) -> None:
    """Hostile: one client hammering "send me a code" for someone else's booking — with one session and
    with a fresh session every time — gets 429, and the participant, from their own phone, still gets a
    code and opens the booking."""
    stranger = Client()
    statuses = [ask(stranger, booked, ip="10.6.6.6").status_code for _ in range(8)]
    statuses += [ask(Client(), booked, ip="10.6.6.6").status_code for _ in range(8)]
    assert statuses[:3] == [302] * 3 and 429 in statuses
    assert Notification.objects.filter(claim__code=booked, event="otp_code").count() == 3  # to the participant only
    assert set(Notification.objects.filter(claim__code=booked, event="otp_code")
               .values_list("recipient", flat=True)) == {"siti@example.id"}
    participant = Client()
    assert ask(participant, booked, ip="10.0.0.77").status_code == 302
    assert Notification.objects.filter(claim__code=booked, event="otp_code").count() == 4
    r = answer(participant, otp_from_outbox(booked), ip="10.0.0.77")
    assert r.status_code == 302 and r["Location"] == reverse("booking:manage", kwargs={"code": booked})


def test_a_strangers_requests_and_wrong_tries_leave_the_participants_code_valid(booked: str) -> None:
    """The participant asked and is reading the code from their inbox; meanwhile a stranger asks for new
    codes and burns five wrong tries. The participant's code still opens the booking."""
    participant = Client()
    ask(participant, booked, ip="10.0.0.77")
    theirs = otp_from_outbox(booked)
    stranger = Client()
    for _i in range(2):
        ask(stranger, booked, ip="10.6.6.6")
    for _i in range(5):
        answer(stranger, "111111" if theirs != "111111" else "222222", ip="10.6.6.6")
    assert answer(stranger, otp_from_outbox(booked), ip="10.6.6.6").status_code == 403  # theirs is dead
    r = answer(participant, theirs, ip="10.0.0.77")
    assert r.status_code == 302 and r["Location"] == reverse("booking:manage", kwargs={"code": booked})


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
    asker = Client()
    ask(asker, code)
    session = session_of(asker)
    right = otp_from_outbox(code)
    wrong = [f"{(int(right) + k) % 10**6:06d}" for k in range(1, 21)]
    barrier = threading.Barrier(len(wrong))
    results: list[str] = []

    def guess(value: str) -> None:
        try:
            barrier.wait(timeout=30)  # a thread that failed before it must not hang the others
            results.append(otp.otp_verify(code=code, otp=value, session=session).reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(w,)) for w in wrong]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results).count("wrong") == 4 and results.count("locked") == 16
    assert OneTimeCode.objects.get(claim__code=code).tries == 5
    assert otp.otp_verify(code=code, otp=right, session=session).reason == "locked"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_from_many_clients_never_pass_the_claims_ceiling(booking_world: dict[str, Any]) -> None:
    """Race: 30 clients ask at the same moment (4 of them from one address). The claim lock serialises the
    counts: exactly 10 codes are issued and sent, at most 3 to the shared address, none lost or doubled."""
    import threading

    from django.db import connection

    code = book(Client(), booking_world)
    clients = [(f"s{i}", "10.9.9.9" if i < 4 else f"10.9.0.{i}") for i in range(30)]
    barrier = threading.Barrier(len(clients))
    results: list[str] = []

    def request(session: str, client: str) -> None:
        try:
            barrier.wait(timeout=30)  # a thread that failed before it must not hang the others
            results.append(otp.otp_request(code=code, channel="email", session=session, client=client).reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=request, args=c) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 30 and results.count("sent") == 10
    assert OneTimeCode.objects.filter(claim__code=code).count() == 10
    assert Notification.objects.filter(claim__code=code, event="otp_code").count() == 10
    shared = otp.requester_digest("client:10.9.9.9")
    assert OneTimeCode.objects.filter(claim__code=code, client_digest=shared).count() <= 3


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
