"""Configuration screens only: counters and bookings change through services, never raw edits."""

from django.contrib import admin
from django.db.models import Count

from lapakasik.core.masking import mask_nik

from .models import Booking, BrokerSignal, BrokerSignalEntry, SlotQuota, WaitlistEntry


@admin.register(SlotQuota)
class SlotQuotaAdmin(admin.ModelAdmin):
    list_display = ["branch", "date", "session_start", "session_end", "capacity", "booked", "held", "closed"]
    list_filter = ["date", "closed", "branch__region"]
    search_fields = ["branch__code", "branch__name"]
    readonly_fields = ["branch", "date", "session_start", "session_end", "starts_at", "ends_at", "booked", "held"]
    fields = ["branch", "date", "session_start", "session_end", "starts_at", "ends_at", "capacity", "booked",
              "held", "closed"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["code", "slot", "claim_type", "status", "broker_flag", "created_at"]
    list_filter = ["status", "broker_flag", "claim__claim_type"]
    search_fields = ["code"]
    readonly_fields = ["code", "claim", "slot", "claim_type", "status", "reschedule_count", "cancelled_at"]

    @admin.display(description="claim type")
    def claim_type(self, obj: Booking) -> str:
        return obj.claim.claim_type

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).select_related("claim", "slot", "slot__branch")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ["slot", "status", "claim_type", "created_at", "hold_until"]
    list_filter = ["status"]
    exclude = ["nik", "applicant", "token_digest", "offer_token_digest"]
    readonly_fields = ["slot", "applicant_summary", "claim_type", "claim_reason", "status", "offered_at",
                       "hold_until", "booking"]

    @admin.display(description="applicant")
    def applicant_summary(self, obj: WaitlistEntry) -> str:
        a = obj.applicant or {}
        return (f"{a.get('full_name', '')} · NIK {mask_nik(str(a.get('nik', '')))} · KPJ {a.get('kpj', '')} · "
                f"{a.get('email', '')} · {a.get('phone', '')}")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


class BrokerSignalEntryInline(admin.TabularInline):
    """The places (waiting room) or claims (bank account) a signal flags: who, masked, and what came of it."""

    model = BrokerSignalEntry
    fields = ["who", "where", "outcome"]
    readonly_fields = ["who", "where", "outcome"]
    extra = 0
    can_delete = False

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).select_related("place", "place__branch", "claim", "claim__branch")

    @admin.display(description="who")
    def who(self, obj: BrokerSignalEntry) -> str:
        if obj.place is not None:
            a = obj.place.applicant or {}
            return f"{a.get('full_name', '')} · NIK {mask_nik(str(a.get('nik', '')))}"
        if obj.claim is not None:
            return f"{obj.claim.code} · NIK {mask_nik(obj.claim.insured_nik)}"
        return ""

    @admin.display(description="where")
    def where(self, obj: BrokerSignalEntry) -> str:
        if obj.place is not None:
            return f"{obj.place.branch.code} · {obj.place.claim_type} · joined {obj.place.joined_at.isoformat(timespec='seconds')}"
        if obj.claim is not None:
            return f"{obj.claim.branch.code} · {obj.claim.claim_type} · {obj.claim.state}"
        return ""

    @admin.display(description="outcome")
    def outcome(self, obj: BrokerSignalEntry) -> str:
        if obj.place is not None:
            return f"booking {obj.place.booking_code}" if obj.place.booking_code else "no booking"
        return ""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(BrokerSignal)
class BrokerSignalAdmin(admin.ModelAdmin):
    """Every broker signal in one list: the booking's (contact shared across claims), the waiting room's
    (phone, e-mail or device shared across an opening's places) and payments' (one bank account for
    several insured NIKs). The newer two keep a keyed digest, never the value; their entries say who."""

    list_display = ["kind", "source", "shown_value", "nik_count", "opening_at", "entry_count", "first_flagged_at",
                    "last_seen_at", "reviewed"]
    list_filter = ["source", "kind", "reviewed"]
    readonly_fields = ["kind", "source", "value", "opening_at", "nik_count", "first_flagged_at", "last_seen_at"]
    inlines = [BrokerSignalEntryInline]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).annotate(n_entries=Count("entries"))

    @admin.display(description="value")
    def shown_value(self, obj: BrokerSignal) -> str:
        if obj.source == BrokerSignal.Source.BOOKING:
            return obj.value
        return f"HMAC {obj.value[:8]}…"

    @admin.display(description="entries", ordering="n_entries")
    def entry_count(self, obj: BrokerSignal) -> int:
        return int(getattr(obj, "n_entries", 0))

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
