"""The branch network: regions (Kanwil), branches (KC/KCP), the working calendar, session templates
and channel policy (fully online vs. online + dropbox)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TIME_ZONES = [
    ("Asia/Jakarta", "WIB (Asia/Jakarta)"),
    ("Asia/Makassar", "WITA (Asia/Makassar)"),
    ("Asia/Jayapura", "WIT (Asia/Jayapura)"),
]
TZ_ABBREVIATION = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


class Region(models.Model):
    """Kantor Wilayah (Kanwil)."""

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=100)
    time_zone = models.CharField(max_length=32, choices=TIME_ZONES, default="Asia/Jakarta")

    class Meta:
        ordering = ["code"]
        verbose_name = _("kantor wilayah")
        verbose_name_plural = _("kantor wilayah")

    def __str__(self) -> str:
        return self.name


class Branch(models.Model):
    class Kind(models.TextChoices):
        KC = "KC", _("Kantor Cabang")
        KCP = "KCP", _("Kantor Cabang Perintis")

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=3, choices=Kind.choices, default=Kind.KC)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="branches")
    address = models.CharField(max_length=255)
    city = models.CharField(max_length=100)
    phone = models.CharField(max_length=32, blank=True)
    time_zone = models.CharField(max_length=32, choices=TIME_ZONES, default="Asia/Jakarta")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    session_capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Kuota per sesi untuk cabang ini; kosong = dari templat sesi.")
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["region__code", "code"]
        verbose_name = _("kantor cabang")
        verbose_name_plural = _("kantor cabang")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    @property
    def tz_abbreviation(self) -> str:
        return TZ_ABBREVIATION.get(self.time_zone, self.time_zone)


class Closure(models.Model):
    """A day with no service: national collective leave (cuti bersama: no branch, no region),
    a region's closure, or one branch's closure. National public holidays come from `holidays`."""

    date = models.DateField()
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE)
    branch = models.ForeignKey(Branch, null=True, blank=True, on_delete=models.CASCADE)
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        indexes = [models.Index(fields=["date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=True) | Q(branch__isnull=True), name="closure_region_or_branch"
            )
        ]
        verbose_name = _("hari tutup")
        verbose_name_plural = _("hari tutup")

    def __str__(self) -> str:
        return f"{self.date} {self.reason}"


class SessionTemplate(models.Model):
    """A daily service session (branch-local time). Rows without a branch are the national default;
    a branch with its own rows uses only those."""

    branch = models.ForeignKey(Branch, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions")
    start = models.TimeField()
    end = models.TimeField()
    capacity = models.PositiveIntegerField(default=10)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["branch_id", "start"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "start"], name="session_template_unique_start"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="session_template_end_after_start"),
        ]
        verbose_name = _("templat sesi")
        verbose_name_plural = _("templat sesi")

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


class ChannelPolicy(models.Model):
    """How documents may reach a branch: online only (dropbox suspended) or online + dropbox.
    Set for a region or a branch; a branch rule overrides its region's, and among rules of one scope the one
    that started last is in force. Written only by ``branches.services.channel_policy_set``: a change is a new
    row with who and why, never an edit. The only later writes are two marks: ``cancelled_at`` (a change
    cancelled before it started; it never takes effect) and ``announced_at`` (the participants it affects have
    been told, set by the periodic job once every one of them has a message stored)."""

    class Mode(models.TextChoices):
        ONLINE_ONLY = "ONLINE_ONLY", _("Sepenuhnya online (dropbox dihentikan)")
        ONLINE_AND_DROPBOX = "ONLINE_AND_DROPBOX", _("Online dan dropbox")

    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE, related_name="policies")
    branch = models.ForeignKey(Branch, null=True, blank=True, on_delete=models.CASCADE, related_name="policies")
    mode = models.CharField(max_length=24, choices=Mode.choices)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=255)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True, help_text=_("Dibatalkan sebelum berlaku"))
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    announced_at = models.DateTimeField(null=True, blank=True,
                                        help_text=_("Semua peserta yang terdampak sudah diberi tahu"))

    class Meta:
        ordering = ["-valid_from"]
        indexes = [models.Index(fields=["announced_at", "valid_from"], name="channel_policy_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(region__isnull=False, branch__isnull=True) | Q(region__isnull=True, branch__isnull=False)),
                name="channel_policy_one_scope",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="channel_policy_valid_window",
            ),
        ]
        verbose_name = _("kebijakan kanal")
        verbose_name_plural = _("kebijakan kanal")

    def __str__(self) -> str:
        scope = self.branch or self.region
        return f"{scope}: {self.get_mode_display()}"


class QuotaChange(models.Model):
    """A change of a branch's seats per session (``Branch.session_capacity``) made on the opening's operator
    pages (``branches.services.branch_quota_set``): who, why, before and after, never edited. It applies to
    the days opened after it; the sessions already opened keep their seats."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="quota_changes")
    capacity_before = models.PositiveIntegerField(null=True, blank=True, help_text=_("Kosong = dari templat sesi"))
    capacity_after = models.PositiveIntegerField(null=True, blank=True, help_text=_("Kosong = dari templat sesi"))
    reason = models.CharField(max_length=255)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("perubahan kuota cabang")
        verbose_name_plural = _("perubahan kuota cabang")

    def __str__(self) -> str:
        return f"{self.branch_id}: {self.capacity_before} → {self.capacity_after}"
