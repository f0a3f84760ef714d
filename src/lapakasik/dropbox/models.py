"""The dropbox's chain of custody: each envelope from the box outside the office to its pages in the claim,
and the hand-over batches between the front desk and the back office. Fields and constraints only; the rules
are in ``policy.py``, every write in ``services.py`` (each step also a ``ClaimEvent`` with person and time)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EnvelopeState(models.TextChoices):
    RECEIVED = "RECEIVED", _("Diterima di pintu")
    DISINFECTED = "DISINFECTED", _("Didisinfeksi, karantina")
    HANDED_OVER = "HANDED_OVER", _("Diserahkan ke petugas")
    ACCEPTED = "ACCEPTED", _("Diterima petugas, menunggu pindai")
    MISSING = "MISSING", _("Hilang dalam serah terima")
    DIGITISED = "DIGITISED", _("Sudah dipindai")


class MatchedBy(models.TextChoices):
    SERIAL = "serial", _("Nomor lembar sampul")
    CLAIM_CODE = "claim_code", _("Kode klaim")
    NIK = "nik", _("NIK")
    NAME = "name", _("Nama")


class Original(models.TextChoices):
    ARCHIVED = "archived", _("Disimpan di arsip")
    RETURNED = "returned", _("Dikembalikan kepada peserta")


class HandoverBatch(models.Model):
    """Envelopes handed from the front desk of ``from_branch`` to the back office of ``to_branch`` (the branch
    that holds their claims; another one for an envelope dropped at the wrong branch). ``sent_count`` is what
    the front desk counted into the bag (equal to the envelopes listed, or the batch is not made);
    ``received_count`` what the back office counted out of it."""

    class Status(models.TextChoices):
        SENT = "SENT", _("Dikirim, menunggu diterima")
        RECONCILED = "RECONCILED", _("Cocok")
        MISMATCH = "MISMATCH", _("Tidak cocok — dilaporkan ke kepala cabang")

    reference = models.CharField(max_length=12, unique=True)
    from_branch = models.ForeignKey("branches.Branch", on_delete=models.PROTECT, related_name="+")
    to_branch = models.ForeignKey("branches.Branch", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    sent_count = models.PositiveIntegerField()
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_count = models.PositiveIntegerField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["to_branch", "status"]), models.Index(fields=["from_branch", "sent_at"])]
        constraints = [models.CheckConstraint(condition=Q(sent_count__gte=1), name="dropbox_batch_not_empty")]
        verbose_name = _("serah terima dropbox")
        verbose_name_plural = _("serah terima dropbox")

    def __str__(self) -> str:
        return self.reference


class Envelope(models.Model):
    """One envelope out of a branch's dropbox. ``claim`` is found by the cover sheet's serial or, without a
    sheet, by a search at the desk; ``destination`` is the branch that holds the claim. The flags say what was
    odd at receipt, never refused at the door: ``serial_reused`` (a sheet already received: reused or
    photocopied; ``first_with_serial`` names the first envelope), ``other_branch`` (the sheet names another
    branch's dropbox, or the claim is of another branch: routed to ``destination``), ``online_only`` (the
    branch's dropbox was suspended by the channel policy)."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="envelopes")
    received_branch = models.ForeignKey("branches.Branch", on_delete=models.PROTECT, related_name="+")
    destination = models.ForeignKey("branches.Branch", on_delete=models.PROTECT, related_name="+")
    cover_sheet = models.ForeignKey("intake.CoverSheet", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="envelopes")
    matched_by = models.CharField(max_length=12, choices=MatchedBy.choices)
    state = models.CharField(max_length=12, choices=EnvelopeState.choices, default=EnvelopeState.RECEIVED)
    form_id = models.CharField(max_length=32, unique=True, help_text=_("Satu formulir, satu amplop"))
    serial_reused = models.BooleanField(default=False)
    first_with_serial = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    other_branch = models.BooleanField(default=False)
    online_only = models.BooleanField(default=False)
    received_at = models.DateTimeField()
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    disinfected_at = models.DateTimeField(null=True, blank=True)
    disinfected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    disinfection_method = models.CharField(max_length=16, blank=True)
    quarantine_until = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey(HandoverBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="envelopes")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    digitised_at = models.DateTimeField(null=True, blank=True)
    digitised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    original = models.CharField(max_length=10, choices=Original.choices, blank=True)
    archive_location = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["received_branch", "state"]), models.Index(fields=["destination", "state"]),
                   models.Index(fields=["cover_sheet"])]
        constraints = [
            models.CheckConstraint(condition=Q(state="RECEIVED") | Q(disinfected_at__isnull=False,
                                                                     quarantine_until__isnull=False),
                                   name="dropbox_envelope_disinfected_before_handling"),
            models.CheckConstraint(condition=~Q(state="DIGITISED") | ~Q(original=""),
                                   name="dropbox_envelope_digitised_says_where_the_original_went"),
        ]
        verbose_name = _("amplop dropbox")
        verbose_name_plural = _("amplop dropbox")

    def __str__(self) -> str:
        return f"envelope {self.pk} ({self.state})"
