"""A gateway killed mid-DATA leaves its spool file; the next gateway to start removes it at once,
but never a file another live gateway on the same spool directory is still writing."""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
import time
from typing import Any

import pytest

from lapakasik.mailgateway import conf
from lapakasik.mailgateway.services import spool_leftovers_clean


@pytest.fixture
def spool(settings: Any, tmp_path: Any) -> Any:
    settings.MAILGATEWAY_SPOOL_DIR = str(tmp_path / "spool")
    return conf.spool_dir()


def _aged(path: Any, seconds: float) -> None:
    os.utime(path, (time.time() - seconds, time.time() - seconds))


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_dead_gateways_file_goes_at_once_a_live_ones_stays(spool: Any) -> None:
    host = conf.this_host()
    dead = spool / f"in-{host}-{_dead_pid()}-abc123.eml"
    dead.write_bytes(b"half a message")
    _aged(dead, 10)
    just_written = spool / f"in-{host}-{_dead_pid()}-def456.eml"
    just_written.write_bytes(b"x")  # within the grace period: left alone this time
    live = spool / f"in-{host}-{os.getppid()}-ghi789.eml"  # a live process (another gateway)
    live.write_bytes(b"arriving")
    _aged(live, 600)
    other_host = spool / f"in-elsewhere.example-{_dead_pid()}-jkl012.eml"  # cannot judge its pid
    other_host.write_bytes(b"x")
    _aged(other_host, 600)
    assert spool_leftovers_clean() == 1
    assert not dead.exists() and just_written.exists() and live.exists() and other_host.exists()
    _aged(other_host, 7200)
    _aged(live, 7200)
    assert spool_leftovers_clean() == 2  # after an hour whatever it is goes


def test_spool_names_carry_this_host_and_pid(spool: Any) -> None:
    from lapakasik.mailgateway.server import Spool

    s = Spool()
    try:
        assert conf.spool_owner(os.path.basename(s.path)) == (conf.this_host(), os.getpid())
    finally:
        s.discard()
    assert conf.spool_owner("in-crashed.eml") is None
    assert conf.spool_owner("in-a-b-c.eml") is None


@pytest.mark.slow
def test_a_gateway_killed_mid_data_leaves_nothing_after_the_next_start(gateway_factory: Any, claim: Any,
                                                                     tmp_path: Any) -> None:
    """A real gateway process is SIGKILLed in the middle of DATA; a new one starts on the same spool."""
    from tests.smoke.procs import child_env, free_port, lapakasik

    from .conftest import address_of

    env = child_env(tmp_path / "data", MAILGATEWAY_SPOOL_DIR=str(tmp_path / "spool2"))
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):  # the test database of this run, on the same server
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        env["DATABASE_URL"] = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    port = free_port()
    env["MAILGATEWAY_PORT"] = str(port)
    spool2 = tmp_path / "spool2"

    def start() -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(lapakasik("mailgateway"), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                smtplib.SMTP("127.0.0.1", port, timeout=5).quit()
                return proc
            except OSError:
                time.sleep(0.2)
        proc.kill()
        raise AssertionError(proc.stderr.read().decode() if proc.stderr else "no gateway")

    first = start()
    client = smtplib.SMTP("127.0.0.1", port, timeout=10)
    try:
        client.ehlo("client.example.id")
        client.mail("siti@example.id")
        client.rcpt(address_of(claim))
        client.putcmd("data")
        assert client.getreply()[0] == 354
        client.send(b"Subject: half\r\n\r\n" + b"x" * 100_000 + b"\r\n")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not list(spool2.glob("in-*.eml")):
            time.sleep(0.1)
        left = list(spool2.glob("in-*.eml"))
        assert left, "the transfer never reached the spool"
        first.kill()
        first.wait()
    finally:
        client.close()
        first.kill()
        first.wait()
    time.sleep(5.2)  # the grace period
    second = start()
    try:
        assert not any(p.exists() for p in left)
    finally:
        second.terminate()
        second.wait(timeout=20)
