"""The money under concurrency: the same batch closed twice at once, the same result file imported twice at
once — each instruction in one batch, each claim paid once. Threads with their own database connections,
released together by a barrier; on SQLite (writers serialised) and on PostgreSQL (row locks, the unique
indexes)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection

from lapakasik.core.errors import Conflict

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run ``calls`` at the same moment, each in its own thread (and connection). Returns, per call, what it
    returned or the Conflict it raised; any other exception fails the test."""
    barrier = threading.Barrier(len(calls))
    out: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def worker(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            out[i] = call()
        except Conflict as exc:
            out[i] = exc
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a racer hung"
    assert not errors, errors
    return out


def _payables(payable: Any, n: int) -> list[Any]:
    return [payable(1_000_000 + i, nik=f"31740101019000{i:02d}") for i in range(n)]


def _check_batches(instructions: list[Any]) -> None:
    """Every instruction is in exactly one batch, and each batch's count and control total are its lines'."""
    from django.db.models import Count, Sum

    from lapakasik.payments.models import PaymentBatch, PaymentInstruction

    rows = PaymentInstruction.objects.filter(pk__in=[i.pk for i in instructions])
    assert set(rows.values_list("status", flat=True)) == {"batched"}
    assert not rows.filter(batch__isnull=True).exists()
    for batch in PaymentBatch.objects.annotate(n=Count("instructions"), total=Sum("instructions__amount")):
        assert (batch.count, batch.control_total) == (batch.n, batch.total), batch


def _two_closes(payable: Any, branch: Any, staff: dict[str, Any], days: tuple[date, date]) -> None:
    from lapakasik.payments.batches import batch_close
    from lapakasik.payments.models import PaymentBatch
    from tests.accounts.factories import make_officer

    instructions = _payables(payable, 6)
    boss2 = make_officer("kepala2", "supervisor", branch=branch)
    got = race(lambda: batch_close(branch=branch, user=staff["supervisor"], business_date=days[0]),
               lambda: batch_close(branch=branch, user=boss2, business_date=days[1]))
    closed = [g for g in got if isinstance(g, PaymentBatch)]
    refused = [g for g in got if isinstance(g, Conflict)]
    assert len(closed) == 1 and len(refused) == 1, got
    assert refused[0].code in {"batch_exists", "nothing_ready"}
    assert PaymentBatch.objects.count() == 1
    assert closed[0].count == 6 and closed[0].control_total == sum(i.amount for i in instructions)
    _check_batches(instructions)


def test_two_closes_of_the_same_day_make_one_batch(payable: Any, branch: Any, staff: dict[str, Any]) -> None:
    _two_closes(payable, branch, staff, (date(2026, 12, 1), date(2026, 12, 1)))


def test_two_closes_of_different_days_never_share_an_instruction(payable: Any, branch: Any,
                                                                 staff: dict[str, Any]) -> None:
    _two_closes(payable, branch, staff, (date(2026, 12, 1), date(2026, 12, 2)))


@pytest.mark.postgres
@pytest.mark.parametrize("days", [(date(2026, 12, 1), date(2026, 12, 1)), (date(2026, 12, 1), date(2026, 12, 2))],
                         ids=["same_day", "different_days"])
def test_two_batch_closes_at_once_postgres(payable: Any, branch: Any, staff: dict[str, Any],
                                           days: tuple[date, date]) -> None:
    _two_closes(payable, branch, staff, days)


def _twice_imported(payable: Any, branch: Any, staff: dict[str, Any]) -> None:
    from lapakasik.claims.models import Claim, ClaimEvent
    from lapakasik.notifications.models import Notification
    from lapakasik.payments import bankfiles
    from lapakasik.payments.batches import ImportOutcome, batch_close, batch_result_import
    from lapakasik.payments.models import PaymentBatch, PaymentInstruction
    from tests.accounts.factories import make_officer

    instructions = _payables(payable, 5)
    batch = batch_close(branch=branch, user=staff["supervisor"], business_date=date(2026, 12, 2))
    content = bankfiles.result_csv(batch_reference=batch.reference, lines=[
        (i.reference, n != 4, i.amount, date(2026, 12, 3) if n != 4 else None, "" if n != 4 else "R03",
         "" if n != 4 else "Rekening ditutup") for n, i in enumerate(instructions)])
    boss2 = make_officer("kepala2", "supervisor", branch=branch)
    got = race(lambda: batch_result_import(batch=batch, content=content, user=staff["supervisor"]),
               lambda: batch_result_import(batch=batch, content=content, user=boss2))
    applied = [g for g in got if isinstance(g, ImportOutcome)]
    refused = [g for g in got if isinstance(g, Conflict)]
    assert len(applied) == 1 and len(refused) == 1, got
    assert (applied[0].paid, applied[0].failed) == (4, 1)
    assert refused[0].code == "batch_already_settled"
    batch.refresh_from_db()
    assert (batch.status, batch.paid_count, batch.failed_count) == (PaymentBatch.Status.SETTLED, 4, 1)
    claims = [i.claim_id for i in instructions]
    # Paid once: one PAID move, one "paid" message, one paid instruction per claim; the refused one once.
    assert Claim.objects.filter(pk__in=claims, state="PAID").count() == 4
    for claim_id in claims[:4]:
        assert ClaimEvent.objects.filter(claim_id=claim_id, to_state="PAID").count() == 1
        assert Notification.objects.filter(claim_id=claim_id, event="claim_paid").count() == 1
        assert PaymentInstruction.objects.filter(claim_id=claim_id, status="paid").count() == 1
    assert ClaimEvent.objects.filter(claim_id=claims[4], kind="payment_failed").count() == 1
    assert Notification.objects.filter(claim_id=claims[4], event="bank_account_invalid").count() == 1


def test_the_same_result_file_imported_twice_at_once_pays_once(payable: Any, branch: Any,
                                                               staff: dict[str, Any]) -> None:
    _twice_imported(payable, branch, staff)


@pytest.mark.postgres
def test_the_same_result_file_imported_twice_at_once_pays_once_postgres(payable: Any, branch: Any,
                                                                        staff: dict[str, Any]) -> None:
    _twice_imported(payable, branch, staff)
