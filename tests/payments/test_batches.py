"""Closing a branch's daily batch, its CSV for the bank, and applying the bank's result file: paid claims
become PAID with the participant told; failed ones go back to the officer; a bad file changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lapakasik.core.errors import Conflict, InvalidInput

from .conftest import approve, give_account

pytestmark = pytest.mark.django_db


def _close(branch: Any, user: Any, day: date | None = None) -> Any:
    from lapakasik.payments.batches import batch_close

    return batch_close(branch=branch, user=user, business_date=day)


def _result(batch: Any, rows: list[tuple[Any, bool]] | None = None, **override: Any) -> bytes:
    from lapakasik.payments import bankfiles
    from lapakasik.payments.models import PaymentInstruction

    lines = []
    for instr in PaymentInstruction.objects.filter(batch=batch).order_by("id"):
        ok = dict(rows or []).get(instr.reference, True)
        lines.append((instr.reference, ok, instr.amount, date(2026, 12, 3) if ok else None, "" if ok else "R03",
                      "" if ok else "Rekening tidak ditemukan"))
    return bankfiles.result_csv(batch_reference=override.get("reference", batch.reference), lines=lines)


def test_close_export_and_import_pays_the_claims_and_tells_the_participant(
        payable: Any, branch: Any, staff: dict[str, Any]) -> None:
    from lapakasik.claims.models import Claim
    from lapakasik.claims.services import claim_history_verify
    from lapakasik.notifications.models import Notification
    from lapakasik.payments.batches import batch_csv, batch_result_import

    first, second = payable(73_750_000), payable(1_000_000, nik="3174010101900099", full_name="Budi Santoso")
    batch = _close(branch, staff["supervisor"])
    assert (batch.count, batch.control_total) == (2, 74_750_000)
    text = batch_csv(batch).splitlines()
    assert text[0] == f"H,{batch.reference},{branch.code},{batch.business_date.isoformat()},2,74750000"
    assert text[1] == f"D,{first.reference},014,1234567890,Siti Rahayu,73750000,{first.claim.code}"
    assert text[2].startswith(f"D,{second.reference},014,1234567890,Budi Santoso,1000000,")
    assert text[-1] == "T,2,74750000" and len(text) == 4

    outcome = batch_result_import(batch=batch, content=_result(batch), user=staff["supervisor"])
    assert (outcome.paid, outcome.failed) == (2, 0)
    claim = Claim.objects.get(pk=first.claim_id)
    assert claim.state == "PAID" and claim_history_verify(claim)
    paid = Notification.objects.filter(claim=claim, event="claim_paid").get()
    assert paid.context["amount"] == "73.750.000"
    assert paid.context["bank_account_masked"] == "******7890"
    assert "3 Desember 2026" in paid.context["paid_date"]
    first.refresh_from_db()
    assert first.status == "paid" and first.paid_on == date(2026, 12, 3)


def test_a_failed_line_goes_back_to_the_officer_and_a_rechecked_account_is_paid_again(
        payable: Any, branch: Any, staff: dict[str, Any]) -> None:
    from lapakasik.claims.models import Claim, ClaimEvent
    from lapakasik.claims.services import Actor
    from lapakasik.notifications.models import Notification
    from lapakasik.payments.batches import batch_result_import
    from lapakasik.payments.models import PaymentInstruction
    from lapakasik.payments.selectors import bank_account_status
    from lapakasik.payments.services import bank_account_check, bank_account_save

    instr = payable(5_000_000)
    batch = _close(branch, staff["supervisor"], date(2026, 12, 1))
    batch_result_import(batch=batch, content=_result(batch, [(instr.reference, False)]), user=staff["supervisor"])
    claim = Claim.objects.get(pk=instr.claim_id)
    instr.refresh_from_db()
    assert claim.state == "APPROVED" and instr.status == "failed"
    assert instr.failure_reason == "Rekening tidak ditemukan"
    event = ClaimEvent.objects.get(claim=claim, kind="payment_failed")
    assert event.data["bank_reason"] == "Rekening tidak ditemukan"
    status = bank_account_status(claim)
    assert not status.ready and "Rekening tidak ditemukan" in status.reason
    assert Notification.objects.filter(claim=claim, event="bank_account_invalid").exists()
    # The participant corrects it, the officer checks it: a new instruction for the same amount.
    bank_account_save(claim=claim, bank_code="009", account_number="0987654321", holder_name="SITI RAHAYU",
                      actor=Actor.participant())
    bank_account_check(claim=claim, user=staff["officer"], matches=True)
    again = PaymentInstruction.objects.filter(claim=claim, status="pending").get()
    assert again.amount == 5_000_000 and again.pk != instr.pk
    batch2 = _close(branch, staff["supervisor"], date(2026, 12, 2))
    batch_result_import(batch=batch2, content=_result(batch2), user=staff["supervisor"])
    assert Claim.objects.get(pk=claim.pk).state == "PAID"


def test_instructions_without_a_ready_account_wait_with_their_reason(
        verified_claim: Any, branch: Any, staff: dict[str, Any]) -> None:
    from lapakasik.payments.batches import instructions_waiting

    no_account = approve(verified_claim(), amount=1000)
    unchecked_claim = verified_claim(nik="3174010101900098")
    give_account(unchecked_claim, check=False)
    unchecked = approve(unchecked_claim, amount=2000)
    waiting = {w.reference: w for w in instructions_waiting(branch)}
    assert waiting[no_account.reference].reason == "Rekening bank belum diisi peserta."
    assert "belum diperiksa" in waiting[unchecked.reference].reason
    with pytest.raises(Conflict) as err:
        _close(branch, staff["supervisor"])
    assert err.value.code == "nothing_ready"


def test_one_batch_per_branch_and_day_and_an_instruction_in_one_batch_at_most(
        payable: Any, branch: Any, staff: dict[str, Any]) -> None:
    from lapakasik.payments.models import PaymentBatch

    payable(1000)
    _close(branch, staff["supervisor"], date(2026, 12, 1))
    payable(2000, nik="3174010101900097")
    with pytest.raises(Conflict) as err:
        _close(branch, staff["supervisor"], date(2026, 12, 1))
    assert err.value.code == "batch_exists"
    later = _close(branch, staff["supervisor"], date(2026, 12, 2))
    assert (later.count, later.control_total) == (1, 2000)  # the first instruction stayed in its batch
    assert PaymentBatch.objects.count() == 2


# --- the bank's result file: every problem refused whole --------------------------------------------


def _settled_nothing(batch: Any) -> None:
    from lapakasik.claims.models import Claim
    from lapakasik.payments.models import PaymentBatch, PaymentInstruction

    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.CLOSED
    assert set(PaymentInstruction.objects.filter(batch=batch).values_list("status", flat=True)) == {"batched"}
    assert not Claim.objects.filter(state="PAID").exists()


@pytest.fixture
def closed_batch(payable: Any, branch: Any, staff: dict[str, Any]) -> Any:
    payable(73_750_000)
    payable(1_000_000, nik="3174010101900099")
    return _close(branch, staff["supervisor"])


def _lines(content: bytes) -> list[str]:
    return content.decode().splitlines()


def _join(lines: list[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.mark.parametrize("case, expect", [
    ("unknown", "tidak ada di batch ini"),
    ("duplicated", "baris ganda"),
    ("total", "Total tidak cocok"),
    ("amount", "jumlah Rp"),
    ("other_batch", "bukan"),
    ("missing_line", "Total tidak cocok"),
    ("no_trailer", "penutup"),
    ("not_utf8", "UTF-8"),
    ("bad_status", "OK atau FAIL"),
    ("fail_without_reason", "alasan bank"),
    ("bad_date", "TTTT-BB-HH"),
    ("empty", "kepala"),
])
def test_a_bad_result_file_is_refused_whole_with_a_clear_reason(
        closed_batch: Any, staff: dict[str, Any], case: str, expect: str) -> None:
    from lapakasik.payments.batches import batch_result_import

    good = _lines(_result(closed_batch))
    ref1 = good[1].split(",")[1]
    if case == "unknown":
        content = _join([good[0], good[1], good[2].replace(good[2].split(",")[1], "PIXXXXXXXXXXXX"), good[3]])
    elif case == "duplicated":  # the first line twice, the header and trailer adding up to it
        content = _join([good[0].replace(",74750000", ",147500000"), good[1], good[1],
                         good[3].replace(",74750000", ",147500000")])
    elif case == "total":
        content = _join([good[0].replace("74750000", "74750001"), good[1], good[2],
                         good[3].replace("74750000", "74750001")])
    elif case == "amount":
        content = _join([good[0].replace("74750000", "74750001"), good[1].replace("73750000", "73750001"), good[2],
                         good[3].replace("74750000", "74750001")])
    elif case == "other_batch":
        content = _join([good[0].replace(closed_batch.reference, "BOTHER"), *good[1:]])
    elif case == "missing_line":
        content = _join([good[0], good[1], good[3]])
    elif case == "no_trailer":
        content = _join(good[:3])
    elif case == "not_utf8":
        content = _join(good).replace(b"H,", b"H\xff,", 1)
    elif case == "bad_status":
        content = _join([good[0], good[1].replace(",OK,", ",MAYBE,"), good[2], good[3]])
    elif case == "fail_without_reason":
        content = _join([good[0], good[1].replace(",OK,", ",FAIL,").rsplit(",", 1)[0] + ",,,", good[2], good[3]])
    elif case == "bad_date":
        content = _join([good[0], good[1].replace("2026-12-03", "03/12/2026"), good[2], good[3]])
    else:
        content = b""
    assert ref1
    with pytest.raises(InvalidInput) as err:
        batch_result_import(batch=closed_batch, content=content, user=staff["supervisor"])
    assert err.value.code == "result_file_invalid"
    assert any(expect in str(m) for m in err.value.fields["file"]), err.value.fields
    _settled_nothing(closed_batch)


def test_a_batch_is_never_paid_twice(closed_batch: Any, staff: dict[str, Any]) -> None:
    from lapakasik.notifications.models import Notification
    from lapakasik.payments.batches import batch_result_import

    content = _result(closed_batch)
    batch_result_import(batch=closed_batch, content=content, user=staff["supervisor"])
    sent = Notification.objects.filter(event="claim_paid").count()
    with pytest.raises(Conflict) as err:
        batch_result_import(batch=closed_batch, content=content, user=staff["supervisor"])
    assert err.value.code == "batch_already_settled"
    assert Notification.objects.filter(event="claim_paid").count() == sent


def test_a_line_that_fails_midway_rolls_the_whole_file_back(
        closed_batch: Any, staff: dict[str, Any]) -> None:
    """A claim that can no longer be paid (moved on meanwhile) makes the whole file fail: nothing applied."""
    from lapakasik.claims.models import Claim
    from lapakasik.payments.batches import batch_result_import
    from lapakasik.payments.models import PaymentInstruction

    last = PaymentInstruction.objects.filter(batch=closed_batch).order_by("-id").first()
    Claim.objects.filter(pk=last.claim_id).update(state="REJECTED")  # a broken row, as a database could hold
    with pytest.raises(Conflict):
        batch_result_import(batch=closed_batch, content=_result(closed_batch), user=staff["supervisor"])
    Claim.objects.filter(pk=last.claim_id).update(state="APPROVED")
    _settled_nothing(closed_batch)
