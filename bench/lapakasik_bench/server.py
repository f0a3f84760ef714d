"""Web server comparison: granian vs gunicorn serving the app (``lapakasik bench server``).

Each server is started through ``lapakasik serve --server NAME`` (so exactly what production runs),
with the same number of worker processes, production settings (DEBUG off, JSON logs, compressed
static manifest) and the same database: PostgreSQL in its own database ``bench_server`` (created,
migrated and seeded here), or SQLite in a throw-away data directory when PostgreSQL is not reachable
(printed). A load generator (``wrk`` when installed, else a Python client with threads) then drives,
for the same duration and connection count:

- ``health``: ``GET /healthz`` — no database, no template: the server + framework ceiling (baseline);
- ``home``: ``GET /`` — the Indonesian home page: middleware stack, session/CSRF/locale, two COUNT
  queries and a rendered template (a real page);
- ``write``: ``POST /_bench/write`` — a benchmark-only endpoint (mounted only in the benchmark's own
  URLconf) with the booking hot path's shape: parse a JSON body, then one transaction with a
  conditional UPDATE of one hot row, one INSERT and one outbox task row (see ``_server_urls.py``).

Rounds alternate the servers (granian, gunicorn, granian, gunicorn …) so drift on a shared machine
hits both; the best round per server and scenario is reported (least disturbed) with p50/p99 latency,
the median over the rounds, non-2xx answers, and the ratio between the servers. On a machine shared
with other work throughput swings with the CPU left over, so the server's own **CPU time per
request** (user + system of the master and its workers, /proc/PID/stat, PostgreSQL excluded) is
reported too: it measures the server's cost independently of what else runs.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

SETTINGS = "lapakasik_bench._server_settings"
SCENARIOS = {
    "health": ("GET", "/healthz"),
    "home": ("GET", "/"),
    "write": ("POST", "/_bench/write"),
}
WRITE_BODY = '{"note": "bench"}'


@dataclass
class Result:
    server: str
    workers: int
    threads: int
    scenario: str
    round: int
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    rss_mb: float = 0.0
    cpu_ms_per_request: float = 0.0
    tool: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def add_arguments(parser: Any) -> None:
    parser.add_argument("--servers", default="granian,gunicorn",
                        help="comma list of NAME[:WORKERS[:THREADS]], NAME granian|gunicorn (default granian,gunicorn); "
                             "the first is compared with each other one")
    parser.add_argument("--workers", type=int, default=2, help="worker processes per server (default 2 = cores)")
    parser.add_argument("--scenarios", default="health,home,write", help="comma list of health,home,write")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per scenario (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per server start (default 2)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections (default 8)")
    parser.add_argument("--threads", type=int, default=1, help="load generator threads for wrk (default 1)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds, servers alternating (default 2)")
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_server"),
        help="PostgreSQL database to use (created if missing; default bench_server on 127.0.0.1)")
    parser.add_argument("--sqlite", action="store_true", help="use SQLite in a throw-away directory instead")
    parser.add_argument("--loadgen", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--json", dest="json_path", default="", help="also write the results to this JSON file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")


# --------------------------------------------------------------------------- database


def _postgres_ready(url: str) -> str | None:
    """Create the database if missing; returns None when ready, else the reason it is not."""
    try:
        import psycopg
        from psycopg import sql
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return "psycopg missing"
    base, name = url.rsplit("/", 1)
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        return f"unsafe database name {name!r}"
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    return None


def _env(data_dir: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAPAKASIK_", "DJANGO_", "GRANIAN_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "LAPAKASIK_ENV": "production",
        "LAPAKASIK_DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback; TLS is the proxy's job
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    env.pop("DEBUG", None)
    return env


def _manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    proc = subprocess.run([sys.executable, "-m", "lapakasik", *args], env=env, capture_output=True, timeout=timeout)
    if proc.returncode != 0:
        raise CommandError(f"lapakasik {' '.join(args)} failed: {proc.stderr.decode()[-2000:]}")
    return proc.stdout.decode()


_PREPARE = """
from django_tasks_db.models import DBTaskResult
from lapakasik.branches.seed import seed_demo
seed_demo()
from lapakasik.core.models import PeriodicRun
PeriodicRun.objects.filter(job__startswith="bench:").delete()
DBTaskResult.objects.filter(task_path__startswith="lapakasik_bench.").delete()
PeriodicRun.objects.create(job="bench:counter", period=0)
"""

_COUNT = """
from lapakasik.core.models import PeriodicRun
print("BENCHROWS", PeriodicRun.objects.filter(job="bench:write").count())
"""


# --------------------------------------------------------------------------- servers


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tree(pid: int) -> list[int]:
    found, todo = [pid], [pid]
    while todo:
        current = todo.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found.append(child)
            todo.append(child)
    return found


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process tree (all threads), from /proc/PID/stat."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for member in _tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / ticks


def _rss_mb(pid: int) -> float:
    total = 0
    for member in _tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class Server:
    def __init__(self, name: str, workers: int, threads: int, env: dict[str, str], log_dir: Path) -> None:
        self.name, self.workers, self.threads, self.env = name, workers, threads, env
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"{name}-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90) -> None:
        import httpx

        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lapakasik", "serve", "--server", self.name, "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(self.workers), "--threads", str(self.threads)],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, process_group=0)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise CommandError(f"{self.name} exited at start; see {self.log_path}")
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        else:
            raise CommandError(f"{self.name} not ready after {timeout}s; see {self.log_path}")
        home = httpx.get(f"{self.base}/", timeout=10)
        write = httpx.post(f"{self.base}/_bench/write", content=WRITE_BODY,
                           headers={"Content-Type": "application/json"}, timeout=10)
        if home.status_code != 200 or "<html" not in home.text or write.status_code != 201:
            raise CommandError(f"{self.name}: home {home.status_code}, write {write.status_code}; see {self.log_path}")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()


# --------------------------------------------------------------------------- load generators

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(text)
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> dict[str, float]:
    """Requests, seconds, req/s, p50/p99 (ms) and errors from ``wrk --latency`` output."""
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    if not (total and rps and p50 and p99):
        raise CommandError(f"cannot read wrk output:\n{output}")
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non2xx:
        errors += int(non2xx.group(1))
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if sock:
        # gunicorn's sync workers close every connection; wrk counts some of those closes as read errors.
        errors += int(sock.group(1)) + int(sock.group(3)) + int(sock.group(4))
    return {
        "requests": int(total.group(1)), "seconds": _ms(total.group(2) + total.group(3)) / 1000,
        "rps": float(rps.group(1)), "p50_ms": _ms(p50.group(1)), "p99_ms": _ms(p99.group(1)), "errors": errors,
    }


def run_wrk(url: str, method: str, duration: float, connections: int, threads: int, tmp: Path) -> dict[str, float]:
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency", "--timeout", "10s"]
    if method == "POST":
        script = tmp / "post.lua"
        script.write_text(
            'wrk.method = "POST"\n'
            f"wrk.body = '{WRITE_BODY}'\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
        )
        args += ["-s", str(script)]
    proc = subprocess.run([*args, url], capture_output=True, timeout=duration + 60)
    return parse_wrk(proc.stdout.decode())


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_python(url: str, method: str, duration: float, connections: int) -> dict[str, float]:
    """Fallback: one thread per connection, each a keep-alive httpx client (GIL-bound: slower than wrk)."""
    import httpx

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + duration

    def worker() -> None:
        mine: list[float] = []
        bad = 0
        with httpx.Client(timeout=10) as client:
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                try:
                    if method == "POST":
                        response = client.post(url, content=WRITE_BODY, headers={"Content-Type": "application/json"})
                    else:
                        response = client.get(url)
                    if response.status_code >= 400:
                        bad += 1
                except httpx.HTTPError:
                    bad += 1
                mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return {"requests": len(latencies), "seconds": seconds, "rps": len(latencies) / seconds,
            "p50_ms": _percentile(latencies, 0.50), "p99_ms": _percentile(latencies, 0.99), "errors": errors[0]}


# --------------------------------------------------------------------------- run


def _parse_servers(spec: str, default_workers: int) -> list[tuple[str, int, int]]:
    """``NAME[:WORKERS[:THREADS]]`` items → (name, workers, threads)."""
    servers = []
    for item in filter(None, (s.strip() for s in spec.split(","))):
        name, *numbers = item.split(":")
        if name not in {"granian", "gunicorn"} or len(numbers) > 2:
            raise CommandError(f"unknown server {item!r} (granian|gunicorn[:WORKERS[:THREADS]])")
        workers = int(numbers[0]) if numbers and numbers[0] else default_workers
        threads = int(numbers[1]) if len(numbers) > 1 else 1
        servers.append((name, workers, threads))
    return servers


def _label(name: str, workers: int, threads: int) -> str:
    return f"{name}×{workers}" + (f"×{threads}t" if threads > 1 else "")


def _machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu or 'unknown CPU'}), Python {sys.version.split()[0]}"


def run(options: dict[str, Any], stdout: Any) -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    servers = _parse_servers(options["servers"], options["workers"])
    scenarios = [s.strip() for s in options["scenarios"].split(",") if s.strip()]
    unknown = set(scenarios) - set(SCENARIOS)
    if unknown:
        raise CommandError(f"unknown scenario(s) {sorted(unknown)} ({', '.join(SCENARIOS)})")
    tool = options["loadgen"]
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"
    elif tool == "wrk" and not shutil.which("wrk"):
        raise CommandError("wrk is not installed (apt-get install wrk), use --loadgen python")

    tmp = Path(tempfile.mkdtemp(prefix="lapakasik-bench-server-"))
    if options["sqlite"]:
        database_url, db_label = f"sqlite:///{tmp / 'bench.sqlite3'}", "SQLite (WAL) in a throw-away directory"
    else:
        reason = _postgres_ready(options["database_url"])
        if reason is None:
            database_url = options["database_url"]
            db_label = f"PostgreSQL, database {database_url.rsplit('/', 1)[1]}"
        else:
            database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
            db_label = f"SQLite (WAL) — PostgreSQL not reachable: {reason}"
    env = _env(tmp / "data", database_url)
    stdout.write(f"machine: {_machine()}\ndatabase: {db_label}\nload generator: {tool}, "
                 f"{options['connections']} connections, {options['duration']:.0f} s per scenario, "
                 f"{options['rounds']} round(s)\n")
    stdout.write("preparing the database (migrate, branch network) …\n")
    _manage(env, "migrate", "--verbosity", "0")
    _manage(env, "shell", "-c", _PREPARE)

    results: list[Result] = []
    try:
        for round_no in range(1, options["rounds"] + 1):
            for name, workers, threads in servers:
                server = Server(name, workers, threads, env, tmp)
                stdout.write(f"round {round_no}: {_label(name, workers, threads)} on :{server.port} …\n")
                try:
                    server.start()
                    _load(tool, f"{server.base}/", "GET", options["warmup"], options, tmp)
                    for scenario in scenarios:
                        method, path = SCENARIOS[scenario]
                        assert server.proc is not None
                        cpu_before = _cpu_seconds(server.proc.pid)
                        figures = _load(tool, f"{server.base}{path}", method, options["duration"], options, tmp)
                        cpu = _cpu_seconds(server.proc.pid) - cpu_before
                        result = Result(server=name, workers=workers, threads=threads, scenario=scenario, round=round_no, tool=tool,
                                        rss_mb=round(_rss_mb(server.proc.pid), 1),
                                        requests=int(figures["requests"]), seconds=figures["seconds"],
                                        rps=figures["rps"], p50_ms=figures["p50_ms"], p99_ms=figures["p99_ms"],
                                        errors=int(figures["errors"]),
                                        cpu_ms_per_request=round(1000 * cpu / max(1, figures["requests"]), 3))
                        results.append(result)
                        stdout.write(f"  {scenario:7s} {result.rps:9.1f} req/s  p50 {result.p50_ms:7.2f} ms  "
                                     f"p99 {result.p99_ms:7.2f} ms  errors {result.errors}  "
                                     f"CPU {result.cpu_ms_per_request:.2f} ms/req  RSS {result.rss_mb:.0f} MB\n")
                finally:
                    server.stop()
        rows = _manage(env, "shell", "-c", _COUNT)
        written = int(rows.split("BENCHROWS", 1)[1].split()[0]) if "BENCHROWS" in rows else -1
    finally:
        if not options["keep"]:
            shutil.rmtree(tmp, ignore_errors=True)
    _report(results, servers, scenarios, written, stdout)
    if options["json_path"]:
        Path(options["json_path"]).write_text(json.dumps({
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": _machine(), "database": db_label,
            "load_generator": tool, "connections": options["connections"], "duration_s": options["duration"],
            "rows_written": written, "results": [asdict(r) for r in results]}, indent=2))


def _load(tool: str, url: str, method: str, duration: float, options: dict[str, Any], tmp: Path) -> dict[str, float]:
    if tool == "wrk":
        return run_wrk(url, method, duration, options["connections"], options["threads"], tmp)
    return run_python(url, method, duration, options["connections"])


def rounds_of(results: list[Result], server: tuple[str, int, int], scenario: str) -> list[Result]:
    return [r for r in results if (r.server, r.workers, r.threads, r.scenario) == (*server, scenario)]


def best(results: list[Result], server: tuple[str, int, int], scenario: str) -> Result | None:
    rows = rounds_of(results, server, scenario)
    return max(rows, key=lambda r: r.rps) if rows else None


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _report(results: list[Result], servers: list[tuple[str, int, int]], scenarios: list[str], written: int,
            stdout: Any) -> None:
    stdout.write("\nbest round per server and scenario (median req/s and CPU per request over all rounds)\n")
    stdout.write(f"{'scenario':8s} {'server':14s} {'req/s':>9s} {'median':>8s} {'p50 ms':>8s} {'p99 ms':>8s} "
                 f"{'errors':>7s} {'CPU ms/req':>10s} {'RSS MB':>7s}\n")
    for scenario in scenarios:
        for server in servers:
            r = best(results, server, scenario)
            if r:
                rows = rounds_of(results, server, scenario)
                stdout.write(f"{scenario:8s} {_label(*server):14s} {r.rps:9.1f} {_median([x.rps for x in rows]):8.1f} "
                             f"{r.p50_ms:8.2f} {r.p99_ms:8.2f} {sum(x.errors for x in rows):7d} "
                             f"{_median([x.cpu_ms_per_request for x in rows]):10.2f} {r.rss_mb:7.0f}\n")
    for other in servers[1:]:
        first = servers[0]
        stdout.write(f"\nratio {_label(*first)} / {_label(*other)}\n")
        for scenario in scenarios:
            ra, rb = best(results, first, scenario), best(results, other, scenario)
            if ra and rb and rb.rps and ra.p50_ms and ra.p99_ms:
                cpu_a = _median([x.cpu_ms_per_request for x in rounds_of(results, first, scenario)])
                cpu_b = _median([x.cpu_ms_per_request for x in rounds_of(results, other, scenario)])
                stdout.write(f"{scenario:8s} throughput ×{ra.rps / rb.rps:.2f}   p50 ×{rb.p50_ms / ra.p50_ms:.2f} "
                             f"faster   p99 ×{rb.p99_ms / ra.p99_ms:.2f} faster   CPU per request "
                             f"×{(cpu_b / cpu_a) if cpu_a else 0:.2f} less\n")
    if written >= 0:
        stdout.write(f"\nrows written by the write scenario (all servers, all rounds, checks included): {written}\n")
