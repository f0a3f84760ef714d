"""The front desk role: signs in with password and authenticator code like every officer, lands on its own
page, and reaches nothing of the officer's casework (the permission matrix checks every page; these are the
front desk's own path through them)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.accounts.helpers import csrf_of, totp_code

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, username: str, next_url: str = "") -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lapakasik.accounts.seed import DEMO_PASSWORD

    page = client.get("/petugas/masuk/" + (f"?next={next_url}" if next_url else ""))
    data = {"csrfmiddlewaretoken": csrf_of(page), "username": username, "password": DEMO_PASSWORD}
    if next_url:
        data["next"] = next_url
    step = client.post("/petugas/masuk/", data)
    assert step.status_code == 302 and step["Location"].startswith("/petugas/masuk/kode/"), step
    code_page = client.get(step["Location"])
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    return client.post(step["Location"], {"csrfmiddlewaretoken": csrf_of(code_page), "code": totp_code(device)})


def test_the_demo_front_desk_lands_on_the_screening_page(officers: None) -> None:
    client = Client(enforce_csrf_checks=True)
    done = _sign_in(client, "satpam.bandung")
    assert done.status_code == 302 and done["Location"] == "/petugas/depan/"
    page = client.get("/petugas/depan/")
    assert page.status_code == 200 and "Skrining pengunjung" in page.content.decode()
    assert "Bandung Suci" in page.content.decode()
    # signed in again (already verified): straight to the same page
    assert client.get("/petugas/masuk/")["Location"] == "/petugas/depan/"


def test_an_officer_still_lands_on_the_work_queue(officers: None) -> None:
    assert _sign_in(Client(enforce_csrf_checks=True), "petugas.sudirman")["Location"] == "/petugas/"


def test_the_front_desk_cannot_reach_the_casework(officers: None) -> None:
    from lapakasik.claims.models import Claim

    client = Client(enforce_csrf_checks=True)
    _sign_in(client, "satpam.bandung")
    queue = client.get("/petugas/")
    assert queue.status_code == 403
    assert 'href="/petugas/depan/"' in queue.content.decode()  # the refusal says where their work is
    code = Claim.objects.filter(branch__code="BDG01").values_list("code", flat=True).first() or "ZZZZZZZZ"
    for path in ("/petugas/panggilan/", "/petugas/beban/", "/petugas/token-api/", f"/petugas/klaim/{code}/",
                 f"/petugas/klaim/{code}/dokumen/"):
        assert client.get(path).status_code == 403, path
    assert client.get("/api/v1/officer/queue?branch=BDG01").status_code in (401, 403)


def test_a_next_page_the_front_desk_may_not_open_is_still_refused_after_sign_in(officers: None) -> None:
    client = Client(enforce_csrf_checks=True)
    done = _sign_in(client, "satpam.bandung", next_url="/petugas/beban/")
    assert done["Location"] == "/petugas/beban/"
    assert client.get(done["Location"]).status_code == 403


def test_a_branch_head_reaches_both_the_queue_and_the_door(officers: None) -> None:
    client = Client(enforce_csrf_checks=True)
    _sign_in(client, "kepala.sudirman")
    assert client.get("/petugas/").status_code == 200
    page = client.get("/petugas/depan/")
    assert page.status_code == 200 and 'href="/petugas/"' in page.content.decode()
    assert client.get("/petugas/depan/ringkasan/")["Location"] == "/petugas/depan/ringkasan/JKT01/"


def test_the_front_desk_needs_the_second_step_too(officers: None) -> None:
    from lapakasik.accounts.seed import DEMO_PASSWORD

    client = Client(enforce_csrf_checks=True)
    page = client.get("/petugas/masuk/")
    client.post("/petugas/masuk/", {"csrfmiddlewaretoken": csrf_of(page), "username": "satpam.bandung",
                                    "password": DEMO_PASSWORD})
    r = client.get("/petugas/depan/")
    assert r.status_code == 302 and r["Location"].startswith("/petugas/masuk/")
    assert client.post("/petugas/depan/", {"temperature": "36,5"}).status_code in (302, 403)
    from lapakasik.frontdesk.models import ScreeningRecord

    assert not ScreeningRecord.objects.exists()
