"""Helpers for the smoke tests: free ports, a clean environment for child processes, the process tree."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child_env(data_dir: Path, **overrides: str | None) -> dict[str, str]:
    """The environment a newcomer has: the embedded default (SQLite in ``data_dir``), development mode.

    pytest-django's own variables (the test settings, a PostgreSQL DATABASE_URL of the CI run) are
    removed so the child behaves like ``make run``; ``overrides`` set (or, with None, remove) more.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAPAKASIK_", "DJANGO_"))}
    for name in ("DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "PORT", "HOST", "WEB_SERVER"):
        env.pop(name, None)
    env.update({
        "DJANGO_SETTINGS_MODULE": "lapakasik.settings",
        "LAPAKASIK_DATA_DIR": str(data_dir),
        "MAILGATEWAY_PORT": str(free_port()),
        "PYTHONUNBUFFERED": "1",
        # The opening waiting room guards the first hours after each zone's midnight (BOOKING_OPEN_HOUR):
        # a smoke test that books on the real clock must not depend on the hour it runs (its own tests
        # move the clock and switch it on).
        "OPENING_ENABLED": "0",
        # The children run the same source tree as the tests (and can import tests.* helper apps).
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "src"), str(REPO), os.environ.get("PYTHONPATH", "")])),
    })
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def lapakasik(*args: str) -> list[str]:
    return [sys.executable, "-m", "lapakasik", *args]


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (read from /proc, no psutil needed)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_ready(url: str, proc: subprocess.Popen[Any], timeout: float = 180.0) -> httpx.Response:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"process exited early with {proc.returncode}")
        try:
            last = httpx.get(url, timeout=2)
            if last.status_code == 200:
                return last
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.3)
    raise AssertionError(f"{url} not ready after {timeout}s: {last!r}")


def kill_tree(proc: subprocess.Popen[Any]) -> None:
    """Last-resort cleanup after a failed test: the whole session the child started."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the group outlives its leader while any member runs
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)
