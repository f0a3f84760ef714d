"""Visitor screening at a branch's door.

``ScreeningRecord`` is personal health data (a temperature, with a booking code or a name): kept for
``SCREENING_RETENTION_DAYS`` and then deleted by the ``screening_records_purge`` job. It is never written to a
claim's history (``ClaimEvent`` rows are append-only and could not be deleted with it).

``ScreeningDay`` keeps the counts per branch and local day — no person in it — so the daily summary and the
branch head's counts outlive the records they were counted from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    ADMITTED = "admitted", _("Boleh masuk")
    SENT_HOME = "sent_home", _("Diminta pulang")


class ScreeningRecord(models.Model):
    branch = models.ForeignKey("branches.Branch", on_delete=models.PROTECT, related_name="+")
    screened_at = models.DateTimeField(help_text="UTC")
    day = models.DateField(help_text=_("Tanggal setempat cabang"))
    temperature = models.DecimalField(max_digits=3, decimal_places=1, help_text="°C")
    threshold = models.DecimalField(max_digits=3, decimal_places=1, help_text=_("Batas suhu saat pemeriksaan (°C)"))
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    booking = models.ForeignKey("booking.Booking", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    visitor_name = models.CharField(max_length=100, blank=True)
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    form_id = models.CharField(max_length=40, unique=True, help_text=_("Satu formulir, satu catatan (kirim ganda)"))

    class Meta:
        indexes = [models.Index(fields=["screened_at"], name="screening_screened_at"),
                   models.Index(fields=["branch", "day"], name="screening_branch_day")]
        constraints = [
            models.CheckConstraint(condition=Q(temperature__gte=30) & Q(temperature__lte=45),
                                   name="screening_temperature_range"),
            models.CheckConstraint(
                condition=(Q(outcome="admitted", temperature__lt=F("threshold"))
                           | Q(outcome="sent_home", temperature__gte=F("threshold"))),
                name="screening_outcome_matches_threshold"),
        ]
        verbose_name = _("skrining pengunjung")
        verbose_name_plural = _("skrining pengunjung")

    def __str__(self) -> str:  # no name, no temperature: this string may reach a log
        return f"screening {self.pk} ({self.day}, {self.outcome})"


class ScreeningDay(models.Model):
    branch = models.ForeignKey("branches.Branch", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(help_text=_("Tanggal setempat cabang"))
    admitted = models.PositiveIntegerField(default=0)
    sent_home = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "day"], name="screening_day_one_per_branch")]
        verbose_name = _("jumlah skrining harian")
        verbose_name_plural = _("jumlah skrining harian")

    def __str__(self) -> str:
        return f"{self.day}: {self.admitted} + {self.sent_home}"

    @property
    def screened(self) -> int:
        return self.admitted + self.sent_home
