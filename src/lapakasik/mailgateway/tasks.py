"""Thin tasks: process one stored inbound message (queue ``intake``); retry stuck or failed ones."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django_tasks import task

from lapakasik.core.periodic import periodic


@task(queue_name="intake")
def inbound_message_process(inbound_id: int) -> str:
    from .models import InboundMessage
    from .services import inbound_message_process as process

    message = InboundMessage.objects.filter(pk=inbound_id).first()
    if message is None:
        return "missing"
    return str(process(message=message).status)


@periodic(every=timedelta(minutes=10))
@task(queue_name="periodic")
def inbound_messages_retry() -> int:
    from .services import inbound_messages_retry as retry

    return retry()


@periodic(every=timedelta(seconds=settings.LEASE_CHECK_SECONDS))
@task(queue_name="periodic", priority=50)
def inbound_leases_expire() -> int:
    """Queue again the messages whose worker stopped while processing them (lease expired)."""
    from .services import inbound_leases_expire as expire

    return expire()


@periodic(every=timedelta(days=1))
@task(queue_name="periodic")
def inbound_raw_purge() -> int:
    from .services import inbound_raw_purge as purge
    from .services import raw_orphans_clean

    return purge() + raw_orphans_clean()
