"""Production never starts with demo accounts or development defaults.

Each case runs the real console script in a child process with production settings, the way a
deployment would, and checks what an operator would see: one clear line and a non-zero exit, and no
demo data in the database."""

from __future__ import annotations

import secrets
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from .procs import child_env, free_port, kill_tree, lapakasik

pytestmark = pytest.mark.slow

HOST = "lapakasik.bpjsketenagakerjaan.go.id"


def _env(data: Path, **overrides: str | None) -> dict[str, str]:
    values: dict[str, str | None] = {
        "LAPAKASIK_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}", "PUBLIC_BASE_URL": f"https://{HOST}", **overrides,
    }
    return child_env(data, **values)


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(lapakasik(*args), env=env, capture_output=True, text=True, timeout=120)


def _error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def _usernames(data: Path) -> list[str]:
    with sqlite3.connect(data / "lapakasik.sqlite3") as db:
        return [row[0] for row in db.execute("SELECT username FROM auth_user ORDER BY username")]


@pytest.mark.parametrize(("override", "check_id"), [
    ({"SECRET_KEY": None}, "lapakasik.E001"),
    ({"DEBUG": "1"}, "lapakasik.E002"),
    ({"LAPAKASIK_DEMO": "1"}, "lapakasik.E003"),
    ({"PUBLIC_BASE_URL": None}, "lapakasik.E005"),
    ({"PUBLIC_BASE_URL": ""}, "lapakasik.E005"),
    ({"PUBLIC_BASE_URL": "http://127.0.0.1:8000"}, "lapakasik.E005"),
    ({"PUBLIC_BASE_URL": "lapakasik.bpjsketenagakerjaan.go.id"}, "lapakasik.E005"),
])
def test_check_deploy_reports_development_defaults(tmp_path: Path, override: dict[str, str | None],
                                                   check_id: str) -> None:
    result = _run("check", "--deploy", env=_env(tmp_path / "data", **override))
    assert result.returncode != 0
    assert check_id in result.stdout + result.stderr


def test_production_never_writes_a_generated_secret_key(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = _run("up", "--port", str(free_port()), env=_env(data, SECRET_KEY=None))
    lines = _error_lines(result)
    assert result.returncode != 0
    assert len(lines) == 1 and "refusing to start in production" in lines[0] and "SECRET_KEY" in lines[0], lines
    assert not (data / "secret_key").exists()
    assert "Traceback" not in result.stderr
    with sqlite3.connect(data / "lapakasik.sqlite3") as db:  # refused before migrating or seeding anything
        assert db.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0


@pytest.mark.parametrize("command", ["up", "serve", "worker", "mailgateway"])
def test_every_production_start_refuses_an_account_with_the_demo_password(tmp_path: Path, command: str) -> None:
    data = tmp_path / "data"
    env = _env(data)
    assert _run("migrate", env=env).returncode == 0
    # An operator who copied the README: a superuser with the published password (set without validators).
    made = _run("shell", "-c", "from django.contrib.auth.models import User; "
                "User.objects.create_superuser('admin', 'a@example.org', 'lapakasik-demo')", env=env)
    assert made.returncode == 0, made.stderr
    check = _run("check", "--deploy", env=env)
    assert check.returncode != 0 and "lapakasik.E004" in check.stdout + check.stderr and "admin" in check.stderr

    args = [command, "--port", str(free_port())] if command in ("up", "serve") else [command]
    result = _run(*args, env=env)
    lines = _error_lines(result)
    assert result.returncode != 0
    assert len(lines) == 1 and "refusing to start in production" in lines[0] and "lapakasik.E004" in lines[0], lines


def test_production_up_starts_without_any_demo_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    out_path = tmp_path / "stdout"
    with out_path.open("w") as out:
        proc = subprocess.Popen(lapakasik("up", "--port", str(free_port())), env=_env(data), stdout=out,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while "is running" not in out_path.read_text():
            assert proc.poll() is None, out_path.read_text()
            assert time.monotonic() < deadline, out_path.read_text()
            time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    finally:
        kill_tree(proc)
    output = out_path.read_text()
    assert "lapakasik-demo" not in output and "Demo log-ins" not in output and "Dev inbox" not in output
    assert _usernames(data) == []
    with sqlite3.connect(data / "lapakasik.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM branches_branch").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM registry_demoparticipant").fetchone()[0] == 0


def test_seed_demo_refuses_in_production(tmp_path: Path) -> None:
    env = _env(tmp_path / "data")
    assert _run("migrate", env=env).returncode == 0
    result = _run("seed_demo", env=env)
    assert result.returncode != 0
    assert "demo mode only" in result.stderr
    assert _usernames(tmp_path / "data") == []


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_production_start_refuses_without_public_base_url(tmp_path: Path, command: str) -> None:
    """Without PUBLIC_BASE_URL every link a participant gets would point to the wrong place: production
    says so in one line and does not start."""
    env = _env(tmp_path / "data", PUBLIC_BASE_URL=None, PORT="9443")
    args = [command, "--port", str(free_port())] if command == "serve" else [command]
    result = _run(*args, env=env)
    lines = _error_lines(result)
    assert result.returncode != 0
    assert len(lines) == 1 and "refusing to start in production" in lines[0], lines
    assert "PUBLIC_BASE_URL" in lines[0] and "lapakasik.E005" in lines[0]
