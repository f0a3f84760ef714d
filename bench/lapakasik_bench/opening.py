"""Opening morning: a quota opening with the fair waiting room, beside the same arrivals first come, first served.

1. Makes a PostgreSQL template database (``--database``, default ``bench_opening``): migrated, the demo network
   seeded with enough registry participants for ``--people``, and the day the opening adds given ``--seats``
   seats, spread over the sessions of ``--branches`` branches of the WIB zone (every other WIB branch: none
   that day). Each mode runs on a fresh copy of it (``CREATE DATABASE … TEMPLATE``), so both see the same world.
2. Per mode (``--modes``, default ``waitroom,fcfs``) starts ``lapakasik serve`` (the production server,
   load shedding on as in production) with the opening placed ``--lead`` seconds ahead by ``OPENING_AT``
   (``OPENING_ENABLED=0`` for ``fcfs``), then lets ``--people`` people arrive **open loop** on the clock:
   ``--first-share`` (30 %) in the first ``--first-seconds`` (30 s), the rest until ``--seconds`` (300 s).
   ``--scripted`` (10 %) of them are scripts: they poll and retry ``--speedup`` (50) times faster than people
   and give up later.
   - ``waitroom``: join (``POST /api/v1/opening/places``), poll (``GET /api/v1/opening/place``) every
     ``poll_seconds`` the server asks (a script: that ÷ speedup, ignoring 429s), and once admitted book with
     the admission token (``POST /api/v1/bookings``).
   - ``fcfs``: book at arrival.
   A refused booking (``slot_full``) tries a seat the answer's alternatives offer on the same day; with none
   offered, the person gives up (a person after 10 attempts, a script after 50).
3. Prints per mode: p99 time to get a place (first join attempt → place), p99 of admitted bookings, the answers
   by status (5xx, of them 503 shed), timeouts, seats booked against the supply and slots over capacity (from
   the database), the scripts' share of the seats against their share of the people, and p50/p99 from arrival
   to a seat.

The per-IP limit is off (one load generator address: what a carrier NAT looks like); the per-NIK and per-phone
limits are the product's. The cache is the server's configured one (``CACHE_BACKEND``; the embedded default
is per process).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import platform
import random
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from .overload import Conn, free_port, pct, run_command, start_server, stop_server

ZONE = "Asia/Jakarta"


def add_arguments(parser: Any) -> None:
    parser.add_argument("--people", type=int, default=100_000, help="people arriving (default 100000)")
    parser.add_argument("--seats", type=int, default=10_000, help="seats the opening adds (default 10000)")
    parser.add_argument("--scripted", type=float, default=0.1, help="share of scripted clients (default 0.1)")
    parser.add_argument("--speedup", type=float, default=50.0, help="scripts poll and retry this many times faster")
    parser.add_argument("--first-share", type=float, default=0.3, help="share arriving first (default 0.3)")
    parser.add_argument("--first-seconds", type=float, default=30.0, help="…within this many seconds (default 30)")
    parser.add_argument("--seconds", type=float, default=300.0, help="the rest arrive until then (default 300)")
    parser.add_argument("--branches", type=int, default=10, help="WIB branches holding the seats (default 10)")
    parser.add_argument("--admit-per-second", type=int, default=20, help="OPENING_ADMIT_PER_SECOND (default 20)")
    parser.add_argument("--poll-seconds", type=int, default=5, help="OPENING_POLL_SECONDS (default 5)")
    parser.add_argument("--think", type=float, default=2.0, help="a person's pause before another try (s)")
    parser.add_argument("--modes", default="waitroom,fcfs", help="waitroom, fcfs or both (default both)")
    parser.add_argument("--lead", type=float, default=40.0, help="seconds from the server's start to the opening")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--connections", type=int, default=800, help="most client connections (default 800)")
    parser.add_argument("--timeout", type=float, default=30.0, help="client timeout per request (default 30 s)")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"),
                        help="PostgreSQL server URL without database")
    parser.add_argument("--database", default="bench_opening", help="PostgreSQL database prefix (dropped, re-created)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mornings", type=int, default=1,
                        help="mornings per mode, seeds --seed, --seed + 1 …; with more than one, the seats pooled")


# --- the clients ------------------------------------------------------------------------------------------------

@dataclass
class Person:
    row: dict[str, str]
    arrive: float  # seconds after the opening
    scripted: bool
    place_wait: float | None = None  # first join attempt → place
    seat_at: float | None = None  # seconds after arrival
    outcome: str = ""


@dataclass
class Tally:
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)  # kind -> status -> n
    latencies: dict[str, list[float]] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)

    def note(self, kind: str, status: int, latency: float, code: str = "") -> None:
        by = self.statuses.setdefault(kind, {})
        by[status] = by.get(status, 0) + 1
        if status > 0:
            self.latencies.setdefault(kind, []).append(latency)
        if code:
            self.codes[f"{kind}:{code}"] = self.codes.get(f"{kind}:{code}", 0) + 1

    def count(self, pred: Any) -> int:
        return sum(n for by in self.statuses.values() for s, n in by.items() if pred(s))


class Pool:
    """Keep-alive connections shared by everyone, opened on demand up to ``limit``."""

    def __init__(self, port: int, limit: int, timeout: float, tally: Tally) -> None:
        self.port, self.limit, self.timeout, self.tally = port, limit, timeout, tally
        self.idle: list[Conn] = []
        self.opened = 0
        self.free = asyncio.Condition()

    async def call(self, kind: str, method: str, path: str, body: Any = None,
                   bearer: str = "") -> tuple[int, dict[str, Any]]:
        data = json.dumps(body).encode() if body is not None else b""
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        conn: Conn | None = None
        status = 0
        answer: Any = {}
        try:
            async with asyncio.timeout(self.timeout):
                async with self.free:
                    while not self.idle and self.opened >= self.limit:
                        await self.free.wait()
                    if self.idle:
                        conn = self.idle.pop()
                    else:
                        self.opened += 1
                        conn = Conn("127.0.0.1", self.port)
                status, _headers, raw = await conn.request(
                    method, path, data, f"Authorization: Bearer {bearer}\r\n" if bearer else "")
            try:
                answer = json.loads(raw) if raw else {}
            except ValueError:
                answer = {}
            async with self.free:
                self.idle.append(conn)
                self.free.notify()
        except (TimeoutError, ConnectionError, OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
            status = 0 if isinstance(exc, TimeoutError) else -1
            if conn is not None:
                conn.close()
                async with self.free:
                    self.opened -= 1
                    self.free.notify()
        code = str((answer.get("error") or {}).get("code", "")) if isinstance(answer, dict) and status >= 400 else ""
        self.tally.note(kind, status, loop.time() - t0, code)
        return status, answer if isinstance(answer, dict) else {}


def _booking_body(p: Person, branch: str, day: str, start: str, token: str | None) -> dict[str, Any]:
    r = p.row
    body = {"branch_code": branch, "date": day, "session_start": start, "claim_type": "JHT",
            "claim_reason": r["claim_reason"], "nik": r["nik"], "kpj": r["kpj"], "full_name": r["full_name"],
            "email": r["email"], "phone": r["phone"], "language": "id", "channels": ["email"]}
    if token:
        body["admission_token"] = token
    return body


class Morning:
    def __init__(self, pool: Pool, day: str, slots: list[tuple[str, str]], opts: dict[str, Any], t0: float) -> None:
        self.pool, self.day, self.slots, self.opts, self.t0 = pool, day, slots, opts, t0
        self.booked: list[Person] = []

    def now(self) -> float:
        return asyncio.get_running_loop().time() - self.t0

    def pause(self, p: Person, seconds: float) -> float:
        return seconds / self.opts["speedup"] if p.scripted else seconds

    async def book(self, p: Person, rnd: random.Random, token: str | None, kind: str) -> None:
        branch, start = self.slots[rnd.randrange(len(self.slots))]
        for _attempt in range(50 if p.scripted else 10):
            status, answer = await self.pool.call(kind, "POST", "/api/v1/bookings",
                                                  _booking_body(p, branch, self.day, start, token))
            if status == 201:
                p.seat_at, p.outcome = self.now() - p.arrive, "booked"
                self.booked.append(p)
                return
            err = answer.get("error") or {}
            if status == 409 and err.get("code") == "slot_full":
                alt = err.get("alternatives") or {}
                same = [(branch, s["session_start"]) for s in alt.get("same_branch", []) if s.get("date") == self.day]
                near = [(r["branch_code"], s["session_start"]) for r in alt.get("nearby", [])
                        if r.get("date") == self.day for s in r.get("sessions", [])]
                offered = same or near
                if not offered:
                    p.outcome = "full"
                    return
                branch, start = offered[rnd.randrange(len(offered))]
            elif status == 409 or status == 422:
                p.outcome = f"refused:{err.get('code', status)}"
                return
            await asyncio.sleep(self.pause(p, self.opts["think"]))
        p.outcome = p.outcome or "gave_up"

    async def fcfs(self, p: Person, rnd: random.Random) -> None:
        await asyncio.sleep(max(0.0, p.arrive - self.now()))
        await self.book(p, rnd, None, "booking")

    async def waitroom(self, p: Person, rnd: random.Random) -> None:
        await asyncio.sleep(max(0.0, p.arrive - self.now()))
        first = self.now()
        join = {k: v for k, v in _booking_body(p, self.slots[rnd.randrange(len(self.slots))][0], self.day, "", None)
                .items() if k not in ("date", "session_start")}
        place: dict[str, Any] = {}
        for _attempt in range(50 if p.scripted else 10):
            status, place = await self.pool.call("join", "POST", "/api/v1/opening/places", join)
            if status in (200, 201):
                p.place_wait = self.now() - first
                break
            if status in (409, 422):
                p.outcome = f"join:{(place.get('error') or {}).get('code', status)}"
                return
            await asyncio.sleep(self.pause(p, 5.0))
        else:
            p.outcome = "no_place"
            return
        token = str(place["place_token"])
        while True:
            phase = place.get("phase")
            if phase == "admitted":
                await self.book(p, rnd, str(place["admission_token"]), "admitted_booking")
                return
            if phase in ("sold_out", "over", "lapsed", "booked"):
                p.outcome = str(phase)
                return
            wait = float(place.get("poll_seconds") or self.opts["poll_seconds"])
            await asyncio.sleep(self.pause(p, wait))
            status, answer = await self.pool.call("poll", "GET", "/api/v1/opening/place", bearer=token)
            if status == 200:
                place = answer


# --- the world ---------------------------------------------------------------------------------------------------

def _admin(pg: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


SEED_SKIP = ("accounts", "claims", "intake", "benefits", "casework")

# Run in the template database with OPENING_AT set: the day the opening adds at the zone's branches, and the
# seats of that day moved to the chosen branches (every other zone branch: none that day).
SETUP_SCRIPT = """
import json
from collections import Counter
from lapakasik.booking import selectors
from lapakasik.booking.models import SlotQuota
from lapakasik.booking.waitroom import services
at = services.conf().opens_at
zone = [b for b in selectors.branch_infos() if b.time_zone == {zone!r}]
last = {{b.code: selectors.branch_window(b, at)[1][-1] for b in zone if selectors.branch_window(b, at)[1]}}
day = Counter(last.values()).most_common(1)[0][0]
SlotQuota.objects.filter(branch__code__in=[b.code for b in zone], date=day).update(capacity=0)
picked = sorted((c for c, d in last.items() if d == day),
                key=lambda c: -SlotQuota.objects.filter(branch__code=c, date=day).count())[:{branches}]
slots = list(SlotQuota.objects.filter(branch__code__in=picked, date=day).order_by("branch__code", "session_start")
             .values_list("id", "branch__code", "session_start"))
each, extra = divmod({seats}, len(slots))
for i, (pk, _c, _s) in enumerate(slots):
    SlotQuota.objects.filter(pk=pk).update(capacity=each + (1 if i < extra else 0))
print(json.dumps({{"day": str(day), "slots": [[c, str(s)[:5]] for _pk, c, s in slots]}}))
"""


def _people(opts: dict[str, Any], env: dict[str, str]) -> list[dict[str, str]]:
    out = run_command([sys.executable, "-m", "lapakasik", "demo_participants", "--format", "json"], env)
    rows = []
    for i, line in enumerate(out.splitlines()):
        if line.startswith("{"):
            row = json.loads(line)
            if row["expected"] == "eligible":
                rows.append({**row, "email": f"peserta{i}@bench.example", "phone": f"0812{70000000 + i:08d}"})
    return rows


def arrivals(n: int, opts: dict[str, Any]) -> list[tuple[float, bool]]:
    rnd = random.Random(opts["seed"])
    first = round(n * opts["first_share"])
    times = sorted([rnd.uniform(0, opts["first_seconds"]) for _ in range(first)]
                   + [rnd.uniform(opts["first_seconds"], opts["seconds"]) for _ in range(n - first)])
    scripted = set(rnd.sample(range(n), round(n * opts["scripted"])))
    return [(t, i in scripted) for i, t in enumerate(times)]


def _db_check(pg: str, database: str, day: str, branches: list[str]) -> dict[str, int]:
    """From the database: the opened day's seats at the chosen branches (supply, booked, booking rows) and
    the slots over capacity anywhere."""
    import psycopg

    with psycopg.connect(f"{pg}/{database}", autocommit=True) as conn:
        mine = ("FROM booking_slotquota s JOIN branches_branch b ON b.id = s.branch_id "
                "WHERE s.date = %s AND b.code = ANY(%s)")

        def one(sql: str, *args: Any) -> int:
            return int(conn.execute(sql, args).fetchone()[0])  # type: ignore[arg-type, index]
        return {
            "over": one("SELECT count(*) FROM booking_slotquota WHERE booked + held > capacity"),
            "booked": one(f"SELECT coalesce(sum(s.booked), 0) {mine}", day, branches),
            "supply": one(f"SELECT coalesce(sum(s.capacity), 0) {mine}", day, branches),
            "rows": one("SELECT count(*) FROM booking_booking k JOIN booking_slotquota s ON s.id = k.slot_id "
                        "WHERE s.date = %s AND k.status <> 'CANCELLED'", day),
        }


async def morning(port: int, opts: dict[str, Any], tally: Tally, day: str, slots: list[tuple[str, str]],
                  opens: datetime, mode: str, people: list[Person]) -> tuple[Morning, float, float]:
    """Warm the server up, wait for the opening, let everyone arrive: (the morning, load average at the
    opening, load generator CPU seconds)."""
    pool = Pool(port, opts["connections"], opts["timeout"], tally)
    for _ in range(20):  # warm-up: every worker imports and fills its caches
        await pool.call("warm", "GET", f"/api/v1/availability?date={day}")
    loop = asyncio.get_running_loop()
    t0 = loop.time() + (opens - datetime.now(UTC)).total_seconds()
    await asyncio.sleep(max(0.0, t0 - loop.time()))
    m = Morning(pool, day, slots, opts, t0)
    load0, cpu0 = os.getloadavg()[0], time.process_time()
    await asyncio.gather(*(getattr(m, mode)(p, random.Random(opts["seed"] * 7919 + i)) for i, p in enumerate(people)))
    for conn in pool.idle:
        conn.close()
    return m, load0, time.process_time() - cpu0



@dataclass
class Result:
    tally: Tally
    people: list[Person]
    db: dict[str, int]
    elapsed: float
    load0: float
    load1: float
    gen_cpu: float

    @property
    def booked(self) -> list[Person]:
        return [p for p in self.people if p.outcome == "booked"]


def _one_morning(opts: dict[str, Any], env: dict[str, str], pg: str, base: str, mode: str, mopts: dict[str, Any],
                 rows: list[dict[str, str]], day: str, slots: list[tuple[str, str]]) -> Result:
    """One morning of ``mode`` on a fresh copy of the template, with the arrivals of ``mopts["seed"]``."""
    database = f"{base}_{mode}"
    _admin(pg, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    _admin(pg, f"CREATE DATABASE {database} TEMPLATE {base}")
    opens = datetime.now(UTC) + timedelta(seconds=opts["lead"])
    menv = {**env, "DATABASE_URL": f"{pg}/{database}", "OPENING_AT": opens.isoformat(),
            "OPENING_ENABLED": "1" if mode == "waitroom" else "0"}
    port = free_port()
    server = start_server(menv, port, opts["workers"], opts["threads"], Path(env["LAPAKASIK_DATA_DIR"]) / f"server-{mode}.log")
    try:
        tally = Tally()
        people = [Person(rows[i], t, s) for i, (t, s) in enumerate(arrivals(opts["people"], mopts))]
        started = time.perf_counter()
        _m, load0, gen_cpu = asyncio.run(morning(port, mopts, tally, day, slots, opens, mode, people))
        elapsed = time.perf_counter() - started - opts["lead"]
        load1 = os.getloadavg()[0]
    finally:
        stop_server(server)
    db = _db_check(pg, database, day, sorted({c for c, _s in slots}))
    _admin(pg, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    return Result(tally, people, db, elapsed, load0, load1, gen_cpu)


def _report(w: Any, title: str, mode: str, r: Result) -> None:
    tally, people, db = r.tally, r.people, r.db
    booked = r.booked
    scripted_seats = sum(1 for p in booked if p.scripted)
    five = tally.count(lambda s: s >= 500)
    shed = tally.count(lambda s: s == 503)
    lost = tally.count(lambda s: s <= 0)
    places = sorted(p.place_wait for p in people if p.place_wait is not None)
    seat = sorted(p.seat_at for p in booked if p.seat_at is not None)
    bkind = "admitted_booking" if mode == "waitroom" else "booking"
    blat = tally.latencies.get(bkind, [])
    outcomes: dict[str, int] = {}
    for p in people:
        outcomes[p.outcome or "?"] = outcomes.get(p.outcome or "?", 0) + 1
    w("")
    w(f"{title}  ({r.elapsed:.0f} s from the opening to the last answer; load average {r.load0:.1f} → {r.load1:.1f} "
      f"on {os.cpu_count()} cores, shared; load generator CPU {r.gen_cpu:.0f} s)")
    if mode == "waitroom":
        w(f"  time to get a place     p50 {pct(places, 50):.3f} s  p99 {pct(places, 99):.3f} s  "
          f"max {max(places, default=float('nan')):.3f} s  ({len(places)} places)")
        jlat = sorted(tally.latencies.get("join", []))
        w(f"  join answers            p50 {pct(jlat, 50) * 1000:.1f} ms  p90 {pct(jlat, 90) * 1000:.1f} ms  "
          f"p99 {pct(jlat, 99) * 1000:.1f} ms  ({len(jlat)} answers)")
    w(f"  {'admitted bookings' if mode == 'waitroom' else 'booking attempts':<22}  p50 {pct(blat, 50):.3f} s  "
      f"p99 {pct(blat, 99):.3f} s  max {max(blat, default=float('nan')):.3f} s  ({len(blat)} answers)")
    w(f"  arrival → seat          p50 {pct(seat, 50):.1f} s  p99 {pct(seat, 99):.1f} s")
    w(f"  5xx {five} (of them 503 shed {shed}); timeouts/connection errors {lost}")
    w("  answers by kind: " + "; ".join(f"{k} {dict(sorted(v.items()))}" for k, v in tally.statuses.items()
                                       if k != "warm"))
    ok = db["booked"] == db["supply"] == db["rows"] == len(booked) and db["over"] == 0
    w(f"  seats booked {db['booked']} of {db['supply']} (rows {db['rows']}, 201s {len(booked)}); "
      f"slots over capacity {db['over']}  [{'ok' if ok else 'CHECK'}]")
    share_people = sum(1 for p in people if p.scripted) / len(people)
    share_seats = scripted_seats / len(booked) if booked else float("nan")
    w(f"  scripts' share of seats {share_seats:.1%} against {share_people:.1%} of the people "
      f"({share_seats * 100 - share_people * 100:+.1f} points)")
    w(f"  outcomes {dict(sorted(outcomes.items()))}")
    top = sorted(tally.codes.items(), key=lambda kv: -kv[1])[:8]
    w(f"  refusal codes {dict(top)}")


def _pooled(w: Any, mode: str, runs: list[Result]) -> None:
    """The mornings together: one morning's seats are too few to tell a share within 2 points (a 10 % share
    of 100 seats spreads ± 3 points), the mornings' seats together are not (± 1 point at 900 seats)."""
    seats = sum(len(r.booked) for r in runs)
    scripted = sum(1 for r in runs for p in r.booked if p.scripted)
    people = sum(len(r.people) for r in runs)
    scripted_people = sum(1 for r in runs for p in r.people if p.scripted)
    share, base = (scripted / seats if seats else float("nan")), scripted_people / people
    half = 1.96 * math.sqrt(base * (1 - base) / seats) if seats else float("nan")
    places = sorted(p.place_wait for r in runs for p in r.people if p.place_wait is not None)
    bkind = "admitted_booking" if mode == "waitroom" else "booking"
    blat = sorted(x for r in runs for x in r.tally.latencies.get(bkind, []))
    five = sum(r.tally.count(lambda s: s >= 500) for r in runs)
    lost = sum(r.tally.count(lambda s: s <= 0) for r in runs)
    supply = sum(r.db["supply"] for r in runs)
    over = sum(r.db["over"] for r in runs)
    w("")
    w(f"{mode}, {len(runs)} mornings together")
    if mode == "waitroom":
        w(f"  time to get a place     p99 {pct(places, 99):.3f} s  ({len(places)} places)")
    w(f"  {'admitted bookings' if mode == 'waitroom' else 'booking attempts':<22}  p99 {pct(blat, 99):.3f} s  "
      f"({len(blat)} answers)")
    w(f"  5xx {five}; timeouts/connection errors {lost}; seats booked {seats} of {supply}; slots over capacity {over}")
    w(f"  scripts' share of seats {share:.1%} ({scripted} of {seats}) against {base:.1%} of the people "
      f"({share * 100 - base * 100:+.1f} points; a fair draw lands within ±{half * 100:.1f} points 95 % of the time)")
    w("  per morning: " + ", ".join(
        f"{sum(1 for p in r.booked if p.scripted) / max(1, len(r.booked)):.0%}" for r in runs))


def run(options: dict[str, Any], stdout: Any) -> None:
    w = stdout.write
    opts = options
    modes = [m.strip() for m in opts["modes"].split(",") if m.strip()]
    if not modes or set(modes) - {"waitroom", "fcfs"}:
        raise CommandError("--modes: waitroom, fcfs or waitroom,fcfs")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", opts["database"]):
        raise CommandError("--database: lower-case letters, digits and _ only")
    if not (0 < opts["first_seconds"] < opts["seconds"]) or min(opts["people"], opts["seats"], opts["mornings"]) < 1:
        raise CommandError("need 0 < --first-seconds < --seconds, --people ≥ 1, --seats ≥ 1, --mornings ≥ 1")
    pg, base = opts["pg"].rstrip("/"), opts["database"]
    workdir = tempfile.mkdtemp(prefix="lapakasik-bench-opening-")
    after_minutes = max(1, math.ceil(opts["seconds"] / 60))
    env = {**os.environ, "LAPAKASIK_DATA_DIR": workdir, "DEBUG": "0", "LAPAKASIK_ENV": "development",
           "RATE_LIMIT_IP_PER_MINUTE": "0", "LOG_LEVEL": "ERROR", "DJANGO_SETTINGS_MODULE": "lapakasik.settings",
           "DB_POOL_MAX": str(opts["threads"]), "DB_POOL_MIN": str(opts["threads"]),
           "OPENING_WINDOW_BEFORE_MINUTES": "1", "OPENING_WINDOW_AFTER_MINUTES": str(after_minutes),
           "OPENING_ADMIT_PER_SECOND": str(opts["admit_per_second"]),
           "OPENING_POLL_SECONDS": str(opts["poll_seconds"])}
    t_setup = time.perf_counter()
    _admin(pg, f"DROP DATABASE IF EXISTS {base} WITH (FORCE)")
    _admin(pg, f"CREATE DATABASE {base}")
    base_env = {**env, "DATABASE_URL": f"{pg}/{base}",
                "OPENING_AT": (datetime.now(UTC) + timedelta(seconds=opts["lead"] + 60)).isoformat()}
    exe = [sys.executable, "-m", "lapakasik"]
    run_command([*exe, "migrate", "-v0"], base_env)
    run_command([*exe, "seed_demo", "--participants", str(int(opts["people"] / 0.7) + 200),
                 *[a for app in SEED_SKIP for a in ("--skip", app)]], base_env)
    rows = _people(opts, base_env)
    if len(rows) < opts["people"]:
        raise CommandError(f"only {len(rows)} eligible participants for {opts['people']} people")
    world = json.loads(run_command([*exe, "shell", "-c", SETUP_SCRIPT.format(
        zone=ZONE, branches=opts["branches"], seats=opts["seats"])], base_env).strip().splitlines()[-1])
    day, slots = world["day"], [tuple(s) for s in world["slots"]]
    plan = arrivals(opts["people"], opts)
    n_scripted = sum(1 for _t, s in plan if s)
    w(f"opening: {opts['people']} people ({n_scripted} scripted, {opts['speedup']:g}× faster) for {opts['seats']} "
      f"seats on {day} at {len({c for c, _s in slots})} WIB branches ({len(slots)} sessions); "
      f"{opts['first_share']:.0%} arrive in {opts['first_seconds']:g} s, the rest by {opts['seconds']:g} s; "
      f"admission {opts['admit_per_second']}/s, poll {opts['poll_seconds']} s; PostgreSQL, lapakasik serve "
      f"{opts['workers']}×{opts['threads']}; setup {time.perf_counter() - t_setup:.0f} s")
    results: dict[str, list[Result]] = {}
    try:
        for mode in modes:
            for k in range(opts["mornings"]):
                got = _one_morning(opts, env, pg, base, mode, {**opts, "seed": opts["seed"] + k}, rows, day, slots)
                results.setdefault(mode, []).append(got)
                w(f"  {mode} morning {k + 1} of {opts['mornings']}: {len(got.booked)} seats, "
                  f"{sum(1 for p in got.booked if p.scripted)} to scripts")
    finally:
        _admin(pg, f"DROP DATABASE IF EXISTS {base} WITH (FORCE)")
        shutil.rmtree(workdir, ignore_errors=True)
    for mode, runs in results.items():
        for k, result in enumerate(runs):
            _report(w, mode if len(runs) == 1 else f"{mode}, morning {k + 1} (seed {opts['seed'] + k})", mode, result)
        if len(runs) > 1:
            _pooled(w, mode, runs)
    w(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
      f"load generator in the same box")
