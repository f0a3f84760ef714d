"""Thin task: process one stored inbound message (queue ``intake``)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="intake")
def inbound_message_process(inbound_id: int) -> str:
    from .models import InboundMessage
    from .services import inbound_message_process as process

    message = InboundMessage.objects.filter(pk=inbound_id).first()
    if message is None:
        return "missing"
    return str(process(message=message).status)
