"""Validators for identity and contact data. Pure functions: each returns the normalised value or
raises ``django.core.exceptions.ValidationError`` with an Indonesian message saying what is wrong.

NIK (Nomor Induk Kependudukan), 16 digits: PP KK SS DDMMYY NNNN
  PP province code, KK regency/city, SS district, DD day of birth (+40 for women), MM month,
  YY two-digit year, NNNN serial (0001+).
KPJ (Kartu Peserta Jamsostek) membership number: 11 digits.

The API states the same rules in its OpenAPI document: the ``*_PATTERN`` strings below are the one copy of
each format, used by the pydantic types at the end of this module (``Nik``, ``Kpj``, ``MobilePhone``,
``Email``, ``IsoDate``, ``PublicCode`` …), which every API schema uses. A pattern is a subset of what the
validator here accepts (a value matching it always passes), and the API refuses what does not match
before any validator runs — so the document and the server cannot disagree in either direction.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email as _django_validate_email
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

# Province codes (kode wilayah, Kemendagri), including the 2022 Papua provinces.
PROVINCE_CODES: dict[str, str] = {
    "11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau", "15": "Jambi",
    "16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung", "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau", "31": "DKI Jakarta", "32": "Jawa Barat", "33": "Jawa Tengah",
    "34": "DI Yogyakarta", "35": "Jawa Timur", "36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur", "61": "Kalimantan Barat", "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan", "64": "Kalimantan Timur", "65": "Kalimantan Utara",
    "71": "Sulawesi Utara", "72": "Sulawesi Tengah", "73": "Sulawesi Selatan", "74": "Sulawesi Tenggara",
    "75": "Gorontalo", "76": "Sulawesi Barat", "81": "Maluku", "82": "Maluku Utara", "91": "Papua Barat",
    "92": "Papua Barat Daya", "94": "Papua", "95": "Papua Selatan", "96": "Papua Tengah",
    "97": "Papua Pegunungan",
}

_SEPARATORS = re.compile(r"[\s.\-]")


@dataclass(frozen=True)
class NikInfo:
    nik: str
    province: str
    birth_date: date
    sex: str  # "M" | "F"


def _century_year(yy: int, today: date) -> int:
    # A NIK holder is born at most ~100 years ago; two-digit years after this year are 19xx.
    year = 2000 + yy
    return year if year <= today.year else 1900 + yy


def _birth_date(yy: int, month: int, day: int, today: date) -> date:
    """The most recent date with these two-digit year, month and day that is not after ``today`` (a NIK
    written "311226" on 2 December 2026 is 31 December 1926, not a birth date in the future)."""
    birth = date(_century_year(yy, today), month, day)
    return birth if birth <= today else date(birth.year - 100, month, day)


def parse_nik(value: str, *, today: date | None = None) -> NikInfo:
    """Validate a NIK and derive birth date and sex. Raises ValidationError."""
    today = today or date.today()
    raw = _SEPARATORS.sub("", str(value or ""))
    if not raw:
        raise ValidationError(_("NIK wajib diisi: 16 angka seperti tertulis di KTP."), code="required")
    if not raw.isascii() or not raw.isdigit():
        raise ValidationError(_("NIK hanya berisi angka (16 angka seperti di KTP)."), code="nik_digits")
    if len(raw) != 16:
        raise ValidationError(
            _("NIK harus 16 angka; yang Anda isi %(n)d angka. Periksa lagi KTP Anda.") % {"n": len(raw)},
            code="nik_length",
        )
    province = raw[:2]
    if province not in PROVINCE_CODES:
        raise ValidationError(_("Kode provinsi NIK (%(p)s) tidak dikenal. Periksa dua angka pertama.") % {"p": province},
                              code="nik_province")
    if raw[2:4] == "00" or raw[4:6] == "00":
        raise ValidationError(_("Kode kabupaten/kota atau kecamatan pada NIK tidak valid."), code="nik_region")
    day, month, yy = int(raw[6:8]), int(raw[8:10]), int(raw[10:12])
    sex = "M"
    if day > 40:
        day -= 40
        sex = "F"
    try:
        birth = _birth_date(yy, month, day, today)
    except ValueError:
        raise ValidationError(_("Tanggal lahir dalam NIK tidak mungkin (angka ke-7 sampai ke-12). Periksa lagi."),
                              code="nik_birthdate") from None
    if birth > today:
        raise ValidationError(_("Tanggal lahir dalam NIK ada di masa depan. Periksa lagi."), code="nik_birthdate")
    if raw[12:] == "0000":
        raise ValidationError(_("Nomor urut NIK (4 angka terakhir) tidak boleh 0000."), code="nik_serial")
    return NikInfo(nik=raw, province=province, birth_date=birth, sex=sex)


def validate_nik(value: str) -> str:
    return parse_nik(value).nik


def validate_kpj(value: str) -> str:
    raw = _SEPARATORS.sub("", str(value or ""))
    if not raw:
        raise ValidationError(_("Nomor KPJ wajib diisi: 11 angka di kartu peserta."), code="required")
    if not raw.isascii() or not raw.isdigit() or len(raw) != 11:
        raise ValidationError(_("Nomor KPJ harus 11 angka, seperti di kartu peserta BPJAMSOSTEK."), code="kpj_format")
    return raw


#: How many answers each pure rule keeps per process (``functools.lru_cache``). Sized by what it is for:
#: a person retrying at a quota opening sends the same NIK, phone and e-mail again some seconds later; a
#: process answering ~500 requests a second with retries ~30 s apart sees ~15,000 other values in between.
#: A cache smaller than that cycle keeps nothing (an LRU walked in a cycle longer than itself never hits):
#: at 8,192 the booking rush's ~11,000 participants missed every time. Full, a rule's cache holds about
#: 3 MB (measured: 6 MB for the phone's and the e-mail's together).
RULE_CACHE_SIZE = 16384


def normalize_phone(value: str) -> str:
    """Indonesian mobile number in E.164 (+62812…). Accepts 0812…, +62812…, 62812…, spaces, dashes."""
    raw = str(value or "").strip()
    if not raw:
        raise ValidationError(_("Nomor HP wajib diisi, misalnya 0812 3456 7890."), code="required")
    if not re.fullmatch(r"[0-9+()\s.\-]{6,24}", raw):
        raise ValidationError(_("Nomor HP hanya berisi angka, misalnya 0812 3456 7890."), code="phone_format")
    digits = re.sub(r"[^0-9+]", "", raw)
    if digits.startswith("62") and not digits.startswith("+"):
        digits = "+" + digits
    result = _e164(digits)
    if result in _PHONE_REFUSALS:
        code, message = result, _PHONE_REFUSALS[result]
        raise ValidationError(message, code=code)
    return result


#: What ``_e164`` answers for a number it refuses (an error code), with the participant's message.
_PHONE_REFUSALS: dict[str, Any] = {
    "phone_format": _("Nomor HP tidak dikenali. Tulis seperti 0812 3456 7890."),
    "phone_invalid": _("Nomor HP Indonesia tidak valid. Tulis seperti 0812 3456 7890."),
    "phone_not_mobile": _("Gunakan nomor HP (seluler) agar bisa menerima SMS/WhatsApp."),
}


@functools.lru_cache(maxsize=RULE_CACHE_SIZE)
def _e164(digits: str) -> str:
    """The E.164 form of an Indonesian mobile number, or the code of why it is refused. Parsing with
    phonenumbers is the dearest step of a booking's validation and runs in the API schema and again in
    the service, so its answer is kept per process (pure: the same digits always give the same answer)."""
    try:
        number = phonenumbers.parse(digits, "ID")
    except phonenumbers.NumberParseException:
        return "phone_format"
    if number.country_code != 62 or not phonenumbers.is_valid_number(number):
        return "phone_invalid"
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return "phone_not_mobile"
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def normalize_email(value: str) -> str:
    raw = str(value or "").strip()
    if not raw:
        raise ValidationError(_("Alamat e-mail wajib diisi, misalnya nama@contoh.id."), code="required")
    if len(raw) > 254:
        raise ValidationError(_("Alamat e-mail terlalu panjang."), code="email_length")
    try:
        _email_passes(raw)
    except ValidationError:
        raise ValidationError(_("Alamat e-mail tidak valid. Tulis seperti nama@contoh.id."), code="email_invalid") from None
    local, _sep, domain = raw.rpartition("@")
    return f"{local}@{domain.lower()}"


@functools.lru_cache(maxsize=RULE_CACHE_SIZE)
def _email_passes(raw: str) -> bool:
    """Django's e-mail check, its successes kept per process (it runs in the API schema and in the service)."""
    _django_validate_email(raw)
    return True


def normalize_name(value: str) -> str:
    """Collapse spaces; used for case- and space-insensitive matching against the registry."""
    return " ".join(str(value or "").split()).upper()


# --- the formats, once: regular expressions (the OpenAPI document's ``pattern``) and pydantic types ---------

def _alternatives(values: Any) -> str:
    return "|".join(sorted(values))


# 16 digits: a known province, regency and district not 00, a possible day (+40 for women) and month —
# 29 February only in years divisible by four — and a serial that is not 0000. ``parse_nik`` accepts every
# NIK this matches (it reads the two-digit year as the most recent such date not in the future).
_NIK_DAY_MONTH = (
    r"(?:(?:0[1-9]|1[0-9]|2[0-8]|4[1-9]|5[0-9]|6[0-8])(?:0[1-9]|1[0-2])"
    r"|(?:29|30|69|70)(?:0[13-9]|1[0-2])"
    r"|(?:31|71)(?:0[13578]|1[02]))[0-9]{2}"
    r"|(?:29|69)02(?:[02468][048]|[13579][26])"
)
NIK_PATTERN = (
    rf"^(?:{_alternatives(PROVINCE_CODES)})(?:0[1-9]|[1-9][0-9]){{2}}(?:{_NIK_DAY_MONTH})"
    r"(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})$"
)
KPJ_PATTERN = r"^[0-9]{11}$"
# A name as on the KTP: Latin letters (with accents), spaces and . , ' - ; starting with a letter, 2–150
# characters, spaces around allowed (the server's rule, ``claims.parties.full_name_clean``, collapses spaces
# and accepts every such name).
_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff"
FULL_NAME_PATTERN = f"^ {{0,20}}[{_LETTER}][{_LETTER} .,'-]{{0,148}}[{_LETTER}.] {{0,20}}$"
# An Indonesian mobile number, digits only: 08…, 628… or +628…, then 8–11 more digits (10–13 digits in the
# national form 08…); the operator prefixes 081–083 and 085–089 (084 is not a mobile range).
PHONE_PATTERN = r"^(?:\+62|62|0)8[1-35-9][0-9]{7,10}$"
EMAIL_MAX_LENGTH = 254
# A public code (booking / claim code): 8 characters of Crockford base32, either case (I, L, O, U are
# not used: nothing to misread).
PUBLIC_CODE_PATTERN = r"^[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{8}$"
BRANCH_CODE_PATTERN = r"^[A-Za-z0-9]{2,16}$"
REGION_CODE_PATTERN = r"^[A-Za-z0-9_]{2,32}$"
SESSION_START_PATTERN = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$"
ISO_DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# Free text: anything but NUL (PostgreSQL cannot store it; ``core.middleware.NulByteGuardMiddleware`` refuses
# it in every request under /api/ before a view runs — the document says so).
NO_NUL_PATTERN = r"^[^\x00]*$"
_ISO_DATE = re.compile(ISO_DATE_PATTERN)


def _iso_date_text(value: Any) -> Any:
    """Only ``YYYY-MM-DD`` (or a date): pydantic would otherwise read ``0`` or ``1700000000`` as a Unix
    time and answer an empty list to a date the document says is malformed."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError(str(_("Tanggal harus berformat TTTT-BB-HH, misalnya 2026-12-01.")))
    return value


def _refused_by(validator: Any) -> Any:
    """A before-validator (after the ``Field``, so it wraps the pattern check) that runs the server's own rule first, so a value it refuses gets its specific
    message ("Kode provinsi NIK (99) tidak dikenal …") rather than "does not match the pattern"; the value
    is passed on unchanged to the pattern check."""

    # Only successes are kept (lru_cache does not keep a raised error): a participant retrying at the
    # opening sends the same NIK, phone and e-mail many times, and the rules are pure.
    passes = functools.lru_cache(maxsize=RULE_CACHE_SIZE)(validator)

    def check(value: Any) -> Any:
        if isinstance(value, str):
            try:
                passes(value)
            except ValidationError as exc:
                raise ValueError(exc.messages[0]) from None
        return value

    return BeforeValidator(check)


# The message of a value that passes the server's rule but not the document's stricter pattern.
PATTERN_MESSAGES: dict[str, Any] = {
    PHONE_PATTERN: _("Tulis nomor HP dengan angka saja, misalnya 081234567890 atau +6281234567890."),
    NIK_PATTERN: _("NIK harus 16 angka seperti di KTP."),
    KPJ_PATTERN: _("Nomor KPJ harus 11 angka, seperti di kartu peserta BPJAMSOSTEK."),
    FULL_NAME_PATTERN: _("Tulis nama lengkap seperti di KTP: huruf, spasi, titik, koma, tanda petik atau tanda hubung."),
    PUBLIC_CODE_PATTERN: _("Kode terdiri dari 8 huruf/angka."),
    BRANCH_CODE_PATTERN: _("Kode kantor cabang tidak valid, misalnya JKT01."),
    REGION_CODE_PATTERN: _("Kode wilayah tidak valid, misalnya DKI."),
    SESSION_START_PATTERN: _("Jam sesi harus berformat JJ:MM, misalnya 08:00."),
    NO_NUL_PATTERN: _("Teks tidak boleh berisi karakter NUL."),
}


def _django_email(value: str) -> str:
    try:
        return normalize_email(value)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None


# The types the API's schemas use. Each puts its rule in the document and enforces it.
Nik = Annotated[str, Field(pattern=NIK_PATTERN, description="NIK: 16 angka seperti di KTP / 16-digit national id"),
                _refused_by(parse_nik)]
FullName = Annotated[str, Field(pattern=FULL_NAME_PATTERN, max_length=200,
                                description="Nama lengkap seperti di KTP / name as on the id card")]
Kpj = Annotated[str, Field(pattern=KPJ_PATTERN, description="Nomor KPJ: 11 angka / 11-digit membership number"),
                _refused_by(validate_kpj)]
MobilePhone = Annotated[str, Field(pattern=PHONE_PATTERN, description=(
    "Nomor HP Indonesia / Indonesian mobile number: 08…, 628… or +628…, digits only")), _refused_by(normalize_phone)]
Email = Annotated[str, Field(max_length=EMAIL_MAX_LENGTH, json_schema_extra={"format": "email"}),
                  AfterValidator(_django_email)]
IsoDate = Annotated[date, BeforeValidator(_iso_date_text),
                    WithJsonSchema({"type": "string", "format": "date", "pattern": ISO_DATE_PATTERN})]
PublicCode = Annotated[str, Field(pattern=PUBLIC_CODE_PATTERN, description="Crockford base32, 8 characters")]
BranchCode = Annotated[str, Field(pattern=BRANCH_CODE_PATTERN, description="Kode kantor cabang, misalnya JKT01")]
RegionCode = Annotated[str, Field(pattern=REGION_CODE_PATTERN, description="Kode wilayah (Kanwil), misalnya DKI")]
def free_text(max_length: int, min_length: int = 0, description: str | None = None, default: Any = ...) -> Any:
    """A free-text field: its bounds and "no NUL" in the document and enforced."""
    return Field(default, pattern=NO_NUL_PATTERN, max_length=max_length, min_length=min_length,
                 description=description)


SessionStart = Annotated[str, Field(pattern=SESSION_START_PATTERN, description="HH:MM, waktu setempat / branch-local")]
