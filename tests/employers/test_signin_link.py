"""Sign-in by a one-time e-mail link for a company's HR officer: the same answer for a known and an unknown
address, rate-limited, single use, short-lived, a digest stored, never the token in the logs; it opens the
employer pages and no officer page. Hostile cases: reused, expired, forged, replaced, another officer's
link, a deactivated officer."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from .conftest import FIXED_NOW, OWN_HR, stage_one_form

pytestmark = pytest.mark.django_db


def _ask(client: Client, email: str, **extra: Any) -> Any:
    return client.post("/perusahaan/masuk/", {"email": email}, **extra)


def _token_sent_to(address: str) -> str:
    from lapakasik.notifications.models import Notification

    row = Notification.objects.filter(event="employer_signin_link", recipient=address).order_by("-pk").first()
    assert row is not None
    return str(row.context["signin_url"]).rstrip("/").rsplit("/", 1)[1]


def _body(response: Any) -> str:
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_a_known_address_gets_a_link_and_the_answer_is_the_same_as_for_an_unknown_one(
        registry: Any, now: Any, hr: Any, officers: None) -> None:
    from lapakasik.employers.models import SignInLink
    from lapakasik.notifications.models import Notification

    known = _ask(Client(), OWN_HR.upper())
    unknown = _ask(Client(), "nobody@maju-bersama.contoh.id")
    agency = _ask(Client(), "kepala.sudirman@lapakasik.localhost")  # an agency officer: no link either
    assert known.status_code == unknown.status_code == agency.status_code == 200
    assert _body(known) == _body(unknown) == _body(agency)
    assert 'id="link-sent"' in _body(known)
    sent = Notification.objects.filter(event="employer_signin_link")
    assert [(n.recipient, n.channel) for n in sent] == [(OWN_HR, "email")]
    token = _token_sent_to(OWN_HR)
    link = SignInLink.objects.get()
    assert link.user == hr and link.token_digest != token and token not in link.token_digest
    assert link.expires_at == FIXED_NOW + timedelta(minutes=15)


def test_the_link_signs_in_to_the_employer_pages_only_and_only_once(registry: Any, now: Any, hr: Any) -> None:
    _ask(Client(), OWN_HR)
    token = _token_sent_to(OWN_HR)
    browser = Client()
    shown = browser.get(f"/perusahaan/masuk/{token}/")  # a mail scanner's GET spends nothing
    assert shown.status_code == 200 and 'id="signin-go"' in shown.content.decode()
    r = browser.post(f"/perusahaan/masuk/{token}/")
    assert r.status_code == 302 and r["Location"] == "/perusahaan/"
    home = browser.get("/perusahaan/")
    assert home.status_code == 200 and 'id="link-session"' in home.content.decode()
    # the company's work: a stage I report, Formulir 3's company section signed
    assert browser.post("/perusahaan/laporan-tahap-1/", stage_one_form(registry["own"])).status_code == 302
    # no officer page: the authenticator code is asked for
    officer = browser.get("/petugas/")
    assert officer.status_code == 302 and "/petugas/masuk/kode/" in officer["Location"]
    assert browser.get("/api/v1/officer/queue").status_code == 401  # the API asks for the second step too
    # reused: the same answer as forged
    assert Client().post(f"/perusahaan/masuk/{token}/").status_code == 404
    assert Client().get(f"/perusahaan/masuk/{token}/").status_code == 404


@pytest.mark.parametrize("token", ["forged-token-abcdefghijklmnopqrstuvwxyz", "x" * 300, "%00", "' OR 1=1 --"])
def test_a_forged_link_opens_nothing(registry: Any, now: Any, hr: Any, token: str) -> None:
    client = Client()
    assert client.post(f"/perusahaan/masuk/{token}/").status_code == 404
    assert client.get("/perusahaan/").status_code == 302  # still anonymous: to the sign-in


def test_an_expired_link_opens_nothing(registry: Any, now: Any, hr: Any, monkeypatch: Any) -> None:
    from lapakasik.core import clock

    _ask(Client(), OWN_HR)
    token = _token_sent_to(OWN_HR)
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW + timedelta(minutes=15, seconds=1))
    client = Client()
    r = client.post(f"/perusahaan/masuk/{token}/")
    assert r.status_code == 404 and 'id="link-invalid"' in r.content.decode()
    assert client.get("/perusahaan/").status_code == 302


def test_a_newer_link_ends_the_earlier_one(registry: Any, now: Any, hr: Any) -> None:
    _ask(Client(), OWN_HR)
    first = _token_sent_to(OWN_HR)
    _ask(Client(), OWN_HR)
    second = _token_sent_to(OWN_HR)
    assert first != second
    assert Client().post(f"/perusahaan/masuk/{first}/").status_code == 404
    assert Client().post(f"/perusahaan/masuk/{second}/").status_code == 302


def test_another_officers_link_signs_in_that_officer_and_reaches_only_their_company(
        registry: Any, now: Any, hr: Any, other_hr: Any, hr_client: Client) -> None:
    from lapakasik.employers.models import JkkReport

    assert hr_client.post("/perusahaan/laporan-tahap-1/", stage_one_form(registry["own"])).status_code == 302
    code = JkkReport.objects.get().claim.code
    _ask(Client(), other_hr.email)
    token = _token_sent_to(other_hr.email)
    # the own company's signed-in officer follows the other company's link: they become that officer
    assert hr_client.post(f"/perusahaan/masuk/{token}/").status_code == 302
    assert hr_client.get(f"/perusahaan/klaim/{code}/").status_code == 404
    assert hr_client.get(f"/perusahaan/klaim/{code}/tahap-2/").status_code == 404
    assert code not in hr_client.get("/perusahaan/").content.decode()


def test_a_deactivated_officer_gets_no_link_and_an_earlier_link_opens_nothing(registry: Any, now: Any,
                                                                                hr: Any) -> None:
    from lapakasik.notifications.models import Notification

    _ask(Client(), OWN_HR)
    token = _token_sent_to(OWN_HR)
    hr.is_active = False
    hr.save()
    answer = _ask(Client(), OWN_HR)
    assert answer.status_code == 200 and 'id="link-sent"' in answer.content.decode()
    assert Notification.objects.filter(event="employer_signin_link").count() == 1  # none for the deactivated
    client = Client()
    assert client.post(f"/perusahaan/masuk/{token}/").status_code == 404
    assert client.get("/perusahaan/").status_code == 302


def test_a_link_session_of_a_deactivated_officer_ends(registry: Any, now: Any, hr: Any) -> None:
    _ask(Client(), OWN_HR)
    client = Client()
    assert client.post(f"/perusahaan/masuk/{_token_sent_to(OWN_HR)}/").status_code == 302
    hr.is_active = False
    hr.save()
    assert client.get("/perusahaan/").status_code == 302


@pytest.mark.parametrize("email", ["", "bukan-alamat", "a@b", "x" * 300 + "@contoh.id", "hrd@maju-bersama.contoh.id\n"
                                   "Bcc: x@y.id"])
def test_a_malformed_address_is_refused_and_sends_nothing(registry: Any, now: Any, hr: Any, email: str) -> None:
    from lapakasik.employers.models import SignInLink

    r = _ask(Client(), email)
    assert r.status_code == 200 and 'id="link-sent"' not in r.content.decode()
    assert not SignInLink.objects.exists()


def test_the_requests_are_limited_per_address_known_or_not(registry: Any, now: Any, hr: Any) -> None:
    from lapakasik.employers.models import SignInLink

    for address in (OWN_HR, "nobody@contoh.id"):
        answers = [_ask(Client(REMOTE_ADDR=f"10.0.0.{i}"), address).status_code for i in range(4)]
        assert answers == [200, 200, 200, 429], address
    assert SignInLink.objects.count() == 3


def test_the_requests_are_limited_per_client(registry: Any, now: Any, hr: Any) -> None:
    client = Client(REMOTE_ADDR="10.9.9.9")
    answers = [_ask(client, f"orang{i}@contoh.id").status_code for i in range(11)]
    assert answers[:10] == [200] * 10 and answers[10] == 429
    assert _ask(client, OWN_HR).status_code == 429  # a known address too


def test_the_token_never_reaches_the_logs(registry: Any, now: Any, hr: Any, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    _ask(Client(), OWN_HR)
    token = _token_sent_to(OWN_HR)
    Client().post(f"/perusahaan/masuk/{token}/")
    Client().post(f"/perusahaan/masuk/{token}/")
    assert caplog.records and not any(token in r.getMessage() for r in caplog.records)


def test_the_sign_in_pages_read_in_english(registry: Any, now: Any, hr: Any) -> None:
    page = Client().get("/perusahaan/masuk/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "We send a single-use sign-in link" in page
    sent = _ask(Client(), OWN_HR, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "If this address is registered as an employer officer" in sent
