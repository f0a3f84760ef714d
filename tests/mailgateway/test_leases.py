"""Leases on messages being processed: a worker that dies leaves a lease that expires within minutes,
another worker takes the message over, and the sender still gets exactly one acknowledgement."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from lapakasik.core import clock
from lapakasik.intake.models import Document
from lapakasik.mailgateway.models import InboundMessage
from lapakasik.notifications.models import Notification

from .conftest import address_of, jpeg_bytes, mail, run_worker, smtp_send


def _acks(claim: Any) -> int:
    return Notification.objects.filter(claim=claim, event="intake_ack").count()


def _stored(gateway: Any, claim: Any) -> InboundMessage:
    smtp_send(gateway, mail(to=address_of(claim), attachments=[(jpeg_bytes(), "ktp.jpg", "image/jpeg")]),
              to=[address_of(claim)])
    return InboundMessage.objects.get()


def test_processing_holds_a_lease_of_the_configured_length(gateway: Any, claim: Any, settings: Any,
                                                           monkeypatch: Any) -> None:
    from lapakasik.mailgateway import processing as intake_services  # where the worker calls document_receive
    from lapakasik.mailgateway.processing import inbound_message_process

    settings.MAILGATEWAY_LEASE_SECONDS = 120
    row = _stored(gateway, claim)
    seen: list[Any] = []
    real = intake_services.document_receive

    def watching(**kw: Any) -> Any:
        seen.append(InboundMessage.objects.values_list("status", "lease_until").get(pk=row.pk))
        return real(**kw)

    monkeypatch.setattr(intake_services, "document_receive", watching)
    before = clock.now()
    done = inbound_message_process(message=row)
    assert done.status == "PROCESSED" and done.lease_until is None
    status, lease = seen[0]
    assert status == "PROCESSING"
    assert before + timedelta(seconds=115) < lease < clock.now() + timedelta(seconds=121)


def test_a_message_whose_worker_died_is_taken_over_once_its_lease_expires(gateway: Any, claim: Any) -> None:
    from lapakasik.mailgateway.tasks import inbound_leases_requeue as inbound_leases_expire

    row = _stored(gateway, claim)
    # the worker took it, then was killed (kill -9): the row stays PROCESSING with its lease
    InboundMessage.objects.filter(pk=row.pk).update(
        status="PROCESSING", attempts=1, processing_started_at=clock.now(),
        lease_until=clock.now() + timedelta(minutes=3))
    assert inbound_leases_expire() == 0  # still held: nobody takes it over
    InboundMessage.objects.filter(pk=row.pk).update(lease_until=clock.now() - timedelta(seconds=1))
    assert inbound_leases_expire() == 1
    run_worker()
    row.refresh_from_db()
    assert row.status == "PROCESSED" and row.attempts == 2
    assert Document.objects.filter(claim=claim).count() == 1
    assert _acks(claim) == 1
    assert inbound_leases_expire() == 0


def test_a_slow_worker_overtaken_by_another_sends_no_second_acknowledgement(gateway: Any, claim: Any,
                                                                           monkeypatch: Any) -> None:
    """Worker A stalls past its lease; worker B takes the message over and finishes. When A wakes up it
    must neither acknowledge again nor overwrite B's result."""
    from lapakasik.mailgateway import processing as intake_services  # where the worker calls document_receive
    from lapakasik.mailgateway.processing import inbound_message_process

    row = _stored(gateway, claim)
    real = intake_services.document_receive
    calls: list[int] = []

    def stalled_then_overtaken(**kw: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:  # A is here when its lease runs out and B takes over
            InboundMessage.objects.filter(pk=row.pk).update(lease_until=clock.now() - timedelta(seconds=1))
            overtaken = inbound_message_process(message=row)
            assert overtaken.status == "PROCESSED" and overtaken.attempts == 2
        return real(**kw)

    monkeypatch.setattr(intake_services, "document_receive", stalled_then_overtaken)
    a = inbound_message_process(message=row)
    assert a.status == "PROCESSED" and a.attempts == 2  # B's result stands
    assert _acks(claim) == 1
    assert Document.objects.filter(claim=claim).count() == 1


def test_a_message_whose_workers_keep_dying_ends_failed_not_in_a_loop(gateway: Any, claim: Any) -> None:
    from lapakasik.mailgateway.selectors import RETRY_MAX_ATTEMPTS
    from lapakasik.mailgateway.tasks import inbound_leases_requeue as inbound_leases_expire

    row = _stored(gateway, claim)
    InboundMessage.objects.filter(pk=row.pk).update(
        status="PROCESSING", attempts=RETRY_MAX_ATTEMPTS, lease_until=clock.now() - timedelta(seconds=1))
    assert inbound_leases_expire() == 0
    row.refresh_from_db()
    assert row.status == "FAILED" and "lease expired" in row.error
    assert _acks(claim) == 0


@pytest.mark.django_db
def test_the_lease_job_is_registered_with_the_configured_period() -> None:
    from django.conf import settings

    from lapakasik.core.periodic import autodiscover

    job = autodiscover()["inbound_leases_expire"]
    assert job.every == timedelta(seconds=settings.LEASE_CHECK_SECONDS)
