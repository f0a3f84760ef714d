"""`lapakasik up` as a newcomer runs it: a fresh data directory, free ports, then SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from .procs import alive, child_env, descendants, free_port, kill_tree, lapakasik, wait_ready

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("stop", ["sigterm", "ctrl-c"])
def test_up_serves_home_and_branches_then_stops_cleanly(tmp_path: Path, stop: str) -> None:
    """SIGTERM to `up` (a service manager) or SIGINT to the whole process group (Ctrl-C in a terminal)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out_path, err_path = tmp_path / "stdout", tmp_path / "stderr"
    with out_path.open("wb") as out, err_path.open("wb") as err:  # files, not pipes: a stray child cannot hang us
        proc = subprocess.Popen(lapakasik("up", "--port", str(port)), env=child_env(tmp_path / "data"),
                                stdout=out, stderr=err, start_new_session=True)
    try:
        wait_ready(f"{base}/readyz", proc)
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}

        home = httpx.get(f"{base}/")
        assert home.status_code == 200
        assert '<html lang="id">' in home.text and "Klaim BPJAMSOSTEK tanpa antre" in home.text

        branches = httpx.get(f"{base}/api/v1/branches")
        assert branches.status_code == 200
        rows = branches.json()
        assert len({r["region_code"] for r in rows}) == 11
        dki = [r for r in rows if r["region_code"] == "DKI"]
        assert sorted(r["kind"] for r in dki).count("KC") == 17
        assert sorted(r["kind"] for r in dki).count("KCP") == 6
        assert all(r["channel_policy"]["mode"] == "ONLINE_ONLY" for r in dki)
        assert {"WIB", "WITA", "WIT"} <= {r["time_zone_abbreviation"] for r in rows}

        children = descendants(proc.pid)
        assert len(children) >= 3  # web server (+ its workers) and the task worker
        started = time.monotonic()
        if stop == "sigterm":
            proc.send_signal(signal.SIGTERM)
        else:
            os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=20)
        took = time.monotonic() - started
        time.sleep(0.5)
        stray = {pid: Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
                 for pid in children if alive(pid)}
    finally:
        kill_tree(proc)
    stdout, stderr = out_path.read_text(), err_path.read_text()
    assert not stray, f"processes left running after {stop}: {stray}"
    assert proc.returncode == 0, stderr[-3000:]
    assert took < 10, f"stopping took {took:.1f}s"
    assert "Lapak Asik berjalan / is running" in stdout and "stopped" in stdout
    assert "Traceback" not in stderr, stderr[-3000:]


def test_up_seeds_once(tmp_path: Path) -> None:
    """A second start on the same data directory keeps the data and does not seed again."""
    env = child_env(tmp_path / "data")
    for expected in ("branches: 11 regions", "demo data already seeded"):
        port = free_port()
        proc = subprocess.Popen(lapakasik("up", "--port", str(port)), env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
        try:
            wait_ready(f"http://127.0.0.1:{port}/readyz", proc)
            proc.send_signal(signal.SIGTERM)
            out, _err = proc.communicate(timeout=15)
        finally:
            kill_tree(proc)
        assert proc.returncode == 0
        assert expected in out.decode()


@pytest.mark.parametrize("url", [
    "postgres://nobody:s3cret@127.0.0.1:1/x",  # nothing listens on port 1
    "garbage://whatever/db",  # unknown scheme
    "not a url at all",
    "mysql://user@127.0.0.1/x",  # a scheme this product does not support
    "sqlite:////nonexistent-directory/lapakasik.sqlite3",
])
def test_wrong_database_url_stops_up_with_one_clear_line(tmp_path: Path, url: str) -> None:
    env = child_env(tmp_path / "data", DATABASE_URL=url)
    started = time.monotonic()
    result = subprocess.run(lapakasik("up", "--port", str(free_port())), env=env, capture_output=True, timeout=60)
    stderr = result.stderr.decode()
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert result.returncode != 0
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert "DATABASE_URL" in lines[0] or "database unreachable" in lines[0]
    assert "s3cret" not in stderr  # the password is never echoed
    assert time.monotonic() - started < 30
    assert not result.stdout.decode().strip() or "is running" not in result.stdout.decode()


def test_port_in_use_stops_up_with_one_clear_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(lapakasik("up", "--port", str(port)), env=child_env(tmp_path / "data"),
                                capture_output=True, timeout=60)
    lines = [line for line in result.stderr.decode().splitlines() if line.strip()]
    assert result.returncode != 0
    assert len(lines) == 1 and f"port {port}" in lines[0] and "in use" in lines[0], lines


def _child_pid(up_pid: int, command: str) -> int | None:
    """The pid of `up`'s direct child running ``lapakasik <command>``."""
    for pid in descendants(up_pid):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == up_pid and command.encode() in argv and alive(pid):
            return pid
    return None


def test_up_restarts_a_killed_child_and_still_stops_cleanly(tmp_path: Path) -> None:
    """SIGKILL of the worker: `up` logs one line and starts a new worker; the web keeps serving."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out_path, err_path = tmp_path / "stdout", tmp_path / "stderr"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(lapakasik("up", "--port", str(port), "--no-seed"), env=child_env(tmp_path / "data"),
                                stdout=out, stderr=err, start_new_session=True)
    try:
        wait_ready(f"{base}/readyz", proc)
        old = _child_pid(proc.pid, "worker")
        assert old is not None
        os.kill(old, signal.SIGKILL)
        deadline = time.monotonic() + 10
        new = None
        while time.monotonic() < deadline and (new is None or new == old):
            time.sleep(0.2)
            new = _child_pid(proc.pid, "worker")
        assert new is not None and new != old, err_path.read_text()
        assert proc.poll() is None  # everything else kept running
        assert httpx.get(f"{base}/healthz").status_code == 200
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    finally:
        kill_tree(proc)
    stderr = err_path.read_text()
    assert proc.returncode == 0, stderr[-3000:]
    assert "worker stopped (signal SIGKILL)" in stderr and "restarting in 0.5 s" in stderr, stderr[-3000:]
    assert "Traceback" not in stderr, stderr[-3000:]


def test_up_stops_all_on_a_crash_loop_and_says_why(tmp_path: Path) -> None:
    """A gateway that cannot start (its port is taken) crashes again and again: `up` gives up with exit 1."""
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        env = child_env(tmp_path / "data", MAILGATEWAY_PORT=str(busy.getsockname()[1]))
        started = time.monotonic()
        result = subprocess.run(lapakasik("up", "--port", str(free_port()), "--no-seed"), env=env,
                                capture_output=True, timeout=150, start_new_session=True)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr[-3000:]
    assert stderr.count("mailgateway stopped (exit 1)") == 4, stderr[-3000:]
    assert "mailgateway crashed 5 times in a row" in stderr and "stopping all" in stderr
    assert "stopped" in result.stdout.decode()
    assert time.monotonic() - started < 150  # 7.5 s of backoff plus five starts of the gateway
