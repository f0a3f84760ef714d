"""Thin tasks: the reminder before each confirmation call."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from lapakasik.core.periodic import periodic

from . import services


@periodic(every=timedelta(minutes=5))
@task(queue_name="periodic")
def confirmation_reminders() -> int:
    return services.confirmation_reminders_send()
