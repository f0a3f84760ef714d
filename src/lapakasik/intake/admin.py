"""Configuration screens: the requirement catalogue. Documents are read-only here (review goes
through ``services.document_review``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lapakasik.claims.reasons import REASONS

from .models import Document, Requirement


class RequirementForm(forms.ModelForm):
    class Meta:
        model = Requirement
        fields = ["claim_type", "code", "reasons", "label_id", "label_en", "help_id", "help_en", "min_files",
                  "max_files", "condition", "unconditional_reasons", "keywords", "order", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        claim_type = data.get("claim_type", "")
        if claim_type not in REASONS:
            self.add_error("claim_type", _("Jenis klaim tidak dikenal (JHT, JKK, JKM, JP)."))
            return data
        known = set(REASONS[claim_type])
        for field in ("reasons", "unconditional_reasons"):
            value = data.get(field) or []
            if not isinstance(value, list) or any(r not in known for r in value):
                self.add_error(field, _("Daftar alasan klaim harus berisi kode dari: %(codes)s.")
                               % {"codes": ", ".join(sorted(known))})
        if not isinstance(data.get("keywords") or [], list):
            self.add_error("keywords", _("Kata kunci harus berupa daftar, mis. [\"ktp\", \"e-ktp\"]."))
        return data


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    form = RequirementForm
    list_display = ["claim_type", "code", "label_id", "min_files", "max_files", "condition", "order", "is_active"]
    list_filter = ["claim_type", "condition", "is_active"]
    search_fields = ["code", "label_id", "label_en"]
    ordering = ["claim_type", "order", "code"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["id", "claim", "requirement", "source", "status", "reason_code", "kind", "size", "created_at"]
    list_filter = ["status", "source", "kind"]
    readonly_fields = [f.name for f in Document._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
