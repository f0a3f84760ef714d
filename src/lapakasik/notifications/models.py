"""The notification outbox: a row is stored in the same transaction as the change that causes it;
the worker delivers it. The row's status is the truth."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Telepon")


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "PENDING", _("Menunggu dikirim")
        SENDING = "SENDING", _("Sedang dikirim")
        SENT = "SENT", _("Terkirim ke penyedia")
        DELIVERED = "DELIVERED", _("Diterima")
        FAILED = "FAILED", _("Gagal")
        CANCELLED = "CANCELLED", _("Dibatalkan")

    claim = models.ForeignKey("claims.Claim", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="notifications")
    event = models.CharField(max_length=48)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    language = models.CharField(max_length=2, default="id")
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=128, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    verification_code = models.CharField(max_length=16, unique=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"]), models.Index(fields=["claim", "event"])]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")

    def __str__(self) -> str:
        return f"{self.event} → {self.channel}"
