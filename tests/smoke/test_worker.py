"""Two `lapakasik worker` processes on one database: each period's periodic job is enqueued once
and run once, and both workers stop cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .procs import child_env, kill_tree, lapakasik

pytestmark = pytest.mark.slow

RUN_SECONDS = 6


def _pg_admin_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else "postgres://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: Any, tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """(DATABASE_URL for the workers, a function running SQL against it)."""
    if request.param == "sqlite":
        path = tmp_path / "worker.sqlite3"

        def query(sql: str) -> list[tuple[Any, ...]]:
            with sqlite3.connect(path) as conn:
                return conn.execute(sql).fetchall()

        yield f"sqlite:///{path}", query
        return
    import psycopg

    admin = _pg_admin_url().rsplit("/", 1)[0]
    name = f"smoke_worker_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{admin}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")

    def pg_query(sql: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(f"{admin}/{name}") as conn:
            return conn.execute(sql).fetchall()  # type: ignore[arg-type]

    try:
        yield f"{admin}/{name}", pg_query
    finally:
        with psycopg.connect(f"{admin}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_two_workers_enqueue_each_period_once(tmp_path: Path, database: tuple[str, Any]) -> None:
    url, query = database
    data_dir = tmp_path / "data"
    env = child_env(data_dir, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="tests.smoke.worker_settings")
    migrate = subprocess.run(lapakasik("migrate", "--verbosity", "0"), env=env, capture_output=True, timeout=180)
    assert migrate.returncode == 0, migrate.stderr.decode()[-2000:]

    workers, logs = [], []
    for n in range(2):
        log = (tmp_path / f"worker{n}.log").open("wb")
        logs.append(log)
        workers.append(subprocess.Popen(
            lapakasik("worker", "--tick", "0.1", "--interval", "0.2", "--worker-id", f"smoke{n}"),
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
    try:
        time.sleep(RUN_SECONDS)
        assert all(w.poll() is None for w in workers), "a worker died"
        for w in workers:
            w.send_signal(signal.SIGTERM)
        started = time.monotonic()
        codes = [w.wait(timeout=15) for w in workers]
        took = time.monotonic() - started
    finally:
        for w in workers:
            kill_tree(w)
        for log in logs:
            log.close()
    output = "\n".join((tmp_path / f"worker{n}.log").read_text() for n in range(2))
    assert codes == [0, 0], output[-3000:]
    assert took < 8
    assert "Traceback" not in output, output[-3000:]

    runs = query("SELECT period, task_id FROM core_periodicrun WHERE job = 'smoke_probe' ORDER BY period")
    periods = [r[0] for r in runs]
    assert len(periods) >= RUN_SECONDS - 3, runs  # the job was enqueued in (almost) every second it ran
    assert len(periods) == len(set(periods))
    assert periods == list(range(periods[0], periods[0] + len(periods))), "a period was skipped"
    tasks = query("SELECT id, status FROM django_tasks_database_dbtaskresult "
                  "WHERE task_path = 'tests.smoke.periodic_probe.smoke_probe'")
    assert len(tasks) == len(runs), (runs, tasks)  # one task per period, never two
    assert {str(r[1]).replace("-", "") for r in runs} == {str(t[0]).replace("-", "") for t in tasks}

    executed = (data_dir / "probe.log").read_text().split()[::2]
    assert len(executed) == len(set(executed)), "a task ran twice"
    successful = [t for t in tasks if t[1] == "SUCCESSFUL"]
    assert len(executed) == len(successful) >= len(tasks) - 2
