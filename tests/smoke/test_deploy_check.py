"""Production settings pass `lapakasik check --deploy` with no warnings; weakening one is caught."""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

import pytest

from .procs import child_env, lapakasik

pytestmark = pytest.mark.slow


def _production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    values: dict[str, str | None] = {
        "LAPAKASIK_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "lapakasik.bpjsketenagakerjaan.go.id",
        "CSRF_TRUSTED_ORIGINS": "https://lapakasik.bpjsketenagakerjaan.go.id",
        "PUBLIC_BASE_URL": "https://lapakasik.bpjsketenagakerjaan.go.id",
        **overrides,
    }
    return child_env(tmp_path / "data", **values)


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(lapakasik("check", "--deploy", "--fail-level", "WARNING"), env=env,
                          capture_output=True, timeout=120)


def test_production_settings_pass_check_deploy(tmp_path: Path) -> None:
    result = _check(_production_env(tmp_path))
    output = result.stdout.decode() + result.stderr.decode()
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNING" not in output.upper().replace("--FAIL-LEVEL WARNING", "")


def test_production_settings_are_strict(tmp_path: Path) -> None:
    """The production switch turns on HTTPS, HSTS and secure cookies, and DEBUG stays off."""
    env = _production_env(tmp_path)
    code = ("from django.conf import settings as s; print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
            "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.DEMO_MODE)")
    result = subprocess.run(lapakasik("shell", "-c", code), env=env, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().strip().splitlines()[-1].split() == ["False", "True", "31536000", "True", "True", "False"]


@pytest.mark.parametrize(("override", "warning"), [
    ({"DEBUG": "1"}, "security.W018"),
    ({"SECRET_KEY": "short"}, "security.W009"),
    ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
])
def test_weakened_production_settings_fail_check_deploy(tmp_path: Path, override: dict[str, str],
                                                        warning: str) -> None:
    result = _check(_production_env(tmp_path, **override))
    assert result.returncode != 0
    assert warning in result.stderr.decode() + result.stdout.decode()
