"""Benefit decisions: the tax rules (rates and threshold with a valid-from date), the managed list of
rejection reasons, and each decision with the numbers it was made on — a change of law or of a reason's
wording never changes a past decision. The claim's state is the claims app's."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lapakasik.core.dates import long_date

from . import policy, programmes


class TaxRule(models.Model):
    """The final tax on a lump-sum benefit from ``valid_from`` on (PP 68/2009 by default): 0 % up to
    ``threshold``, ``rate_bp`` above it with an NPWP, ``no_npwp_rate_bp`` without. A decision uses the row
    valid on its day and stores both its numbers and the row."""

    valid_from = models.DateField(unique=True)
    threshold = models.BigIntegerField(help_text=_("Bagian bruto yang dikenai 0% (rupiah)"))
    rate_bp = models.PositiveIntegerField(help_text=_("Tarif di atas batas dengan NPWP, basis poin (500 = 5%)"))
    no_npwp_rate_bp = models.PositiveIntegerField(help_text=_("Tarif tanpa NPWP, basis poin (600 = 6%)"))
    legal_basis = models.CharField(max_length=120, default="PP 68/2009")

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("aturan pajak manfaat")
        verbose_name_plural = _("aturan pajak manfaat")
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=0) & Q(rate_bp__lte=10_000) & Q(no_npwp_rate_bp__lte=10_000),
                                   name="taxrule_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.legal_basis} ({long_date(self.valid_from)})"

    @property
    def table(self) -> policy.TaxTable:
        return policy.TaxTable(threshold=self.threshold, rate_bp=self.rate_bp, no_npwp_rate_bp=self.no_npwp_rate_bp)


class BenefitRule(models.Model):
    """The numbers of one programme's benefit (JKM, JP, JKK) from ``valid_from`` on — the table of
    ``benefits.programmes`` (``params``: name → whole number, every name of the table, checked before it is
    saved). A decision uses the row valid on its day and stores both its components and the row."""

    class Programme(models.TextChoices):
        JKM = "JKM", _("Jaminan Kematian")
        JP = "JP", _("Jaminan Pensiun")
        JKK = "JKK", _("Jaminan Kecelakaan Kerja")

    programme = models.CharField(max_length=3, choices=Programme.choices)
    valid_from = models.DateField()
    legal_basis = models.CharField(max_length=120)
    params = models.JSONField(help_text=_("Angka ketentuan: nama → angka bulat (rupiah, bulan, basis poin)"))

    class Meta:
        ordering = ["programme", "-valid_from"]
        verbose_name = _("ketentuan manfaat")
        verbose_name_plural = _("ketentuan manfaat")
        constraints = [models.UniqueConstraint(fields=["programme", "valid_from"], name="benefitrule_one_per_day")]

    def __str__(self) -> str:
        return f"{self.programme} {self.legal_basis} ({long_date(self.valid_from)})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.clean()  # a table the calculation cannot read is never stored
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        try:
            programmes.table_of(self.programme, self.params)
        except (TypeError, ValueError) as exc:
            raise ValidationError({"params": str(exc)}) from None

    @property
    def table(self) -> object:
        return programmes.table_of(self.programme, self.params)


class DecisionReason(models.Model):
    """Why a verified claim is rejected: the sentence the participant reads and the next step, in
    Indonesian and English. Managed in the admin; defaults from ``benefits.reasons.DEFAULTS``."""

    code = models.SlugField(max_length=40, unique=True)
    label_id = models.CharField(max_length=120, help_text=_("Untuk petugas (Indonesia)"))
    label_en = models.CharField(max_length=120)
    participant_text_id = models.CharField(max_length=300, help_text=_("Yang dibaca peserta (Indonesia)"))
    participant_text_en = models.CharField(max_length=300)
    next_step_id = models.CharField(max_length=300, help_text=_("Langkah berikutnya bagi peserta (Indonesia)"))
    next_step_en = models.CharField(max_length=300)
    note_required = models.BooleanField(default=False, help_text=_("Petugas wajib menulis catatan"))
    order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("alasan penolakan klaim")
        verbose_name_plural = _("alasan penolakan klaim")

    def __str__(self) -> str:
        return self.code

    def label(self, language: str = "id") -> str:
        return self.label_en if language == "en" else self.label_id

    def participant_text(self, language: str = "id") -> str:
        return self.participant_text_en if language == "en" else self.participant_text_id

    def next_step(self, language: str = "id") -> str:
        return self.next_step_en if language == "en" else self.next_step_id


class Decision(models.Model):
    """One decision on a verified claim. An approval stores the amounts and the tax rule it used; above the
    four-eyes amount it waits (``PENDING``) for a supervisor's second approval by another person. At most
    one live decision (pending or final) per claim: a double submit is refused by the database too."""

    class Kind(models.TextChoices):
        APPROVE = "approve", _("Setujui")
        REJECT = "reject", _("Tolak")

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu persetujuan kedua")
        FINAL = "final", _("Final")
        DECLINED = "declined", _("Dikembalikan oleh kepala cabang")

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices)
    # The amounts (approvals): whole rupiah, as decided.
    percent = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("JHT sebagian: bagian saldo (%)"))
    balance = models.BigIntegerField(null=True, blank=True)
    gross = models.BigIntegerField(null=True, blank=True)
    threshold = models.BigIntegerField(null=True, blank=True)
    taxable = models.BigIntegerField(null=True, blank=True)
    rate_bp = models.PositiveIntegerField(null=True, blank=True)
    has_npwp = models.BooleanField(null=True, blank=True)
    tax = models.BigIntegerField(null=True, blank=True)
    net = models.BigIntegerField(null=True, blank=True)
    tax_rule = models.ForeignKey(TaxRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # JKM, JP, JKK: the rule row, the components as computed (rule, inputs, formula, amount) and a JP
    # pension's monthly amount (the payment is its first month).
    benefit_rule = models.ForeignKey(BenefitRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    components = models.JSONField(default=list, blank=True, help_text=_("Komponen manfaat saat diputuskan"))
    monthly_amount = models.BigIntegerField(null=True, blank=True, help_text=_("JP: pensiun bulanan"))
    four_eyes_above = models.BigIntegerField(null=True, blank=True)
    trace = models.JSONField(default=list, blank=True, help_text=_("Aturan kelayakan saat diputuskan"))
    # Rejections: the reason, the sentence the participant read and the next step (as sent).
    reason = models.ForeignKey(DecisionReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    participant_text = models.CharField(max_length=600, blank=True)
    next_step = models.CharField(max_length=300, blank=True)
    note = models.CharField(max_length=500, blank=True)
    # Who and when.
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    second_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    second_at = models.DateTimeField(null=True, blank=True)
    second_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("keputusan klaim")
        verbose_name_plural = _("keputusan klaim")
        constraints = [
            models.UniqueConstraint(fields=["claim"], condition=Q(status__in=["pending", "final"]),
                                    name="decision_one_live_per_claim"),
            models.CheckConstraint(condition=Q(second_by__isnull=True) | ~Q(second_by=F("decided_by")),
                                   name="decision_four_eyes_two_people"),
            models.CheckConstraint(condition=Q(kind="reject") | (Q(gross__gte=0) & Q(tax__gte=0) & Q(net__gte=0)
                                                                  & Q(net__lte=F("gross"))),
                                   name="decision_amounts_sane"),
        ]
        indexes = [models.Index(fields=["status", "claim"], name="decision_status_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.status} #{self.claim_id}"

    @property
    def rate_percent(self) -> str:
        return policy.Benefit(gross=0, threshold=0, taxable=0, rate_bp=self.rate_bp or 0, has_npwp=bool(self.has_npwp),
                              tax=0, net=0).rate_percent
