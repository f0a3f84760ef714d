"""Booking rush: the national quota opening, on the production server and PostgreSQL.

1. Creates a dedicated PostgreSQL database (``--database``, default ``bench_booking``), migrates it and
   seeds the demo network with ``--participants`` synthetic registry participants and the slots of the
   booking window.
2. Sets the seats of one bookable day so that demand is ``--demand-ratio`` × supply (default 10×).
3. Starts ``lapakasik serve`` (granian, ``--workers`` × ``--threads``) on 127.0.0.1 and fires
   ``--attempts`` booking attempts (default 50,000) from ``--clients`` concurrent keep-alive clients
   (default 200): a third on one popular branch (JKT01), the rest spread over the other branches;
   every client books its own eligible participants (the ``demo_participants`` list), trying another
   session after a ``slot_full``.
4. Verifies: no slot over capacity, every counter equal to its rows, 201 answers = booking rows, no 5xx,
   no timeouts. Prints throughput and p50/p95/p99 latency.
5. In the same run: pgbench's rate for the same SQL transaction (the conditional UPDATE and the booking
   INSERT) — the better of as many connections as the server's pool and 8 — and the ratio; then availability throughput
   (branch availability and national search, from the cache) and its ratio to booking throughput.
6. Open loop (``--open-rates``, requests per second, each for ``--open-seconds``): successful bookings of
   participants the rush did not use, on another day with free seats, sent on a fixed schedule whatever the
   server answers, latency counted from the scheduled send (so a slow answer delays nobody's clock); beside
   it, at the same rates, pgbench's open loop (``-R``, latency including its schedule lag) on the same SQL and
   the bare Django view with the same two statements.

Rate limits and load shedding are switched off for the server (every request comes from 127.0.0.1, one load
generator; its clients retry at once and ignore ``Retry-After``): this measures what the booking path
serves. ``lapakasik bench overload`` measures the shedding.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import CommandError

POPULAR = "JKT01"
SESSIONS = ["08:00", "09:00", "10:00", "11:00", "12:00", "13:00", "14:00"]


def add_arguments(parser: Any) -> None:
    parser.add_argument("--attempts", type=int, default=50_000, help="booking attempts (default 50000)")
    parser.add_argument("--clients", type=int, default=200, help="concurrent clients (default 200)")
    parser.add_argument("--participants", type=int, default=0,
                        help="synthetic participants to seed (default: enough for the supply, ≥ 2×)")
    parser.add_argument("--demand-ratio", type=float, default=10.0, help="attempts ÷ seats (default 10)")
    parser.add_argument("--database", default="bench_booking", help="PostgreSQL database (dropped and re-created)")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"),
                        help="PostgreSQL server URL without database")
    parser.add_argument("--workers", type=int, default=2, help="web worker processes")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker (= DB pool size; default 1, as `lapakasik serve`)")
    parser.add_argument("--server", default="granian", choices=["granian", "gunicorn"])
    parser.add_argument("--pgbench-seconds", type=int, default=15)
    parser.add_argument("--availability-seconds", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=10.0, help="client timeout per request (s)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the data dir")
    parser.add_argument("--open-rates", default="20,40,60",
                        help="open-loop booking rates, requests/s, comma-separated (default 20,40,60; empty: none)")
    parser.add_argument("--open-seconds", type=float, default=15.0, help="seconds per open-loop rate (default 15)")


# --- helpers ------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pgbench() -> str:
    found = shutil.which("pgbench")
    if found:
        return found
    import glob

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pgbench"))
    if not candidates:
        raise CommandError("pgbench not found (apt-get install postgresql-client)")
    return candidates[-1]


def _psql_admin(pg: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _run(argv: list[str], env: dict[str, str], quiet: bool = True) -> str:
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise CommandError(f"{' '.join(argv)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return proc.stdout


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def _tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and all its descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(x) for x in fh.read().split())
        except (OSError, IndexError, ValueError):
            continue
    return total


# --- the load generator ---------------------------------------------------------------------------------

@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    by_status: dict[int, list[float]] = field(default_factory=dict)
    timeline: list[tuple[float, float, int]] = field(default_factory=list)  # (answered at, latency, status)
    statuses: dict[int, int] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    timeouts: int = 0
    errors: int = 0
    created: list[str] = field(default_factory=list)
    samples: dict[str, bytes] = field(default_factory=dict)  # the first answer of each error code


class Conn:
    """One keep-alive HTTP/1.1 connection (hand-rolled: the client must cost far less than the server)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        self.writer.write(head + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        length = 0
        close = False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _sep, value = line.decode("latin-1").partition(":")
            lname = name.strip().lower()
            if lname == "content-length":
                length = int(value.strip())
            elif lname == "connection" and value.strip().lower() == "close":
                close = True
        data = await self.reader.readexactly(length) if length else b""
        if close:
            self.close()
        return status, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _rush(port: int, people: list[dict[str, str]], branches: list[str], day: str, attempts: int,
                clients: int, timeout: float) -> tuple[Stats, float]:
    stats = Stats()
    remaining = [attempts]
    rnd = random.Random(42)
    shares = [people[i::clients] for i in range(clients)]

    async def client(idx: int) -> None:
        conn = Conn("127.0.0.1", port)
        mine = list(shares[idx])
        crnd = random.Random(idx)
        pos = 0
        while remaining[0] > 0 and mine:
            remaining[0] -= 1
            p = mine[pos % len(mine)]
            pos += 1
            branch = POPULAR if crnd.random() < 1 / 3 else branches[crnd.randrange(len(branches))]
            body = json.dumps({
                "branch_code": branch, "date": day, "session_start": SESSIONS[crnd.randrange(len(SESSIONS))],
                "claim_type": "JHT", "claim_reason": p["claim_reason"], "nik": p["nik"], "kpj": p["kpj"],
                "full_name": p["full_name"], "email": p["email"], "phone": p["phone"], "language": "id",
                "channels": ["email"],
            }).encode()
            t0 = time.perf_counter()
            try:
                status, data = await asyncio.wait_for(conn.request("POST", "/api/v1/bookings", body), timeout)
            except TimeoutError:
                stats.timeouts += 1
                conn.close()
                continue
            except (ConnectionError, OSError, asyncio.IncompleteReadError):
                stats.errors += 1
                conn.close()
                continue
            t1 = time.perf_counter()
            stats.latencies.append(t1 - t0)
            stats.by_status.setdefault(status, []).append(t1 - t0)
            stats.timeline.append((t1, t1 - t0, status))
            stats.statuses[status] = stats.statuses.get(status, 0) + 1
            if status == 201:
                stats.created.append(json.loads(data)["code"])
                mine.remove(p)
                pos -= 1
            else:
                try:
                    code = json.loads(data)["error"]["code"]
                except (ValueError, KeyError, TypeError):
                    code = f"http_{status}"
                stats.codes[code] = stats.codes.get(code, 0) + 1
                stats.samples.setdefault(code, data[:600])
        conn.close()

    rnd.shuffle(people)
    t0 = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return stats, time.perf_counter() - t0


async def _closed_loop(port: int, requests: list[tuple[str, str, bytes]], seconds: float, clients: int,
                       timeout: float, ok: int = 200) -> tuple[int, int, list[float], float]:
    """``clients`` keep-alive clients sending random ``(method, path, body)`` requests for ``seconds``:
    (answers, failures — errors and statuses other than ``ok`` —, latencies, elapsed)."""
    done = [0]
    bad = [0]
    lat: list[float] = []
    deadline = time.perf_counter() + seconds

    async def client(idx: int) -> None:
        conn = Conn("127.0.0.1", port)
        rnd = random.Random(idx)
        while time.perf_counter() < deadline:
            method, path, body = requests[rnd.randrange(len(requests))]
            t0 = time.perf_counter()
            try:
                status, _data = await asyncio.wait_for(conn.request(method, path, body), timeout)
            except (TimeoutError, ConnectionError, OSError, asyncio.IncompleteReadError):
                bad[0] += 1
                conn.close()
                continue
            lat.append(time.perf_counter() - t0)
            done[0] += 1
            if status != ok:
                bad[0] += 1
        conn.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return done[0], bad[0], lat, time.perf_counter() - t0


async def _open_loop(port: int, requests: list[tuple[str, str, bytes]], rate: float, timeout: float,
                     ok: int) -> tuple[list[float], int, int]:
    """Send ``requests`` in order, request *i* at ``start + i / rate`` whatever the answers before it
    (connections are taken from an idle pool, opened when none is idle). Latency counts from the scheduled
    send, so a server that falls behind shows it. (latencies of ``ok`` answers, other answers, timeouts
    and connection errors)."""
    idle: list[Conn] = []
    lat: list[float] = []
    bad = [0, 0]
    start = time.perf_counter() + 0.05

    async def one(i: int, method: str, path: str, body: bytes) -> None:
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        conn = idle.pop() if idle else Conn("127.0.0.1", port)
        try:
            status, _data = await asyncio.wait_for(conn.request(method, path, body), timeout)
        except (TimeoutError, ConnectionError, OSError, asyncio.IncompleteReadError):
            bad[1] += 1
            conn.close()
            return
        if status == ok:
            lat.append(time.perf_counter() - scheduled)
        else:
            bad[0] += 1
        idle.append(conn)

    await asyncio.gather(*(one(i, *r) for i, r in enumerate(requests)))
    for conn in idle:
        conn.close()
    return lat, bad[0], bad[1]


# --- pgbench -------------------------------------------------------------------------------------------------

PGBENCH_SCRIPT = """\\set slot random(1, 350)
BEGIN;
UPDATE bench_slot SET booked = booked + 1 WHERE id = :slot AND booked < capacity;
INSERT INTO bench_booking (slot_id, code, nik, created_at) VALUES (:slot, substr(md5(random()::text), 1, 8), '3174010101900001', now());
END;
"""


def _pgbench_tables(pg: str, database: str, create: bool) -> None:
    import psycopg

    with psycopg.connect(f"{pg}/{database}", autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_booking; DROP TABLE IF EXISTS bench_slot")
        if create:
            conn.execute("CREATE TABLE bench_slot (id int PRIMARY KEY, capacity int NOT NULL, booked int NOT NULL "
                         "DEFAULT 0, CHECK (booked <= capacity))")
            conn.execute("INSERT INTO bench_slot (id, capacity) SELECT g, 1000000000 FROM generate_series(1, 350) g")
            conn.execute("CREATE TABLE bench_booking (id bigserial PRIMARY KEY, slot_id int NOT NULL REFERENCES "
                         "bench_slot(id), code varchar(16) NOT NULL, nik varchar(16) NOT NULL, created_at timestamptz)")


def _pgbench_argv(pg: str, database: str, clients: int, seconds: float, workdir: str) -> list[str]:
    script = os.path.join(workdir, "booking.sql")
    with open(script, "w") as fh:
        fh.write(PGBENCH_SCRIPT)
    m = re.match(r"postgres(?:ql)?://(?:(?P<user>[^@:/]+)(?::[^@]*)?@)?(?P<host>[^:/]+)(?::(?P<port>\d+))?", pg)
    if not m:
        raise CommandError(f"cannot parse --pg {pg}")
    return [_pgbench(), "-n", "-f", script, "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(round(seconds)),
            "-h", m["host"], "-p", m["port"] or "5432", "-U", m["user"] or "postgres", database]


def _run_pgbench(pg: str, database: str, clients: int, seconds: int, workdir: str) -> float:
    """pgbench's rate for PGBENCH_SCRIPT on the tables of ``_pgbench_tables``."""
    argv = _pgbench_argv(pg, database, clients, seconds, workdir)
    out = subprocess.run(argv, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise CommandError(f"pgbench failed: {out.stderr[-2000:]}")
    tps = re.search(r"tps = ([0-9.]+)", out.stdout)
    if not tps:
        raise CommandError(f"pgbench output not understood:\n{out.stdout}")
    return float(tps.group(1))


def _pgbench_open_loop(pg: str, database: str, clients: int, rate: float, seconds: float, workdir: str) -> list[float]:
    """pgbench's open loop (``-R rate``): per-transaction latencies in seconds from the scheduled start
    (the transaction's time plus its schedule lag, from pgbench's per-transaction log)."""
    prefix = os.path.join(workdir, f"pgopen{int(rate)}")
    argv = [*_pgbench_argv(pg, database, clients, seconds, workdir), "-R", str(rate), "-l", "--log-prefix", prefix]
    out = subprocess.run(argv, capture_output=True, text=True, check=False, cwd=workdir)
    if out.returncode != 0:
        raise CommandError(f"pgbench -R failed: {out.stderr[-2000:]}")
    lat: list[float] = []
    for name in os.listdir(workdir):
        if not name.startswith(os.path.basename(prefix) + "."):
            continue
        with open(os.path.join(workdir, name)) as fh:
            for line in fh:
                f = line.split()  # client, transaction, time µs, script, epoch, µs, schedule lag µs
                if len(f) >= 7:
                    lat.append((int(f[2]) + int(f[6])) / 1e6)
        os.remove(os.path.join(workdir, name))
    return lat


def _open_phase(options: dict[str, Any], port: int, pg: str, database: str, workdir: str, rates: list[float],
                people: list[dict[str, str]], branches: list[str], day: str, w: Any) -> None:
    """Step 6: the open loop at each rate — bookings, then pgbench and the bare view at the same rate."""
    w("  open loop (requests on a fixed schedule; latency from the scheduled send, ms)")
    w("    rate/s   booking p50 / p99 / max (n, other, lost)   pgbench -R p50 / p99   bare view p50 / p99   "
      "booking p99 ÷ bare p99")
    rnd = random.Random(7)
    pos = 0
    _pgbench_tables(pg, database, create=True)
    try:
        for rate in rates:
            n = int(rate * options["open_seconds"])
            batch, pos = people[pos:pos + n], pos + n
            reqs = [("POST", "/api/v1/bookings", json.dumps({
                "branch_code": branches[rnd.randrange(len(branches))], "date": day,
                "session_start": SESSIONS[rnd.randrange(len(SESSIONS))], "claim_type": "JHT",
                "claim_reason": p["claim_reason"], "nik": p["nik"], "kpj": p["kpj"], "full_name": p["full_name"],
                "email": p["email"], "phone": p["phone"], "language": "id", "channels": ["email"],
            }).encode()) for p in batch]
            blat, bother, blost = asyncio.run(_open_loop(port, reqs, rate, options["timeout"], ok=201))
            pglat = _pgbench_open_loop(pg, database, options["workers"] * options["threads"], rate,
                                       options["open_seconds"], workdir)
            bare = [("POST", "/_bench/book-bare", json.dumps({"slot": 1 + i % 350, "nik": "3174010101900001"}).encode())
                    for i in range(n)]
            rlat, _rother, _rlost = asyncio.run(_open_loop(port, bare, rate, options["timeout"], ok=201))
            b, g, r = ([x * 1000 for x in v] for v in (blat, pglat, rlat))
            w(f"    {rate:>6g}   {_pct(b, 50):7.1f} / {_pct(b, 99):7.1f} / {max(b) if b else 0:7.1f} "
              f"({len(b)}, {bother}, {blost})   {_pct(g, 50):6.1f} / {_pct(g, 99):6.1f}   "
              f"{_pct(r, 50):6.1f} / {_pct(r, 99):6.1f}   {_pct(b, 99) / max(_pct(r, 99), 0.001):.1f}×")
    finally:
        _pgbench_tables(pg, database, create=False)


# --- the run -------------------------------------------------------------------------------------------------

def run(options: dict[str, Any], stdout: Any) -> None:
    import psycopg

    attempts, clients, ratio = options["attempts"], options["clients"], options["demand_ratio"]
    supply_target = max(1, int(attempts / ratio))
    open_rates = [float(x) for x in str(options["open_rates"]).split(",") if x.strip()]
    open_total = int(sum(open_rates) * options["open_seconds"]) + 1
    participants = options["participants"] or max(2000, int((supply_target * 2.2 + open_total * 1.2) / 0.75))
    pg, database = options["pg"].rstrip("/"), options["database"]
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", database):
        raise CommandError("--database: lower-case letters, digits and _ only")
    workdir = tempfile.mkdtemp(prefix="lapakasik-bench-booking-")
    env = {**os.environ, "DATABASE_URL": f"{pg}/{database}", "LAPAKASIK_DATA_DIR": workdir, "DEBUG": "0",
           "LAPAKASIK_ENV": "development", "RATE_LIMIT_IP_PER_MINUTE": "0", "RATE_LIMIT_NIK_PER_MINUTE": "0",
           "RATE_LIMIT_PHONE_PER_MINUTE": "0", "DB_POOL_MAX": str(options["threads"]),
           "DB_POOL_MIN": str(options["threads"]), "LOG_LEVEL": "ERROR",
           # The rush measures what the booking path serves, comparable with every earlier run: the clients
           # here retry at once and ignore Retry-After, which load shedding would answer with 503s in a few
           # seconds. `lapakasik bench overload` measures the shedding itself.
           "OVERLOAD_SHEDDING": "0",
           # …and without the opening waiting room, which would ask for admission tokens when the bench runs in
           # the hours after a zone's midnight (`lapakasik bench overload` and the opening's tests cover it).
           "OPENING_ENABLED": "0",
           # the product plus the bench-only endpoints (the bare-view calibration), never mounted in the product
           "DJANGO_SETTINGS_MODULE": "lapakasik_bench._server_settings"}
    exe = [sys.executable, "-m", "lapakasik"]
    w = stdout.write
    w(f"booking rush: {attempts} attempts, {clients} clients, demand {ratio:g}× supply, db {database}")
    _psql_admin(pg, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    _psql_admin(pg, f"CREATE DATABASE {database}")
    server = None
    try:
        t0 = time.perf_counter()
        _run([*exe, "migrate", "-v0"], env)
        _run([*exe, "seed_demo", "--participants", str(participants), "--skip", "casework"], env)  # no claims before the rush
        people_csv = _run([*exe, "demo_participants", "--format", "json"], env)
        w(f"  setup (migrate + seed {participants} participants + slots): {time.perf_counter() - t0:.1f} s")
        people = []
        for i, line in enumerate(people_csv.splitlines()):
            if not line.startswith("{"):
                continue
            row = json.loads(line)
            if row["expected"] != "eligible" or row.get("applicant", "participant") != "participant":
                continue  # the JHT bookers only (the heir rows book JKM with the deceased's NIK/KPJ)
            row["email"] = f"peserta{i}@bench.example"
            row["phone"] = f"0812{70000000 + i:08d}"
            people.append(row)
        open_people = people[len(people) - open_total:] if open_rates else []
        people = people[:len(people) - len(open_people)]
        with psycopg.connect(f"{pg}/{database}", autocommit=True) as conn:
            day = str(conn.execute("SELECT min(date) FROM booking_slotquota").fetchone()[0])  # type: ignore[index]
            # The open loop books another day, every seat free (so its answers are bookings, not refusals).
            open_day = str(conn.execute("SELECT min(date) FROM booking_slotquota WHERE date > %s", [day]).fetchone()[0])  # type: ignore[index]
            conn.execute("UPDATE booking_slotquota SET capacity = 1000 WHERE date = %s", [open_day])
            open_branches = [r[0] for r in conn.execute(
                "SELECT DISTINCT b.code FROM booking_slotquota s JOIN branches_branch b ON b.id = s.branch_id "
                "WHERE s.date = %s ORDER BY 1", [open_day]).fetchall()]
            nslots = conn.execute("SELECT count(*) FROM booking_slotquota WHERE date = %s", [day]).fetchone()[0]  # type: ignore[index]
            per_slot = max(1, supply_target // nslots)
            conn.execute("UPDATE booking_slotquota SET capacity = %s WHERE date = %s", [per_slot, day])
            supply = conn.execute("SELECT sum(capacity) FROM booking_slotquota WHERE date = %s", [day]).fetchone()[0]  # type: ignore[index]
            branches = [r[0] for r in conn.execute(
                "SELECT DISTINCT b.code FROM booking_slotquota s JOIN branches_branch b ON b.id = s.branch_id "
                "WHERE s.date = %s AND b.code <> %s ORDER BY 1", [day, POPULAR]).fetchall()]
        w(f"  day {day}: {nslots} sessions × {per_slot} seats = {supply} seats; {len(people)} eligible participants; "
          f"demand {attempts / supply:.1f}× supply")
        if len(people) < supply:
            raise CommandError("not enough eligible participants for the supply: raise --participants")

        port = _free_port()
        server = subprocess.Popen(
            [*exe, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(options["workers"]),
             "--threads", str(options["threads"]), "--server", options["server"]],
            env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(workdir, "server.log"), "w"))
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise CommandError("server did not start")
        # Warm-up: every worker imports everything and fills its caches.
        asyncio.run(_closed_loop(port, [("GET", f"/api/v1/branches/{POPULAR}/availability", b""),
                                        ("GET", f"/api/v1/availability?date={day}", b"")], 2.0, 8, options["timeout"]))

        cpu0, load0, gen0 = _tree_cpu_seconds(server.pid), os.getloadavg()[0], time.process_time()
        stats, elapsed = asyncio.run(_rush(port, people, branches, day, attempts, clients, options["timeout"]))
        server_cpu, load1 = _tree_cpu_seconds(server.pid) - cpu0, os.getloadavg()[0]
        generator_cpu = time.process_time() - gen0
        answered = len(stats.latencies)
        created = stats.statuses.get(201, 0)
        five_xx = sum(n for s, n in stats.statuses.items() if s >= 500)

        with psycopg.connect(f"{pg}/{database}", autocommit=True) as conn:
            over = conn.execute("SELECT count(*) FROM booking_slotquota WHERE booked + held > capacity").fetchone()[0]  # type: ignore[index]
            mismatched = conn.execute(
                "SELECT count(*) FROM booking_slotquota s LEFT JOIN (SELECT slot_id, count(*) c FROM booking_booking "
                "WHERE status <> 'CANCELLED' GROUP BY slot_id) b ON b.slot_id = s.id "
                "WHERE s.booked <> coalesce(b.c, 0)").fetchone()[0]  # type: ignore[index]
            rows = conn.execute("SELECT count(*) FROM booking_booking").fetchone()[0]  # type: ignore[index]
            booked = conn.execute("SELECT coalesce(sum(booked), 0) FROM booking_slotquota").fetchone()[0]  # type: ignore[index]
            popular_rows = conn.execute(
                "SELECT count(*) FROM booking_booking k JOIN booking_slotquota s ON s.id = k.slot_id JOIN "
                "branches_branch b ON b.id = s.branch_id WHERE b.code = %s", [POPULAR]).fetchone()[0]  # type: ignore[index]
            claims = conn.execute("SELECT count(*) FROM claims_claim").fetchone()[0]  # type: ignore[index]
            notes = conn.execute(
                "SELECT count(*) FROM notifications_notification WHERE event = 'booking_confirmed'").fetchone()[0]  # type: ignore[index]

        thr = answered / elapsed
        lat_ms = [x * 1000 for x in stats.latencies]
        w("")
        w("  rush")
        w(f"    attempts answered   {answered} in {elapsed:.1f} s  → {thr:.0f} req/s "
          f"({created / elapsed:.0f} bookings/s)")
        w(f"    latency ms          p50 {_pct(lat_ms, 50):.1f}  p95 {_pct(lat_ms, 95):.1f}  "
          f"p99 {_pct(lat_ms, 99):.1f}  max {max(lat_ms) if lat_ms else 0:.1f}  "
          f"mean {statistics.fmean(lat_ms) if lat_ms else 0:.1f}")
        for status, values in sorted(stats.by_status.items()):
            ms = [x * 1000 for x in values]
            w(f"      {status} answers      p50 {_pct(ms, 50):.1f}  p99 {_pct(ms, 99):.1f} ms ({len(ms)})")
        if stats.timeline:  # the rush has phases: first mostly bookings, then mostly cached refusals
            start_t, end_t = stats.timeline[0][0], max(t for t, _x, _s in stats.timeline)
            step = (end_t - start_t) / 10 or 1.0
            tenths: list[list[tuple[float, int]]] = [[] for _ in range(10)]
            for t, x, status in stats.timeline:
                tenths[min(9, int((t - start_t) / step))].append((x * 1000, status))
            w("      by tenth of the run: p50/p99 ms (share of 201)")
            w("        " + "  ".join(
                f"{_pct([x for x, _s in v], 50):.0f}/{_pct([x for x, _s in v], 99):.0f} "
                f"({sum(1 for _x, st in v if st == 201) / len(v):.0%})" for v in tenths if v))
        w(f"    statuses            {dict(sorted(stats.statuses.items()))}  error codes {stats.codes}")
        for code, sample in stats.samples.items():
            if code != "slot_full":
                w(f"    first {code} answer: {sample.decode('utf-8', 'replace')}")
        w(f"    timeouts {stats.timeouts}  connection errors {stats.errors}  5xx {five_xx}")
        per = server_cpu / max(1, answered + stats.timeouts) * 1000
        w(f"    server CPU          {server_cpu:.1f} s = {per:.2f} ms per answer (web processes only) → "
          f"≈ {1000 / per * (os.cpu_count() or 1):.0f} req/s if the web server had every core; "
          f"load average {load0:.1f} → {load1:.1f} on {os.cpu_count()} cores")
        w(f"    load generator CPU  {generator_cpu:.1f} s = {generator_cpu / elapsed * 100:.0f} % of one core")
        w("  verification")
        checks = {
            "0 slots over capacity": over == 0,
            "every counter = its rows": mismatched == 0,
            f"201 answers ({created}) = booking rows ({rows}) = seats taken ({booked}) = claims ({claims})":
                created == rows == booked == claims,
            f"booking_confirmed notifications stored = rows ({notes})": notes == rows,
            "no 5xx": five_xx == 0,
            "no timeouts / connection errors": stats.timeouts == 0 and stats.errors == 0,
        }
        for label, ok in checks.items():
            w(f"    [{'ok' if ok else 'FAIL'}] {label}")
        w(f"    popular branch {POPULAR}: {popular_rows} bookings (all its seats: "
          f"{'yes' if popular_rows == 7 * per_slot else 'no'})")

        # The baseline is pgbench at its best: as many connections as the server's pool, and 8 (pgbench on
        # these 2 cores peaks around there) — the higher rate counts.
        w("  baseline")
        rates = {}
        _pgbench_tables(pg, database, create=True)
        try:
            for pg_clients in sorted({options["workers"] * options["threads"], 8}):
                rates[pg_clients] = _run_pgbench(pg, database, pg_clients, options["pgbench_seconds"], workdir)
                w(f"    pgbench, same SQL transaction (UPDATE … booked < capacity + INSERT), {pg_clients} connections: "
                  f"{rates[pg_clients]:.0f} tps")
            tps = max(rates.values())
            # The calibration: a bare Django view running only those two statements, on the same
            # server, under the same 200-client closed loop — what any Django answer costs here.
            bare = [("POST", "/_bench/book-bare", json.dumps({"slot": i, "nik": "3174010101900001"}).encode())
                    for i in range(1, 351)]
            bdone, bbad, blat, belapsed = asyncio.run(_closed_loop(
                port, bare, options["availability_seconds"], clients, options["timeout"], ok=201))
            bthr = bdone / belapsed
            blat_ms = [x * 1000 for x in blat]
            w(f"    bare Django view, the same two statements, same server and clients: {bthr:.0f} req/s = "
              f"{bthr / tps:.3f} × pgbench; p50 {_pct(blat_ms, 50):.1f} ms p99 {_pct(blat_ms, 99):.1f} ms; "
              f"errors {bbad}")
        finally:
            _pgbench_tables(pg, database, create=False)
        w(f"    booking throughput ÷ pgbench: {thr / tps:.3f} (all answers), {created / elapsed / tps:.3f} (201 only)"
          f"   target ≥ 0.15;  ÷ bare view: {thr / bthr:.2f}")

        paths = [f"/api/v1/branches/{b}/availability" for b in [POPULAR, *branches]] + [
            f"/api/v1/availability?date={day}", f"/api/v1/availability?region=DKI&date={day}"]
        done, bad, alat, aelapsed = asyncio.run(_closed_loop(
            port, [("GET", p, b"") for p in paths], options["availability_seconds"], clients, options["timeout"]))
        athr = done / aelapsed
        alat_ms = [x * 1000 for x in alat]
        w("  availability (cached)")
        w(f"    {done} answers in {aelapsed:.1f} s → {athr:.0f} req/s; p50 {_pct(alat_ms, 50):.1f} ms "
          f"p99 {_pct(alat_ms, 99):.1f} ms; errors {bad}")
        w(f"    availability ÷ booking throughput: {athr / thr:.1f}×   target ≥ 5×")
        if open_rates:
            _open_phase(options, port, pg, database, workdir, open_rates, open_people, open_branches, open_day, w)
        w(f"  machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, server {options['server']} {options['workers']}×{options['threads']}, "
          f"load generator in the same box")
        if not all(checks.values()):
            raise CommandError("verification failed")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        if not options["keep"]:
            shutil.rmtree(workdir, ignore_errors=True)
            try:
                _psql_admin(pg, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            except Exception as exc:  # the figures are printed already
                stdout.write(f"  (could not drop {database}: {exc})")
