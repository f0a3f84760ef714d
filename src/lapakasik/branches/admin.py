from django.contrib import admin

from .models import Branch, ChannelPolicy, Closure, Region, SessionTemplate


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "time_zone"]


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region", "time_zone", "is_active"]
    list_filter = ["region", "kind", "time_zone", "is_active"]
    search_fields = ["code", "name", "city"]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["date", "reason", "region", "branch"]
    list_filter = ["region"]
    date_hierarchy = "date"


@admin.register(SessionTemplate)
class SessionTemplateAdmin(admin.ModelAdmin):
    list_display = ["branch", "start", "end", "capacity", "is_active"]


@admin.register(ChannelPolicy)
class ChannelPolicyAdmin(admin.ModelAdmin):
    """Read only: a change is made on the channel-policy pages (/petugas/kebijakan-kanal/), which preview its
    impact, keep the history and tell the participants it affects."""

    list_display = ["__str__", "mode", "valid_from", "valid_to", "reason", "set_by", "cancelled_at", "announced_at"]
    list_filter = ["mode", "region"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
