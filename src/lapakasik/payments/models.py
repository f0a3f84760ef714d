"""Payments: the bank account a claim is paid to (captured with the claim, checked by the officer against
the bank book), payment instructions (one per approved claim at a time), the daily batches a supervisor
closes per branch and whose result file the bank sends back, and the service levels per claim type.
Account numbers are personal data: masked everywhere but for the officers of the claim's branch, never in
URLs or logs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .banks import CHOICES as BANK_CHOICES


class BankAccount(models.Model):
    """The account the claim's benefit goes to: one per claim, corrected in place (history keeps every
    change, masked). ``check_result``: the officer's comparison with the bank-book document; a correction by the
    participant clears it."""

    class Check(models.TextChoices):
        UNCHECKED = "unchecked", _("Belum diperiksa petugas")
        MATCHES = "matches", _("Sesuai buku tabungan")
        DIFFERS = "differs", _("Tidak sesuai buku tabungan")

    claim = models.OneToOneField("claims.Claim", on_delete=models.PROTECT, related_name="bank_account")
    bank_code = models.CharField(max_length=3, choices=BANK_CHOICES)
    account_number = models.CharField(max_length=20)
    holder_name = models.CharField(max_length=150)
    check_result = models.CharField(max_length=10, choices=Check.choices, default=Check.UNCHECKED)
    check_note = models.CharField(max_length=300, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        # The same account for claims of different insured NIKs is a broker signal (services.bank_account_signal).
        indexes = [models.Index(fields=["bank_code", "account_number"])]
        verbose_name = _("rekening bank")
        verbose_name_plural = _("rekening bank")

    def __str__(self) -> str:
        return f"{self.claim_id} {self.bank_code}"


class PaymentBatch(models.Model):
    """A branch's payments of one day, closed by a supervisor: its lines are the instructions it holds,
    frozen with ``count`` and ``control_total``. The bank's result file is applied once (``settled``)."""

    class Status(models.TextChoices):
        CLOSED = "closed", _("Ditutup, menunggu hasil bank")
        SETTLED = "settled", _("Hasil bank sudah diimpor")

    reference = models.CharField(max_length=32, unique=True)
    branch = models.ForeignKey("branches.Branch", on_delete=models.PROTECT, related_name="payment_batches")
    business_date = models.DateField(help_text=_("Tanggal kerja cabang"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.CLOSED)
    count = models.PositiveIntegerField()
    control_total = models.BigIntegerField(help_text=_("Jumlah rupiah semua baris"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField()
    result_digest = models.CharField(max_length=64, blank=True, help_text=_("sha256 berkas hasil bank"))
    result_imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    result_imported_at = models.DateTimeField(null=True, blank=True)
    paid_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-business_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "business_date"], name="payment_batch_one_per_branch_day"),
            models.CheckConstraint(condition=Q(control_total__gte=0), name="payment_batch_total_not_negative"),
        ]
        verbose_name = _("batch pembayaran")
        verbose_name_plural = _("batch pembayaran")

    def __str__(self) -> str:
        return self.reference


class PaymentInstruction(models.Model):
    """Pay ``amount`` (net, whole rupiah) for an approved claim. Created by ``instruction_create`` when the
    claim is approved; the bank account is copied in when a batch takes it (what the bank was told stays
    as it was told). At most one open (pending or batched) and at most one paid instruction per claim; an
    instruction is in one batch at most (its single ``batch``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu batch")
        BATCHED = "batched", _("Dalam batch, menunggu bank")
        PAID = "paid", _("Dibayar")
        FAILED = "failed", _("Gagal di bank")

    OPEN = (Status.PENDING, Status.BATCHED)

    reference = models.CharField(max_length=24, unique=True)
    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="payment_instructions")
    branch = models.ForeignKey("branches.Branch", on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    batch = models.ForeignKey(PaymentBatch, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="instructions")
    bank_code = models.CharField(max_length=3, blank=True)
    account_number = models.CharField(max_length=20, blank=True)
    holder_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    paid_on = models.DateField(null=True, blank=True)
    failure_code = models.CharField(max_length=16, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_instruction_amount_positive"),
            models.UniqueConstraint(fields=["claim"], condition=Q(status__in=["pending", "batched"]),
                                    name="payment_instruction_one_open_per_claim"),
            models.UniqueConstraint(fields=["claim"], condition=Q(status="paid"),
                                    name="payment_instruction_one_paid_per_claim"),
            models.CheckConstraint(condition=Q(status="pending", batch__isnull=True) | ~Q(status="pending"),
                                   name="payment_instruction_pending_unbatched"),
        ]
        indexes = [models.Index(fields=["branch", "status"], name="payment_instr_branch_status")]
        verbose_name = _("instruksi pembayaran")
        verbose_name_plural = _("instruksi pembayaran")

    def __str__(self) -> str:
        return self.reference


class ServiceLevel(models.Model):
    """The promise per claim type: ``VERIFIED → PAID`` within ``payment_days`` working days of the branch
    (holidays and closures excluded). Without a row the defaults of ``payments.policy`` apply."""

    claim_type = models.CharField(max_length=3, unique=True)
    payment_days = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("tingkat layanan")
        verbose_name_plural = _("tingkat layanan")

    def __str__(self) -> str:
        return f"{self.claim_type}: {self.payment_days}"


class PaymentDue(models.Model):
    """When the claim's payment is promised: set when the claim is verified (``payment_days`` working
    days of the branch after that day), shown to the participant and in the officer's queue."""

    claim = models.OneToOneField("claims.Claim", on_delete=models.CASCADE, related_name="payment_due")
    verified_at = models.DateTimeField()
    due_on = models.DateField(help_text=_("Batas bayar (tanggal kerja cabang)"))
    escalated_on = models.DateField(null=True, blank=True, help_text=_("Terakhir dilaporkan ke supervisor"))

    class Meta:
        indexes = [models.Index(fields=["due_on"], name="payment_due_on_idx")]
        verbose_name = _("janji bayar")
        verbose_name_plural = _("janji bayar")

    def __str__(self) -> str:
        return f"{self.claim_id} {self.due_on}"
