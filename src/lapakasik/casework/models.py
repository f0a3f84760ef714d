"""The officer's casework: the managed list of refusal reasons, confirmation calls (phone, e-mail,
video) with their outcomes, the participant's self-service link to choose a new call window, and
officers' personal API tokens. The claim itself (state, assignee) is the claims app's."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RefusalReason(models.Model):
    """Why an officer refuses a file or a requirement, with the text the participant reads. Managed in
    the admin; the defaults come from ``casework.reasons.DEFAULTS`` (data migration)."""

    code = models.SlugField(max_length=40, unique=True)
    label_id = models.CharField(max_length=120, help_text=_("Untuk petugas (Indonesia)"))
    label_en = models.CharField(max_length=120)
    participant_text_id = models.CharField(max_length=300, help_text=_("Yang dibaca peserta (Indonesia)"))
    participant_text_en = models.CharField(max_length=300)
    note_required = models.BooleanField(default=False, help_text=_("Petugas wajib menulis catatan"))
    order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("alasan penolakan")
        verbose_name_plural = _("alasan penolakan")

    def __str__(self) -> str:
        return self.code

    def label(self, language: str = "id") -> str:
        return self.label_en if language == "en" else self.label_id

    def participant_text(self, language: str = "id") -> str:
        return self.participant_text_en if language == "en" else self.participant_text_id


class Confirmation(models.Model):
    """One confirmation contact with the participant: the channel, the window (UTC; shown in the branch's
    time zone), the officer, and — once recorded — the outcome. A video call has an unguessable room;
    several claims of one session may share a room (``room``: "one to many"), each on its own row."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Telepon")
        EMAIL = "email", _("E-mail")
        VIDEO = "video", _("Panggilan video")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Terhubung, data terkonfirmasi")
        NOT_REACHED = "not_reached", _("Tidak terhubung")
        ASKED_TO_MOVE = "asked_to_move", _("Peserta minta waktu lain")
        IDENTITY_DOUBT = "identity_doubt", _("Identitas diragukan")

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="confirmations")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="confirmations")
    room = models.CharField(max_length=64, blank=True, help_text=_("Nama ruang panggilan video (acak)"))
    chosen_by_participant = models.BooleanField(default=False)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["window_start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(window_end__gt=models.F("window_start")),
                                   name="confirmation_window_positive"),
            # One open (not recorded, not cancelled) confirmation per claim.
            models.UniqueConstraint(fields=["claim"], condition=Q(outcome="", cancelled_at__isnull=True),
                                    name="confirmation_one_open_per_claim"),
        ]
        indexes = [models.Index(fields=["officer", "window_start"]), models.Index(fields=["room"]),
                   models.Index(fields=["reminder_sent_at", "window_start"])]
        verbose_name = _("konfirmasi")
        verbose_name_plural = _("konfirmasi")

    def __str__(self) -> str:
        return f"{self.claim_id} {self.channel} {self.window_start.isoformat(timespec='minutes')}"

    @property
    def is_open(self) -> bool:
        return not self.outcome and self.cancelled_at is None


class CallWindowOffer(models.Model):
    """The participant's self-service link to choose a new confirmation window (after two calls not
    reached, or when they asked to move it). Only the token's keyed digest is stored."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="call_window_offers")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    channel = models.CharField(max_length=8, choices=Confirmation.Channel.choices)
    token_digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    confirmation = models.ForeignKey(Confirmation, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tautan pilih waktu panggilan")
        verbose_name_plural = _("tautan pilih waktu panggilan")

    def __str__(self) -> str:
        return f"offer for claim {self.claim_id}"


class OfficerApiToken(models.Model):
    """A personal token for the officer API (``Authorization: Bearer``); only its keyed digest is kept.
    It acts as its officer, within that officer's role and scope."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("token API petugas")
        verbose_name_plural = _("token API petugas")

    def __str__(self) -> str:
        return f"{self.user_id} {self.name}"


class Review(models.Model):
    """An officer's decision on one file, or on a whole requirement (``document`` empty): accepted, or
    refused with a reason from the managed list and a note. ``requested_at``: when the refusal went to the
    participant in a "Minta dokumen" message (empty: not yet asked)."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="reviews")
    document = models.ForeignKey("intake.Document", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="reviews")
    requirement_code = models.CharField(max_length=40, blank=True)
    accepted = models.BooleanField()
    reason = models.ForeignKey(RefusalReason, null=True, blank=True, on_delete=models.PROTECT)
    note = models.CharField(max_length=500, blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    created_at = models.DateTimeField(auto_now_add=True)
    requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["claim_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(accepted=True) | Q(reason__isnull=False), name="review_refusal_has_reason"),
        ]
        indexes = [models.Index(fields=["claim", "requested_at"])]
        verbose_name = _("pemeriksaan petugas")
        verbose_name_plural = _("pemeriksaan petugas")

    def __str__(self) -> str:
        return f"review {self.pk} of claim {self.claim_id}"
