"""The production WSGI server: granian (default) or gunicorn. See docs/adr/0002-wsgi-server.md."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from lapakasik.core.checks import refuse_unsafe_production
from lapakasik.settings.env import development_base_url, env_bool


def server_argv(server: str, host: str, port: int, workers: int, threads: int, access_log: bool = False,
                queue: int = 256, backlog: int = 1024) -> list[str]:
    """The server's command line. ``threads`` requests per worker run Django at once (the admission gate's
    pool, core/admission.py); the server itself gets ``threads + queue`` threads per worker so that every
    request it accepted is handed to Python at once and waits in the gate's queue, where it is seen — and
    it accepts no more connections than that per worker (granian's ``--backpressure``): what is beyond
    waits in the kernel's listen queue (``backlog``), never in a queue of the server that nobody measures.
    See docs/architecture.md, "Overload"."""
    target = "lapakasik.wsgi:application"
    carriers = threads + max(0, queue)
    if server == "gunicorn":
        return [sys.executable, "-m", "gunicorn", target, "--bind", f"{host}:{port}", "--workers", str(workers),
                "--threads", str(carriers), "--worker-connections", str(carriers), "--backlog", str(backlog),
                *(["--access-logfile", "-"] if access_log else []),
                "--graceful-timeout", "10", "--timeout", "60", "--keep-alive", "5"]
    return [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", host, "--port", str(port),
            "--workers", str(workers), "--blocking-threads", str(carriers), "--backpressure", str(carriers),
            "--backlog", str(max(128, backlog)), "--no-ws",
            "--access-log" if access_log else "--no-access-log", "--workers-kill-timeout", "10", target]


class Command(BaseCommand):
    help = "Run the production WSGI server (granian by default; --server gunicorn)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "1")))
        parser.add_argument("--queue", type=int, default=int(os.environ.get("WEB_QUEUE", "256")),
                            help="requests a worker holds waiting for a thread (the admission gate's queue)")
        parser.add_argument("--backlog", type=int, default=int(os.environ.get("WEB_BACKLOG", "1024")),
                            help="connections the kernel holds before the server accepts them")
        parser.add_argument("--server", choices=["granian", "gunicorn"], default=os.environ.get("WEB_SERVER", "granian"))
        parser.add_argument("--access-log", action=argparse.BooleanOptionalAction,
                            default=env_bool("WEB_ACCESS_LOG", False),
                            help="log every request (off by default: the reverse proxy logs them)")

    def handle(self, *args: Any, **opts: Any) -> None:
        refuse_unsafe_production()
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        argv = server_argv(opts["server"], opts["host"], opts["port"], opts["workers"], opts["threads"],
                           opts["access_log"], queue=opts["queue"], backlog=opts["backlog"])
        # The workers' admission gates read the same numbers (settings OVERLOAD_THREADS / OVERLOAD_QUEUE).
        os.environ["WEB_THREADS"], os.environ["WEB_QUEUE"] = str(opts["threads"]), str(opts["queue"])
        if not os.environ.get("PUBLIC_BASE_URL") and not settings.PRODUCTION:  # links on the port served
            os.environ["PUBLIC_BASE_URL"] = development_base_url(opts["host"], opts["port"])
        self.stdout.write(f"serving on http://{opts['host']}:{opts['port']} with {opts['server']}")
        sys.stdout.flush()
        os.execv(argv[0], argv)
