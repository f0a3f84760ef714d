"""Periodic jobs of the core: recovery of task rows a dead worker left RUNNING."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django_tasks import task

from lapakasik.core.periodic import periodic
from lapakasik.core.ratewindow import windows_clean
from lapakasik.core.recovery import task_runs_requeue


@periodic(every=timedelta(seconds=settings.LEASE_CHECK_SECONDS))
@task(queue_name="periodic", priority=50)
def task_runs_recover() -> int:
    """Queue again the task rows whose worker stopped while running them (see core/recovery.py)."""
    return task_runs_requeue()


@periodic(every=timedelta(hours=1))
@task(queue_name="periodic")
def rate_windows_clean() -> int:
    """Delete rate-limit counter rows of windows that started more than an hour ago."""
    return windows_clean(before_window=int(time.time()) - 3600)
