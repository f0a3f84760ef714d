"""Data files are owner-only: the data directory 0700, the database, the secret key, private documents
and spooled mail 0600 — created so by `lapakasik` itself, whatever the caller's umask."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from .procs import child_env, lapakasik

pytestmark = pytest.mark.slow

STORE_AND_SPOOL = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from lapakasik.mailgateway import conf
from lapakasik.mailgateway.server import Spool
name = default_storage.save("claims/x/ktp.jpg", ContentFile(b"personal"))
spool = Spool()
spool.fh.write(b"Subject: x")
spool.fh.close()
print(default_storage.path(name))
print(spool.path)
"""


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _run(env: dict[str, str], *args: str) -> str:
    # A permissive umask, as a shell or a service manager may have: the modes must not depend on it.
    result = subprocess.run(lapakasik(*args), env=env, capture_output=True, timeout=120,
                            preexec_fn=lambda: os.umask(0o022))
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    return result.stdout.decode()


def test_a_fresh_data_directory_is_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = child_env(data)
    _run(env, "migrate", "--verbosity", "0")
    assert _mode(data) == 0o700
    db = data / "lapakasik.sqlite3"
    assert db.stat().st_size > 0 and _mode(db) == 0o600
    assert _mode(data / "secret_key") == 0o600
    for suffix in ("-wal", "-shm"):
        extra = Path(f"{db}{suffix}")
        if extra.exists():
            assert _mode(extra) == 0o600, suffix
    stored, spooled = (Path(line) for line in _run(env, "shell", "-c", STORE_AND_SPOOL).splitlines()[-2:])
    assert _mode(stored) == 0o600 and _mode(data / "private") == 0o700
    assert _mode(spooled) == 0o600 and _mode(spooled.parent) == 0o700
    for path in data.rglob("*"):  # nothing anywhere in the data directory is readable by others
        assert not _mode(path) & 0o077 or path.is_relative_to(data / "static"), (path, oct(_mode(path)))


def test_an_older_install_is_tightened_at_the_next_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    env = child_env(data)
    _run(env, "migrate", "--verbosity", "0")
    db = data / "lapakasik.sqlite3"
    os.chmod(db, 0o644)
    os.chmod(data, 0o755)
    _run(env, "check")
    assert _mode(data) == 0o700 and _mode(db) == 0o600
