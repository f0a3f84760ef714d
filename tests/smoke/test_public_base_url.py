"""Links follow the server's real address in development: PUBLIC_BASE_URL defaults to HOST/PORT, and
`lapakasik up --port N` hands its own address to every process it starts (the worker writes the
messages, the web server the ticket PDF). Production has no default (lapakasik.E005, see
test_production_start.py)."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

from lapakasik.core.checks import public_base_url_problem
from lapakasik.settings.env import development_base_url

from .procs import child_env, descendants, free_port, kill_tree, lapakasik, wait_ready


def _setting(env: dict[str, str]) -> str:
    result = subprocess.run(lapakasik("shell", "-c", "from django.conf import settings; print(settings.PUBLIC_BASE_URL)"),
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]  # after Django 5.2 shell's "N objects imported"


@pytest.mark.slow
def test_development_default_follows_host_and_port(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _setting(child_env(data)) == "http://127.0.0.1:8000"
    assert _setting(child_env(data, PORT="9123")) == "http://127.0.0.1:9123"
    assert _setting(child_env(data, HOST="0.0.0.0", PORT="9124")) == "http://127.0.0.1:9124"
    # An explicit value always wins (a tunnel, a reverse proxy, a phone on the LAN).
    assert _setting(child_env(data, PORT="9125", PUBLIC_BASE_URL="http://192.168.1.20:9125/")) == (
        "http://192.168.1.20:9125")


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode(errors="replace").split("=", 1) for item in raw if b"=" in item)


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")


@pytest.mark.slow
def test_up_on_another_port_gives_every_child_its_address(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out_path = tmp_path / "stdout"
    with out_path.open("wb") as out:
        proc = subprocess.Popen(lapakasik("up", "--port", str(port)), env=child_env(tmp_path / "data"),
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_ready(f"{base}/readyz", proc)
        children = {pid: _cmdline(pid) for pid in descendants(proc.pid)}
        seen = {}
        for pid, cmd in children.items():
            for name in ("serve", "worker", "mailgateway", "granian"):
                if name in cmd:
                    seen[name] = _environ(pid).get("PUBLIC_BASE_URL")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    finally:
        kill_tree(proc)
    assert {"worker", "mailgateway"} <= set(seen) and ("serve" in seen or "granian" in seen), children
    assert set(seen.values()) == {base}, seen


def test_development_base_url_is_an_address_a_browser_can_open() -> None:
    assert development_base_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert development_base_url("0.0.0.0", "9000") == "http://127.0.0.1:9000"
    assert development_base_url("::", 9000) == "http://127.0.0.1:9000"
    assert development_base_url("::1", 9000) == "http://[::1]:9000"
    assert development_base_url("laptop.local", 9000) == "http://laptop.local:9000"


@pytest.mark.parametrize(("value", "ok"), [
    ("https://lapakasik.bpjsketenagakerjaan.go.id", True),
    ("https://lapakasik.example.go.id:8443", True),
    ("http://intranet.bpjs.example", True),
    ("", False),
    ("   ", False),
    ("lapakasik.bpjsketenagakerjaan.go.id", False),  # no scheme
    ("ftp://lapakasik.example.go.id", False),
    ("https://", False),
    ("http://127.0.0.1:8000", False),
    ("http://localhost:8000", False),
    ("http://lapakasik.localhost", False),
    ("http://[::1]:8000", False),
    ("https://lapakasik.example.go.id/?next=x", False),
    ("https://lapakasik.example.go.id/#x", False),
    ("https://lapak asik.example.go.id", False),
    ("https://lapakasik.example.go.id:99999", False),
])
def test_production_public_base_url_rule(value: str, ok: bool) -> None:
    assert (public_base_url_problem(value) == "") is ok, public_base_url_problem(value)
