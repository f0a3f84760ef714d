"""The one way a participant reads a date: "Rabu, 2 Desember 2026" / "Wednesday, 2 December 2026".

Messages, pages, the ticket PDF, the cover sheet and the calendar file all call these helpers (the
template filters ``long_date`` / ``long_moment`` in ``core/templatetags/lapakasik_dates.py`` wrap
them), so the same deadline never appears in two shapes. Times are 24-hour ``HH:MM`` followed by the
branch's zone (WIB/WITA/WIT). Machine formats (ISO dates in URLs, forms and the API) are not covered.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import formats, translation

LONG_DATE_FORMAT = "l, j F Y"  # Django's locale names: "Rabu, 2 Desember 2026" / "Wednesday, 2 December 2026"


def long_date(day: date | datetime | str, language: str | None = None) -> str:
    """``day`` (a date, an aware datetime already in the wanted zone, or an ISO date) in the long form of
    ``language`` (default: the active language). A string that is not an ISO date comes back unchanged."""
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day[:10])
        except ValueError:
            return str(day)
    if isinstance(day, datetime):
        day = day.date()
    if language:
        with translation.override(language):
            return str(formats.date_format(day, LONG_DATE_FORMAT))
    return str(formats.date_format(day, LONG_DATE_FORMAT))


def long_moment(moment: datetime, zone_abbr: str = "", language: str | None = None, *,
                time_zone: str | None = None) -> str:
    """"Rabu, 2 Desember 2026 23:59 WIB": the date in the long form, the 24-hour time, the zone's
    abbreviation. With ``time_zone`` (e.g. "Asia/Makassar") the moment is first converted to it."""
    if time_zone:
        moment = moment.astimezone(ZoneInfo(time_zone))
    return f"{long_date(moment, language)} {moment:%H:%M} {zone_abbr}".strip()


def time_range(start: datetime, end: datetime, zone_abbr: str = "") -> str:
    """"08:00–09:00 WIB" (the SMS channel turns the dash into "-")."""
    return f"{start:%H:%M}–{end:%H:%M} {zone_abbr}".strip()
