"""Screening rules, pure (no database): reading a typed temperature, admitted or sent home, the retention
cut-off, the visitor's name.

A temperature is typed on a phone at the door: ``36,8`` (Indonesian decimal comma) and ``36.8`` both mean
36.8 °C, a trailing ``°C`` or ``C`` is allowed, one decimal at most. A number between 86 and 113 is a
Fahrenheit reading (98.6 °F = 37.0 °C) and is refused with a message saying to use °C — never converted
silently: the thermometer is then set to °F and every following reading would be wrong too. Anything else
outside 30–45 °C is refused: such a reading is a thermometer that did not touch the forehead, not a visitor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import Outcome

MIN_C = Decimal("30.0")
MAX_C = Decimal("45.0")
#: 30–45 °C in Fahrenheit: a reading in this range (and not a plausible °C) was taken in °F.
MIN_F = Decimal("86.0")
MAX_F = Decimal("113.0")
DEFAULT_THRESHOLD_C = Decimal("37.3")
DEFAULT_RETENTION_DAYS = 14
NAME_MAX = 100
ONE_DECIMAL = Decimal("0.1")

_UNIT = re.compile(r"^(?P<number>.*?)\s*(?P<unit>°\s*[cCfF]?|[cCfF])$")
_NUMBER = re.compile(r"^(?P<whole>[0-9]{1,3})(?:[.,](?P<fraction>[0-9]{1,3}))?$")


class TemperatureError(ValueError):
    """A reading that is not a temperature in °C between 30 and 45; ``code`` names the kind, the message says
    what to do (in the active language)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _display(value: Decimal) -> str:
    return number_format(value, decimal_pos=1)


def temperature_parse(raw: object) -> Decimal:
    """The temperature typed at the door, in °C with one decimal, or ``TemperatureError``."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        raise TemperatureError("empty", _("Masukkan suhu pengunjung dalam °C, misalnya 36,5."))
    unit = ""
    match = _UNIT.match(text) if len(text) <= 12 else None
    if match:
        text, unit = match.group("number").strip(), match.group("unit").replace("°", "").strip().upper()
    number = _NUMBER.match(text) if len(text) <= 12 else None
    if number is None:
        raise TemperatureError("not_a_number", _("Suhu harus berupa angka dengan satu angka di belakang koma, "
                                                 "misalnya 36,5."))
    fraction = number.group("fraction") or ""
    if len(fraction) > 1:
        fraction = fraction.rstrip("0")  # "36,80" is 36.8; "36,85" has a second decimal
    if len(fraction) > 1:
        raise TemperatureError("too_precise", _("Tulis suhu dengan satu angka di belakang koma, misalnya 36,8."))
    try:
        value = Decimal(f"{number.group('whole')}.{fraction or '0'}").quantize(ONE_DECIMAL)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise TemperatureError("not_a_number", _("Suhu harus berupa angka, misalnya 36,5.")) from None
    if unit == "F" or (unit != "C" and MIN_F <= value <= MAX_F):
        celsius = ((value - 32) * 5 / 9).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
        example = (_("%(f)s °F = %(c)s °C") % {"f": _display(value), "c": _display(celsius)}
                   if MIN_F <= value <= MAX_F else _("98,6 °F = 37,0 °C"))
        raise TemperatureError("fahrenheit", _(
            "Suhu ini sepertinya dalam Fahrenheit (%(example)s). Atur termometer ke °C, ukur ulang dan tulis "
            "suhunya dalam °C.") % {"example": example})
    if not MIN_C <= value <= MAX_C:
        raise TemperatureError("out_of_range", _(
            "Suhu harus antara %(min)s dan %(max)s °C. Ukur ulang: termometer mungkin belum mengarah ke dahi.")
            % {"min": _display(MIN_C), "max": _display(MAX_C)})
    return value


def threshold_parse(raw: object) -> Decimal:
    """The configured threshold (``SCREENING_FEVER_THRESHOLD_C``): a °C reading itself; a bad value is a
    configuration error, raised as ``ValueError``."""
    try:
        return temperature_parse(raw)
    except TemperatureError as exc:
        raise ValueError(f"SCREENING_FEVER_THRESHOLD_C={raw!r}: {exc.code}") from None


def outcome_for(temperature: Decimal, threshold: Decimal) -> Outcome:
    """At or above the threshold the visitor is sent home (the protocol's "≥ 37,3 °C tidak boleh masuk")."""
    return Outcome.SENT_HOME if temperature >= threshold else Outcome.ADMITTED


def visitor_name_clean(raw: object) -> str:
    """The optional name as typed: spaces collapsed, no control characters, at most ``NAME_MAX``."""
    text = " ".join("".join(ch for ch in str(raw or "") if ch.isprintable()).split())
    if len(text) > NAME_MAX:
        raise ValueError(_("Nama paling banyak %(n)d karakter.") % {"n": NAME_MAX})
    return text


def purge_before(now: datetime, retention_days: int) -> datetime:
    """Records screened before this moment are deleted (``retention_days`` full days are kept)."""
    if retention_days < 1:
        raise ValueError("SCREENING_RETENTION_DAYS must be at least 1")
    return now - timedelta(days=retention_days)


@dataclass(frozen=True)
class Counts:
    """One day (or a total) of screening at a branch."""

    admitted: int = 0
    sent_home: int = 0

    @property
    def screened(self) -> int:
        return self.admitted + self.sent_home
