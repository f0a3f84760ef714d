"""Officers and their scope: an officer sees only their branch, a supervisor their branch too (with
assignment and approval rights), a regional admin their region, a national admin everything."""

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


class OfficerProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer")
    role = models.CharField(max_length=16, choices=Role.choices)
    branch = models.ForeignKey("branches.Branch", null=True, blank=True, on_delete=models.PROTECT)
    region = models.ForeignKey("branches.Region", null=True, blank=True, on_delete=models.PROTECT)
    phone = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=["officer", "supervisor", "front_desk"], branch__isnull=False)
                    | Q(role="regional_admin", region__isnull=False)
                    | Q(role="national_admin")
                ),
                name="officer_scope_matches_role",
            )
        ]
        verbose_name = _("profil petugas")
        verbose_name_plural = _("profil petugas")

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()})"
