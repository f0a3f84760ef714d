"""Notification reliability: N notifications delivered by real worker processes (``lapakasik worker``)
to the local WhatsApp/SMS HTTP simulator while the workers are SIGKILLed K times at random moments.
Afterwards every notification must be SENT or terminally FAILED (none lost, none stuck) and the
provider-side duplicates must be ≤ K (0 where the provider honours the idempotency key). Also measured:
dispatch throughput per worker, and the time from a committed change to the provider call at rest.

Run it on a database of its own (``LAPAKASIK_DATA_DIR=/tmp/bench`` or ``DATABASE_URL=…``): it creates
rows addressed to +62899… and removes earlier ones.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from typing import Any

BENCH_PREFIX = "+628990"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--count", type=int, default=10_000, help="notifications in the kill run")
    parser.add_argument("--kills", type=int, default=20, help="SIGKILLs of a worker during the kill run")
    parser.add_argument("--workers", type=int, default=1, help="worker processes in the kill run")
    parser.add_argument("--throughput-count", type=int, default=1000, help="notifications per throughput run")
    parser.add_argument("--latency-samples", type=int, default=40)
    parser.add_argument("--poll-interval", type=float, default=0.5, help="worker --interval (its default: 0.5 s)")
    parser.add_argument("--lease", type=int, default=5, help="NOTIFY_LEASE_SECONDS for the workers")
    parser.add_argument("--replay-every", type=int, default=5, help="NOTIFY_REPLAY_EVERY_SECONDS for the workers")
    parser.add_argument("--no-idempotency", action="store_true",
                        help="the simulated provider ignores idempotency keys (duplicates become visible)")
    parser.add_argument("--skip", default="", help="comma list of phases to skip: latency,throughput,kill")
    parser.add_argument("--timeout", type=float, default=3600, help="give up waiting after this many seconds")
    parser.add_argument("--seed", type=int, default=None)


class Bench:
    def __init__(self, options: dict[str, Any], stdout: Any) -> None:
        from lapakasik.notifications.simulator import SimulatorState, start

        self.o = options
        self.out = stdout
        self.rng = random.Random(options["seed"])
        self.arrivals: dict[str, float] = {}
        self.arrived = threading.Condition()
        token = "bench-token"
        state = SimulatorState(token=token, honour_idempotency=not options["no_idempotency"],
                               on_message=self._on_message)
        self.server, self.thread = start(state=state)
        self.state = state
        self.workers: list[subprocess.Popen[bytes]] = []
        from django.conf import settings

        self.log_path = str(settings.DATA_DIR / "bench-notifications-worker.log")
        self.log = open(self.log_path, "ab")

    def _on_message(self, entry: dict[str, Any]) -> None:
        with self.arrived:
            self.arrivals.setdefault(entry["key"], time.time())
            self.arrived.notify_all()

    def say(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    # --- processes ---------------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "NOTIFY_WHATSAPP_PROVIDER": "cloud", "WHATSAPP_API_BASE_URL": self.server.base_url,
            "WHATSAPP_TOKEN": "bench-token", "WHATSAPP_PHONE_NUMBER_ID": "1000", "NOTIFY_SMS_PROVIDER": "gateway",
            "SMS_GATEWAY_URL": self.server.base_url + "/sms", "SMS_GATEWAY_TOKEN": "bench-token",
            "NOTIFY_LEASE_SECONDS": str(self.o["lease"]), "NOTIFY_REPLAY_GRACE_SECONDS": str(self.o["lease"]),
            "NOTIFY_REPLAY_EVERY_SECONDS": str(self.o["replay_every"]), "NOTIFY_HTTP_TIMEOUT_SECONDS": "5",
            "NOTIFY_RATE_LIMITS": "whatsapp=100000,sms=100000", "LOG_LEVEL": "WARNING",
        })
        from django.conf import settings

        env.setdefault("LAPAKASIK_DATA_DIR", str(settings.DATA_DIR))
        return env

    def start_worker(self) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "lapakasik", "worker", "--queues", "notifications,periodic",
             "--interval", str(self.o["poll_interval"])],
            env=self.env(), stdout=self.log, stderr=self.log)
        self.workers.append(proc)
        return proc

    def stop_workers(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.workers:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.workers = []

    def close(self) -> None:
        self.stop_workers()
        self.server.shutdown()
        self.server.server_close()
        self.log.close()

    # --- data ------------------------------------------------------------------------------------

    def clean(self) -> None:
        from django_tasks_db.models import DBTaskResult

        from lapakasik.notifications.models import Notification

        Notification.objects.filter(recipient__startswith=BENCH_PREFIX).delete()
        DBTaskResult.objects.filter(queue_name="notifications").delete()

    def enqueue(self, n: int, batch: int = 500) -> list[str]:
        from django.db import transaction

        from lapakasik.notifications.services import notification_enqueue

        keys: list[str] = []
        for start in range(0, n, batch):
            with transaction.atomic():
                for i in range(start, min(n, start + batch)):
                    channel = "whatsapp" if i % 2 == 0 else "sms"
                    [row] = notification_enqueue(
                        event="otp_code", channels=[channel], recipient=f"{BENCH_PREFIX}{i % 100000:05d}",
                        context={"otp": f"{i % 1000000:06d}"}, language="id")
                    keys.append(row.idempotency_key)
        return keys

    def counts(self) -> dict[str, int]:
        from django.db.models import Count

        from lapakasik.notifications.models import Notification

        rows = Notification.objects.filter(recipient__startswith=BENCH_PREFIX).values("status").annotate(n=Count("id"))
        return {r["status"]: r["n"] for r in rows}

    def wait_settled(self, total: int, timeout: float) -> dict[str, int]:
        deadline = time.monotonic() + timeout
        while True:
            c = self.counts()
            if c.get("PENDING", 0) + c.get("SENDING", 0) == 0 and sum(c.values()) >= total:
                return c
            if time.monotonic() > deadline:
                return c
            time.sleep(0.5)

    # --- phases -------------------------------------------------------------------------------

    def latency(self) -> None:
        samples = self.o["latency_samples"]
        self.say(f"\n[latency] {samples} single notifications, 1 idle worker polling every "
                 f"{self.o['poll_interval']} s\n")
        self.clean()
        self.start_worker()
        self.enqueue(1)  # warm-up
        self.wait_settled(1, 60)
        values = []
        for _ in range(samples):
            time.sleep(self.rng.uniform(0.05, 0.3))
            t0 = time.time()
            [key] = self.enqueue(1)
            with self.arrived:
                self.arrived.wait_for(functools.partial(self.arrivals.__contains__, key), timeout=30)
            if key in self.arrivals:
                values.append(self.arrivals[key] - t0)
        self.stop_workers()
        if not values:
            self.say("  no sample arrived\n")
            return
        values.sort()
        def p(q: float) -> float:
            return values[min(len(values) - 1, int(q * len(values)))]

        self.say(f"  commit → provider call: p50 {p(0.5) * 1000:.0f} ms, p95 {p(0.95) * 1000:.0f} ms, "
                 f"max {values[-1] * 1000:.0f} ms, mean {statistics.mean(values) * 1000:.0f} ms\n")
        self.results["latency_p50_ms"] = round(p(0.5) * 1000)
        self.results["latency_p95_ms"] = round(p(0.95) * 1000)

    def throughput(self, workers: int) -> None:
        n = self.o["throughput_count"]
        self.say(f"\n[throughput] {n} notifications queued, then {workers} worker(s)\n")
        self.clean()
        self.enqueue(n)
        t0 = time.monotonic()
        for _ in range(workers):
            self.start_worker()
        c = self.wait_settled(n, self.o["timeout"])
        elapsed = time.monotonic() - t0
        self.stop_workers()
        done = c.get("SENT", 0) + c.get("DELIVERED", 0)
        # Worker start-up (Django import, ~1 s) is inside the time: the figure is conservative.
        self.say(f"  {done}/{n} sent in {elapsed:.1f} s: {done / elapsed:.0f} msg/s in total, "
                 f"{done / elapsed / workers:.0f} msg/s per worker\n")
        self.results[f"throughput_{workers}w_per_worker"] = round(done / elapsed / workers)

    def kill_run(self) -> None:
        from lapakasik.notifications.models import Notification

        n, kills, workers = self.o["count"], self.o["kills"], self.o["workers"]
        self.say(f"\n[reliability] {n} notifications, {workers} worker(s), {kills} SIGKILLs at random moments, "
                 f"provider {'ignores' if self.o['no_idempotency'] else 'honours'} idempotency keys\n")
        self.clean()
        self.state.messages.clear()
        self.state.by_key.clear()
        self.state.calls.clear()
        t_enqueue = time.monotonic()
        keys = set(self.enqueue(n))
        self.say(f"  enqueued in {time.monotonic() - t_enqueue:.1f} s\n")
        thresholds = sorted(self.rng.uniform(0.02, 0.97) * n for _ in range(kills))
        t0 = time.monotonic()
        for _ in range(workers):
            self.start_worker()
        done_kills = 0
        deadline = time.monotonic() + self.o["timeout"]
        while done_kills < kills and time.monotonic() < deadline:
            c = self.counts()
            progressed = sum(v for k, v in c.items() if k not in ("PENDING", "SENDING"))
            if progressed >= thresholds[done_kills]:
                time.sleep(self.rng.uniform(0, 0.3))  # a random moment, mid-task or between tasks
                victim = self.rng.choice([w for w in self.workers if w.poll() is None])
                victim.send_signal(signal.SIGKILL)
                victim.wait()
                self.workers.remove(victim)
                done_kills += 1
                self.start_worker()
                continue
            if progressed >= n:
                # Everything went through before the remaining kills: kill anyway (idle workers).
                thresholds = [0.0] * kills
                continue
            time.sleep(0.2)  # progress polling is a GROUP BY over the rows: keep it light
        c = self.wait_settled(n, max(30.0, deadline - time.monotonic()))
        elapsed = time.monotonic() - t0
        self.stop_workers()
        rows = Notification.objects.filter(recipient__startswith=BENCH_PREFIX)
        sent_keys = set(rows.filter(status__in=["SENT", "DELIVERED"]).values_list("idempotency_key", flat=True))
        stuck = c.get("PENDING", 0) + c.get("SENDING", 0)
        terminal = c.get("SENT", 0) + c.get("DELIVERED", 0) + c.get("FAILED", 0)
        provider_keys = set(self.state.key_counts())
        lost_sent = len(sent_keys - provider_keys)  # SENT in our books, never reached the provider
        missing = len(keys - {r for r in rows.values_list("idempotency_key", flat=True)})
        duplicates = self.state.duplicates()
        calls = sum(self.state.calls.values())
        retried = rows.filter(attempts__gt=1).count()
        self.say(f"  kills done: {done_kills}; settled after {elapsed:.1f} s\n")
        self.say(f"  statuses: {dict(sorted(c.items()))}\n")
        self.say(f"  terminal {terminal}/{n}, stuck {stuck}, rows missing {missing}, "
                 f"SENT but never at the provider {lost_sent}\n")
        self.say(f"  provider calls {calls} for {len(provider_keys)} distinct messages; rows retried {retried}; "
                 f"duplicates delivered {duplicates} (limit {done_kills})\n")
        ok = terminal == n and stuck == 0 and missing == 0 and lost_sent == 0 and duplicates <= done_kills
        if not self.o["no_idempotency"]:
            ok = ok and duplicates == 0
        self.say(("  PASS" if ok else "  FAIL") + "\n")
        self.results.update(kill_run_ok=ok, kills=done_kills, duplicates=duplicates, stuck=stuck,
                            kill_run_seconds=round(elapsed, 1))

    results: dict[str, Any]


def run(options: dict[str, Any], stdout: Any) -> None:
    from django.core.management import call_command
    from django.db import connection

    from lapakasik.notifications.services import template_defaults_install

    call_command("migrate", interactive=False, verbosity=0)
    template_defaults_install()
    bench = Bench(options, stdout)
    bench.results = {}
    skip = {s.strip() for s in options["skip"].split(",") if s.strip()}
    bench.say(f"notifications benchmark — {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, "
              f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"database {connection.vendor}; simulator {bench.server.base_url}; worker log {bench.log_path}\n")
    try:
        if "latency" not in skip:
            bench.latency()
        if "throughput" not in skip:
            bench.throughput(1)
            bench.throughput(2)
        if "kill" not in skip:
            bench.kill_run()
    finally:
        bench.clean()
        bench.close()
    bench.say(f"\nresults: {bench.results}\n")
    if bench.results.get("kill_run_ok") is False:
        from django.core.management.base import CommandError

        raise CommandError("reliability run failed")
