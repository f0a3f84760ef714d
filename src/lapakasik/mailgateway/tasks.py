"""Thin tasks: process one stored inbound message (queue ``intake``); queue again what did not finish;
purge old raw files."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django_tasks import task

from lapakasik.core import clock
from lapakasik.core.periodic import periodic

from . import processing, selectors
from .models import InboundMessage

log = logging.getLogger(__name__)


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


@periodic(every=timedelta(seconds=settings.LEASE_CHECK_SECONDS))
@task(queue_name="periodic", priority=50)
def inbound_leases_expire() -> int:
    """Queue again the messages whose worker stopped while processing them (lease expired)."""
    return inbound_leases_requeue()


def inbound_leases_requeue(*, now: Any = None, limit: int = 200) -> int:
    """Hand messages whose worker died (PROCESSING, lease expired) to another worker: queue them again
    at once instead of waiting for the stuck-message job. Messages that used up RETRY_MAX_ATTEMPTS are
    marked FAILED (an operator reprocesses them). Run by the periodic job ``inbound_leases_expire``
    (every ``LEASE_CHECK_SECONDS``). Returns how many were queued."""
    now = now or clock.now()
    S = InboundMessage.Status
    expired = InboundMessage.objects.filter(status=S.PROCESSING, lease_until__lt=now)
    expired.filter(attempts__gte=selectors.RETRY_MAX_ATTEMPTS).update(
        status=S.FAILED, lease_until=None, error="worker stopped while processing (lease expired)")
    ids = list(expired.order_by("lease_until").values_list("pk", flat=True)[:limit])
    with transaction.atomic():
        for pk in ids:
            inbound_message_process.enqueue(pk)
    if ids:
        log.warning("mailgateway: %d message(s) whose worker stopped queued again: %s", len(ids), ids)
    return len(ids)


@periodic(every=timedelta(days=1))
@task(queue_name="periodic")
def inbound_raw_purge() -> int:
    return processing.inbound_raw_purge() + processing.raw_orphans_clean()
