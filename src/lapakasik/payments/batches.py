"""A branch's daily payment batch: closing it (the ready instructions, frozen with their count and control
total), its files for the bank, and applying the bank's result file — in one transaction or not at all.
A batch's result is applied once; an instruction is in one batch at most."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from lapakasik.claims import workflow
from lapakasik.claims.models import Claim, ClaimEvent
from lapakasik.claims.services import (
    Actor,
    Move,
    applicant_recipient,
    claim_event_record,
    claim_lock,
    claim_transition_many,
)
from lapakasik.core import clock
from lapakasik.core.codes import new_code
from lapakasik.core.dates import long_date
from lapakasik.core.errors import Conflict, InvalidInput, NotFound
from lapakasik.core.masking import mask_account
from lapakasik.notifications.services import notification_enqueue

from . import bankfiles, banks, policy
from .models import BankAccount, PaymentBatch, PaymentInstruction
from .money import rupiah

S = workflow.State
P = PaymentInstruction.Status
CHUNK = 500


def branch_today(branch: Any) -> date:
    return clock.now().astimezone(ZoneInfo(branch.time_zone or "Asia/Jakarta")).date()


@dataclass(frozen=True)
class Waiting:
    """A pending instruction of a branch, and whether a batch may take it (``reason`` when not)."""

    id: int
    reference: str
    claim_code: str
    amount: int
    bank_code: str
    account_number: str
    holder_name: str
    reason: str

    @property
    def ready(self) -> bool:
        return not self.reason


def instructions_waiting(branch: Any) -> list[Waiting]:
    """The branch's pending instructions with their account, one query: each ready (its account present,
    valid, checked against the bank book and the applicant's) or with the reason it is held back."""
    rows = (PaymentInstruction.objects.filter(branch=branch, status=P.PENDING, claim__parties__is_applicant=True)
            .order_by("id").values_list(
                "id", "reference", "claim__code", "amount", "claim__state", "claim__bank_account__bank_code",
                "claim__bank_account__account_number", "claim__bank_account__holder_name",
                "claim__bank_account__check_result", "claim__bank_account__check_note", "claim__parties__full_name"))
    out = []
    for pk, ref, code, amount, state, bank, number, holder, check, note, applicant in rows.iterator(chunk_size=2000):
        reason = ""
        if state != S.APPROVED:
            reason = _("Klaim tidak dalam status Disetujui.")
        elif bank is None:
            reason = _("Rekening bank belum diisi peserta.")
        elif (problem := banks.account_problem(bank, number)) is not None:
            reason = problem
        elif not policy.holder_matches(holder, applicant):
            reason = _("Nama pemilik rekening tidak sama dengan nama pemohon.")
        elif check == BankAccount.Check.DIFFERS:
            reason = _("Rekening tidak sesuai buku tabungan: %(note)s") % {"note": note or "-"}
        elif check != BankAccount.Check.MATCHES:
            reason = _("Rekening belum diperiksa petugas terhadap buku tabungan.")
        out.append(Waiting(pk, ref, code, amount, bank or "", number or "", holder or "", reason))
    return out


def batch_close(*, branch: Any, user: Any, business_date: date | None = None) -> PaymentBatch:
    """Close the branch's batch of the day: every pending instruction whose account is ready goes in, its
    account copied as the bank will be told it. One batch per branch and day; an instruction whose account
    is not ready waits for the next. Raises Conflict (nothing written) when the day's batch exists or
    nothing is ready."""
    day = business_date or branch_today(branch)
    with transaction.atomic():
        # The claims first (the lock order of every claim write): no account changes under the batch.
        list(Claim.objects.select_for_update(of=("self",)).filter(
            payment_instructions__branch=branch, payment_instructions__status=P.PENDING)
            .order_by("id").values_list("id", flat=True))
        if PaymentBatch.objects.filter(branch=branch, business_date=day).exists():
            raise Conflict(_("Batch cabang ini untuk tanggal %(day)s sudah ditutup.") % {"day": long_date(day)},
                           code="batch_exists")
        ready = [w for w in instructions_waiting(branch) if w.ready]
        if not ready:
            raise Conflict(_("Belum ada instruksi pembayaran yang siap dibayar."), code="nothing_ready")
        count, total = policy.control_total(w.amount for w in ready)
        try:
            with transaction.atomic():
                batch = PaymentBatch.objects.create(
                    reference=f"B{branch.code}{day:%Y%m%d}{new_code(4)}"[:32], branch=branch, business_date=day,
                    count=count, control_total=total, closed_by=user, closed_at=clock.now())
        except IntegrityError as exc:
            raise Conflict(_("Batch cabang ini untuk hari ini sudah ditutup."), code="batch_exists") from exc
        account = BankAccount.objects.filter(claim_id=OuterRef("claim_id"))
        moved = 0
        for start in range(0, len(ready), CHUNK):
            ids = [w.id for w in ready[start:start + CHUNK]]
            # Only rows still pending and outside any batch move: an instruction is in one batch at most. The
            # account is copied as checked above (the claims are locked: nobody changes it meanwhile).
            moved += PaymentInstruction.objects.filter(pk__in=ids, status=P.PENDING, batch__isnull=True).update(
                status=P.BATCHED, batch=batch, bank_code=Subquery(account.values("bank_code")[:1]),
                account_number=Subquery(account.values("account_number")[:1]),
                holder_name=Subquery(account.values("holder_name")[:1]))
        if moved != count:
            raise Conflict(_("Instruksi berubah selama batch ditutup. Coba lagi."), code="batch_changed")
        return batch


def batch_lines(batch: PaymentBatch) -> list[bankfiles.Line]:
    rows = (PaymentInstruction.objects.filter(batch=batch).order_by("id")
            .values_list("reference", "bank_code", "account_number", "holder_name", "amount", "claim__code"))
    return [bankfiles.Line(*row) for row in rows.iterator(chunk_size=2000)]


def batch_csv(batch: PaymentBatch) -> str:
    """The batch file for the bank. Its count and total are the batch's (checked here as well)."""
    text, count, total = bankfiles.batch_csv(reference=batch.reference, branch_code=batch.branch.code,
                                             business_date=batch.business_date, lines=batch_lines(batch))
    if (count, total) != (batch.count, batch.control_total):  # pragma: no cover - a broken database
        raise RuntimeError(f"batch {batch.reference} does not add up")
    return text


# --- the bank's result ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    batch: PaymentBatch
    paid: int
    failed: int


def _refuse(errors: list[str]) -> InvalidInput:
    return InvalidInput(_("Berkas hasil bank tidak diterapkan: %(n)s masalah. Tidak ada yang berubah.")
                        % {"n": len(errors)}, code="result_file_invalid", fields={"file": errors[:50]})


def batch_result_import(*, batch: PaymentBatch, content: bytes, user: Any) -> ImportOutcome:
    """Apply the bank's result file to ``batch``: each line paid (the claim → PAID, the participant told
    the amount, the masked account and the date) or failed (the bank's reason in history, the account
    back to the officer, the participant told what to correct). The file must name this batch, list every
    instruction of it exactly once with its amount, and add up to the batch's count and control total.
    Anything wrong → InvalidInput listing every problem, nothing applied; a batch already settled →
    Conflict."""
    parsed = bankfiles.result_parse(content)
    actor = Actor.officer(user)
    with transaction.atomic():
        locked = PaymentBatch.objects.select_for_update().select_related("branch").filter(pk=batch.pk).first()
        if locked is None:
            raise NotFound()
        if locked.status == PaymentBatch.Status.SETTLED:
            raise Conflict(_("Hasil bank untuk batch %(ref)s sudah diimpor pada %(when)s. Batch tidak dibayar dua "
                             "kali.") % {"ref": locked.reference, "when": long_date(locked.result_imported_at or locked.closed_at)},
                           code="batch_already_settled")
        errors = list(parsed.errors) or _reconcile(locked, parsed)
        if errors:
            raise _refuse(errors)
        paid, failed = _apply(locked, parsed, actor)
        locked.status = PaymentBatch.Status.SETTLED
        locked.result_digest = hashlib.sha256(content).hexdigest()
        locked.result_imported_by = user
        locked.result_imported_at = clock.now()
        locked.paid_count, locked.failed_count = paid, failed
        locked.save()
        return ImportOutcome(locked, paid, failed)


def _reconcile(batch: PaymentBatch, parsed: bankfiles.ResultFile) -> list[str]:
    errors: list[str] = []
    if parsed.batch_reference != batch.reference:
        return [_("Berkas ini untuk batch %(other)s, bukan %(ref)s.") % {
            "other": parsed.batch_reference[:32] or "-", "ref": batch.reference}]
    if (parsed.count, parsed.total) != (batch.count, batch.control_total):
        errors.append(_("Total tidak cocok dengan batch: batch %(c1)s baris, Rp %(t1)s; berkas %(c2)s baris, "
                        "Rp %(t2)s.") % {"c1": batch.count, "t1": batch.control_total, "c2": parsed.count,
                                         "t2": parsed.total})
    amounts = dict(PaymentInstruction.objects.filter(batch=batch).values_list("reference", "amount"))
    for line in parsed.lines:
        expected = amounts.pop(line.reference, None)
        if expected is None:
            errors.append(_("Baris %(n)s: instruksi %(ref)s tidak ada di batch ini.") % {
                "n": line.line_no, "ref": line.reference[:24]})
        elif expected != line.amount:
            errors.append(_("Baris %(n)s: jumlah Rp %(got)s, instruksi %(ref)s Rp %(want)s.") % {
                "n": line.line_no, "got": line.amount, "ref": line.reference, "want": expected})
    if amounts:
        errors.append(_("Instruksi batch tanpa hasil di berkas: %(refs)s.") % {"refs": ", ".join(sorted(amounts)[:10])})
    return errors


def _apply(batch: PaymentBatch, parsed: bankfiles.ResultFile, actor: Actor) -> tuple[int, int]:
    by_ref = {line.reference: line for line in parsed.lines}
    now = clock.now()
    rows = list(PaymentInstruction.objects.filter(batch=batch).select_related("claim").order_by("id"))
    dates: dict[date | None, str] = {d: long_date(d) if d else "" for d in {line.value_date for line in parsed.lines}}
    paid = [row for row in rows if by_ref[row.reference].ok]
    failed = [row for row in rows if not by_ref[row.reference].ok]
    # Paid: the claims move to PAID together (their events chained, their "paid" messages stored).
    claim_transition_many(to=S.PAID, actor=actor, reason="bank_paid", moves=[Move(
        claim=row.claim, data={"instruction": row.reference, "amount": row.amount, "batch": batch.reference},
        notify_context={"amount": rupiah(row.amount), "bank_account_masked": mask_account(row.account_number),
                        "paid_date": dates[by_ref[row.reference].value_date]})
        for row in paid])
    by_date: dict[date | None, list[int]] = {}
    for row in paid:
        by_date.setdefault(by_ref[row.reference].value_date, []).append(row.pk)
    for value_date, ids in by_date.items():
        for start in range(0, len(ids), CHUNK):
            PaymentInstruction.objects.filter(pk__in=ids[start:start + CHUNK], status=P.BATCHED).update(
                status=P.PAID, paid_on=value_date, settled_at=now)
    for row in failed:
        line = by_ref[row.reference]
        row.status, row.settled_at = P.FAILED, now
        row.failure_code, row.failure_reason = line.failure_code, line.failure_reason
        row.save(update_fields=["status", "settled_at", "failure_code", "failure_reason"])
        _failed(row.claim, row, actor)
    return len(paid), len(failed)


def _failed(claim: Claim, row: PaymentInstruction, actor: Actor) -> None:
    """The bank refused: history says why, the account goes back to the officer (not checked), the
    participant is asked to correct it."""
    locked = claim_lock(claim)
    claim_event_record(claim=locked, kind=ClaimEvent.Kind.PAYMENT_FAILED, actor=actor, reason=row.failure_code,
                       data={"instruction": row.reference, "bank_reason": row.failure_reason})
    note = _("Bank menolak pembayaran: %(reason)s") % {"reason": row.failure_reason}
    BankAccount.objects.filter(claim=locked).update(check_result=BankAccount.Check.DIFFERS, check_note=note[:300],
                                                    checked_by=None)
    notification_enqueue(claim=locked, to=applicant_recipient(locked), event="bank_account_invalid",
                         context={"reason": note})
