"""``{{ amount|rupiah }}``: "Rp 73.750.000" (Indonesian) or "Rp 73,750,000" (English)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

from lapakasik.benefits.policy import rupiah as _figure

register = template.Library()


@register.filter
def rupiah(amount: Any) -> str:
    if amount is None or amount == "":
        return "—"
    try:
        value = int(amount)
    except (TypeError, ValueError):
        return str(amount)
    return f"Rp {_figure(value, translation.get_language() or 'id')}"
