"""One rule per field type: what a typed answer becomes (normalised, as stored) or why it is refused.

Pure (no database). ``clean_value`` returns the stored text ("" = left empty); a draft may leave any field
empty, signing a section needs every mandatory one (``missing_required``). NIK, KPJ, phone and e-mail use
the project's own validators (``core.validators``), so a NIK refused at booking is refused here too.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lapakasik.core.dates import long_date
from lapakasik.core.validators import normalize_email, normalize_phone, parse_nik, validate_kpj

from .definitions import Field, Section

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_AMOUNT_SEPARATORS = re.compile(r"[\s.,]")
_TIME = re.compile(r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$")
_EARLIEST = date(1900, 1, 1)


def _printable(text: str) -> bool:
    """Whether the PDF's standard fonts (Windows-1252) can print ``text``: what they cannot print would
    come out as blank boxes on a signed form."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


class FieldError(ValueError):
    """A refused answer; ``str(error)`` is the participant-facing message."""


def _first(exc: ValidationError) -> str:
    return str(exc.messages[0]) if exc.messages else str(_("Isian tidak valid."))


def clean_value(field: Field, raw: Any, *, today: date) -> str:
    """The stored form of ``raw`` for ``field`` ("" when empty), or ``FieldError``."""
    if isinstance(raw, bool) and field.kind == "confirm":
        return "ya" if raw else ""
    if not isinstance(raw, str):
        raise FieldError(_("Isian tidak valid."))
    text = raw.strip()
    if not text:
        return ""
    if _CONTROL.search(text):
        raise FieldError(_("Isian berisi karakter yang tidak diizinkan."))
    kind = field.kind
    if kind in {"text", "textarea"}:
        if len(text) > field.max_length:
            raise FieldError(_("Paling banyak %(n)d karakter.") % {"n": field.max_length})
        if not _printable(text):
            raise FieldError(_("Gunakan huruf Latin, angka dan tanda baca biasa; emoji dan aksara lain tidak dapat "
                               "dicetak pada formulir."))
        if kind == "text" and field.code.startswith("jam") and not _TIME.match(text):
            raise FieldError(_("Tulis jam sebagai JJ:MM, misalnya 14:30."))
        if kind == "text":
            text = " ".join(text.split())
        return text
    if kind == "nik":
        try:
            return parse_nik(text, today=today).nik
        except ValidationError as exc:
            raise FieldError(_first(exc)) from None
    if kind == "kpj":
        try:
            return validate_kpj(text)
        except ValidationError as exc:
            raise FieldError(_first(exc)) from None
    if kind == "phone":
        try:
            return normalize_phone(text)
        except ValidationError as exc:
            raise FieldError(_first(exc)) from None
    if kind == "email":
        try:
            return normalize_email(text)
        except ValidationError as exc:
            raise FieldError(_first(exc)) from None
    if kind == "npp":
        digits = re.sub(r"[\s.\-]", "", text)
        if not digits.isascii() or not digits.isdigit() or len(digits) != 8:
            raise FieldError(_("NPP terdiri dari 8 angka."))
        return digits
    if kind == "account":
        digits = re.sub(r"[\s\-]", "", text)
        if not digits.isascii() or not digits.isdigit() or not 6 <= len(digits) <= 20:
            raise FieldError(_("Nomor rekening hanya angka, 6–20 digit."))
        return digits
    if kind == "date":
        return _clean_date(field, text, today=today)
    if kind in {"amount", "number"}:
        return _clean_number(field, text)
    if kind == "choice":
        if text not in {c.value for c in field.choices}:
            raise FieldError(_("Pilih salah satu dari daftar."))
        return text
    if kind == "confirm":
        if text not in {"ya", "on", "1", "true"}:
            raise FieldError(_("Centang kotak ini untuk menyetujui."))
        return "ya"
    raise FieldError(_("Isian tidak valid."))


def _clean_date(field: Field, text: str, *, today: date) -> str:
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise FieldError(_("Tulis tanggal sebagai TTTT-BB-HH, misalnya 2026-03-31.")) from None
    if day < _EARLIEST:
        raise FieldError(_("Tanggal terlalu lampau."))
    if field.not_future and day > today:
        raise FieldError(_("Tanggal tidak boleh sesudah hari ini."))
    return day.isoformat()


def _clean_number(field: Field, text: str) -> str:
    raw = text
    if field.kind == "amount":
        raw = re.sub(r"^rp\.?\s*", "", raw, flags=re.IGNORECASE)
        if re.search(r"[.,][0-9]{1,2}$", raw):  # cents: amounts are whole rupiah
            raise FieldError(_("Tulis jumlah dalam rupiah penuh, tanpa sen."))
        raw = _AMOUNT_SEPARATORS.sub("", raw)
    if not raw.isascii() or not raw.isdigit() or len(raw) > 13:
        raise FieldError(_("Tulis angka saja, misalnya 5000000.") if field.kind == "amount"
                         else _("Tulis angka saja."))
    value = int(raw)
    if field.minimum is not None and value < field.minimum:
        raise FieldError(_("Paling kecil %(n)s.") % {"n": f"{field.minimum:,}".replace(",", ".")})
    if field.maximum is not None and value > field.maximum:
        raise FieldError(_("Paling besar %(n)s.") % {"n": f"{field.maximum:,}".replace(",", ".")})
    return str(value)


def posted_answers(section: Section, post: Any) -> dict[str, str]:
    """A section's answers as a page posted them (a form's ``request.POST``): each field's text, and a
    confirmation box as "ya" when ticked, "" when not (an unticked box is not posted at all)."""
    data = {f.code: post.get(f.code, "") for f in section.fields}
    for f in section.fields:
        if f.kind == "confirm":
            data[f.code] = "ya" if post.get(f.code) else ""
    return data


def clean_section(section: Section, data: dict[str, Any], *, today: date) -> tuple[dict[str, str], dict[str, str]]:
    """Every field of ``section`` cleaned from ``data`` (missing keys = empty): (values, errors by field)."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for field in section.fields:
        try:
            values[field.code] = clean_value(field, data.get(field.code, ""), today=today)
        except FieldError as exc:
            errors[field.code] = str(exc)
    unknown = set(data) - {f.code for f in section.fields}
    if unknown:
        errors["__all__"] = str(_("Isian yang tidak dikenal: %(names)s.") % {"names": ", ".join(sorted(unknown))[:200]})
    return values, errors


def required_now(field: Field, values: dict[str, str], facts: frozenset[str] = frozenset()) -> bool:
    """Whether ``field`` must be answered: always, or because its ``required_when`` holds — a fact of the
    claim in ``facts`` (``co_heirs``), or another answer of the section (``"wasiat=ya"``)."""
    if field.required:
        return True
    other, eq, value = field.required_when.partition("=")
    if eq:
        return values.get(other) == value
    return bool(field.required_when) and field.required_when in facts


def missing_required(section: Section, values: dict[str, str],
                     facts: frozenset[str] = frozenset()) -> dict[str, str]:
    """The fields of ``section`` that must be answered now (``required_now``) and were left empty, each with
    its message."""
    return {f.code: str(_("Wajib diisi.")) for f in section.fields
            if required_now(f, values, facts) and not values.get(f.code)}


def display_value(field: Field, value: str, language: str = "id") -> str:
    """An answer as a reader sees it (choice labels, amounts with thousands dots, dates in the long form)."""
    if not value:
        return "—"
    if field.kind == "choice":
        return field.choice_label(value, language)
    if field.kind == "amount" and value.isdigit():
        return "Rp " + f"{int(value):,}".replace(",", ".")
    if field.kind == "date":
        return long_date(value, language)  # the one date format a participant reads
    if field.kind == "confirm":
        return _("Ya") if value == "ya" else "—"
    return value
