"""Officer sign-in, the way an officer does it: a browser-like client that enforces CSRF, the password, then
a real TOTP code computed from the device's secret (what the authenticator app shows), a recovery code, or
first the enrolment of an app from the QR code on the page.

Bad input and misuse: wrong password; wrong, reused, malformed and foreign-script codes; throttling; five
wrong codes → locked (django-axes on); an expired half-finished sign-in; a password alone never opens an
officer page, the officer API or the admin; a `next` that leaves the site.
"""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from lapakasik.accounts import services
from lapakasik.accounts.models import Role
from lapakasik.accounts.totp import base32_secret, code_at

from ..paper_support import decode_qr_image
from .factories import make_officer
from .helpers import csrf_client, csrf_of, officer_login, totp_code, totp_device

pytestmark = pytest.mark.django_db

PASSWORD = "Sandi-Petugas-2026!"
LOGIN, CODE, ENROL = "/petugas/masuk/", "/petugas/masuk/kode/", "/petugas/masuk/daftar-autentikator/"
CALLS = "/petugas/panggilan/"  # an officer page (officers and supervisors; other roles: 403)
HOME = "/petugas/"


@pytest.fixture
def branch(db: Any) -> Any:
    from lapakasik.branches.models import Branch, Region

    region = Region.objects.create(code="SGN", name="Kanwil Uji", time_zone="Asia/Jakarta")
    return Branch.objects.create(code="SGN01", name="Cabang Uji", region=region, address="Jl. Uji 1",
                                 city="Kota Uji", time_zone="Asia/Jakarta")


def _officer(branch: Any, role: str = "officer", username: str = "petugas.uji", *, device: bool = True) -> Any:
    scope = ({"branch": branch} if role in ("officer", "supervisor", "front_desk")
             else {"region": branch.region} if role == "regional_admin"
             else {"npp": "31001001"} if role == "employer_officer" else {})
    user = make_officer(username, role, **scope)
    user.set_password(PASSWORD)
    user.save()
    if device:
        totp_device(user)
    return user


def _device(user: Any) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=True)


def _password(client: Client, username: str, password: str = PASSWORD, next_url: str = "") -> Any:
    page = client.get(LOGIN + (f"?next={next_url}" if next_url else ""))
    assert page.status_code == 200
    data = {"csrfmiddlewaretoken": csrf_of(page), "username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def _code(client: Client, code: str, url: str = CODE) -> Any:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return client.post(url, {"csrfmiddlewaretoken": csrf_of(page), "code": code})


def _signed_in(client: Client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session and "_auth_user_id" in client.session


def _wait_out_throttle(user: Any) -> None:
    """The officer waits until the device takes codes again (django-otp's 1, 2, 4 … s after wrong codes)."""
    long_ago = timezone.now() - timedelta(hours=1)
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=long_ago)
    StaticDevice.objects.filter(user=user).update(throttling_failure_timestamp=long_ago)


def _sign_in(client: Client, user: Any, offset: int = 0) -> Any:
    assert _password(client, user.username).status_code == 302
    return _code(client, totp_code(_device(user), offset))


# --- the flow ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_officer_role_signs_in_with_password_and_a_real_totp_code(branch: Any, role: str) -> None:
    user = _officer(branch, role)
    client = csrf_client()
    step_one = _password(client, user.username)
    assert step_one.status_code == 302 and step_one["Location"] == CODE
    assert "_auth_user_id" not in client.session  # the password alone signs nobody in
    assert client.get(CALLS)["Location"].startswith(LOGIN)
    page = client.get(CODE)
    assert user.username in page.content.decode()
    done = client.post(CODE, {"csrfmiddlewaretoken": csrf_of(page), "code": totp_code(_device(user))})
    # each role lands on its own first page: the front desk at the door, a company's HR officer on their
    # company's claims, the others at the work queue
    landing = {"front_desk": "/petugas/depan/", "employer_officer": "/perusahaan/"}.get(role, HOME)
    assert done.status_code == 302 and done["Location"] == landing
    assert _signed_in(client)
    allowed = role in ("officer", "supervisor")
    assert client.get(CALLS).status_code == (200 if allowed else 403)  # the role decides now, not the sign-in


def test_sign_in_returns_to_the_page_asked_for_and_never_to_another_site(branch: Any) -> None:
    user = _officer(branch)
    client = csrf_client()
    asked = client.get(CALLS)
    assert asked.status_code == 302 and asked["Location"] == f"{LOGIN}?next={CALLS}"
    step_one = _password(client, user.username, next_url=CALLS)
    assert step_one["Location"] == f"{CODE}?next={CALLS.replace('/', '%2F')}"
    page = client.get(step_one["Location"])
    done = client.post(step_one["Location"], {"csrfmiddlewaretoken": csrf_of(page), "code": totp_code(_device(user)),
                                              "next": CALLS})
    assert done["Location"] == CALLS and client.get(CALLS).status_code == 200

    other = csrf_client()
    assert _password(other, user.username, next_url="https://evil.example/petugas/").status_code == 302
    page = other.get(CODE)
    done = other.post(CODE, {"csrfmiddlewaretoken": csrf_of(page), "code": totp_code(_device(user), 1),
                             "next": "https://evil.example/petugas/"})
    assert done["Location"] == HOME


def test_the_forms_refuse_a_post_without_the_csrf_token(branch: Any) -> None:
    user = _officer(branch)
    client = csrf_client()
    assert client.post(LOGIN, {"username": user.username, "password": PASSWORD}).status_code == 403
    assert _password(client, user.username).status_code == 302
    assert client.post(CODE, {"code": totp_code(_device(user))}).status_code == 403
    assert not _signed_in(client)


@pytest.mark.parametrize("username,password", [
    ("petugas.uji", "salah"), ("petugas.uji", ""), ("tidak.ada", PASSWORD), ("", ""), ("petugas.uji\x00", PASSWORD),
    ("x" * 500, PASSWORD)])
def test_a_wrong_password_gets_the_form_again_and_no_second_step(branch: Any, username: str, password: str) -> None:
    _officer(branch)
    client = csrf_client()
    page = client.get(LOGIN)
    r = client.post(LOGIN, {"csrfmiddlewaretoken": csrf_of(page), "username": username, "password": password})
    assert r.status_code in (200, 400)
    if r.status_code == 200:
        assert "salah" in r.content.decode()
    assert client.get(CODE)["Location"].startswith(LOGIN)
    assert not _signed_in(client)


def test_an_inactive_officer_cannot_sign_in(branch: Any) -> None:
    user = _officer(branch)
    user.is_active = False
    user.save()
    client = csrf_client()
    assert _password(client, user.username).status_code == 200
    assert client.get(CODE)["Location"].startswith(LOGIN)


def test_signing_out_ends_the_session(branch: Any) -> None:
    user = _officer(branch)
    client = csrf_client()
    _sign_in(client, user)
    page = client.get(CODE)  # a verified officer is sent on from the code page
    assert page.status_code == 302
    form = client.get(LOGIN)  # …and from the log-in page
    assert form.status_code == 302
    calls = client.get(CALLS)
    assert client.post("/petugas/keluar/", {"csrfmiddlewaretoken": csrf_of(calls)}).status_code == 302
    assert not _signed_in(client) and client.get(CALLS)["Location"].startswith(LOGIN)


# --- codes: wrong, reused, malformed, throttled ---------------------------------------------------------


def test_a_totp_code_is_accepted_once(branch: Any) -> None:
    user = _officer(branch)
    code = totp_code(_device(user))
    first = csrf_client()
    assert _password(first, user.username).status_code == 302
    assert _code(first, code).status_code == 302 and _signed_in(first)
    last_t = _device(user).last_t
    assert last_t >= 0  # django-otp keeps the time step of the last code accepted

    second = csrf_client()  # someone who watched the code being typed
    assert _password(second, user.username).status_code == 302
    again = _code(second, code)
    assert again.status_code == 200 and "sudah dipakai" in again.content.decode()
    assert not _signed_in(second) and _device(user).last_t == last_t
    _wait_out_throttle(user)
    assert _code(second, totp_code(_device(user), 1)).status_code == 302 and _signed_in(second)


def test_a_wrong_code_slows_the_next_attempt_down(branch: Any) -> None:
    user = _officer(branch)
    client = csrf_client()
    assert _password(client, user.username).status_code == 302
    right = totp_code(_device(user))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    assert _code(client, wrong).status_code == 200
    throttled = _code(client, right)  # at once: not even tried
    assert throttled.status_code == 200 and "Tunggu" in throttled.content.decode() and not _signed_in(client)
    assert _device(user).throttling_failure_count == 1
    _wait_out_throttle(user)
    assert _code(client, right).status_code == 302 and _signed_in(client)
    assert _device(user).throttling_failure_count == 0


def _in_digits(code: str, zero: str) -> str:
    return "".join(chr(ord(zero) + int(d)) for d in code)


@pytest.mark.parametrize("make", [
    lambda c: "", lambda c: "      ", lambda c: c[:5], lambda c: c + "0", lambda c: "0" + c,
    lambda c: _in_digits(c, "\uff10"),  # full-width digits: int() reads them, we do not
    lambda c: _in_digits(c, "\u0660"),  # Arabic-Indic digits
    lambda c: c + "\x00", lambda c: f"{c[:3]}\n{c[3:]}", lambda c: "' OR 1=1 --", lambda c: "9" * 64,
    lambda c: "9" * 65, lambda c: "<script>alert(1)</script>", lambda c: "-" + c, lambda c: c + ".0",
    lambda c: "1e5", lambda c: "ABCDE-ABCD",
], ids=["empty", "spaces", "five-digits", "seven-digits", "leading-zero", "fullwidth", "arabic-indic", "nul",
        "newline", "sql", "64-nines", "65-nines", "html", "minus", "decimal", "exponent", "short-recovery"])
def test_malformed_codes_are_refused(branch: Any, make: Any) -> None:
    user = _officer(branch)
    client = csrf_client()
    assert _password(client, user.username).status_code == 302
    right = totp_code(_device(user))
    r = _code(client, make(right))
    assert r.status_code == 200 and 'role="alert"' in r.content.decode()
    assert "<script>alert" not in r.content.decode()
    assert not _signed_in(client) and _device(user).last_t == -1
    _wait_out_throttle(user)
    assert _code(client, right).status_code == 302 and _signed_in(client)  # the right one still works


def test_a_code_with_spaces_around_or_inside_is_read(branch: Any) -> None:
    user = _officer(branch)
    client = csrf_client()
    assert _password(client, user.username).status_code == 302
    code = totp_code(_device(user))
    assert _code(client, f" {code[:3]} {code[3:]} ").status_code == 302 and _signed_in(client)


@override_settings(AXES_ENABLED=True)
def test_five_wrong_codes_lock_the_account(branch: Any) -> None:
    """django-axes on, as in production: wrong codes count like wrong passwords, the fifth locks the user
    name at this address for AXES_COOLOFF_TIME — the right code and the right password are refused then."""
    from axes.models import AccessAttempt

    user = _officer(branch)
    client = csrf_client()
    assert _password(client, user.username).status_code == 302
    right = totp_code(_device(user))
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    for attempt in range(1, 5):
        r = _code(client, wrong)
        assert r.status_code == 200 and "salah" in r.content.decode(), attempt
        _wait_out_throttle(user)
    locked = _code(client, wrong)
    assert locked.status_code == 429 and "dikunci" in locked.content.decode() and "60 menit" in locked.content.decode()
    assert not _signed_in(client)
    assert client.get(CODE)["Location"].startswith(LOGIN)  # the half-finished sign-in is gone
    again = csrf_client()
    page = again.get(LOGIN)
    refused = again.post(LOGIN, {"csrfmiddlewaretoken": csrf_of(page), "username": user.username,
                                 "password": PASSWORD})
    assert refused.status_code == 429 and not _signed_in(again)
    assert _device(user).last_t == -1  # the right code was never even tried

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=2))  # the hour has passed
    _wait_out_throttle(user)
    assert _sign_in(again, user).status_code == 302 and _signed_in(again)
    assert not AccessAttempt.objects.filter(username=user.username).exists()  # a success resets the count


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_wrong_passwords_and_wrong_codes_count_together(branch: Any) -> None:
    user = _officer(branch)
    client = csrf_client()
    for _ in range(3):
        assert _password(client, user.username, "salah-sekali").status_code == 200
    assert _password(client, user.username).status_code == 302  # a right password does not reset the count
    right = totp_code(_device(user))
    assert _code(client, f"{(int(right) + 1) % 1_000_000:06d}").status_code == 200
    _wait_out_throttle(user)
    assert _code(client, f"{(int(right) + 2) % 1_000_000:06d}").status_code == 429


# --- recovery codes ------------------------------------------------------------------------------------


def test_a_recovery_code_works_once(branch: Any) -> None:
    user = _officer(branch)
    codes = services.recovery_codes_issue(user=user)
    assert len(codes) == 10 == len(set(codes))
    client = csrf_client()
    assert _password(client, user.username).status_code == 302
    typed = f"{codes[3][:5].lower()}-{codes[3][5:].lower()}"  # as read off the paper
    r = _code(client, typed)
    assert r.status_code == 302 and _signed_in(client)
    assert "Sisa 9 kode cadangan" in client.get(CALLS).content.decode()

    other = csrf_client()
    assert _password(other, user.username).status_code == 302
    again = _code(other, codes[3])
    assert again.status_code == 200 and not _signed_in(other)
    _wait_out_throttle(user)
    assert _code(other, codes[4]).status_code == 302 and _signed_in(other)


def test_recovery_codes_of_another_officer_do_not_work(branch: Any) -> None:
    user = _officer(branch)
    neighbour = _officer(branch, username="petugas.tetangga")
    theirs = services.recovery_codes_issue(user=neighbour)
    client = csrf_client()
    assert _password(client, user.username).status_code == 302
    assert _code(client, theirs[0]).status_code == 200 and not _signed_in(client)
    assert StaticDevice.objects.get(user=neighbour).token_set.count() == 10


# --- enrolment -----------------------------------------------------------------------------------------


def _qr_payload(html: str) -> str:
    found = re.search(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert found, "no inline QR code on the page"
    [payload] = decode_qr_image(base64.b64decode(found.group(1)))
    return payload


def test_enrolment_shows_a_qr_code_that_an_authenticator_app_reads(branch: Any) -> None:
    user = _officer(branch, "supervisor", device=False)
    client = csrf_client()
    step_one = _password(client, user.username)
    assert step_one["Location"] == ENROL
    assert client.get(CODE)["Location"] == ENROL  # no app yet: nothing to type a code from
    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200
    # nothing loaded from elsewhere: every resource is served here or inline (the QR code is a data: URI)
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', html)
    uri = urlsplit(_qr_payload(html))
    params = {k: v[0] for k, v in parse_qs(uri.query).items()}
    assert (uri.scheme, uri.netloc, unquote(uri.path)) == ("otpauth", "totp", f"/Lapak Asik:{user.username}")
    assert params == {"secret": params["secret"], "algorithm": "SHA1", "digits": "6", "period": "30",
                      "issuer": "Lapak Asik"}
    shown = re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', html)
    assert shown and shown.group(1).replace(" ", "") == params["secret"]  # the same secret, typed by hand
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert base32_secret(device.key) == params["secret"]
    assert _qr_payload(client.get(ENROL).content.decode()) == _qr_payload(html)  # a reload keeps the secret

    key = base64.b32decode(params["secret"]).hex()  # what the app computes from the scanned secret
    wrong = _code(client, f"{(int(code_at(key)) + 1) % 1_000_000:06d}", ENROL)
    assert wrong.status_code == 200 and not _signed_in(client)
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    _wait_out_throttle(user)
    done = _code(client, code_at(key), ENROL)
    assert done.status_code == 200 and _signed_in(client)
    assert done["Cache-Control"].startswith("max-age=0") or "no-store" in done["Cache-Control"]
    shown_codes = re.findall(r"<li><code>([0-9A-Z]{5}-[0-9A-Z]{5})</code></li>", done.content.decode())
    assert len(shown_codes) == 10 == len(set(shown_codes))
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get(CALLS).status_code == 200

    again = csrf_client()
    assert _password(again, user.username)["Location"] == CODE  # enrolled: the code step from now on
    assert again.get(ENROL)["Location"] == CODE  # a password alone never replaces the app
    assert _code(again, shown_codes[0]).status_code == 302 and _signed_in(again)


def test_enrolment_refuses_a_code_from_another_secret(branch: Any) -> None:
    user = _officer(branch, device=False)
    client = csrf_client()
    assert _password(client, user.username).status_code == 302
    client.get(ENROL)
    r = _code(client, code_at("00" * 20), ENROL)
    assert r.status_code == 200 and not _signed_in(client)
    assert not StaticDevice.objects.filter(user=user).exists()


def test_a_half_finished_sign_in_expires(branch: Any) -> None:
    user = _officer(branch)
    client = csrf_client()
    assert _password(client, user.username).status_code == 302
    with override_settings(OFFICER_SIGNIN_PENDING_SECONDS=-1):
        assert client.get(CODE)["Location"].startswith(LOGIN)
    assert client.get(CODE)["Location"].startswith(LOGIN)  # and it stays gone
    assert _device(user).last_t == -1


# --- what a password alone opens: nothing ---------------------------------------------------------------


def _officer_routes() -> list[str]:
    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                found.append(prefix + str(p.pattern))

    walk(get_resolver().url_patterns, "")
    routes = [r for r in found if r.startswith("petugas/") and not r.startswith("petugas/masuk/")
              and r != "petugas/keluar/"]
    return ["/" + re.sub(r"<int:\w+>", "1", re.sub(r"<(?:str:|slug:)?\w+>", "ZZZZZZZZ", r)) for r in routes]


def test_a_session_without_the_second_step_opens_no_officer_page_api_or_admin(branch: Any) -> None:
    """A session signed in with the password only (one from before the second step existed): every officer
    page sends it to the code step, the officer API answers 401, the admin sends it to the code step too."""
    from lapakasik.api.api import api

    user = _officer(branch, "supervisor")
    user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    pages = _officer_routes()
    assert CALLS in pages and len(pages) >= 4
    for url in pages:
        for method in ("get", "post"):
            r = getattr(client, method)(url)
            assert r.status_code == 302 and r["Location"].startswith(f"{CODE}?next="), (method, url, r.status_code)
    schema = api.get_openapi_schema()
    officer_gets = [path for path, item in schema["paths"].items() if "/officer/" in path and "get" in item]
    assert officer_gets
    for path in officer_gets:
        r = client.get(re.sub(r"\{\w+\}", "ZZZZZZZZ", path))
        assert r.status_code == 401 and r.json()["error"]["code"] == "otp_required", path
    admin = client.get("/admin/", follow=True)
    assert admin.redirect_chain[-1][0].startswith(f"{CODE}?next=")

    assert _code(client, totp_code(_device(user))).status_code == 302  # the second step, then it all opens
    assert client.get(CALLS).status_code == 200 and client.get("/admin/").status_code == 200


def test_the_admin_asks_for_both_steps(branch: Any) -> None:
    user = _officer(branch, "national_admin")
    user.is_superuser = True
    user.save()
    anonymous = Client()
    r = anonymous.get("/admin/")
    assert r.status_code == 302 and r["Location"].startswith("/admin/login/")
    login = anonymous.get(r["Location"])
    assert login.status_code == 302 and login["Location"].startswith(f"{LOGIN}?next=")
    client = csrf_client()
    assert _password(client, user.username, next_url="/admin/").status_code == 302
    page = client.get(CODE)
    done = client.post(CODE, {"csrfmiddlewaretoken": csrf_of(page), "code": totp_code(_device(user)),
                              "next": "/admin/"})
    assert done["Location"] == "/admin/" and client.get("/admin/").status_code == 200
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 200  # devices are managed there


def test_participant_pages_are_unaffected(branch: Any) -> None:
    user = _officer(branch)
    half = Client()
    half.force_login(user)  # even a half-signed-in officer's browser
    for client in (Client(), half):
        for url in ("/", "/antrean/", "/antrean/saya/"):
            assert client.get(url).status_code == 200, url


def test_the_test_helper_signs_in_like_both_steps_do(branch: Any) -> None:
    user = _officer(branch)
    client = officer_login(Client(), user)
    assert client.get(CALLS).status_code == 200
    assert get_user_model().objects.get(pk=user.pk).last_login is not None


def test_the_sign_in_pages_speak_english_too(branch: Any) -> None:
    user = _officer(branch, device=False)
    client = csrf_client()
    client.cookies["lapakasik_lang"] = "en"
    assert "Step 1 of 2" in client.get(LOGIN).content.decode()
    assert _password(client, user.username).status_code == 302
    enrol = client.get(ENROL).content.decode()
    assert "Enrol an authenticator app" in enrol and "Scan this QR code" in enrol
    wrong = _code(client, "000000x", ENROL).content.decode()
    assert "The code does not match" in wrong


@pytest.mark.django_db(transaction=True)
def test_the_same_code_sent_twice_at_once_is_accepted_once(branch: Any) -> None:
    """Two requests with one code at the same moment (a double submit, or an attacker racing the officer): the
    device row is locked while a code is checked, so the second sees ``last_t`` already moved on."""
    import threading

    from django.db import connection

    user = _officer(branch)
    code = totp_code(_device(user))
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def attempt() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(services.second_factor_verify(user=user, token=code).ok)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == [False, True]
