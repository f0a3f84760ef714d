"""Thin tasks: periodic housekeeping of the intake app."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from lapakasik.core.periodic import periodic

from . import services


@periodic(every=timedelta(minutes=30))
@task(queue_name="periodic")
def intake_orphans_clean() -> int:
    return services.intake_orphans_clean()


@periodic(every=timedelta(minutes=10))
@task(queue_name="periodic")
def intake_deadlines() -> int:
    return services.intake_deadline_check()


@periodic(every=timedelta(minutes=15))
@task(queue_name="periodic")
def intake_reminders() -> int:
    return services.intake_reminders_send()


@periodic(every=timedelta(days=1))
@task(queue_name="periodic")
def intake_orphans_sweep() -> int:
    return services.intake_orphans_clean(full=True)


@task(queue_name="intake")
def intake_ack_send(claim_id: int) -> int:
    return services.intake_ack_send_pending(claim_id=claim_id)


@periodic(every=timedelta(minutes=30))
@task(queue_name="periodic")
def intake_dropbox_reminders() -> int:
    return services.dropbox_reminders_send()


@periodic(every=timedelta(hours=1))
@task(queue_name="periodic")
def intake_dropbox_deadlines() -> int:
    return services.dropbox_deadline_check()
