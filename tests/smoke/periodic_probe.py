"""A periodic job with a one-second period for the worker smoke test (loaded through the
``LAPAKASIK_PERIODIC_MODULES`` setting of ``worker_settings``). Each run appends its task id."""

from __future__ import annotations

import os
from datetime import timedelta

from django.conf import settings
from django_tasks import TaskContext, task

from lapakasik.core.periodic import periodic


@periodic(every=timedelta(seconds=1), name="smoke_probe")
@task(queue_name="periodic", takes_context=True)
def smoke_probe(context: TaskContext) -> None:
    with open(settings.DATA_DIR / "probe.log", "a") as log:
        log.write(f"{context.task_result.id} {os.getpid()}\n")
