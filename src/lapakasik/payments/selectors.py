"""Reads of payments: whether a claim's bank account may be paid to, the promised payment date, the
instructions and batches of a branch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils.translation import gettext as _

from lapakasik.branches.models import Closure
from lapakasik.branches.policy import working_days_ahead
from lapakasik.claims.models import Claim
from lapakasik.claims.selectors import claim_applicant
from lapakasik.core.masking import mask_account

from . import banks, policy
from .models import BankAccount, PaymentBatch, PaymentDue, PaymentInstruction, ServiceLevel
from .money import rupiah


@dataclass(frozen=True)
class AccountStatus:
    """Whether the claim's benefit can be paid to its bank account. ``ready``: present, valid for its
    bank, checked by an officer against the bank book, and held by the applicant. ``reason``: why not,
    in the active language (empty when ready)."""

    present: bool
    valid: bool
    checked: bool
    holder_matches: bool
    reason: str
    bank_name: str = ""
    masked: str = ""

    @property
    def ready(self) -> bool:
        return self.present and self.valid and self.checked and self.holder_matches


def bank_account_get(claim: Claim) -> BankAccount | None:
    return BankAccount.objects.filter(claim_id=claim.pk).first()


def bank_account_status(claim: Claim, account: BankAccount | None = None) -> AccountStatus:
    """Is the claim's bank account present, checked and matching? (benefits asks before approving; a
    batch takes only instructions whose account is ready)."""
    account = account if account is not None else bank_account_get(claim)
    if account is None:
        return AccountStatus(False, False, False, False, _("Rekening bank belum diisi peserta."))
    bank = banks.bank_get(account.bank_code)
    masked = mask_account(account.account_number)
    name = bank.name if bank else account.bank_code
    problem = banks.account_problem(account.bank_code, account.account_number)
    matches = policy.holder_matches(account.holder_name, claim_applicant(claim).full_name)
    checked = account.check_result == BankAccount.Check.MATCHES
    if problem is not None:
        reason = problem
    elif not matches:
        reason = _("Nama pemilik rekening tidak sama dengan nama pemohon. Pembayaran ditahan sampai rekening "
                   "diperbaiki.")
    elif account.check_result == BankAccount.Check.DIFFERS:
        reason = _("Rekening tidak sesuai buku tabungan: %(note)s") % {"note": account.check_note or "-"}
    elif not checked:
        reason = _("Rekening belum diperiksa petugas terhadap buku tabungan.")
    else:
        reason = ""
    return AccountStatus(True, problem is None, checked, matches, reason, name, masked)


# --- working days and the promised date ---------------------------------------------------------------

def branch_closed_days(branch_id: int, region_id: int | None, start: date) -> set[date]:
    """Closures that apply to the branch from ``start`` on: its own, its region's, and national ones
    (cuti bersama). Public holidays come from ``branches.policy``."""
    qs = Closure.objects.filter(date__gte=start).filter(
        Q(branch_id=branch_id) | Q(region_id=region_id, branch__isnull=True) | Q(region__isnull=True, branch__isnull=True))
    return set(qs.values_list("date", flat=True))


def service_level_days(claim_type: str) -> int:
    row = ServiceLevel.objects.filter(claim_type=claim_type).values_list("payment_days", flat=True).first()
    return int(row) if row is not None else policy.payment_days(claim_type)


def payment_due_on(claim: Claim, verified_at: datetime) -> date:
    """The last working day (branch calendar) by which the claim must be paid: ``payment_days`` working
    days after the day it was verified."""
    branch = claim.branch
    day = verified_at.astimezone(ZoneInfo(branch.time_zone or "Asia/Jakarta")).date()
    days = service_level_days(claim.claim_type)
    closed = branch_closed_days(branch.pk, branch.region_id, day)
    return working_days_ahead(day + timedelta(days=1), days, closed)[-1]


# --- what a page shows about a claim's payment ----------------------------------------------------------

@dataclass(frozen=True)
class PaymentView:
    """A claim's payment as a page or the API shows it: the account (masked unless ``unmasked``), whether
    it can be paid to and why not, the promised date, and the latest instruction."""

    account: BankAccount | None
    account_number: str  # masked unless the viewer may see it
    status: AccountStatus
    due_on: date | None
    instruction: PaymentInstruction | None
    check_label: str = ""

    @property
    def amount_text(self) -> str:
        return rupiah(self.instruction.amount) if self.instruction else ""


def payment_view(claim: Claim, *, unmasked: bool = False) -> PaymentView:
    account = bank_account_get(claim)
    status = bank_account_status(claim, account)
    number = "" if account is None else (account.account_number if unmasked else mask_account(account.account_number))
    due = PaymentDue.objects.filter(claim_id=claim.pk).values_list("due_on", flat=True).first()
    instruction = PaymentInstruction.objects.filter(claim_id=claim.pk).order_by("-id").first()
    return PaymentView(account, number, status, due, instruction,
                       str(account.get_check_result_display()) if account else "")


def batches_of(branch_ids: list[int], limit: int = 60) -> list[PaymentBatch]:
    return list(PaymentBatch.objects.filter(branch_id__in=branch_ids).select_related("branch", "closed_by")
                .order_by("-business_date", "-id")[:limit])


def batch_get(reference: str) -> PaymentBatch | None:
    return PaymentBatch.objects.select_related("branch", "branch__region", "closed_by").filter(
        reference=str(reference or "")[:32]).first()
