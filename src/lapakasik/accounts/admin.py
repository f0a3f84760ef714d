from django.contrib import admin

from .models import OfficerProfile


@admin.register(OfficerProfile)
class OfficerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "branch", "region"]
    list_filter = ["role", "region"]
    search_fields = ["user__username"]
