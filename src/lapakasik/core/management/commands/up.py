"""`lapakasik up`: migrate, seed demo data once, start web + worker + mail gateway, stop all on
Ctrl-C / SIGTERM. The embedded default needs nothing but Python."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from lapakasik.core.masking import mask_text


def _masked_db_url() -> str:
    url = settings.DATABASE_URL
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


class Command(BaseCommand):
    help = "Set up and start everything: migrate, seed once, web + worker (+ mail gateway)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-seed", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            connection.ensure_connection()
        except Exception as exc:
            raise CommandError(
                f"Basis data tidak dapat dihubungi / database unreachable ({_masked_db_url()}): "
                f"{mask_text(str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__)}"
            ) from None
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("database ready (migrations applied)")
        if not opts["no_seed"]:
            from lapakasik.core.models import PeriodicRun

            marker = "seed_demo"
            if not PeriodicRun.objects.filter(job=marker).exists():
                call_command("seed_demo", stdout=self.stdout)
                PeriodicRun.objects.get_or_create(job=marker, period=0)
            else:
                self.stdout.write("demo data already seeded")
        exe = [sys.executable, "-m", "lapakasik"]
        children: dict[str, subprocess.Popen[bytes]] = {}
        children["web"] = subprocess.Popen([*exe, "serve", "--host", opts["host"], "--port", str(opts["port"])])
        children["worker"] = subprocess.Popen([*exe, "worker"])
        if "mailgateway" in get_commands():
            children["mailgateway"] = subprocess.Popen([*exe, "mailgateway"])

        base = f"http://{opts['host']}:{opts['port']}"
        self.stdout.write(self.style.SUCCESS(f"\nLapak Asik berjalan / is running: {base}/"))
        self.stdout.write(f"  API docs        {base}/api/v1/docs")
        self.stdout.write(f"  Officer log-in  {base}/petugas/masuk/   admin: {base}/admin/")
        if settings.DEMO_MODE:
            from lapakasik.accounts.seed import DEMO_PASSWORD, DEMO_USERS

            self.stdout.write(f"  Dev inbox       {base}/dev/inbox")
            self.stdout.write(f"  Demo log-ins    {', '.join(u[0] for u in DEMO_USERS)} / password '{DEMO_PASSWORD}'")
        if "mailgateway" in children:
            self.stdout.write(f"  Mail gateway    smtp://{settings.MAILGATEWAY_HOST}:{settings.MAILGATEWAY_PORT}")
        self.stdout.write("Ctrl-C to stop.\n")
        sys.stdout.flush()

        stopping = False

        def _terminate(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, _terminate)
        signal.signal(signal.SIGTERM, _terminate)
        exit_code = 0
        while not stopping:
            for name, proc in children.items():
                if proc.poll() is not None:
                    self.stderr.write(f"{name} stopped (exit {proc.returncode}); stopping the others")
                    stopping, exit_code = True, 1
                    break
            time.sleep(0.3)
        for proc in children.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in children.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
        self.stdout.write("stopped")
        if exit_code:
            raise SystemExit(exit_code)
