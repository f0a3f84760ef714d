"""The notification outbox: a row is stored in the same transaction as the change that causes it;
the worker delivers it. The row's status is the truth."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Telepon")


class NotificationTemplate(models.Model):
    """One message text per event × channel × language, editable by admins (with preview and a check
    that only the event's variables are used). ``body`` is a Django template; for WhatsApp,
    ``provider_template`` is the approved template's name and ``provider_parameters`` the variables that
    fill its {{1}}, {{2}}, … in order (``body`` then shows how the approved text reads)."""

    event = models.CharField(_("peristiwa"), max_length=48)
    channel = models.CharField(_("kanal"), max_length=16, choices=Channel.choices)
    language = models.CharField(_("bahasa"), max_length=2, choices=[("id", "Bahasa Indonesia"), ("en", "English")])
    subject = models.CharField(_("subjek (e-mail)"), max_length=200, blank=True)
    body = models.TextField(_("isi (teks)"))
    body_html = models.TextField(_("isi HTML (e-mail, opsional)"), blank=True,
                                 help_text=_("Kosong: dibuat dari isi teks."))
    provider_template = models.CharField(_("nama template WhatsApp"), max_length=128, blank=True)
    provider_parameters = models.CharField(_("parameter template WhatsApp"), max_length=500, blank=True,
                                           help_text=_("Nama variabel dipisah koma, urut {{1}}, {{2}}, …"))
    active = models.BooleanField(_("aktif"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event", "channel", "language"]
        constraints = [models.UniqueConstraint(fields=["event", "channel", "language"],
                                               name="notification_template_unique")]
        verbose_name = _("template notifikasi")
        verbose_name_plural = _("template notifikasi")

    def __str__(self) -> str:
        return f"{self.event} · {self.channel} · {self.language}"


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
    contact = models.JSONField(default=dict, blank=True,
                               help_text="the recipient's name, e-mail, phone and channels (for the fallback)")
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

    # Delivery bookkeeping.
    template = models.ForeignKey(NotificationTemplate, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    provider = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True,
                                       help_text="SENDING: a worker holds the row until then")
    task_id = models.CharField(max_length=64, blank=True, help_text="the delivery task last enqueued")
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    # What was sent, exactly (the rendered message is part of the record).
    subject = models.CharField(max_length=300, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    segments = models.PositiveSmallIntegerField(default=0, help_text="SMS segments")
    # All rows of one notification_enqueue call share a group; a fallback row points at the row it replaces.
    group = models.CharField(max_length=32, db_index=True, blank=True)
    fallback_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="fallback")
    fallback_reason = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"]), models.Index(fields=["claim", "event"]),
                   models.Index(fields=["status", "lease_until"]), models.Index(fields=["status", "sent_at"])]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")

    def __str__(self) -> str:
        return f"{self.event} → {self.channel}"


class PhoneCall(models.Model):
    """The phone channel: a call task for an officer, with the script; the outcome is recorded."""

    class Outcome(models.TextChoices):
        OPEN = "OPEN", _("Belum ditelepon")
        REACHED = "REACHED", _("Tersambung, pesan disampaikan")
        NO_ANSWER = "NO_ANSWER", _("Tidak diangkat")
        WRONG_NUMBER = "WRONG_NUMBER", _("Nomor salah / tidak aktif")

    notification = models.OneToOneField(Notification, on_delete=models.PROTECT, related_name="phone_call")
    branch = models.ForeignKey("branches.Branch", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    phone = models.CharField(max_length=20)
    script = models.TextField()
    due_at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.OPEN)
    note = models.CharField(max_length=500, blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["outcome", "due_at"])]
        verbose_name = _("tugas telepon")
        verbose_name_plural = _("tugas telepon")

    def __str__(self) -> str:
        return f"call {self.pk} ({self.outcome})"


class SimulatedMessage(models.Model):
    """What a simulator provider received (embedded default, demo, benchmarks): the development inbox
    shows these as the recipient would see them."""

    channel = models.CharField(max_length=16, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    idempotency_key = models.CharField(max_length=64, db_index=True, blank=True)
    provider_message_id = models.CharField(max_length=128)
    subject = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("pesan simulator")
        verbose_name_plural = _("pesan simulator")

    def __str__(self) -> str:
        return f"{self.channel} {self.provider_message_id}"


class RateCounter(models.Model):
    """Per-provider rate limit windows shared by every worker process (one row per key and second)."""

    key = models.CharField(max_length=80)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="rate_counter_unique")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window}={self.count}"


class WebhookReceipt(models.Model):
    """Each accepted webhook body, by digest: the same body twice is a replay and is refused."""

    provider = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.provider} {self.digest[:12]}"
