"""Periodic jobs for ``lapakasik worker``.

Apps declare jobs next to their tasks::

    @periodic(every=timedelta(minutes=10))
    @task(queue_name="periodic")
    def slots_generate() -> int: ...

Every worker runs the scheduler loop; ``tick`` inserts a ``PeriodicRun(job, period)`` row and
enqueues the task in the same transaction, so a period's job is enqueued once however many workers
tick at the same moment.
"""

from __future__ import annotations

import importlib
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction

from lapakasik.core import clock
from lapakasik.core.models import PeriodicRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    task: Any


REGISTRY: dict[str, Job] = {}


def periodic(*, every: timedelta, name: str | None = None) -> Any:
    def wrap(task_obj: Any) -> Any:
        job_name = name or task_obj.name
        REGISTRY[job_name] = Job(name=job_name, every=every, task=task_obj)
        return task_obj

    return wrap


def autodiscover() -> dict[str, Job]:
    """Import ``<app>.tasks`` of every project app (and the modules in the optional setting
    ``LAPAKASIK_PERIODIC_MODULES``) so their ``@periodic`` jobs are registered."""
    for app in apps.get_app_configs():
        if app.name.startswith("lapakasik."):
            try:
                importlib.import_module(f"{app.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app.name}.tasks":
                    raise
    for module_name in getattr(settings, "LAPAKASIK_PERIODIC_MODULES", ()):
        importlib.import_module(module_name)
    return REGISTRY


def tick(now: datetime | None = None) -> list[str]:
    """Enqueue every job whose current period has not been enqueued yet. Returns the job names."""
    now = now or clock.now()
    enqueued = []
    for job in autodiscover().values():
        period = int(now.timestamp() // job.every.total_seconds())
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(job=job.name, period=period)
                result = job.task.enqueue()
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another worker took this period
        enqueued.append(job.name)
    return enqueued


def run_scheduler(stop: threading.Event, interval: float = 5.0) -> None:
    """The loop a worker runs in a thread until ``stop`` is set."""
    while not stop.is_set():
        try:
            close_old_connections()
            names = tick()
            if names:
                log.info("periodic jobs enqueued: %s", ", ".join(names))
        except Exception:  # keep the scheduler alive; the next tick retries
            log.exception("periodic tick failed")
        stop.wait(interval)
    close_old_connections()
