"""Configuration screens only: counters and bookings change through services, never raw edits."""

from django.contrib import admin

from lapakasik.core.masking import mask_nik

from .models import Booking, BrokerSignal, SlotQuota, WaitlistEntry


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


@admin.register(BrokerSignal)
class BrokerSignalAdmin(admin.ModelAdmin):
    list_display = ["kind", "value", "nik_count", "first_flagged_at", "last_seen_at", "reviewed"]
    list_filter = ["kind", "reviewed"]
    readonly_fields = ["kind", "value", "nik_count", "first_flagged_at", "last_seen_at"]
