"""Thin tasks: periodic housekeeping of the intake app."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from lapakasik.core.periodic import periodic


@periodic(every=timedelta(minutes=30))
@task(queue_name="periodic")
def intake_orphans_clean() -> int:
    from .services import intake_orphans_clean as clean

    return clean()


@periodic(every=timedelta(minutes=10))
@task(queue_name="periodic")
def intake_deadlines() -> int:
    from .services import intake_deadline_check

    return intake_deadline_check()


@periodic(every=timedelta(minutes=15))
@task(queue_name="periodic")
def intake_reminders() -> int:
    from .services import intake_reminders_send

    return intake_reminders_send()


@periodic(every=timedelta(days=1))
@task(queue_name="periodic")
def intake_orphans_sweep() -> int:
    from .services import intake_orphans_clean as clean

    return clean(full=True)


@task(queue_name="intake")
def intake_ack_send(claim_id: int) -> int:
    from .services import intake_ack_send_pending

    return intake_ack_send_pending(claim_id=claim_id)
