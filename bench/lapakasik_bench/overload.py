"""Overload: an open-loop booking load above what the server can serve, with load shedding on and off.

People do not wait for the previous person's answer before they press "Pesan": arrivals follow the clock,
not the server. This benchmark sends requests **on a schedule** (``--rate`` per second for ``--seconds``)
whatever the answers do, and counts each latency **from the scheduled send** — a request that waited in a
client queue, a kernel queue or the server's queue waited all the same.

1. Makes a database (SQLite in a temporary directory by default, ``--pg URL`` for PostgreSQL), migrates it,
   seeds the demo network with ``--participants`` registry participants and gives every session of the
   first bookable day room for all of them (so nearly every booking that is served succeeds: the costly
   path, about 17 ms of CPU).
2. For each mode (``--modes``, default ``on,off``): starts ``lapakasik serve`` with ``OVERLOAD_SHEDDING``
   on or off and ``OVERLOAD_MAX_WAIT_SECONDS`` = ``--max-wait``, warms it up, then sends the load: 90 %
   ``POST /api/v1/bookings`` (each by a participant not yet booked; a participant refused with 503 tries
   again later in the run), 10 % ``GET /api/v1/availability`` (never shed).
3. Prints per mode: p50/p99/max latency from the scheduled send, the answers by status, timeouts
   (``--timeout``, default 30 s: a phone's patience) and connection errors, bookings made per second, and
   whether every 503 carried ``Retry-After``.

Rate limits are switched off for the server (one load generator, one address). The load generator is
an asyncio loop with hand-rolled keep-alive HTTP/1.1 connections (opened on demand up to
``--connections``), cheap beside the server it measures on the same 2 cores.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

SESSIONS = ["08:00", "09:00", "10:00", "11:00", "12:00", "13:00", "14:00"]


def add_arguments(parser: Any) -> None:
    parser.add_argument("--rate", type=float, default=300.0, help="requests per second, open loop (default 300)")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of the load (default 20)")
    parser.add_argument("--max-wait", type=float, default=5.0, help="OVERLOAD_MAX_WAIT_SECONDS (default 5)")
    parser.add_argument("--modes", default="on,off", help="shedding on, off or both (default on,off)")
    parser.add_argument("--participants", type=int, default=6000, help="registry participants to seed")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--connections", type=int, default=1000, help="most client connections (default 1000)")
    parser.add_argument("--timeout", type=float, default=30.0, help="client timeout per request (default 30 s)")
    parser.add_argument("--reads", type=float, default=0.1, help="share of availability GETs (default 0.1)")
    parser.add_argument("--pg", default="", help="PostgreSQL server URL without database (default: SQLite)")
    parser.add_argument("--database", default="bench_overload", help="PostgreSQL database (dropped, re-created)")


# --- the load generator ---------------------------------------------------------------------------------------

@dataclass
class Answer:
    scheduled: float  # seconds from the start of the load
    latency: float  # from the scheduled send to the last byte
    status: int  # 0 = timeout, -1 = connection error
    retry_after: str = ""
    code: str = ""
    kind: str = "booking"


@dataclass
class Result:
    answers: list[Answer] = field(default_factory=list)
    elapsed: float = 0.0
    late_sends: int = 0  # requests the generator itself sent more than 100 ms after their time

    def by(self, kind: str | None = None) -> list[Answer]:
        return [a for a in self.answers if kind is None or a.kind == kind]

    def latencies(self, kind: str | None = None) -> list[float]:
        return sorted(a.latency for a in self.by(kind) if a.status > 0)

    def count(self, status: int, kind: str | None = None) -> int:
        return sum(1 for a in self.by(kind) if a.status == status)

    def count_2xx(self, kind: str | None = None) -> int:
        return sum(1 for a in self.by(kind) if 200 <= a.status < 300)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))]


class Conn:
    """One keep-alive HTTP/1.1 connection, hand-rolled (the client must cost far less than the server)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"",
                      extra: str = "") -> tuple[int, dict[str, str], bytes]:
        """``extra``: more header lines, each ending in CRLF (e.g. an Authorization)."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n{extra}"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        self.writer.write(head + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _sep, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or 0)
        data = await self.reader.readexactly(length) if length else b""
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Request:
    method: str
    path: str
    body: bytes = b""
    kind: str = "read"  # "booking" or "read"
    person: dict[str, str] | None = None


async def open_loop(port: int, next_request: Callable[[], Request], *, rate: float, seconds: float,
                    timeout: float, connections: int,
                    on_answer: Callable[[Request, Answer], None] | None = None) -> Result:
    """Sends ``next_request()`` every 1/``rate`` s for ``seconds`` whatever the answers do; each latency
    counts from the scheduled send (waiting for a free connection included)."""
    result = Result()
    idle: list[Conn] = []
    opened = [0]
    free = asyncio.Condition()
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    total = int(rate * seconds)

    async def take() -> Conn:
        async with free:
            while not idle and opened[0] >= connections:
                await free.wait()
            if idle:
                return idle.pop()
            opened[0] += 1
            return Conn("127.0.0.1", port)

    async def give(conn: Conn | None) -> None:
        async with free:
            if conn is None:
                opened[0] -= 1
            else:
                idle.append(conn)
            free.notify()

    async def one(i: int, scheduled: float, request: Request) -> None:
        answer = Answer(scheduled - start, 0.0, 0, kind=request.kind)
        conn: Conn | None = None
        try:
            async with asyncio.timeout(timeout - (loop.time() - scheduled)):
                conn = await take()
                status, headers, data = await conn.request(request.method, request.path, request.body)
            answer.status, answer.retry_after = status, headers.get("retry-after", "")
            if status >= 400:
                try:
                    answer.code = str(json.loads(data)["error"]["code"])
                except (ValueError, KeyError, TypeError):
                    answer.code = f"http_{status}"
            answer.latency = loop.time() - scheduled
            await give(conn)
        except TimeoutError:
            answer.status, answer.latency = 0, loop.time() - scheduled
            if conn is not None:
                conn.close()
                await give(None)
        except (ConnectionError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            answer.status, answer.latency = -1, loop.time() - scheduled
            if conn is not None:
                conn.close()
                await give(None)
        result.answers.append(answer)
        if on_answer is not None:
            on_answer(request, answer)

    tasks = []
    for i in range(total):
        scheduled = start + i / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -0.1:
            result.late_sends += 1
        tasks.append(asyncio.create_task(one(i, scheduled, next_request())))
    await asyncio.gather(*tasks)
    result.elapsed = loop.time() - start
    for conn in idle:
        conn.close()
    return result


class BookingLoad:
    """The requests of the run: bookings by participants not yet booked (a refused one goes back to the
    pool and tries again later) and availability reads."""

    def __init__(self, people: list[dict[str, str]], branches: list[str], day: str, reads: float,
                 seed: int = 42) -> None:
        self.pool = list(people)
        self.rnd = random.Random(seed)
        self.rnd.shuffle(self.pool)
        self.branches, self.day, self.reads = branches, day, reads
        self.booked = 0

    def next(self) -> Request:
        if not self.pool or self.rnd.random() < self.reads:
            return Request("GET", f"/api/v1/availability?date={self.day}")
        p = self.pool.pop()
        body = json.dumps({
            "branch_code": self.rnd.choice(self.branches), "date": self.day,
            "session_start": self.rnd.choice(SESSIONS), "claim_type": "JHT", "claim_reason": p["claim_reason"],
            "nik": p["nik"], "kpj": p["kpj"], "full_name": p["full_name"], "email": p["email"],
            "phone": p["phone"], "language": "id", "channels": ["email"],
        }).encode()
        return Request("POST", "/api/v1/bookings", body, "booking", p)

    def answered(self, request: Request, answer: Answer) -> None:
        if request.person is None:
            return
        if 200 <= answer.status < 300:
            self.booked += 1
        elif answer.status == 503 or answer.status <= 0:
            self.pool.insert(0, request.person)  # tries again, at the back of the pool


# --- the server and its database -------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_command(argv: list[str], env: dict[str, str]) -> str:
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise CommandError(f"{' '.join(argv[-3:])} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return proc.stdout


# What a booking does not need of the demo data (no claims before the rush).
SEED_SKIP = ("accounts", "claims", "intake", "benefits", "casework")


def prepare(env: dict[str, str], participants: int) -> tuple[list[dict[str, str]], list[str], str]:
    """Migrate, seed, and open every session of the first bookable day for everyone: (eligible
    participants, branch codes, day)."""
    exe = [sys.executable, "-m", "lapakasik"]
    run_command([*exe, "migrate", "-v0"], env)
    run_command([*exe, "seed_demo", "--participants", str(participants),
                 *[arg for app in SEED_SKIP for arg in ("--skip", app)]], env)
    people = []
    for i, line in enumerate(run_command([*exe, "demo_participants", "--format", "json"], env).splitlines()):
        if line.startswith("{"):
            row = json.loads(line)
            if row["expected"] == "eligible" and row.get("applicant", "participant") == "participant":  # JHT bookers
                people.append({**row, "email": f"peserta{i}@bench.example", "phone": f"0812{70000000 + i:08d}"})
    script = ("import json; from django.db.models import Min; from lapakasik.booking.models import SlotQuota; "
              "day = SlotQuota.objects.aggregate(d=Min('date'))['d']; "
              f"SlotQuota.objects.filter(date=day).update(capacity={len(people) + 10}); "
              "print(json.dumps({'day': str(day), 'branches': sorted(set(SlotQuota.objects.filter(date=day)"
              ".values_list('branch__code', flat=True)))}))")
    out = json.loads(run_command([*exe, "shell", "-c", script], env).strip().splitlines()[-1])
    return people, out["branches"], out["day"]


def start_server(env: dict[str, str], port: int, workers: int, threads: int, log: Path) -> subprocess.Popen[Any]:
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "lapakasik", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(workers), "--threads", str(threads)],
            env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise CommandError(f"server exited: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if b" 200 " in s.recv(100):
                    return proc
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(proc)
    raise CommandError("server did not start")


def stop_server(proc: subprocess.Popen[Any]) -> None:
    import signal

    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


def summary(result: Result) -> dict[str, Any]:
    lat = result.latencies()
    statuses: dict[int, int] = {}
    for a in result.answers:
        statuses[a.status] = statuses.get(a.status, 0) + 1
    shed = [a for a in result.answers if a.status == 503]
    return {
        "sent": len(result.answers), "p50": pct(lat, 50), "p99": pct(lat, 99), "max": max(lat, default=float("nan")),
        "2xx": result.count_2xx(), "201": result.count(201, "booking"), "503": len(shed),
        "timeouts": result.count(0), "errors": result.count(-1), "statuses": dict(sorted(statuses.items())),
        "retry_after_on_every_503": all(a.retry_after.isdigit() for a in shed),
        "booking_p99": pct(result.latencies("booking"), 99), "read_p99": pct(result.latencies("read"), 99),
        "bookings_per_s": result.count(201, "booking") / result.elapsed if result.elapsed else 0.0,
        "late_sends": result.late_sends,
    }


# --- the run ---------------------------------------------------------------------------------------------------

def run(options: dict[str, Any], stdout: Any) -> None:
    w = stdout.write
    modes = [m.strip() for m in options["modes"].split(",") if m.strip()]
    if not modes or set(modes) - {"on", "off"}:
        raise CommandError("--modes: on, off or on,off")
    workdir = Path(tempfile.mkdtemp(prefix="lapakasik-bench-overload-"))
    env = {**os.environ, "LAPAKASIK_DATA_DIR": str(workdir), "DEBUG": "0", "LAPAKASIK_ENV": "development",
           "RATE_LIMIT_IP_PER_MINUTE": "0", "RATE_LIMIT_NIK_PER_MINUTE": "0", "RATE_LIMIT_PHONE_PER_MINUTE": "0",
           "LOG_LEVEL": "ERROR", "OVERLOAD_MAX_WAIT_SECONDS": str(options["max_wait"]), "OPENING_ENABLED": "0",
           "DJANGO_SETTINGS_MODULE": "lapakasik.settings"}
    if options["pg"]:
        import psycopg

        pg, database = options["pg"].rstrip("/"), options["database"]
        with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")  # type: ignore[arg-type]
            conn.execute(f"CREATE DATABASE {database}")  # type: ignore[arg-type]
        env.update({"DATABASE_URL": f"{pg}/{database}", "DB_POOL_MAX": str(options["threads"]),
                    "DB_POOL_MIN": str(options["threads"])})
    else:
        env.pop("DATABASE_URL", None)
    t0 = time.perf_counter()
    people, branches, day = prepare(env, options["participants"])
    w(f"overload: {options['rate']:g} requests/s open loop for {options['seconds']:g} s "
      f"({1 - options['reads']:.0%} bookings), {options['workers']} workers × {options['threads']} thread, "
      f"{'PostgreSQL' if options['pg'] else 'SQLite'}, bound {options['max_wait']:g} s, client timeout "
      f"{options['timeout']:g} s; setup {time.perf_counter() - t0:.0f} s, {len(people)} eligible participants")
    w(f"{'shedding':<9} {'sent':>6} {'p50 s':>7} {'p99 s':>7} {'max s':>7} {'2xx':>6} {'503':>6} "
      f"{'timeout':>7} {'errors':>6} {'booked/s':>8}  Retry-After on every 503")
    for n, mode in enumerate(modes):
        load = BookingLoad(people[n::len(modes)], branches, day, options["reads"], seed=n)  # nobody books twice
        port = free_port()
        server = start_server({**env, "OVERLOAD_SHEDDING": "1" if mode == "on" else "0"}, port,
                              options["workers"], options["threads"], workdir / f"server-{mode}.log")
        try:
            warm = BookingLoad([], branches, day, 1.0)
            asyncio.run(open_loop(port, warm.next, rate=50, seconds=2, timeout=10, connections=20))
            result = asyncio.run(open_loop(port, load.next, rate=options["rate"], seconds=options["seconds"],
                                           timeout=options["timeout"], connections=options["connections"],
                                           on_answer=load.answered))
        finally:
            stop_server(server)
        s = summary(result)
        s["load"] = os.getloadavg()[0]
        w(f"{mode:<9} {s['sent']:>6} {s['p50']:>7.3f} {s['p99']:>7.3f} {s['max']:>7.3f} {s['2xx']:>6} "
          f"{s['503']:>6} {s['timeouts']:>7} {s['errors']:>6} {s['bookings_per_s']:>8.1f}  "
          f"{'yes' if s['retry_after_on_every_503'] else 'NO'}"
          + (f"  (generator late on {s['late_sends']} sends)" if s["late_sends"] else ""))
        w(f"          statuses {s['statuses']}; p99 bookings {s['booking_p99']:.3f} s, reads {s['read_p99']:.3f} s; "
          f"load average {s['load']:.1f} (2 cores, shared)")
