"""Server CPU per booking request, in process, against an earlier checkout measured in the same run.

The whole-server rush (``lapakasik bench booking``) needs an idle machine: on a shared box its throughput
follows the other processes' load more than the code. This one measures what the code costs: the process
CPU time (``time.process_time``) of one ``POST /api/v1/bookings`` through the whole Django stack (the
product's settings and middleware, Django's test client, PostgreSQL), for

- a **successful booking** (a fresh eligible participant, a session with free seats), and
- a **``slot_full`` refusal** (the same session once full: the path most requests of a rush take).

``--baseline PATH`` is another checkout's ``src`` directory (for example a worktree of an earlier commit):
each round runs the current tree and the baseline one after the other, each in a fresh process on its own
database, so both see the same load; the medians of every round are printed side by side with their ratio.
Rate limits are off (every request comes from one client); the opening waiting room and load shedding,
which this does not measure, are off.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

HERE = Path(__file__).resolve()


def add_arguments(parser: Any) -> None:
    parser.add_argument("--baseline", default="", help="src directory of the checkout to compare with")
    parser.add_argument("--requests", type=int, default=200, help="bookings, then refusals, per round (200)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds, each tree once per round (2)")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--measure", default="", help=Path(__file__).name + " internal: measure this database")


def _env(src: str, pg: str, database: str, workdir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LAPAKASIK_"))}
    env.update({
        "PYTHONPATH": os.pathsep.join([src, str(HERE.parent.parent)]), "DATABASE_URL": f"{pg}/{database}",
        "LAPAKASIK_DATA_DIR": workdir, "DEBUG": "0", "LAPAKASIK_ENV": "development", "LOG_LEVEL": "ERROR",
        "RATE_LIMIT_IP_PER_MINUTE": "0", "RATE_LIMIT_NIK_PER_MINUTE": "0", "RATE_LIMIT_PHONE_PER_MINUTE": "0",
        "OPENING_ENABLED": "0", "OVERLOAD_SHEDDING": "0", "DJANGO_SETTINGS_MODULE": "lapakasik.settings",
    })
    return env


def _one(src: str, pg: str, database: str, n: int) -> dict[str, float]:
    """Set up a database for ``src`` and measure it in a fresh process; the medians in ms."""
    import psycopg

    workdir = tempfile.mkdtemp(prefix="lapakasik-bench-bookingcpu-")
    env = _env(src, pg, database, workdir)
    exe = [sys.executable, "-m", "lapakasik"]
    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")  # type: ignore[arg-type]
        conn.execute(f"CREATE DATABASE {database}")  # type: ignore[arg-type]
    try:
        for argv in ([*exe, "migrate", "-v0"], [*exe, "seed_demo", "--participants", str(4 * n + 200)]):
            done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise CommandError(f"{' '.join(argv)} ({src}) failed:\n{done.stderr[-3000:]}")
        done = subprocess.run([sys.executable, "-m", "lapakasik_bench.bookingcpu", "--measure", str(n)], env=env, capture_output=True,
                              text=True, check=False)
        if done.returncode != 0:
            raise CommandError(f"measuring {src} failed:\n{done.stderr[-3000:]}")
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")  # type: ignore[arg-type]


def run(options: dict[str, Any], stdout: Any) -> None:
    current = str(HERE.parent.parent.parent / "src")
    trees = [("this checkout", current)]
    if options["baseline"]:
        if not (Path(options["baseline"]) / "lapakasik").is_dir():
            raise CommandError("--baseline: the src directory of a checkout (it holds lapakasik/)")
        trees.append(("baseline", str(Path(options["baseline"]).resolve())))
    pg, n = options["pg"].rstrip("/"), options["requests"]
    w = stdout.write
    w(f"booking CPU per request, in process (PostgreSQL, {n} bookings then {n} refusals per run; "
      f"load average {os.getloadavg()[0]:.1f})")
    results: dict[str, list[dict[str, float]]] = {label: [] for label, _src in trees}
    for r in range(options["rounds"]):
        for label, src in trees:
            got = _one(src, pg, f"bench_bookingcpu_{len(results[label])}_{label.split()[0]}", n)
            results[label].append(got)
            w(f"  round {r + 1} {label:13}  booking {got['booking']:6.2f} ms   slot_full refusal "
              f"{got['refusal']:5.2f} ms   (load {os.getloadavg()[0]:.1f})")
    summary = {label: {k: statistics.median(x[k] for x in runs) for k in ("booking", "refusal")}
               for label, runs in results.items()}
    for label, s in summary.items():
        w(f"  median {label:13} booking {s['booking']:6.2f} ms   slot_full refusal {s['refusal']:5.2f} ms")
    if "baseline" in summary:
        a, b = summary["this checkout"], summary["baseline"]
        w(f"  this checkout ÷ baseline: booking {a['booking'] / b['booking']:.2f}×, "
          f"refusal {a['refusal'] / b['refusal']:.2f}×")


def _measure(n: int) -> None:
    """In the child process: ``n`` bookings into one session, then ``n`` refusals once it is full."""
    import django

    django.setup()
    from django.test import Client

    from lapakasik.booking.models import SlotQuota

    listing = subprocess.run([sys.executable, "-m", "lapakasik", "demo_participants", "--format", "json"],
                             capture_output=True, text=True, check=True).stdout
    people = [json.loads(line) for line in listing.splitlines() if line.startswith("{")]
    people = [p for p in people if p.get("expected") == "eligible" and not p.get("insured_nik")]
    slot = SlotQuota.objects.filter(branch__code="BDG01").order_by("starts_at")[1]
    SlotQuota.objects.filter(pk=slot.pk).update(capacity=n)
    client = Client()

    def post(i: int, p: dict[str, Any]) -> tuple[int, float]:
        body = json.dumps({
            "branch_code": "BDG01", "date": str(slot.date), "session_start": f"{slot.session_start:%H:%M}",
            "claim_type": "JHT", "claim_reason": p.get("claim_reason", "RESIGNED"), "nik": p["nik"], "kpj": p["kpj"],
            "full_name": p["full_name"], "email": f"peserta{i}@bench.example", "phone": f"0812{70000000 + i:08d}",
            "channels": ["email"]})
        t = time.process_time()
        answer = client.post("/api/v1/bookings", body, content_type="application/json")
        took = (time.process_time() - t) * 1000
        if answer.status_code not in (201, 409):
            raise SystemExit(f"unexpected answer {answer.status_code}: {answer.content[:400]!r}")
        if answer.status_code == 409 and b'"slot_full"' not in answer.content:
            return 0, took  # the demo seed booked this person already (casework's demo claims): not counted
        return answer.status_code, took

    booked: list[tuple[int, float]] = []
    refused: list[tuple[int, float]] = []
    for i, p in enumerate(people):
        status, ms = post(i, p)
        if status == 201:
            booked.append((status, ms))
        elif status == 409 and len(booked) >= n:
            refused.append((status, ms))
        elif status == 409:
            raise SystemExit("slot_full before the session's seats were taken")
        if len(refused) >= n:
            break
    if len(booked) < n or len(refused) < n // 2:
        raise SystemExit(f"not enough answers: {len(booked)} bookings, {len(refused)} refusals")
    # The first fifth warms the caches and imports; the medians of the rest.
    cut = n // 5
    print(json.dumps({"booking": statistics.median(ms for _s, ms in booked[cut:]),
                      "refusal": statistics.median(ms for _s, ms in refused[30:])}))


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--measure":
    _measure(int(sys.argv[2]))
