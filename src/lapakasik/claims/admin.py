from django.contrib import admin

from lapakasik.core.masking import mask_nik

from .models import Claim, ClaimEvent


class ClaimEventInline(admin.TabularInline):
    model = ClaimEvent
    extra = 0
    can_delete = False
    readonly_fields = ("seq", "kind", "from_state", "to_state", "actor_kind", "actor_label", "reason", "created_at")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    """Read-only: claim state changes go through services (the officer console), never raw edits."""

    list_display = ["code", "claim_type", "claim_reason", "branch", "state", "masked_nik", "created_at"]
    list_filter = ["claim_type", "state", "branch__region"]
    search_fields = ["code"]
    inlines = [ClaimEventInline]
    exclude = ["nik", "access_token_digest"]

    @admin.display(description="NIK")
    def masked_nik(self, obj: Claim) -> str:
        return mask_nik(obj.nik)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
