"""Double submit under real concurrency (PostgreSQL row locks): the same file twice at once is
stored once; the loser's file is removed from storage."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from django.db import connection

from lapakasik.claims.services import Actor
from lapakasik.intake.models import Document
from lapakasik.intake.receive import document_receive

from .conftest import jpeg_bytes, stored_files


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_same_file_twice_at_once_is_stored_once(make_claim: Any) -> None:
    claim = make_claim()
    data = jpeg_bytes()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send() -> None:
        try:
            barrier.wait(timeout=30)  # a thread that failed before it must not hang the others
            r = document_receive(claim=claim, fileobj=io.BytesIO(data), filename="ktp.jpg", declared_type=None,
                                 source="WEB", requirement_code="ktp", actor=Actor.participant())
            outcomes.append(r.outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["duplicate", "received"]
    assert Document.objects.filter(claim=claim).count() == 1
    assert len(stored_files()) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_confirmations_of_cannot_upload_at_once_change_the_claim_once(make_claim: Any) -> None:
    """A double tap on "Ya, saya tidak bisa mengunggah" as two requests at once: one transition, one message per
    channel; the other request finds the claim already in UPLOAD_FAILED under the lock and does nothing."""
    from lapakasik.claims.models import Claim
    from lapakasik.intake.services import upload_failed_report
    from lapakasik.notifications.models import Notification

    claim = make_claim(channels=["email", "sms"])
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def confirm() -> None:
        try:
            stale = Claim.objects.get(pk=claim.pk)  # each request reads the claim before the other writes
            barrier.wait(timeout=30)  # a thread that failed before it must not hang the others
            upload_failed_report(claim=stale, actor=Actor.participant(), problem="connection")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    claim.refresh_from_db()
    assert claim.state == "UPLOAD_FAILED"
    assert claim.events.filter(kind="state_changed", to_state="UPLOAD_FAILED").count() == 1
    assert sorted(Notification.objects.filter(claim=claim, event="upload_failed").values_list(
        "channel", flat=True)) == ["email", "sms"]
