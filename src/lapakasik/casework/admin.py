from django.contrib import admin

from .models import RefusalReason


@admin.register(RefusalReason)
class RefusalReasonAdmin(admin.ModelAdmin):
    list_display = ("code", "label_id", "label_en", "note_required", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("code", "label_id", "label_en")
