"""Officers and their scope: an officer sees only their branch, a supervisor their branch too (with
assignment and approval rights), a regional admin their region, a national admin everything. An employer's
HR officer (``employer_officer``) is no agency officer: no branch, no region, only the company of ``npp``
(8 digits, the registry's key) and only its claims waiting for the company's part (``docs/employers.md``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Petugas (CSO)")
    SUPERVISOR = "supervisor", _("Kepala kantor cabang")
    FRONT_DESK = "front_desk", _("Petugas depan / satpam")
    REGIONAL_ADMIN = "regional_admin", _("Admin kantor wilayah")
    NATIONAL_ADMIN = "national_admin", _("Admin kantor pusat")
    EMPLOYER_OFFICER = "employer_officer", _("Petugas HR perusahaan")


class OfficerProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer")
    role = models.CharField(max_length=16, choices=Role.choices)
    branch = models.ForeignKey("branches.Branch", null=True, blank=True, on_delete=models.PROTECT)
    region = models.ForeignKey("branches.Region", null=True, blank=True, on_delete=models.PROTECT)
    phone = models.CharField(max_length=20, blank=True)
    npp = models.CharField(max_length=8, blank=True, help_text=_(
        "NPP perusahaan (hanya petugas HR perusahaan: ia melihat klaim perusahaannya saja)"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=["officer", "supervisor", "front_desk"], branch__isnull=False)
                    | Q(role="regional_admin", region__isnull=False)
                    | Q(role="national_admin")
                    | Q(role="employer_officer", branch__isnull=True, region__isnull=True)
                ),
                name="officer_scope_matches_role",
            ),
            # An NPP for the employer's officer, and for nobody else.
            models.CheckConstraint(condition=Q(role="employer_officer", npp__gt="") | (~Q(role="employer_officer")
                                                                                     & Q(npp="")),
                                   name="officer_npp_only_employer"),
        ]
        verbose_name = _("profil petugas")
        verbose_name_plural = _("profil petugas")

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()})"
