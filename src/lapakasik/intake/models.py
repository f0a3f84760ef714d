"""Document intake: the requirement catalogue, each claim's intake address/link, and documents."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Condition(models.TextChoices):
    """When a requirement applies (evaluated by ``intake.policy.requirement_applies``)."""

    ALWAYS = "always", _("Selalu")
    BALANCE_OVER_NPWP_THRESHOLD = "npwp_threshold", _("Saldo di atas batas NPWP")
    MARRIED = "married", _("Peserta menikah")
    HAS_CHILDREN = "has_children", _("Peserta memiliki anak")
    ROAD_ACCIDENT = "road_accident", _("Kecelakaan lalu lintas")
    DEATH = "death", _("Klaim karena meninggal dunia")
    CO_HEIRS = "co_heirs", _("Beberapa ahli waris yang sama urutannya masih hidup")
    WILL_DECLARED = "will_declared", _("Ahli waris menyatakan ada surat wasiat")


class Requirement(models.Model):
    """One document a claim of ``claim_type`` needs. ``reasons`` empty = every reason of the type."""

    claim_type = models.CharField(max_length=3, db_index=True)
    code = models.SlugField(max_length=40, help_text=_("mis. ktp, kk, buku_tabungan, npwp"))
    reasons = models.JSONField(default=list, blank=True,
                               help_text=_("Alasan klaim yang memerlukan dokumen ini; kosong = semua alasan"))
    label_id = models.CharField(max_length=160)
    label_en = models.CharField(max_length=160)
    help_id = models.TextField(blank=True)
    help_en = models.TextField(blank=True)
    min_files = models.PositiveSmallIntegerField(default=1)
    max_files = models.PositiveSmallIntegerField(default=2)
    condition = models.CharField(max_length=20, choices=Condition.choices, default=Condition.ALWAYS)
    unconditional_reasons = models.JSONField(
        default=list, blank=True, help_text=_("Alasan klaim yang selalu memerlukan dokumen ini, apa pun syaratnya"))
    keywords = models.JSONField(default=list, blank=True,
                                help_text=_("Kata kunci nama file/subjek e-mail untuk pencocokan otomatis"))
    order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["claim_type", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["claim_type", "code"], name="intake_requirement_type_code_unique"),
            models.CheckConstraint(condition=Q(max_files__gte=models.F("min_files")),
                                   name="intake_requirement_max_ge_min"),
        ]
        verbose_name = _("persyaratan dokumen")
        verbose_name_plural = _("persyaratan dokumen")

    def __str__(self) -> str:
        return f"{self.claim_type}/{self.code}"

    def label(self, language: str = "id") -> str:
        return self.label_en if language == "en" and self.label_en else self.label_id


class IntakeAccess(models.Model):
    """A claim's personal intake address or upload link. The token is stored (the address must be
    shown again in every message); revoking sets ``revoked_at`` and a new one can be opened."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Alamat e-mail")
        UPLOAD = "upload", _("Tautan unggah")

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="intake_accesses")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["claim", "kind"])]
        verbose_name = _("akses unggah")
        verbose_name_plural = _("akses unggah")

    def __str__(self) -> str:
        return f"{self.kind} for claim {self.claim_id}"


class Source(models.TextChoices):
    """The intake channel a document came through."""

    WEB = "WEB", _("Unggah web")
    EMAIL = "EMAIL", _("E-mail")
    DROPBOX = "DROPBOX", _("Dropbox")
    OFFICER_SCAN = "OFFICER_SCAN", _("Pindai petugas")
    API = "API", _("API")
    ONLINE_FORM = "ONLINE_FORM", _("Formulir online")


class DocumentStatus(models.TextChoices):
    RECEIVED = "RECEIVED", _("Diterima, menunggu pemeriksaan")
    HELD = "HELD", _("Ditahan untuk pemeriksaan petugas")
    ACCEPTED = "ACCEPTED", _("Disetujui petugas")
    REFUSED = "REFUSED", _("Ditolak")


class Document(models.Model):
    """One file sent for a claim — or the record of one refused. A refused file is never stored
    (``file`` is empty); its ``reason_code`` says why. Stored files are kept once per claim
    (SHA-256)."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="documents")
    requirement = models.ForeignKey(Requirement, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="documents")
    source = models.CharField(max_length=16, choices=Source.choices)
    status = models.CharField(max_length=10, choices=DocumentStatus.choices)
    reason_code = models.CharField(max_length=40, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=8, blank=True, help_text=_("jpeg, png, pdf"))
    content_type = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    file = models.CharField(max_length=255, blank=True, help_text=_("Nama di penyimpanan"))
    thumbnail = models.CharField(max_length=255, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    inbound_ref = models.CharField(max_length=100, blank=True, help_text=_("Pesan e-mail asal, dsb."))
    actor_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["claim", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["claim", "sha256"], condition=~Q(status="REFUSED"),
                                    name="intake_document_once_per_claim"),
        ]
        verbose_name = _("dokumen")
        verbose_name_plural = _("dokumen")

    def __str__(self) -> str:
        return f"doc {self.pk} of claim {self.claim_id} ({self.status})"


class IntakeProgress(models.Model):
    """Intake's scheduling and de-duplication marks for one claim (the history records what happened;
    these say what is still to do). Written only by ``intake.services`` with the claim row locked."""

    claim = models.OneToOneField("claims.Claim", on_delete=models.CASCADE, primary_key=True,
                                 related_name="intake_progress")
    ack_due_at = models.DateTimeField(null=True, blank=True,
                                      help_text=_("Tanda terima unggahan web dijadwalkan (belum terkirim)"))
    ack_sent_at = models.DateTimeField(null=True, blank=True, help_text=_("Tanda terima unggahan web terakhir"))
    documents_reminded_at = models.DateTimeField(null=True, blank=True, help_text=_("Pengingat dokumen dikirim"))
    dropbox_reminded_at = models.DateTimeField(null=True, blank=True,
                                               help_text=_("Pengingat rencana ke dropbox dikirim"))
    dropbox_arrived_at = models.DateTimeField(null=True, blank=True,
                                              help_text=_("Amplop pertama diterima di dropbox"))

    class Meta:
        verbose_name = _("kemajuan unggah")
        verbose_name_plural = _("kemajuan unggah")

    def __str__(self) -> str:
        return f"intake progress of claim {self.claim_id}"

    @classmethod
    def for_locked_claim(cls, locked_claim: Any) -> IntakeProgress:
        """The claim's marks (created on first use). Call with the claim row locked."""
        progress, _created = cls.objects.get_or_create(claim=locked_claim)
        return progress


class CoverSheet(models.Model):
    """One printed dropbox cover sheet. Every print is a new row with its own ``serial`` — the QR code's
    only content, unguessable (80 bits, Crockford) and saying nothing about the claim or the participant —
    so the front desk can tell a sheet seen twice (a photocopy, a reused sheet) from a new one. It carries
    the participant's plan: the branch whose dropbox they chose (one of ``selectors.dropbox_branches``)
    and the local date they plan to come."""

    serial = models.CharField(max_length=20, unique=True)
    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="cover_sheets")
    branch = models.ForeignKey("branches.Branch", on_delete=models.PROTECT, related_name="+")
    planned_on = models.DateField()
    printed_at = models.DateTimeField()

    class Meta:
        ordering = ["-printed_at", "-id"]
        indexes = [models.Index(fields=["claim", "printed_at"])]
        verbose_name = _("lembar sampul")
        verbose_name_plural = _("lembar sampul")

    def __str__(self) -> str:
        return f"cover sheet {self.pk} of claim {self.claim_id}"
