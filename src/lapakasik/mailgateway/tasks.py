"""Thin tasks: process one stored inbound message (queue ``intake``); queue again what did not finish;
purge old raw files."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django_tasks import task

from lapakasik.core import clock
from lapakasik.core.periodic import periodic

from . import processing, selectors
from .models import InboundMessage


@task(queue_name="intake")
def inbound_message_process(inbound_id: int) -> str:
    message = InboundMessage.objects.filter(pk=inbound_id).first()
    if message is None:
        return "missing"
    return str(processing.inbound_message_process(message=message).status)


@periodic(every=timedelta(minutes=10))
@task(queue_name="periodic")
def inbound_messages_retry() -> int:
    return inbound_messages_requeue()


def inbound_messages_requeue(*, now: Any = None, limit: int = 200) -> int:
    """Queue again what did not finish (``selectors.inbound_messages_unfinished``): processing is
    idempotent, so a message queued twice is processed once. Run by the periodic job
    ``inbound_messages_retry`` (every 10 minutes). Returns how many were queued."""
    ids = selectors.inbound_messages_unfinished(now=now or clock.now(), limit=limit)
    with transaction.atomic():
        for pk in ids:
            inbound_message_process.enqueue(pk)
    return len(ids)


@periodic(every=timedelta(days=1))
@task(queue_name="periodic")
def inbound_raw_purge() -> int:
    return processing.inbound_raw_purge() + processing.raw_orphans_clean()
