from django.contrib import admin

from .models import DemoEmployer, DemoParticipant


@admin.register(DemoParticipant)
class DemoParticipantAdmin(admin.ModelAdmin):
    list_display = ["kpj", "full_name", "case", "active", "membership_end", "employer_npp"]
    list_filter = ["case", "active"]
    exclude = ["nik", "family"]
    readonly_fields = ["kpj", "full_name", "birth_date", "case"]


@admin.register(DemoEmployer)
class DemoEmployerAdmin(admin.ModelAdmin):
    list_display = ["npp", "name"]
    search_fields = ["npp", "name"]
