"""Demo officers' published TOTP secrets: seeded, printed by `lapakasik up` / `lapakasik demo_logins` and on the
demo home page, good for signing in — and refused by every production start (lapakasik.E006), as is a
production run with the lock-out off (lapakasik.E007)."""

from __future__ import annotations

import io
import secrets
import subprocess
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from lapakasik.accounts.checks import demo_totp_secrets_check, lockout_check
from lapakasik.accounts.seed import DEMO_PASSWORD, DEMO_USERS
from lapakasik.accounts.seed import seed_demo as accounts_seed
from lapakasik.accounts.selectors import demo_logins
from lapakasik.accounts.totp import base32_secret, code_at, demo_key
from lapakasik.core.checks import refuse_unsafe_production

from ..smoke.procs import child_env, lapakasik
from .helpers import csrf_client, csrf_of

NAMES = [u[0] for u in DEMO_USERS]


def _codes_around_now(key: str) -> set[str]:
    now = time.time()
    return {code_at(key, now + d) for d in (-30, 0, 30)}


@pytest.mark.django_db
def test_every_demo_officer_signs_in_with_the_published_secret(officers: None) -> None:
    for login in demo_logins():
        assert login.secret, login.username
        client = csrf_client()
        page = client.get("/petugas/masuk/")
        step = client.post("/petugas/masuk/", {"csrfmiddlewaretoken": csrf_of(page), "username": login.username,
                                               "password": DEMO_PASSWORD})
        assert step["Location"] == "/petugas/masuk/kode/", login.username
        page = client.get(step["Location"])
        key = base32_secret_to_key(login.secret)  # what an authenticator app does with the secret
        done = client.post(step["Location"], {"csrfmiddlewaretoken": csrf_of(page), "code": code_at(key)})
        # The front desk's own page, a company's HR officer's own page, or the work queue.
        home = ("/petugas/depan/" if login.username.startswith("satpam.") else
                "/perusahaan/" if login.username.startswith("hrd.") else "/petugas/")
        assert done.status_code == 302 and done["Location"] == home, login.username
        assert client.get(home).status_code == 200, login.username


def base32_secret_to_key(secret: str) -> str:
    import base64

    return base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()


@pytest.mark.django_db
def test_the_seed_is_deterministic_idempotent_and_keeps_an_enrolled_app(officers: None) -> None:
    User = get_user_model()
    for name in NAMES:
        [device] = TOTPDevice.objects.filter(user__username=name)
        assert device.confirmed and device.key == demo_key(name)
    assert len({demo_key(n) for n in NAMES}) == len(NAMES)
    own = User.objects.get(username="petugas.makassar")
    TOTPDevice.objects.filter(user=own).delete()
    TOTPDevice.objects.create(user=own, name="ponsel", confirmed=True)
    accounts_seed()
    assert TOTPDevice.objects.count() == len(NAMES)
    assert TOTPDevice.objects.get(user=own).name == "ponsel"  # not replaced by the demo secret
    [makassar] = [login for login in demo_logins() if login.username == "petugas.makassar"]
    assert (makassar.secret, makassar.code, makassar.oathtool) == ("", "", "")


@pytest.mark.django_db
def test_demo_logins_prints_each_secret_its_code_and_the_oathtool_line(officers: None) -> None:
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert f"password '{DEMO_PASSWORD}'" in text
    for name in NAMES:
        secret = base32_secret(demo_key(name))
        [line] = [line for line in text.splitlines() if line.strip().startswith(name + " ")]
        assert f"secret {secret}" in line and line.endswith(f"oathtool --totp -b {secret}")
        code = line.split("code now ")[1].split()[0]
        assert code in _codes_around_now(demo_key(name))
    with override_settings(DEMO_MODE=False):
        out = io.StringIO()
        call_command("demo_logins", stdout=out)
        assert "oathtool" not in out.getvalue() and DEMO_PASSWORD not in out.getvalue()


@pytest.mark.django_db
def test_the_demo_home_page_shows_the_secrets_in_demo_mode_only(officers: None) -> None:
    html = Client().get("/").content.decode()
    for name in NAMES:
        secret = base32_secret(demo_key(name))
        assert secret in html and f"oathtool --totp -b {secret}" in html
    with override_settings(DEMO_MODE=False):
        html = Client().get("/").content.decode()
    assert not any(base32_secret(demo_key(n)) in html for n in NAMES) and DEMO_PASSWORD not in html


@pytest.mark.django_db
def test_production_refuses_a_device_with_a_demo_secret(officers: None) -> None:
    assert demo_totp_secrets_check() == []  # development: demo data is expected
    with override_settings(PRODUCTION=True):
        [error] = demo_totp_secrets_check()
        assert error.id == "lapakasik.E006" and "petugas.sudirman" in error.msg
        with pytest.raises(CommandError, match=r"lapakasik\.E006"):
            refuse_unsafe_production()
        # A real officer who copied a demo secret from the README into their own device.
        TOTPDevice.objects.exclude(user__username="admin").delete()
        real = get_user_model().objects.create_user("petugas.asli", password=None)
        TOTPDevice.objects.filter(user__username="admin").update(user=real)
        [error] = demo_totp_secrets_check()
        assert "petugas.asli" in error.msg
        TOTPDevice.objects.all().delete()
        TOTPDevice.objects.create(user=real, name="ponsel", confirmed=True)
        assert demo_totp_secrets_check() == []


def test_production_refuses_to_run_with_the_lockout_off() -> None:
    assert lockout_check() == []
    with override_settings(PRODUCTION=True, AXES_ENABLED=True):
        assert lockout_check() == []
    with override_settings(PRODUCTION=True, AXES_ENABLED=False):
        [error] = lockout_check()
        assert error.id == "lapakasik.E007"


@pytest.mark.slow
def test_check_deploy_names_a_demo_totp_secret(tmp_path: Path) -> None:
    """The real command in a production environment: `lapakasik check --deploy` fails with E006."""
    host = "lapakasik.example.id"
    env = child_env(tmp_path / "data", LAPAKASIK_ENV="production", SECRET_KEY=secrets.token_urlsafe(64),
                    ALLOWED_HOSTS=host, CSRF_TRUSTED_ORIGINS=f"https://{host}", PUBLIC_BASE_URL=f"https://{host}")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(lapakasik(*args), env=env, capture_output=True, text=True, timeout=120)

    assert run("migrate").returncode == 0
    made = run("shell", "-c", "from django.contrib.auth.models import User; "
               "from django_otp.plugins.otp_totp.models import TOTPDevice; "
               "from lapakasik.accounts.totp import demo_key; "
               "u = User.objects.create_user('kepala.sudirman', password=None); "
               "TOTPDevice.objects.create(user=u, name='x', key=demo_key('kepala.sudirman'), confirmed=True)")
    assert made.returncode == 0, made.stderr
    check = run("check", "--deploy")
    assert check.returncode != 0 and "lapakasik.E006" in check.stderr and "kepala.sudirman" in check.stderr


@pytest.mark.django_db
def test_only_the_demo_national_admin_reaches_the_configuration_site(officers: None) -> None:
    """The Django admin is configuration, not casework: a demo officer signed in with both steps is sent
    away from it; the national admin (the one superuser) gets in."""
    from .helpers import officer_login

    User = get_user_model()
    for name in NAMES:
        user = User.objects.get(username=name)
        client = officer_login(Client(), user)
        answer = client.get("/admin/")
        if name == "admin":
            assert answer.status_code == 200, name
        else:
            assert not user.is_staff, name
            assert answer.status_code == 302 and "/admin/login/" in answer["Location"], (name, answer.status_code)
