"""``{% load lapakasik_dates %}``: ``{{ day|long_date }}`` and ``{{ moment|long_moment:"WIB" }}``, the
participant's one date format (``lapakasik.core.dates``) in the active language."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template

from lapakasik.core import dates

register = template.Library()


@register.filter
def long_date(value: Any) -> str:
    if not isinstance(value, date | datetime | str) or value == "":
        return "" if value is None else str(value)
    return dates.long_date(value)


@register.filter
def long_moment(value: Any, zone_abbr: str = "") -> str:
    if not isinstance(value, datetime):
        return "" if value is None else str(value)
    return dates.long_moment(value, zone_abbr)
