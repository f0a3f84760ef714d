"""The virus scan against a REAL clamd (Debian's clamav-daemon), not the fake one in conftest.

There is no internet for the official signature databases, so clamd is started with a one-line body
signature for the EICAR test string (the industry's harmless test "virus"). What is tested is ours:
the INSTREAM conversation, that a hit refuses the file with nothing stored, that EICAR hidden behind a
real JPEG is still found, and that clean files pass. Skipped when clamd is not installed, unless
LAPAKASIK_REQUIRE_CLAMAV=1 (CI), where a missing clamd is a failure."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest

from lapakasik.intake.models import Document

from .conftest import EICAR, jpeg_bytes, pdf_bytes
from .test_receive import assert_refused_nothing_stored, send

pytestmark = pytest.mark.django_db

CLAMD = shutil.which("clamd") or "/usr/sbin/clamd"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"zPING\0")
            return s.recv(16).startswith(b"PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def real_clamd(tmp_path_factory: Any) -> Iterator[str]:
    if not os.path.exists(CLAMD):
        if os.environ.get("LAPAKASIK_REQUIRE_CLAMAV") == "1":
            pytest.fail("clamd is not installed (apt-get install clamav-daemon) and LAPAKASIK_REQUIRE_CLAMAV=1")
        pytest.skip("clamd not installed (apt-get install clamav-daemon)")
    home = tmp_path_factory.mktemp("clamd")
    (home / "db").mkdir()
    (home / "db" / "lapakasik-test.ndb").write_text(f"Lapakasik.Test.EICAR:0:*:{EICAR.hex()}\n")
    port = _free_port()
    (home / "clamd.conf").write_text(
        f"Foreground yes\nDatabaseDirectory {home / 'db'}\nTCPSocket {port}\nTCPAddr 127.0.0.1\n"
        f"LogFile {home / 'clamd.log'}\nStreamMaxLength 30M\n"
    )
    proc = subprocess.Popen([CLAMD, "-c", str(home / "clamd.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not _ping(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                log = (home / "clamd.log").read_text() if (home / "clamd.log").exists() else ""
                pytest.fail(f"clamd did not start: {log[-2000:]}")
            time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_eicar_refused_by_real_clamd(claim: Any, settings: Any, real_clamd: str) -> None:
    settings.INTAKE_CLAMD_ADDRESS = real_clamd
    assert_refused_nothing_stored(claim, send(claim, EICAR, "ktp.jpg"), "virus")


def test_eicar_behind_a_real_jpeg_is_found(claim: Any, settings: Any, real_clamd: str) -> None:
    settings.INTAKE_CLAMD_ADDRESS = real_clamd
    result = send(claim, jpeg_bytes() + EICAR, "ktp.jpg")
    assert_refused_nothing_stored(claim, result, "virus")


def test_clean_files_pass_the_real_scanner(claim: Any, settings: Any, real_clamd: str) -> None:
    settings.INTAKE_CLAMD_ADDRESS = real_clamd
    assert send(claim, jpeg_bytes(seed=3), "ktp.jpg").outcome == "received"
    assert send(claim, pdf_bytes(pages=1), "formulir5.pdf", "formulir_5").outcome == "received"
    assert Document.objects.filter(claim=claim, status="RECEIVED").count() == 2
