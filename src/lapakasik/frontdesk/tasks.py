"""Thin tasks: the retention job of the screening records."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from lapakasik.core.periodic import periodic

from . import services


@periodic(every=timedelta(hours=1))
@task(queue_name="periodic")
def screening_records_purge() -> int:
    return services.screening_records_purge()
