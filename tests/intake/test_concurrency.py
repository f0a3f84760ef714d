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
            barrier.wait()
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
