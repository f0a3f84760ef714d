from django.contrib import admin

from .models import InboundMessage


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only view of received messages (processing goes through services, never admin edits)."""

    list_display = ("id", "claim", "status", "received_at", "processed_at", "deliveries", "sender_matches", "size")
    list_filter = ("status", "protocol")
    search_fields = ("claim__code", "message_id")
    readonly_fields = [f.name for f in InboundMessage._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
