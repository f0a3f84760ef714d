"""Claims: one per booking (or, later, per form submission), and its append-only history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .parties import Role as PartyRole
from .workflow import TERMINAL, State

TERMINAL_STATES = sorted(str(s) for s in TERMINAL)


class ClaimType(models.TextChoices):
    JHT = "JHT", _("Jaminan Hari Tua")
    JKK = "JKK", _("Jaminan Kecelakaan Kerja")
    JKM = "JKM", _("Jaminan Kematian")
    JP = "JP", _("Jaminan Pensiun")


class Language(models.TextChoices):
    ID = "id", "Bahasa Indonesia"
    EN = "en", "English"


class Claim(models.Model):
    """A claim: what is asked (type, reason), where, in which state, and which insured worker it is
    about (``insured_nik``/``insured_kpj``: the registry keys, the one-active-claim rule and search).
    Who asks and how to reach them live on its parties (``ClaimParty``; exactly one is the applicant),
    because the applicant need not be the insured worker (an heir, an employer's officer).
    NIK/KPJ are personal data: never in URLs or logs. Created only by ``claims.services.claim_open``."""

    code = models.CharField(max_length=16, unique=True, help_text=_("Kode klaim = kode booking (Crockford base32)"))
    claim_type = models.CharField(max_length=3, choices=ClaimType.choices, default=ClaimType.JHT)
    claim_reason = models.CharField(max_length=32)
    branch = models.ForeignKey("branches.Branch", on_delete=models.PROTECT, related_name="claims")
    state = models.CharField(max_length=24, choices=State.choices, default=State.BOOKED)
    opened_via = models.CharField(max_length=24, default="booking",
                                  help_text=_("Jalur pembukaan klaim: booking, employer_report, dropbox, …"))

    insured_nik = models.CharField(max_length=16, help_text=_("NIK peserta yang diasuransikan"))
    insured_kpj = models.CharField(max_length=11, blank=True, help_text=_("KPJ peserta yang diasuransikan"))

    access_token_digest = models.CharField(max_length=64, unique=True, help_text=_("HMAC dari token akses peserta"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="assigned_claims")
    assigned_at = models.DateTimeField(null=True, blank=True, help_text=_("Sejak kapan petugas memegang klaim"))
    documents_due_at = models.DateTimeField(null=True, blank=True, help_text=_("Batas kirim dokumen (H-1)"))
    session_at = models.DateTimeField(null=True, blank=True, help_text=_(
        "Mulai sesi layanan klaim (sesi booking; UTC): urutan antrean kerja petugas"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The officers' queue order, computed by the database (never written by the code): the session the claim
    # is served in (else when it was opened) while the claim is open, NULL once it is over.
    queue_at = models.GeneratedField(
        expression=Case(When(state__in=TERMINAL_STATES, then=Value(None)),
                        default=Coalesce("session_at", "created_at")),
        output_field=models.DateTimeField(null=True), db_persist=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open claim per insured worker and claim type — the database's backstop for double
            # submits (a booking's duplicate INSERT meets it and is answered 409 duplicate_active_booking).
            models.UniqueConstraint(fields=["insured_nik", "claim_type"], condition=~Q(state__in=TERMINAL_STATES),
                                    name="claim_one_open_per_insured_type"),
        ]
        indexes = [
            models.Index(fields=["branch", "state"]),
            models.Index(fields=["insured_nik", "claim_type"], name="claim_insured_type_idx"),
            # The officers' work queue: a branch's open claims in session order (casework.selectors); ``state``
            # rides along for the counts per state. A computed column rather than a partial index: the planner
            # cannot prove a partial index's condition from a query's bound parameters (SQLite).
            models.Index(fields=["branch", "queue_at", "id", "state"], name="claim_queue_idx"),
            models.Index(fields=["assignee", "state"], name="claim_assignee_state_idx"),
        ]
        verbose_name = _("klaim")
        verbose_name_plural = _("klaim")

    def __str__(self) -> str:
        return f"{self.code} ({self.claim_type})"


class ClaimParty(models.Model):
    """A person on a claim: the applicant (exactly one per claim) and, later, others (heirs, the
    employer's officer). Identity where it applies, contact, language and notification channels.
    NIK/KPJ are personal data: never in URLs or logs."""

    class Role(models.TextChoices):
        PARTICIPANT = PartyRole.PARTICIPANT, _("Peserta (mengajukan sendiri)")
        HEIR = PartyRole.HEIR, _("Ahli waris")
        EMPLOYER_OFFICER = PartyRole.EMPLOYER_OFFICER, _("Petugas perusahaan")

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(max_length=20, choices=Role.choices)
    is_applicant = models.BooleanField(default=False)
    nik = models.CharField(max_length=16, blank=True)
    kpj = models.CharField(max_length=11, blank=True)
    npp = models.CharField(max_length=16, blank=True, help_text=_("Nomor pendaftaran perusahaan"))
    full_name = models.CharField(max_length=150)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164")
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ID)
    channels = models.JSONField(default=list, help_text=_("Kanal notifikasi pilihan, urut prioritas"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim_id", "-is_applicant", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim"], condition=Q(is_applicant=True), name="claim_party_one_applicant"),
            models.CheckConstraint(condition=~Q(email="") | ~Q(phone=""), name="claim_party_has_contact"),
            models.CheckConstraint(condition=Q(role__in=list(PartyRole.ALL)), name="claim_party_role_known"),
        ]
        indexes = [models.Index(fields=["phone"], name="claim_party_phone_idx"),
                   models.Index(fields=["email"], name="claim_party_email_idx"),
                   models.Index(fields=["nik"], name="claim_party_nik_idx")]
        verbose_name = _("pihak klaim")
        verbose_name_plural = _("pihak klaim")

    def __str__(self) -> str:
        return f"{self.claim_id} {self.role}{' (applicant)' if self.is_applicant else ''}"


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

        CLAIM_OPENED = "claim_opened", _("Klaim dibuka")
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
        CLAIM_ASSIGNED = "claim_assigned", _("Petugas pemegang klaim berubah")
        REGISTRY_OPENED = "registry_opened", _("Data kepesertaan dibuka petugas")
        CONFIRMATION_SCHEDULED = "confirmation_scheduled", _("Konfirmasi dijadwalkan")
        CONFIRMATION_RECORDED = "confirmation_recorded", _("Hasil konfirmasi dicatat")
        BANK_ACCOUNT_SAVED = "bank_account_saved", _("Rekening bank diisi atau diubah")
        BANK_ACCOUNT_CHECKED = "bank_account_checked", _("Rekening bank diperiksa petugas")
        PAYMENT_INSTRUCTED = "payment_instructed", _("Instruksi pembayaran dibuat")
        PAYMENT_BATCHED = "payment_batched", _("Pembayaran masuk batch bank")
        PAYMENT_FAILED = "payment_failed", _("Pembayaran gagal di bank")
        PAYMENT_ESCALATED = "payment_escalated", _("Keterlambatan bayar dilaporkan ke supervisor")
        APPROVAL_REQUESTED = "approval_requested", _("Disetujui petugas; menunggu persetujuan kedua")
        APPROVAL_DECLINED = "approval_declined", _("Persetujuan dikembalikan kepala cabang")
        COVER_SHEET_PRINTED = "cover_sheet_printed", _("Lembar sampul dropbox dicetak")
        DROPBOX_REMINDER_SENT = "dropbox_reminder_sent", _("Pengingat dropbox dikirim")
        ENVELOPE_RECEIVED = "envelope_received", _("Amplop dropbox diterima")
        ENVELOPE_DISINFECTED = "envelope_disinfected", _("Amplop dropbox didisinfeksi")
        ENVELOPE_HANDED_OVER = "envelope_handed_over", _("Amplop diserahkan ke petugas")
        ENVELOPE_ACCEPTED = "envelope_accepted", _("Amplop diterima petugas")
        ENVELOPE_MISSING = "envelope_missing", _("Amplop hilang dalam serah terima")
        ENVELOPE_DIGITISED = "envelope_digitised", _("Isi amplop dipindai")

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
