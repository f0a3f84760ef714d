"""The online queue: seats per branch × working day × session (``SlotQuota``), the bookings that
hold them, the waitlist and the broker signal.

Invariants (tested): for every slot ``booked`` = its bookings that are not cancelled, ``held`` = its
waitlist offers still open, and ``booked + held <= capacity`` — the last one is also a database CHECK.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class SlotQuota(models.Model):
    branch = models.ForeignKey("branches.Branch", on_delete=models.PROTECT, related_name="slots")
    date = models.DateField(help_text=_("Tanggal (waktu setempat cabang)"))
    session_start = models.TimeField(help_text=_("Mulai sesi (waktu setempat cabang)"))
    session_end = models.TimeField()
    starts_at = models.DateTimeField(help_text="UTC")
    ends_at = models.DateTimeField(help_text="UTC")
    capacity = models.PositiveIntegerField()
    booked = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0, help_text=_("Kursi yang ditahan untuk penawaran daftar tunggu"))
    closed = models.BooleanField(default=False, help_text=_("Hari tutup yang ditetapkan setelah slot dibuat"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["branch_id", "date", "session_start"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "date", "session_start"], name="slot_unique_branch_date_session"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity") - F("held")), name="slot_booked_lte_capacity"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_end_after_start"),
        ]
        indexes = [models.Index(fields=["date", "branch"])]
        verbose_name = _("kuota sesi")
        verbose_name_plural = _("kuota sesi")

    def __str__(self) -> str:
        return f"{self.branch_id} {self.date} {self.session_start:%H:%M} {self.booked}/{self.capacity}"

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.booked - self.held)


class Booking(models.Model):
    """A seat held for a claim: the slot, its status, the code, reschedules and the broker flag. Who
    the claim is for and how to reach them live on the claim and its applicant party."""

    class Status(models.TextChoices):
        ACTIVE = "ACTIVE", _("Aktif")
        CANCELLED = "CANCELLED", _("Dibatalkan")
        EXPIRED = "EXPIRED", _("Kedaluwarsa (tidak hadir)")
        COMPLETED = "COMPLETED", _("Selesai")

    code = models.CharField(max_length=16, unique=True, help_text=_("Sama dengan kode klaim"))
    claim = models.OneToOneField("claims.Claim", on_delete=models.PROTECT, related_name="booking")
    slot = models.ForeignKey(SlotQuota, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    broker_flag = models.BooleanField(default=False, help_text=_("Kontak yang sama dipakai banyak NIK"))
    reschedule_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        # One open claim per insured NIK and claim type is the claim's rule (``claim_one_open_per_insured_type``):
        # the booking holds the seat only.
        indexes = [models.Index(fields=["slot", "status"]), models.Index(fields=["status", "slot"])]
        verbose_name = _("booking")
        verbose_name_plural = _("booking")

    def __str__(self) -> str:
        return f"{self.code} {self.status}"


class WaitlistEntry(models.Model):
    """Someone waiting for a seat of a full session. Who applies is one ``Applicant`` value stored as
    JSON (it becomes the claim's applicant party when the offer is accepted); ``nik`` repeats the
    insured NIK as a column only because the one-open-entry rule is a database constraint on it."""

    class Status(models.TextChoices):
        WAITING = "WAITING", _("Menunggu")
        OFFERED = "OFFERED", _("Ditawari kursi")
        ACCEPTED = "ACCEPTED", _("Diterima")
        EXPIRED = "EXPIRED", _("Kedaluwarsa")
        CANCELLED = "CANCELLED", _("Dibatalkan")

    slot = models.ForeignKey(SlotQuota, on_delete=models.PROTECT, related_name="waitlist")
    nik = models.CharField(max_length=16, help_text=_("NIK peserta (kunci aturan satu antrean per sesi)"))
    applicant = models.JSONField(default=dict, help_text=_("Pemohon (claims.parties.Applicant)"))
    claim_type = models.CharField(max_length=3)
    claim_reason = models.CharField(max_length=32)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    token_digest = models.CharField(max_length=64, unique=True)
    offer_token_digest = models.CharField(
        max_length=64, unique=True, null=True, blank=True,
        help_text=_("HMAC dari token tautan tawaran (dibuat saat kursi ditawarkan); token sendiri tidak disimpan"))
    offered_at = models.DateTimeField(null=True, blank=True)
    hold_until = models.DateTimeField(null=True, blank=True)
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slot_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "nik"], condition=Q(status__in=["WAITING", "OFFERED"]),
                                    name="waitlist_one_open_entry_per_slot_nik"),
        ]
        indexes = [models.Index(fields=["slot", "status", "created_at"]), models.Index(fields=["status", "hold_until"])]
        verbose_name = _("daftar tunggu")
        verbose_name_plural = _("daftar tunggu")

    def __str__(self) -> str:
        return f"waitlist {self.slot_id} {self.status}"


class BrokerSignal(models.Model):
    """The same contact, device or bank account used for several different NIKs (possible calo). Three
    sources: ``booking`` — claims of the last 90 days whose applicant shares the phone or e-mail
    (``value`` is that phone or e-mail, as before); ``opening`` — places of one opening's waiting room that
    share a phone, e-mail or device (``value`` is a keyed digest scoped to the opening, never the raw value;
    ``opening_at`` says which); ``payment`` — claims whose bank account has the same number
    (``value`` a keyed digest). The places and claims flagged are the signal's ``entries``."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Nomor HP")
        EMAIL = "email", _("E-mail")
        DEVICE = "device", _("Perangkat")
        BANK = "bank", _("Rekening bank")

    class Source(models.TextChoices):
        BOOKING = "booking", _("Booking")
        OPENING = "opening", _("Ruang tunggu pembukaan")
        PAYMENT = "payment", _("Rekening pembayaran")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.BOOKING)
    value = models.CharField(max_length=254, help_text=_("Kontak (booking) atau HMAC-nya (ruang tunggu, rekening)"))
    opening_at = models.DateTimeField(null=True, blank=True, help_text=_("Pembukaan kuota (ruang tunggu)"))
    nik_count = models.PositiveIntegerField()
    first_flagged_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)
    reviewed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-last_seen_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="broker_signal_unique")]
        indexes = [models.Index(fields=["source", "opening_at"])]
        verbose_name = _("sinyal calo")
        verbose_name_plural = _("sinyal calo")

    def __str__(self) -> str:
        return f"{self.kind}: {self.nik_count} NIK"


class BrokerSignalEntry(models.Model):
    """One place (waiting room) or claim (bank account) a signal flags; ``nik_digest`` counts the NIKs."""

    signal = models.ForeignKey(BrokerSignal, on_delete=models.CASCADE, related_name="entries")
    place = models.ForeignKey("booking.OpeningPlace", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="broker_entries")
    claim = models.ForeignKey("claims.Claim", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="broker_entries")
    nik_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["signal_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["signal", "place"], condition=Q(place__isnull=False),
                                    name="broker_entry_one_per_place"),
            models.UniqueConstraint(fields=["signal", "claim"], condition=Q(claim__isnull=False),
                                    name="broker_entry_one_per_claim"),
        ]
        verbose_name = _("entri sinyal calo")
        verbose_name_plural = _("entri sinyal calo")

    def __str__(self) -> str:
        return f"signal {self.signal_id} entry {self.pk}"


class OneTimeCode(models.Model):
    """A one-time code sent to a claim's own contact (``booking.otp``). Only a keyed hash of the code
    is stored (``digest``, with a per-code ``nonce``), never the code. A code belongs to the browser session
    that asked for it (``session_digest``): only the latest code of that session counts there, and no other
    session's request or wrong tries touch it. It is dead once used, after ``tries`` reaches the limit, or
    after ``expires_at``. ``client_digest`` (keyed hash of the client address) caps the codes one client
    can have sent for a claim. Written only by ``booking.otp`` with the claim row locked."""

    class Purpose(models.TextChoices):
        BOOKING = "booking", _("Buka booking saya")

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="one_time_codes")
    purpose = models.CharField(max_length=16, choices=Purpose.choices, default=Purpose.BOOKING)
    channel = models.CharField(max_length=12, help_text=_("Dikirim lewat"))
    nonce = models.CharField(max_length=32)
    digest = models.CharField(max_length=64, help_text=_("HMAC dari kode; kode sendiri tidak disimpan"))
    tries = models.PositiveSmallIntegerField(default=0, help_text=_("Percobaan salah"))
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    session_digest = models.CharField(max_length=64, blank=True, default="",
                                      help_text=_("HMAC dari sesi peminta; kode hanya berlaku di sesi itu"))
    client_digest = models.CharField(max_length=64, blank=True, default="", help_text=_("HMAC dari alamat peminta"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["claim", "purpose", "created_at"])]
        verbose_name = _("kode sekali pakai")
        verbose_name_plural = _("kode sekali pakai")

    def __str__(self) -> str:
        return f"one-time code {self.pk} of claim {self.claim_id} ({self.purpose})"


class OpeningPlace(models.Model):
    """A place in the waiting room of one quota opening (``booking.waitroom``): written once, when the
    person joins. Its order is derived, never updated: a place joined inside the pre-queue window
    (``in_draw``) is ranked by its random ``draw_key`` among the window's places, a later one behind them
    by ``late_seq``. Polling writes nothing; the cache is rebuilt from these rows. ``used_at`` is set by
    the booking that consumed the place's admission (single use); ``told_sold_out_at`` when the person
    was told the opened day's seats are gone."""

    opening_at = models.DateTimeField(help_text=_("Saat kuota hari baru dibuka (UTC)"))
    nik_digest = models.CharField(max_length=64, help_text=_("HMAC dari NIK; satu tempat per NIK per pembukaan"))
    applicant = models.JSONField(default=dict, help_text=_("Pemohon (claims.parties.Applicant)"))
    branch = models.ForeignKey("branches.Branch", on_delete=models.PROTECT, related_name="opening_places")
    claim_type = models.CharField(max_length=3)
    claim_reason = models.CharField(max_length=32)
    in_draw = models.BooleanField(help_text=_("Bergabung dalam jendela pra-antrean (urutan diundi)"))
    draw_key = models.BigIntegerField(help_text=_("Kunci acak undian"))
    late_seq = models.PositiveIntegerField(null=True, blank=True, help_text=_("Urutan kedatangan setelah jendela"))
    joined_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True, help_text=_("Token masuk dipakai untuk booking"))
    booking_code = models.CharField(max_length=16, blank=True, default="")
    told_sold_out_at = models.DateTimeField(null=True, blank=True)
    # Keyed digests (booking.signals, scoped to the opening) compared across NIKs for broker signals;
    # empty when not known (no device cookie).
    phone_digest = models.CharField(max_length=32, blank=True, default="")
    email_digest = models.CharField(max_length=32, blank=True, default="")
    device_digest = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering = ["opening_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["opening_at", "nik_digest"], name="opening_one_place_per_nik"),
        ]
        indexes = [models.Index(fields=["opening_at", "in_draw", "draw_key"]),
                   models.Index(fields=["opening_at", "used_at"])]
        verbose_name = _("tempat ruang tunggu pembukaan")
        verbose_name_plural = _("tempat ruang tunggu pembukaan")

    def __str__(self) -> str:
        return f"opening {int(self.opening_at.timestamp())} place {self.pk}"


class OpeningSettingsChange(models.Model):
    """The quota opening's settings as the national admin set them on the operators' page
    (``booking.waitroom.config``): every change is a new row with who and why, never an edit; the latest
    row is in force, and without any row the service's configuration (``OPENING_*``) is. A row holds every
    editable setting, so one row says all that was in force from ``created_at`` (the after-opening report
    reads the row in force at an opening)."""

    enabled = models.BooleanField(help_text=_("Ruang tunggu aktif"))
    before_minutes = models.PositiveIntegerField(help_text=_("Jendela pra-antrean: menit sebelum jam buka"))
    after_minutes = models.PositiveIntegerField(help_text=_("Jendela pra-antrean: menit sesudah jam buka"))
    period_minutes = models.PositiveIntegerField(help_text=_("Masa pembukaan: menit sesudah jam buka"))
    admit_per_second = models.PositiveIntegerField(help_text=_("Laju giliran: orang per detik"))
    admission_minutes = models.PositiveIntegerField(help_text=_("Masa berlaku giliran (menit)"))
    target_booking_ms = models.PositiveIntegerField(help_text=_("Target latensi booking p90 (ms); 0 = laju tetap"))
    reason = models.CharField(max_length=255)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(admit_per_second__gte=1), name="opening_settings_rate_positive"),
            models.CheckConstraint(condition=Q(admission_minutes__gte=1), name="opening_settings_admission_positive"),
            models.CheckConstraint(condition=Q(period_minutes__gte=F("after_minutes")),
                                   name="opening_settings_period_covers_window"),
        ]
        verbose_name = _("perubahan pengaturan pembukaan")
        verbose_name_plural = _("perubahan pengaturan pembukaan")

    def __str__(self) -> str:
        return f"opening settings {self.pk} ({self.created_at.isoformat(timespec='minutes')})"
