"""`lapakasik up`: migrate, seed demo data once (demo mode only), start web + worker + mail gateway,
stop all on Ctrl-C / SIGTERM. The embedded default needs nothing but Python. In production it refuses
to start on development defaults or demo accounts (``core.checks``)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

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
        import psycopg

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
        import ctypes

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
        children: dict[str, subprocess.Popen[bytes]] = {}
        children["web"] = _start([*exe, "serve", "--host", opts["host"], "--port", str(opts["port"])])
        children["worker"] = _start([*exe, "worker"])
        if "mailgateway" in get_commands():
            children["mailgateway"] = _start([*exe, "mailgateway"])
        if getattr(settings, "NOTIFY_HTTP_SIMULATOR", False) and "notifysim" in get_commands():
            children["notifysim"] = _start([*exe, "notifysim"])  # WhatsApp/SMS simulator over HTTP

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
            for name, proc in children.items():
                if proc.poll() is not None:
                    self.stderr.write(f"{name} stopped (exit {proc.returncode}); stopping the others")
                    stopping, exit_code = True, 1
                    break
            time.sleep(0.3)
        # One SIGTERM to each child; each stops its own workers. Whatever is left after the grace
        # period is killed with its whole process group (a server's workers included).
        for proc in children.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for name, proc in children.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} did not stop within 10 s; killing it")
                exit_code = 1
            _kill_group(proc)
        self.stdout.write("stopped")
        if exit_code:
            raise SystemExit(exit_code)
