"""Rate limits are shared by the web server's worker processes on the embedded default (no Redis):
with a limit of 10 per minute and two workers, exactly 10 requests pass and the 11th is refused.
(Counted per process, the first 429 came at the 19th request.)"""

from __future__ import annotations

import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from .procs import child_env, free_port, kill_tree, lapakasik, wait_ready

pytestmark = pytest.mark.slow

LIMIT = 10


def test_two_web_workers_share_one_limit(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = child_env(data, RATE_LIMIT_IP_PER_MINUTE=str(LIMIT))
    migrate = subprocess.run(lapakasik("migrate", "--verbosity", "0"), env=env, capture_output=True, timeout=180)
    assert migrate.returncode == 0, migrate.stderr.decode()[-2000:]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with (tmp_path / "log").open("wb") as log:
        proc = subprocess.Popen(lapakasik("serve", "--port", str(port), "--workers", "2"), env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_ready(f"{base}/readyz", proc)
        while time.time() % 60 > 40:  # all requests inside one minute window
            time.sleep(0.5)
        statuses = []
        for n in range(2 * LIMIT):
            body = {"branch_code": "JKT02", "date": (date.today() + timedelta(days=1)).isoformat(),
                    "session_start": "08:00", "claim_type": "JHT", "claim_reason": "RESIGNED",
                    "nik": f"31740101019{n + 1:05d}", "kpj": f"{12345678900 + n}", "full_name": "Budi Santoso",
                    "email": f"budi{n}@contoh.id", "phone": f"0812{55550000 + n:08d}", "language": "id",
                    "channels": ["email"]}
            # a new connection each time, so the requests spread over both workers
            statuses.append(httpx.post(f"{base}/api/v1/bookings", json=body, timeout=30,
                                       headers={"Connection": "close"}).status_code)
    finally:
        kill_tree(proc)
    assert all(s != 429 for s in statuses[:LIMIT]), statuses
    assert statuses[LIMIT:] == [429] * LIMIT, statuses
