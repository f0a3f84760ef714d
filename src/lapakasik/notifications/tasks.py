"""Thin tasks: load by id, call a service. Delivery retries are decided by the service (the row's
status is the truth), so a task never raises for a delivery failure."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django_tasks import task

from lapakasik.core.periodic import periodic

from . import delivery
from .ratelimit import rate_cleanup


@task(queue_name="notifications")
def notification_deliver(notification_id: int) -> str:
    """Deliver one stored notification (see delivery.notification_dispatch)."""
    return delivery.notification_dispatch(notification_id=notification_id)


@task(queue_name="notifications")
def notification_deliver_many(notification_ids: list[int]) -> int:
    """Deliver stored notifications one after the other (``services.notification_enqueue_many``): each as
    ``notification_deliver`` would. Returns how many were sent."""
    return sum(delivery.notification_dispatch(notification_id=i) == "sent" for i in notification_ids)


# Periodic jobs jump the queue (priority): a backlog of deliveries must not delay the replay.
@periodic(every=timedelta(seconds=settings.NOTIFY_REPLAY_EVERY_SECONDS))
@task(queue_name="periodic", priority=50)
def notification_replay_stuck() -> int:
    """Re-queue notifications stuck in PENDING/SENDING (a worker died, a task was lost)."""
    return delivery.notification_replay()


@periodic(every=timedelta(minutes=1))
@task(queue_name="periodic", priority=50)
def notification_check_delivery() -> int:
    """Fall back to the next channel when WhatsApp/SMS/phone did not confirm delivery in time;
    drop old rate-limit windows."""
    rate_cleanup()
    return delivery.notification_delivery_timeouts()
