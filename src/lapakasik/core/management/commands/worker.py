"""The background worker: django-tasks-db's worker loop plus the periodic-job scheduler."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand
from django_tasks_db.management.commands.db_worker import Worker

from lapakasik.core.checks import refuse_unsafe_production
from lapakasik.core.periodic import run_scheduler
from lapakasik.core.recovery import worker_id_new


class Command(BaseCommand):
    help = "Run tasks from the database queue and enqueue periodic jobs (safe with several workers)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--queues", default="*", help="comma-separated queue names, * for all")
        parser.add_argument("--interval", type=float, default=0.5, help="seconds between polls when idle")
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")
        parser.add_argument("--no-scheduler", action="store_true", help="do not enqueue periodic jobs")
        parser.add_argument("--worker-id", default=None,
                            help="default <host>:<pid>:<random>, which lets a dead worker's task rows be "
                                 "queued again at once")
        parser.add_argument("--tick", type=float, default=5.0,
                            help="seconds between scheduler ticks (a job's period should be longer)")

    def handle(self, *args: Any, **opts: Any) -> None:
        refuse_unsafe_production()
        stop = threading.Event()
        scheduler = None
        if not opts["no_scheduler"] and not opts["batch"]:
            scheduler = threading.Thread(target=run_scheduler, args=(stop, opts["tick"]), name="scheduler",
                                         daemon=True)
            scheduler.start()
        worker = Worker(
            queue_names=opts["queues"].split(","), interval=opts["interval"], batch=opts["batch"],
            backend_name="default", startup_delay=not opts["batch"], max_tasks=None,
            worker_id=opts["worker_id"] or worker_id_new(), excluded_queue_names=[],
        )
        worker.configure_signals()

        def _stop(*_a: Any) -> None:
            stop.set()

        for sig in (signal.SIGINT, signal.SIGTERM):
            previous = signal.getsignal(sig)

            def handler(signum: int, frame: Any, _prev: Any = previous) -> None:
                _stop()
                if callable(_prev):
                    _prev(signum, frame)

            signal.signal(sig, handler)
        try:
            worker.run()
        finally:
            stop.set()
            if scheduler:
                scheduler.join(timeout=5)
