"""Thin tasks: the daily list of overdue payments to each branch's supervisors."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from lapakasik.core.periodic import periodic

from . import sla


@periodic(every=timedelta(hours=1))
@task(queue_name="periodic")
def payment_overdue_escalations() -> int:
    return sla.payment_overdue_escalate()
