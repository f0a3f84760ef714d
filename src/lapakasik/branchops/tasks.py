"""Thin tasks: telling the participants of every channel-policy change that has started (also the ones set
for a future time), once."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from lapakasik.core.periodic import periodic

from . import services


@periodic(every=timedelta(minutes=1))
@task(queue_name="periodic")
def channel_policy_announce() -> int:
    return services.channel_policy_announce()
