from django.contrib import admin

from lapakasik.core.masking import mask_nik

from .models import Claim, ClaimEvent, ClaimParty


class ClaimEventInline(admin.TabularInline):
    model = ClaimEvent
    extra = 0
    can_delete = False
    readonly_fields = ("seq", "kind", "from_state", "to_state", "actor_kind", "actor_label", "reason", "created_at")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class ClaimPartyInline(admin.TabularInline):
    """Who applies (and, later, the other parties). NIK masked; nothing editable here."""

    model = ClaimParty
    extra = 0
    can_delete = False
    readonly_fields = ("role", "is_applicant", "masked_nik", "kpj", "npp", "full_name", "email", "phone", "language",
                       "channels")
    fields = readonly_fields

    @admin.display(description="NIK")
    def masked_nik(self, obj: ClaimParty) -> str:
        return mask_nik(obj.nik) if obj.nik else ""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    """Read-only: claim state changes go through services (the officer console), never raw edits."""

    list_display = ["code", "claim_type", "claim_reason", "branch", "state", "masked_nik", "created_at"]
    list_filter = ["claim_type", "state", "branch__region"]
    search_fields = ["code"]
    inlines = [ClaimPartyInline, ClaimEventInline]
    exclude = ["insured_nik", "access_token_digest"]

    @admin.display(description="NIK")
    def masked_nik(self, obj: Claim) -> str:
        return mask_nik(obj.insured_nik)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
