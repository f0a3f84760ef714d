from __future__ import annotations

from django_tasks import task


@task(queue_name="notifications")
def notification_deliver(notification_id: int) -> str:
    """Deliver one stored notification (channel adapters: see services)."""
    from .models import Notification

    row = Notification.objects.get(pk=notification_id)
    return row.status
