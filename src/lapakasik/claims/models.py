"""Claims: one per booking (or, later, per form submission), and its append-only history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .workflow import State


class ClaimType(models.TextChoices):
    JHT = "JHT", _("Jaminan Hari Tua")
    JKK = "JKK", _("Jaminan Kecelakaan Kerja")
    JKM = "JKM", _("Jaminan Kematian")
    JP = "JP", _("Jaminan Pensiun")


class Language(models.TextChoices):
    ID = "id", "Bahasa Indonesia"
    EN = "en", "English"


class Claim(models.Model):
    """The participant's claim. Identity and contact live here (the booking, intake and
    notifications all refer to the claim). NIK/KPJ are personal data: never in URLs or logs."""

    code = models.CharField(max_length=16, unique=True, help_text=_("Kode klaim = kode booking (Crockford base32)"))
    claim_type = models.CharField(max_length=3, choices=ClaimType.choices, default=ClaimType.JHT)
    claim_reason = models.CharField(max_length=32)
    branch = models.ForeignKey("branches.Branch", on_delete=models.PROTECT, related_name="claims")
    state = models.CharField(max_length=24, choices=State.choices, default=State.BOOKED)

    nik = models.CharField(max_length=16, db_index=True)
    kpj = models.CharField(max_length=11)
    full_name = models.CharField(max_length=150)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=20, help_text="E.164")
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ID)
    channels = models.JSONField(default=list, help_text=_("Kanal notifikasi pilihan, urut prioritas"))

    access_token_digest = models.CharField(max_length=64, unique=True, help_text=_("HMAC dari token akses peserta"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="assigned_claims")
    documents_due_at = models.DateTimeField(null=True, blank=True, help_text=_("Batas kirim dokumen (H-1)"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["branch", "state"]),
            models.Index(fields=["nik", "claim_type"]),
            models.Index(fields=["phone"]),
            models.Index(fields=["email"]),
        ]
        verbose_name = _("klaim")
        verbose_name_plural = _("klaim")

    def __str__(self) -> str:
        return f"{self.code} ({self.claim_type})"


class ClaimEvent(models.Model):
    """Append-only history: who, what, when, from → to. ``hash`` chains each event to the previous
    one of the same claim (sha256), so an edited or deleted row is detectable."""

    class ActorKind(models.TextChoices):
        PARTICIPANT = "participant", _("Peserta")
        OFFICER = "officer", _("Petugas")
        SYSTEM = "system", _("Sistem")
        EMPLOYER = "employer", _("Petugas perusahaan")
        HEIR = "heir", _("Ahli waris")

    class Kind(models.TextChoices):
        """Every kind of event history holds. ``claims.services.claim_event_record`` refuses any other."""

        STATE_CHANGED = "state_changed", _("Status berubah")
        BOOKING_CREATED = "booking_created", _("Antrean didaftarkan")
        BOOKING_RESCHEDULED = "booking_rescheduled", _("Jadwal diubah")
        OTP_VERIFIED = "otp_verified", _("Booking dibuka dengan kode sekali pakai")
        DOCUMENT_RECEIVED = "document_received", _("Dokumen diterima")
        DOCUMENT_REFUSED = "document_refused", _("Dokumen ditolak")
        DOCUMENT_REVIEWED = "document_reviewed", _("Dokumen diperiksa petugas")
        DOCUMENT_ASSIGNED = "document_assigned", _("Dokumen dicocokkan dengan persyaratan")
        DOCUMENT_OPENED = "document_opened", _("Dokumen dibuka petugas")
        INTAKE_REVOKED = "intake_revoked", _("Alamat/tautan unggah diganti")
        INTAKE_ACK_SENT = "intake_ack_sent", _("Tanda terima dokumen dikirim")
        DOCUMENTS_REMINDER_SENT = "documents_reminder_sent", _("Pengingat dokumen dikirim")
        PHONE_CALL_RECORDED = "phone_call_recorded", _("Panggilan telepon dicatat")

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=48, choices=Kind.choices)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24, blank=True)
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(max_length=150, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["claim_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "seq"], name="claim_event_seq_unique"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="claim_event_seq_positive"),
        ]
        verbose_name = _("riwayat klaim")
        verbose_name_plural = _("riwayat klaim")

    def __str__(self) -> str:
        return f"{self.claim_id}#{self.seq} {self.kind}"
