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
    list_display = ["__str__", "mode", "valid_from", "valid_to", "reason", "set_by"]
    list_filter = ["mode", "region"]
    readonly_fields = ["set_by", "created_at"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not change:
            obj.set_by = request.user
        super().save_model(request, obj, form, change)
