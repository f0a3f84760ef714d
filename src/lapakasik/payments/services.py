"""Every write of payments: the claim's bank account (the participant's entry, the officer's check),
payment instructions. Each is one transaction with the claim row locked and its history event
(``claims.services``); account numbers go to history masked."""

from __future__ import annotations

import logging
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from lapakasik.booking.models import BrokerSignal
from lapakasik.booking.signals import signal_digest, signal_record
from lapakasik.claims import workflow
from lapakasik.claims.models import Claim, ClaimEvent
from lapakasik.claims.selectors import claim_applicant
from lapakasik.claims.services import Actor, applicant_recipient, claim_event_record, claim_lock
from lapakasik.core import clock
from lapakasik.core.codes import new_code
from lapakasik.core.errors import Conflict, InvalidInput
from lapakasik.core.masking import mask_account
from lapakasik.notifications.services import notification_enqueue

from . import banks, policy
from .banks import normalise_account
from .models import BankAccount, PaymentInstruction
from .selectors import bank_account_status

S = workflow.State
log = logging.getLogger(__name__)


def _new_reference(prefix: str) -> str:
    return prefix + new_code(12)


def instruction_create(*, claim: Claim, amount: int, actor: Actor) -> PaymentInstruction:
    """An approved claim becomes a payment instruction of ``amount`` (net, whole rupiah), waiting for its
    branch's next batch. Call it in the approval's transaction, after the claim moved to ``APPROVED``
    (``claim_transition``). Raises InvalidInput for an amount that is not a positive whole number of
    rupiah, Conflict when the claim is not APPROVED or already has an open or paid instruction — nothing
    written."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidInput(_("Jumlah pembayaran harus bilangan bulat rupiah lebih dari nol."), code="invalid_amount",
                           fields={"amount": [_("Jumlah pembayaran harus bilangan bulat rupiah lebih dari nol.")]})
    with transaction.atomic():
        locked = claim_lock(claim)
        if locked.state != S.APPROVED:
            raise Conflict(_("Hanya klaim yang sudah disetujui yang dapat dibayar."), code="claim_not_approved")
        existing = PaymentInstruction.objects.filter(
            claim=locked, status__in=[*PaymentInstruction.OPEN, PaymentInstruction.Status.PAID]).first()
        if existing is not None:
            raise Conflict(_("Klaim ini sudah punya instruksi pembayaran %(ref)s.") % {"ref": existing.reference},
                           code="already_instructed")
        try:
            with transaction.atomic():
                instruction = PaymentInstruction.objects.create(
                    reference=_new_reference("PI"), claim=locked, branch_id=locked.branch_id, amount=amount,
                    created_at=clock.now(), created_by=actor.user)
        except IntegrityError as exc:  # a concurrent instruction for the same claim (the partial unique index)
            raise Conflict(_("Klaim ini sudah punya instruksi pembayaran."), code="already_instructed") from exc
        claim_event_record(claim=locked, kind=ClaimEvent.Kind.PAYMENT_INSTRUCTED, actor=actor,
                           data={"instruction": instruction.reference, "amount": amount})
        return instruction


# ---------------------------------------------------------------------------------------------
# The bank account

#: States in which the participant may still give or correct the account (not after it is paid or over).
ACCOUNT_EDITABLE = frozenset(set(S) - workflow.TERMINAL)
_NAME = re.compile(r"^[^\W\d_]+(?:[ .,'\-]+[^\W\d_]+)*[ .,'\-]*$")


def _holder_problem(name: str) -> str | None:
    if not name:
        return str(_("Nama pemilik rekening wajib diisi."))
    if len(name) > 100 or not _NAME.match(name):
        return str(_("Tulis nama pemilik rekening seperti di buku tabungan: huruf, spasi, titik, koma, tanda "
                     "hubung; paling banyak 100 karakter."))
    return None


def bank_account_save(*, claim: Claim, bank_code: str, account_number: str, holder_name: str,
                      actor: Actor) -> BankAccount:
    """The participant gives (or corrects) the account the benefit is paid to. The account number must
    have only digits and the bank's length; the holder must be the applicant (case, spacing, punctuation
    and titles aside). A correction needs the officer's check again. Raises InvalidInput (nothing
    written) for a bad entry, Conflict when the claim is over or its payment is at the bank."""
    bank_code = str(bank_code or "").strip()
    number = normalise_account(account_number)
    holder = " ".join(str(holder_name or "").split())
    problems: dict[str, list[str]] = {}
    if banks.bank_get(bank_code) is None:
        problems["bank_code"] = [str(_("Bank tidak dikenal. Pilih bank dari daftar."))]
    elif (problem := banks.account_problem(bank_code, number)) is not None:
        problems["account_number"] = [problem]
    if (problem := _holder_problem(holder)) is not None:
        problems["holder_name"] = [problem]
    with transaction.atomic():
        locked = claim_lock(claim)
        if "holder_name" not in problems and not policy.holder_matches(holder, claim_applicant(locked).full_name):
            problems["holder_name"] = [str(_(
                "Nama pemilik rekening harus sama dengan nama pemohon (%(name)s). Dana hanya dibayar ke rekening "
                "atas nama pemohon sendiri.") % {"name": claim_applicant(locked).full_name})]
        if problems:
            raise InvalidInput(code="invalid_bank_account", fields=problems)
        if locked.state not in ACCOUNT_EDITABLE:
            raise Conflict(_("Klaim ini sudah selesai; rekening tidak dapat diubah lagi."), code="claim_closed")
        if PaymentInstruction.objects.filter(claim=locked, status=PaymentInstruction.Status.BATCHED).exists():
            raise Conflict(_("Pembayaran sedang diproses bank. Rekening dapat diubah bila bank menolaknya."),
                           code="payment_at_bank")
        now = clock.now()
        account, created = BankAccount.objects.update_or_create(claim=locked, defaults={
            "bank_code": bank_code, "account_number": number, "holder_name": holder,
            "check_result": BankAccount.Check.UNCHECKED, "check_note": "", "checked_by": None, "checked_at": None,
            "updated_at": now})
        claim_event_record(claim=locked, kind=ClaimEvent.Kind.BANK_ACCOUNT_SAVED, actor=actor,
                           data={"bank": bank_code, "account": mask_account(number), "new": created})
        bank_account_signal(locked, bank_code, number)
        return account


def bank_account_signal(claim: Claim, bank_code: str, number: str) -> bool:
    """In the account's transaction: when the same account (bank and number) is the account of a claim
    of another insured NIK, a broker signal (kind ``bank``, source ``payment``; its value a keyed digest,
    never the number) flags every such claim for officers. It refuses nothing: an heir paid for two
    deceased relatives is a legitimate case, and the officers judge. One indexed query."""
    rows = list(BankAccount.objects.filter(bank_code=bank_code, account_number=number)
                .values_list("claim_id", "claim__insured_nik")[:200])
    niks = {nik for _cid, nik in rows}
    if len(niks) < 2:
        return False
    signal_record(kind=BrokerSignal.Kind.BANK, source=BrokerSignal.Source.PAYMENT,
                  value=signal_digest("bank", "bank", f"{bank_code}:{number}"), nik_count=len(niks),
                  claims=[(cid, signal_digest("nik", "bank", nik)) for cid, nik in rows])
    log.warning("bank account of claim %s is also the account of %d other insured NIKs: broker signal",
                claim.code, len(niks) - 1)
    return True


def bank_account_check(*, claim: Claim, user: Any, matches: bool, note: str = "") -> BankAccount:
    """The officer compared the account with the bank-book document: it matches (then a payment the bank
    refused before is instructed again, for the same amount), or it differs (``note`` says how; the
    participant is told what to correct). Raises Conflict without an account, InvalidInput for "differs"
    without a note or "matches" when the holder is not the applicant — nothing written."""
    note = " ".join(str(note or "").split())[:300]
    if not matches and not note:
        raise InvalidInput(_("Tulis apa yang tidak sesuai dengan buku tabungan."), code="note_required",
                           fields={"note": [_("Wajib diisi bila rekening tidak sesuai.")]})
    actor = Actor.officer(user)
    with transaction.atomic():
        locked = claim_lock(claim)
        account = BankAccount.objects.select_for_update().filter(claim=locked).first()
        if account is None:
            raise Conflict(_("Peserta belum mengisi rekening bank."), code="no_bank_account")
        if locked.state not in ACCOUNT_EDITABLE:
            raise Conflict(_("Klaim ini sudah selesai."), code="claim_closed")
        if matches:
            status = bank_account_status(locked, account)
            if not status.valid or not status.holder_matches:
                raise InvalidInput(status.reason, code="bank_account_invalid")
        account.check_result = BankAccount.Check.MATCHES if matches else BankAccount.Check.DIFFERS
        account.check_note = note
        account.checked_by = user
        account.checked_at = clock.now()
        account.save(update_fields=["check_result", "check_note", "checked_by", "checked_at"])
        claim_event_record(claim=locked, kind=ClaimEvent.Kind.BANK_ACCOUNT_CHECKED, actor=actor,
                           reason=account.check_result, data={"note": note})
        if matches:
            _reissue_after_failure(locked, actor)
        else:
            notification_enqueue(claim=locked, to=applicant_recipient(locked), event="bank_account_invalid",
                                 context={"reason": note})
        return account


def _reissue_after_failure(locked: Claim, actor: Actor) -> PaymentInstruction | None:
    """A claim whose payment the bank refused gets a new instruction for the same amount once its
    account is checked again (none while another is open or paid)."""
    rows = list(PaymentInstruction.objects.filter(claim=locked).order_by("-id").values_list("status", "amount")[:1])
    if locked.state != S.APPROVED or not rows or rows[0][0] != PaymentInstruction.Status.FAILED:
        return None
    return instruction_create(claim=locked, amount=int(rows[0][1]), actor=actor)
