"""Inviting a company's HR officer: only to the registry's HR addresses of the NPP, by a branch supervisor or
an admin; the link is single-use and expires; the invitee sets a password, then enrols an authenticator app
(the officer sign-in's enrolment) and lands on the company's page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.accounts.helpers import csrf_client, csrf_of, officer_login, totp_code

from .conftest import FIXED_NOW, OTHER_HR, OWN_HR, OWN_NPP

pytestmark = pytest.mark.django_db
PASSWORD = "Kata-sandi-HR-2026!"


def _supervisor() -> Any:
    return get_user_model().objects.get(username="kepala.sudirman")


def _invite(client: Client, npp: str = OWN_NPP, email: str = OWN_HR) -> Any:
    return client.post("/petugas/perusahaan/undang/", {"npp": npp, "email": email})


def _link() -> str:
    from lapakasik.notifications.models import Notification
    from lapakasik.notifications.services import notification_render

    row = Notification.objects.filter(event="employer_invitation").order_by("-pk").first()
    assert row is not None and row.channel == "email"
    found = re.search(r"https?://\S+/perusahaan/undangan/(\S+)/", notification_render(row).text)
    assert found, "the invitation e-mail carries the link"
    return f"/perusahaan/undangan/{found.group(1)}/"


@pytest.fixture
def boss(officers: None, registry: Any, now: Any) -> Client:
    return officer_login(Client(), _supervisor())


def test_a_supervisor_invites_a_listed_hr_address(boss: Client) -> None:
    from lapakasik.employers.models import Invitation
    from lapakasik.notifications.models import Notification

    r = _invite(boss, email="  HRD@Maju-Bersama.contoh.id ")
    assert r.status_code == 200 and "Undangan terkirim ke hrd@maju-bersama.contoh.id" in r.content.decode()
    invitation = Invitation.objects.get()
    assert (invitation.npp, invitation.email) == (OWN_NPP, OWN_HR)
    assert invitation.expires_at == FIXED_NOW + timedelta(hours=72)
    row = Notification.objects.get(event="employer_invitation")
    assert row.recipient == OWN_HR
    assert _link().split("/")[-2] not in invitation.token_digest  # only the digest is stored


@pytest.mark.parametrize(("npp", "email", "message"), [
    (OWN_NPP, OTHER_HR, "tidak tercatat sebagai alamat HR"),  # another company's address
    (OWN_NPP, "direktur@maju-bersama.contoh.id", "tidak tercatat sebagai alamat HR"),
    ("99999999", OWN_HR, "NPP tidak terdaftar"), ("3100100", OWN_HR, "NPP tidak terdaftar"),
    ("3100100A", OWN_HR, "NPP tidak terdaftar"), (OWN_NPP, "bukan e-mail", ""), ("", OWN_HR, ""),
])
def test_only_the_registrys_addresses_of_the_company_are_invited(boss: Client, npp: str, email: str,
                                                                 message: str) -> None:
    from lapakasik.employers.models import Invitation
    from lapakasik.notifications.models import Notification

    r = _invite(boss, npp=npp, email=email)
    assert r.status_code == 200 and "Belum terkirim" in r.content.decode() and message in r.content.decode()
    assert not Invitation.objects.exists() and not Notification.objects.filter(event="employer_invitation").exists()


@pytest.mark.parametrize("who", ["petugas.sudirman", "satpam.bandung", "hrd.majubersama"])
def test_other_roles_may_not_invite(officers: None, registry: Any, who: str) -> None:
    from lapakasik.employers.models import Invitation

    client = officer_login(Client(), get_user_model().objects.get(username=who))
    assert _invite(client).status_code == 403
    assert not Invitation.objects.exists()


def _accept(link: str, **kw: Any) -> tuple[Client, Any]:
    client = csrf_client()
    page = client.get(link)
    assert page.status_code == 200
    data = {"csrfmiddlewaretoken": csrf_of(page), "full_name": "Rina Personalia", "password": PASSWORD,
            "password_again": PASSWORD, **kw}
    return client, client.post(link, data)


def test_the_invitee_sets_a_password_enrols_an_app_and_sees_the_company(boss: Client) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lapakasik.accounts.models import OfficerProfile

    _invite(boss)
    client, r = _accept(_link())
    assert r.status_code == 302 and r["Location"].startswith("/petugas/masuk/daftar-autentikator/")
    profile = OfficerProfile.objects.get(user__username=OWN_HR)
    assert (profile.role, profile.npp, profile.branch, profile.region) == ("employer_officer", OWN_NPP, None, None)
    assert client.get("/perusahaan/").status_code == 302  # not signed in before the second step
    page = client.get(r["Location"])
    assert "data:image/png;base64" in page.content.decode()  # the QR code to scan
    device = TOTPDevice.objects.get(user=profile.user, confirmed=False)
    done = client.post(r["Location"], {"csrfmiddlewaretoken": csrf_of(page), "code": totp_code(device)})
    assert done.status_code == 200 and "kode cadangan" in done.content.decode().lower()
    home = client.get("/perusahaan/")
    assert home.status_code == 200 and "PT Maju Bersama" in home.content.decode()


def test_a_used_link_does_not_work_again(boss: Client) -> None:
    _invite(boss)
    link = _link()
    _accept(link)
    client = Client()
    assert client.get(link).status_code == 404
    r = client.post(link, {"full_name": "Penyusup", "password": PASSWORD, "password_again": PASSWORD})
    assert r.status_code == 404 and get_user_model().objects.filter(username=OWN_HR).count() == 1


def test_an_expired_link_does_not_work(boss: Client, monkeypatch: Any) -> None:
    from lapakasik.core import clock

    _invite(boss)
    link = _link()
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW + timedelta(hours=72, seconds=1))
    r = Client().get(link)
    assert r.status_code == 404 and "Minta undangan baru" in r.content.decode()
    r = Client().post(link, {"full_name": "Rina", "password": PASSWORD, "password_again": PASSWORD})
    assert r.status_code == 404 and not get_user_model().objects.filter(username=OWN_HR).exists()


def test_a_new_invitation_replaces_the_earlier_one(boss: Client) -> None:
    _invite(boss)
    first = _link()
    _invite(boss)
    assert Client().get(first).status_code == 404
    assert Client().get(_link()).status_code == 200


@pytest.mark.parametrize("link", ["/perusahaan/undangan/xyz/", "/perusahaan/undangan/" + "a" * 200 + "/"])
def test_a_made_up_link_does_not_work(registry: Any, link: str) -> None:
    assert Client().get(link).status_code == 404


@pytest.mark.parametrize(("fields", "message"), [
    ({"password": "12345678", "password_again": "12345678"}, ""),
    ({"password_again": "something-else-2026"}, "Kedua kata sandi tidak sama"),
    ({"full_name": "<script>"}, "Nama"),
    ({"password": "", "password_again": ""}, ""),
])
def test_a_weak_or_mismatched_password_is_refused_and_the_link_still_works(boss: Client, fields: dict[str, str],
                                                                            message: str) -> None:
    _invite(boss)
    link = _link()
    _client, r = _accept(link, **fields)
    assert r.status_code == 200 and "Belum terkirim" in r.content.decode() and message in r.content.decode()
    assert not get_user_model().objects.filter(username=OWN_HR).exists()
    assert Client().get(link).status_code == 200


def test_an_address_with_an_account_is_told_to_sign_in(boss: Client) -> None:
    get_user_model().objects.create_user(username=OWN_HR, password=None)
    _invite(boss)
    link = _link()
    _client, r = _accept(link)
    assert r.status_code == 200 and "sudah punya akun" in r.content.decode()
    assert Client().get(link).status_code == 200  # not used up
