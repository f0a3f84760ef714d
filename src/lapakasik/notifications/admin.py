"""Configuration screens: message templates (with validation of variables and a preview). Outbox rows,
call tasks and simulator messages are read-only here — delivery goes through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import defaults, rendering
from .models import Notification, NotificationTemplate, PhoneCall, SimulatedMessage


class NotificationTemplateForm(forms.ModelForm):
    class Meta:
        model = NotificationTemplate
        fields = ["event", "channel", "language", "subject", "body", "body_html", "provider_template",
                  "provider_parameters", "active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        event = data.get("event") or ""
        if event and event not in defaults.all_events():
            self.add_error("event", _("Peristiwa tidak dikenal. Pilih salah satu: %(events)s")
                           % {"events": ", ".join(defaults.all_events())})
            return data
        errors = rendering.template_check(
            event=event, channel=data.get("channel") or "", subject=data.get("subject") or "",
            body=data.get("body") or "", body_html=data.get("body_html") or "",
            provider_parameters=data.get("provider_parameters") or "")
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        return data


def template_preview(template: NotificationTemplate) -> rendering.Rendered:
    ctx = dict(defaults.SAMPLE_CONTEXT, verification_code="7KQ2-M9XD", check_url=rendering.check_url())
    return rendering.render(template=template, channel=template.channel, language=template.language, ctx=ctx,
                            verification_code="7KQ2M9XD")


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    form = NotificationTemplateForm
    list_display = ["event", "channel", "language", "subject", "active", "updated_at"]
    list_filter = ["channel", "language", "active", "event"]
    search_fields = ["event", "subject", "body"]
    readonly_fields = ["variables", "preview"]

    @admin.display(description=_("Variabel yang tersedia"))
    def variables(self, obj: NotificationTemplate) -> str:
        if not obj.event:
            return "-"
        return ", ".join("{{ " + v + " }}" for v in sorted(defaults.variables_for(obj.event)))

    @admin.display(description=_("Pratinjau (data contoh)"))
    def preview(self, obj: NotificationTemplate) -> str:
        if not obj.pk:
            return str(_("Simpan dulu untuk melihat pratinjau."))
        try:
            out = template_preview(obj)
        except Exception as exc:
            return format_html("<strong>{}</strong> {}", _("Gagal dirender:"), exc)
        parts = [("Subjek", out.subject)] if out.subject else []
        parts.append(("Teks", out.text))
        if out.parameters:
            parts.append(("Parameter WhatsApp", " | ".join(out.parameters)))
        return format_html_join("", "<p><b>{}</b></p><pre style='white-space:pre-wrap'>{}</pre>", parts)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "event", "channel", "status", "attempts", "created_at", "sent_at", "verification_code"]
    list_filter = ["status", "channel", "event"]
    search_fields = ["verification_code", "provider_message_id", "claim__code"]
    exclude = ["context", "recipient"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(PhoneCall)
class PhoneCallAdmin(admin.ModelAdmin):
    list_display = ["id", "branch", "outcome", "due_at", "completed_at"]
    list_filter = ["outcome", "branch"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(SimulatedMessage)
class SimulatedMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "channel", "subject", "received_at"]
    list_filter = ["channel"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
