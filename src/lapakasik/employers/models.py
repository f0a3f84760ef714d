"""The employer side (docs/employers.md): invitations of a company's HR officers, and the JKK accident
reports a company files — stage I opens the claim (``claims.services.claim_open``), stage II follows after
recovery, disability or death. Fields and constraints only; the rules are in ``policy.py``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Invitation(models.Model):
    """An invitation sent to an HR address the registry lists for the company ``npp``. The link carries a
    token shown once; only its digest is stored. Single use (``used_at``), expiring (``expires_at``)."""

    npp = models.CharField(max_length=8)
    email = models.EmailField(max_length=254)
    token_digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", help_text=_("Akun yang dibuat dengan undangan ini"))

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(used_at__isnull=True) | Q(user__isnull=False),
                                              name="employer_invitation_used_by_user")]
        verbose_name = _("undangan petugas perusahaan")
        verbose_name_plural = _("undangan petugas perusahaan")

    def __str__(self) -> str:
        return f"{self.npp} {self.email}"


class SignInLink(models.Model):
    """A one-time sign-in link e-mailed to a company HR officer (``signin.link_request``): the token is shown
    only in the e-mail, its keyed digest stored. Single use (``used_at``), short-lived (``expires_at``); a new
    link ends the officer's earlier ones. It signs in to the employer pages only (``signin.link_session``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "used_at"], name="employer_signin_user_idx")]
        verbose_name = _("tautan masuk petugas perusahaan")
        verbose_name_plural = _("tautan masuk petugas perusahaan")

    def __str__(self) -> str:
        return f"sign-in link #{self.pk}"


class AccidentKind(models.TextChoices):
    WORKPLACE = "workplace", _("Kecelakaan di tempat kerja atau saat bertugas")
    ROAD = "road", _("Kecelakaan lalu lintas")
    OCCUPATIONAL_DISEASE = "occupational_disease", _("Penyakit akibat kerja")


class Outcome(models.TextChoices):
    RECOVERED = "recovered", _("Sembuh")
    DISABILITY = "disability", _("Cacat")
    DEATH = "death", _("Meninggal dunia")


class JkkReport(models.Model):
    """One JKK claim's reports by the employer: stage I (Formulir 3, opens the claim) and stage II (Formulir
    3a, after recovery, disability or death). ``stage1_late``: filed after its deadline (accepted, flagged);
    ``late_told_at``: the branch was told (once); ``stage2_reminded_at``: the employer was reminded (once)."""

    claim = models.OneToOneField("claims.Claim", on_delete=models.PROTECT, related_name="jkk_report")
    npp = models.CharField(max_length=8)
    worker_nik = models.CharField(max_length=16)
    worker_kpj = models.CharField(max_length=11)
    occurred_at = models.DateTimeField(help_text=_("Waktu kejadian"))
    kind = models.CharField(max_length=24, choices=AccidentKind.choices)
    place = models.CharField(max_length=200)
    description = models.TextField(max_length=2000)
    stage1_at = models.DateTimeField()
    stage1_due_at = models.DateTimeField()
    stage1_late = models.BooleanField(default=False)
    stage1_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    late_told_at = models.DateTimeField(null=True, blank=True, help_text=_("Cabang diberi tahu: tahap I terlambat"))
    stage2_late_told_at = models.DateTimeField(null=True, blank=True,
                                               help_text=_("Cabang diberi tahu: tahap II terlambat"))
    stage2_reminded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True, help_text=_("Tanggal sembuh, cacat atau meninggal"))
    stage2_description = models.TextField(max_length=2000, blank=True)
    stage2_at = models.DateTimeField(null=True, blank=True)
    stage2_due_at = models.DateTimeField(null=True, blank=True)
    stage2_late = models.BooleanField(default=False)
    stage2_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    # The stage II figures the JKK benefit is computed from (None: not reported).
    treatment_cost = models.BigIntegerField(null=True, blank=True, help_text=_("Biaya pengobatan dan perawatan (rupiah)"))
    days_unable = models.PositiveIntegerField(null=True, blank=True, help_text=_("Hari tidak mampu bekerja"))
    monthly_wage = models.BigIntegerField(null=True, blank=True, help_text=_("Upah sebulan pekerja (rupiah)"))

    class Meta:
        ordering = ["-stage1_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(stage2_at__isnull=True, outcome="", outcome_on__isnull=True)
                           | Q(stage2_at__isnull=False, outcome__in=["recovered", "disability", "death"],
                               outcome_on__isnull=False)),
                name="jkk_report_stage2_complete"),
            models.CheckConstraint(
                condition=((Q(treatment_cost__isnull=True) | Q(treatment_cost__gte=0))
                           & (Q(monthly_wage__isnull=True) | Q(monthly_wage__gte=0))),
                name="jkk_report_figures_not_negative"),
        ]
        indexes = [models.Index(fields=["npp", "stage2_at"], name="jkk_report_npp_stage2_idx")]
        verbose_name = _("laporan kecelakaan kerja")
        verbose_name_plural = _("laporan kecelakaan kerja")

    def __str__(self) -> str:
        return f"JKK {self.npp} #{self.pk}"

    @property
    def claim_type(self) -> str:
        return "JKK"
