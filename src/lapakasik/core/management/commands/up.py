"""`lapakasik up`: migrate, seed demo data once (demo mode only), start web + worker + mail gateway,
restart a child that crashes (with backoff), stop all on Ctrl-C / SIGTERM or a crash loop. The embedded
default needs nothing but Python. In production it refuses to start on development defaults or demo
accounts (``core.checks``)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any, TextIO

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from lapakasik.core.checks import refuse_unsafe_production
from lapakasik.core.masking import mask_text
from lapakasik.core.models import PeriodicRun
from lapakasik.settings.env import development_base_url


def _masked_db_url() -> str:
    url = settings.DATABASE_URL
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return mask_text(text.splitlines()[0].strip() if text else exc.__class__.__name__)


def _probe_database(timeout: int = 5) -> None:
    """Connect once, outside the connection pool: an unreachable PostgreSQL fails fast, in one line,
    instead of the pool retrying (and logging) until its timeout."""
    if connection.vendor == "postgresql":
        import psycopg  # the driver is loaded only when the database is PostgreSQL

        params = connection.get_connection_params()
        libpq = {k: v for k, v in params.items() if k not in {"cursor_factory", "context", "prepare_threshold"}}
        with psycopg.connect(**libpq, connect_timeout=timeout) as conn:
            conn.execute("SELECT 1")
    else:
        connection.ensure_connection()


def _check_port(host: str, port: int) -> None:
    """Fail in one line before any work when the web port is taken (another `up` still running?)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host.strip("[]"), port))
        except OSError as exc:
            raise CommandError(
                f"Port {port} di {host} sudah dipakai / port {port} on {host} is in use ({exc.strerror}): "
                "stop the other process or choose another with --port or PORT=…"
            ) from None


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the child gets SIGTERM if `up` itself dies (e.g. SIGKILL), so nothing is orphaned."""
    try:
        import ctypes  # Linux's prctl, between fork and exec

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _start(argv: list[str]) -> subprocess.Popen[bytes]:
    """Each child in its own process group: Ctrl-C in the terminal reaches only `up`, which then
    stops the children in order (a signal delivered to a server's workers and its master at the
    same time can leave workers behind)."""
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, process_group=0,
                            preexec_fn=_die_with_parent if sys.platform == "linux" else None)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


# Restart policy: the first restart after 0.5 s, doubling up to 30 s; a child that had run HEALTHY_AFTER
# seconds when it crashed starts again from 0.5 s. CRASH_LOOP crashes in a row of one child, each within
# HEALTHY_AFTER seconds of its start, are a crash loop and stop everything (counted in run time, not wall
# time, so a slow start on a loaded machine cannot hide a loop).
FIRST_DELAY, MAX_DELAY, HEALTHY_AFTER = 0.5, 30.0, 60.0
CRASH_LOOP = 5


def describe_exit(returncode: int) -> str:
    """``exit 3`` or ``signal SIGKILL`` (Popen reports a signal as a negative return code)."""
    if returncode < 0:
        try:
            return f"signal {signal.Signals(-returncode).name}"
        except ValueError:
            return f"signal {-returncode}"
    return f"exit {returncode}"


@dataclass
class Child:
    """One supervised child: how to start it, the running process, its crash history."""

    name: str
    argv: list[str]
    proc: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    delay: float = FIRST_DELAY
    restart_at: float | None = None  # set while waiting to restart after a crash
    crashes: int = 0  # in a row, each before the child had run HEALTHY_AFTER seconds
    restarts: int = 0

    def start(self) -> None:
        self.proc = _start(self.argv)
        self.started_at = time.monotonic()
        self.restart_at = None


class Supervisor:
    """Watches the children: a crashed one is restarted after its backoff delay; a crash loop
    (``CRASH_LOOP`` crashes in a row of one child, each within ``HEALTHY_AFTER`` s of its start) is
    reported and ends supervision."""

    def __init__(self, children: list[Child], err: TextIO | Any) -> None:
        self.children = {child.name: child for child in children}
        self.err = err
        self.failure: str | None = None

    def check(self, now: float | None = None) -> bool:
        """One pass: restart what is due, notice what died. False when a crash loop stops everything."""
        now = time.monotonic() if now is None else now
        for child in self.children.values():
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.start()
                    child.restarts += 1
                continue
            if child.proc is None or child.proc.poll() is None:
                continue
            returncode = child.proc.returncode
            _kill_group(child.proc)  # what the dead child left in its group (a server's workers) goes too
            ran = now - child.started_at
            if ran >= HEALTHY_AFTER:
                child.delay, child.crashes = FIRST_DELAY, 0
            child.crashes += 1
            if child.crashes >= CRASH_LOOP:
                self.failure = (f"{child.name} crashed {child.crashes} times in a row, each within "
                                f"{HEALTHY_AFTER:.0f} s of its start (last: {describe_exit(returncode)}); stopping all")
                self.err.write(self.failure + "\n")
                return False
            self.err.write(f"{child.name} stopped ({describe_exit(returncode)}) after {ran:.1f} s; "
                           f"restarting in {child.delay:g} s\n")
            child.restart_at = now + child.delay
            child.delay = min(child.delay * 2, MAX_DELAY)
        return True

    def running(self) -> list[subprocess.Popen[bytes]]:
        return [child.proc for child in self.children.values() if child.proc is not None]


class Command(BaseCommand):
    help = "Set up and start everything: migrate, seed once, web + worker (+ mail gateway)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-seed", action="store_true", help="do not seed the demo data (demo mode only)")

    def handle(self, *args: Any, **opts: Any) -> None:
        refuse_unsafe_production()  # settings first (no database needed) …
        _check_port(opts["host"], opts["port"])
        try:
            _probe_database()
        except Exception as exc:
            raise CommandError(
                f"Basis data tidak dapat dihubungi / database unreachable ({_masked_db_url()}): {_first_line(exc)}"
            ) from None
        try:
            call_command("migrate", interactive=False, verbosity=0)
        except DatabaseError as exc:
            raise CommandError(f"Migrasi gagal / migrations failed ({_masked_db_url()}): {_first_line(exc)}") from None
        self.stdout.write("database ready (migrations applied)")
        refuse_unsafe_production()  # … then the accounts in the database
        if settings.DEMO_MODE and not opts["no_seed"]:
            marker = "seed_demo"
            if not PeriodicRun.objects.filter(job=marker).exists():
                call_command("seed_demo", stdout=self.stdout)
                PeriodicRun.objects.get_or_create(job=marker, period=0)
            else:
                self.stdout.write("demo data already seeded")
        exe = [sys.executable, "-m", "lapakasik"]
        stopping = False

        def _terminate(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, _terminate)
        signal.signal(signal.SIGTERM, _terminate)
        if not os.environ.get("PUBLIC_BASE_URL") and not settings.PRODUCTION:  # links on the real port,
            os.environ["PUBLIC_BASE_URL"] = development_base_url(opts["host"], opts["port"])  # in every child
        specs = [Child("web", [*exe, "serve", "--host", opts["host"], "--port", str(opts["port"])]),
                 Child("worker", [*exe, "worker"])]
        if "mailgateway" in get_commands():
            specs.append(Child("mailgateway", [*exe, "mailgateway"]))
        if getattr(settings, "NOTIFY_HTTP_SIMULATOR", False) and "notifysim" in get_commands():
            specs.append(Child("notifysim", [*exe, "notifysim"]))  # WhatsApp/SMS simulator over HTTP
        for child in specs:
            child.start()
        supervisor = Supervisor(specs, self.stderr)
        children = supervisor.children
        base = f"http://{opts['host']}:{opts['port']}"
        self.stdout.write(self.style.SUCCESS(f"\nLapak Asik berjalan / is running: {base}/"))
        self.stdout.write(f"  API docs        {base}/api/v1/docs")
        self.stdout.write(f"  Officer log-in  {base}/petugas/masuk/   admin: {base}/admin/")
        if settings.DEMO_MODE:
            self.stdout.write(f"  Dev inbox       {base}/dev/inbox")
            call_command("demo_logins", stdout=self.stdout)
        if "mailgateway" in children:
            self.stdout.write(f"  Mail gateway    smtp://{settings.MAILGATEWAY_HOST}:{settings.MAILGATEWAY_PORT}")
        self.stdout.write("Ctrl-C to stop.\n")
        sys.stdout.flush()

        exit_code = 0
        while not stopping:
            if not supervisor.check():
                stopping, exit_code = True, 1
                break
            time.sleep(0.2)
        # One SIGTERM to each child; each stops its own workers. Whatever is left after the grace
        # period is killed with its whole process group (a server's workers included).
        for proc in supervisor.running():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for name, child in children.items():
            if child.proc is None:
                continue
            proc = child.proc
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} did not stop within 10 s; killing it")
                exit_code = 1
            _kill_group(proc)
        self.stdout.write("stopped")
        if exit_code:
            raise SystemExit(exit_code)
