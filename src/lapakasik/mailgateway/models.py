"""Inbound e-mail as received by ``lapakasik mailgateway``: the raw message is kept (file in storage,
SHA-256) before the gateway answers 250, then processed by a task."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundMessage(models.Model):
    """One accepted delivery of a message to one claim's intake address.

    A message addressed to two claims gives two rows sharing the same raw file. ``dedupe_key`` is the
    normalised Message-ID (or ``sha256:<hash>`` when there is none): the same message delivered twice
    to the same claim is kept once (``deliveries`` counts the repeats)."""

    class Status(models.TextChoices):
        STORED = "STORED", _("Disimpan, menunggu diproses")
        PROCESSING = "PROCESSING", _("Sedang diproses")
        PROCESSED = "PROCESSED", _("Selesai diproses")
        FAILED = "FAILED", _("Gagal diproses")

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="inbound_messages")
    recipient = models.CharField(max_length=254, help_text=_("Alamat tujuan (RCPT TO)"))
    envelope_from = models.CharField(max_length=254, blank=True)
    header_from = models.CharField(max_length=254, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    dedupe_key = models.CharField(max_length=255)
    subject = models.CharField(max_length=255, blank=True)
    raw_file = models.CharField(max_length=255, help_text=_("Nama berkas pesan asli di penyimpanan"))
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    protocol = models.CharField(max_length=8, default="smtp")
    peer = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.STORED)
    deliveries = models.PositiveIntegerField(default=1)
    attempts = models.PositiveIntegerField(default=0)
    sender_matches = models.BooleanField(null=True, blank=True)
    outcome = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    received_at = models.DateTimeField()
    processing_started_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(
        null=True, blank=True,
        help_text=_("Pekerja yang memproses memegang pesan sampai saat ini; setelahnya pekerja lain mengambil alih"))
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "received_at"]), models.Index(fields=["sha256"]),
                   models.Index(fields=["status", "lease_until"])]
        constraints = [
            models.UniqueConstraint(fields=["claim", "dedupe_key"], name="mailgateway_message_once_per_claim"),
        ]
        verbose_name = _("pesan masuk")
        verbose_name_plural = _("pesan masuk")

    def __str__(self) -> str:
        return f"inbound {self.pk} for claim {self.claim_id} ({self.status})"
