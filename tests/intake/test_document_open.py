"""Officers opening documents: every opening is written to the claim's history through the service,
under the claim lock — several officers at once get consecutive seqs, never a collision."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from lapakasik.claims.models import ClaimEvent
from lapakasik.core import clock
from lapakasik.intake.models import Document, DocumentStatus, Source


def _document(claim: Any, n: int = 0) -> Document:
    return Document.objects.create(claim=claim, source=Source.WEB, status=DocumentStatus.RECEIVED,
                                   original_name=f"ktp{n}.jpg", kind="jpeg", sha256=f"{n:064d}",
                                   file=f"documents/x/{n}.jpg", created_at=clock.now())


@pytest.mark.django_db(transaction=True)
def test_officers_opening_documents_at_once_all_get_recorded_in_order(make_claim: Any) -> None:
    from django.contrib.auth import get_user_model

    from lapakasik.claims.services import Actor, claim_history_verify
    from lapakasik.intake.services import document_open_record

    claim = make_claim()
    docs = [_document(claim, n) for n in range(2)]
    users = [get_user_model().objects.create_user(username=f"petugas{i}", password="x") for i in range(8)]
    before = ClaimEvent.objects.filter(claim=claim).count()
    barrier = threading.Barrier(len(users))
    errors: list[BaseException] = []

    def open_document(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            document_open_record(document=docs[i % 2], actor=Actor.officer(users[i]), thumbnail=bool(i % 3))
        except BaseException as exc:  # any failure is what the test reports
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_document, args=(i,)) for i in range(len(users))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    opened = ClaimEvent.objects.filter(claim=claim, kind=ClaimEvent.Kind.DOCUMENT_OPENED)
    assert sorted(opened.values_list("actor_label", flat=True)) == sorted(u.username for u in users)
    assert list(ClaimEvent.objects.filter(claim=claim).values_list("seq", flat=True)) == list(
        range(1, before + len(users) + 1))
    claim.refresh_from_db()
    assert claim_history_verify(claim)


@pytest.mark.django_db
def test_opening_records_which_document_and_version(claim: Any) -> None:
    from lapakasik.claims.services import Actor
    from lapakasik.intake.services import document_open_record

    doc = _document(claim)
    event = document_open_record(document=doc, actor=Actor.system("petugas"), thumbnail=True)
    assert (event.kind, event.data) == ("document_opened", {"document": doc.pk, "thumbnail": True})
