"""Thin tasks: the JKK report deadlines (the branch told of late reports, the company reminded of stage II)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from lapakasik.core.periodic import periodic

from . import services


@periodic(every=timedelta(minutes=15))
@task(queue_name="periodic")
def employer_reports_tick() -> int:
    return services.reports_tick()
