"""A claim's online form: the answers and signatures of each section, and the document it became."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FormResponse(models.Model):
    """One form of one claim, filled section by section by the parties the definition names.

    ``answers`` is ``{section: {field: value}}`` (stored values, see ``validation.clean_value``);
    ``signatures`` is ``{section: {"name", "party", "at" (ISO, UTC)}}``. A signed section is read-only.
    Once every section is signed the form is rendered to a PDF and received through intake
    (``document``); it is then SUBMITTED and read-only. Answers hold personal data (NIK, account numbers):
    never in URLs or logs. Written only by ``forms.services`` with the claim row locked."""

    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Draf")
        SUBMITTED = "SUBMITTED", _("Terkirim")

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="form_responses")
    form_code = models.CharField(max_length=40)
    version = models.CharField(max_length=20)
    answers = models.JSONField(default=dict, blank=True)
    signatures = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    document = models.ForeignKey("intake.Document", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["claim_id", "form_code"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "form_code"], name="forms_response_one_per_claim_form"),
            models.CheckConstraint(condition=Q(status="DRAFT") | Q(submitted_at__isnull=False),
                                   name="forms_response_submitted_has_time"),
        ]
        verbose_name = _("formulir online")
        verbose_name_plural = _("formulir online")

    def __str__(self) -> str:
        return f"{self.form_code} of claim {self.claim_id} ({self.status})"
