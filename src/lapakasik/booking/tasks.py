"""Periodic jobs of the online queue (run by ``lapakasik worker``)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from lapakasik.core import clock
from lapakasik.core.periodic import periodic

from . import services
from .waitroom import services as waitroom
from .waitroom import signals as waitroom_signals


@periodic(every=timedelta(minutes=10))
@task(queue_name="periodic")
def slots_generate() -> int:
    return services.slots_generate()


@periodic(every=timedelta(minutes=15))
@task(queue_name="periodic")
def booking_expire_no_shows() -> int:
    return services.booking_expire_no_shows()


@periodic(every=timedelta(minutes=1))
@task(queue_name="periodic")
def waitlist_expire_offers() -> int:
    return services.waitlist_expire_offers()


@periodic(every=timedelta(minutes=1))
@task(queue_name="periodic")
def opening_tell_sold_out() -> int:
    """Those still waiting for an opening whose day is gone are told (once), with the alternatives."""
    return waitroom.opening_tell_sold_out()


@periodic(every=timedelta(minutes=1))
@task(queue_name="periodic")
def opening_signals_sweep() -> int:
    """Broker signals across the places of each opening in progress (and of one that ended in the last
    few minutes: its last joins): the same phone, e-mail or device for different NIKs."""
    now = clock.now()
    openings = {op.id: op for op in [*waitroom.openings_now(now), *waitroom.openings_now(now - timedelta(minutes=3))]}
    return sum(waitroom_signals.sweep_opening(op) for op in openings.values())
