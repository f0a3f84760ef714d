from django.contrib import admin

from .models import BenefitRule, DecisionReason, TaxRule


@admin.register(DecisionReason)
class DecisionReasonAdmin(admin.ModelAdmin):
    list_display = ("code", "label_id", "label_en", "note_required", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("code", "label_id", "label_en")


@admin.register(TaxRule)
class TaxRuleAdmin(admin.ModelAdmin):
    """A change of law is a new row with its valid-from date; past decisions keep the row they used."""

    list_display = ("valid_from", "threshold", "rate_bp", "no_npwp_rate_bp", "legal_basis")

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # a rule a decision used stays (PROTECT); one never used is simply superseded


@admin.register(BenefitRule)
class BenefitRuleAdmin(admin.ModelAdmin):
    """JKM, JP and JKK numbers; a change of law is a new row with its valid-from date (checked on save)."""

    list_display = ("programme", "valid_from", "legal_basis")
    list_filter = ("programme",)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # a rule a decision used stays (PROTECT); one never used is simply superseded
