"""``{% load lapakasik_copy %}``: ``{{ address|copyable }}`` for a long address or code the participant
has to copy (the personal intake e-mail address, a token): it wraps anywhere on a narrow phone, one tap
selects it whole (``user-select: all``, no JavaScript needed), and a small "Salin" button copies it to
the clipboard (``lapakasik/js/site.js`` shows the button; without JavaScript it stays hidden)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def copyable(value: Any) -> SafeString | str:
    if value is None or value == "":
        return ""
    return format_html('<span class="copy"><span class="copy-text">{}</span><button type="button" '
                       'class="copy-button" hidden data-done="{}" aria-label="{}">{}</button></span>',
                       value, _("Tersalin"), _("Salin %(text)s") % {"text": value}, _("Salin"))
