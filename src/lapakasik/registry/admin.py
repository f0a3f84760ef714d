from django.contrib import admin

from .models import DemoParticipant


@admin.register(DemoParticipant)
class DemoParticipantAdmin(admin.ModelAdmin):
    list_display = ["kpj", "full_name", "case", "active", "membership_end"]
    list_filter = ["case", "active"]
    exclude = ["nik"]
    readonly_fields = ["kpj", "full_name", "birth_date", "case"]
