"""`lapakasik serve` with either server: serves the app and stops cleanly (no workers left behind)."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from .procs import alive, child_env, descendants, free_port, kill_tree, lapakasik, wait_ready

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "data"
    migrate = subprocess.run(lapakasik("migrate", "--verbosity", "0"), env=child_env(path), capture_output=True,
                             timeout=180)
    assert migrate.returncode == 0, migrate.stderr.decode()[-2000:]
    return path


@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_serve_runs_the_app_and_stops_on_sigterm(data_dir: Path, tmp_path: Path, server: str) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with (tmp_path / "log").open("wb") as log:
        proc = subprocess.Popen(lapakasik("serve", "--server", server, "--port", str(port), "--workers", "2"),
                                env=child_env(data_dir), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_ready(f"{base}/readyz", proc)
        page = httpx.get(f"{base}/")
        assert page.status_code == 200 and '<html lang="id">' in page.text
        api = httpx.get(f"{base}/api/v1/branches/NOPE")
        assert api.status_code == 404 and set(api.json()["error"]) >= {"code", "message", "fields"}
        workers = descendants(proc.pid)
        assert len(workers) >= 2  # two worker processes under the master
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=20)
        took = time.monotonic() - started
        time.sleep(0.3)
        stray = [pid for pid in workers if alive(pid)]
    finally:
        kill_tree(proc)
    log_text = (tmp_path / "log").read_text()
    assert code == 0, log_text[-2000:]
    assert took < 12, f"{server} took {took:.1f}s to stop"
    assert not stray, f"{server} left workers running: {stray}"
    assert f"serving on {base} with {server}" in log_text
    assert "GET /" not in log_text  # no access log unless asked (--access-log / WEB_ACCESS_LOG=1)
