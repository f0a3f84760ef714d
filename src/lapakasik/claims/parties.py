"""Who a claim is about and who applies for it: the ``Applicant`` value object and its one validation.

The insured worker is who the claim is *about* (``Insured``: NIK and KPJ, kept on ``Claim`` for the
registry, the one-active-claim rule and search). The applicant is who *asks* — the worker themself
(``participant``), an heir (``heir``, JKM/JHT after death) or the employer's officer (``employer_officer``,
the JKK report). The applicant's identity and contact are stored on a ``ClaimParty`` row, and every
place that carries them before the claim exists — the booking request, the waitlist entry, the API
schema, the page's form — uses this one ``Applicant`` and this one ``applicant_validate``.
Pure: no database.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lapakasik.core.errors import InvalidInput
from lapakasik.core.validators import normalize_email, normalize_phone, parse_nik, validate_kpj

# phone: an officer calls (for who cannot read messages)
CHANNELS = ("email", "whatsapp", "sms", "phone")
PHONE_CHANNELS = frozenset({"whatsapp", "sms", "phone"})
LANGUAGES = ("id", "en")
# The raw fields an applicant is given by (API schema, page form, service keywords), in this order.
APPLICANT_FIELDS = ("nik", "kpj", "full_name", "email", "phone", "language", "channels")
NAME_MAX = 150
_NAME_FORBIDDEN = set("<>\"`{}[]\\;=@#$%^*_|~")


class Role:
    """A party's role on a claim (the values of ``ClaimParty.Role``; kept here so this module stays pure)."""

    PARTICIPANT = "participant"  # the insured worker, applying for themself
    HEIR = "heir"
    EMPLOYER_OFFICER = "employer_officer"
    ALL = (PARTICIPANT, HEIR, EMPLOYER_OFFICER)


@dataclass(frozen=True)
class Insured:
    """The insured worker a claim is about (registry keys)."""

    nik: str
    kpj: str = ""


@dataclass(frozen=True)
class Applicant:
    """A validated applicant (or other party): identity where it applies, contact, language and the
    notification channels in order of preference. Build it with ``applicant_validate``."""

    full_name: str
    email: str = ""
    phone: str = ""
    language: str = "id"
    channels: tuple[str, ...] = ("email",)
    role: str = Role.PARTICIPANT
    nik: str = ""
    kpj: str = ""
    npp: str = ""

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["channels"] = list(self.channels)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Applicant:
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in (data or {}).items() if k in known}
        values["channels"] = tuple(values.get("channels") or ("email",))
        return cls(**values)

    @property
    def insured(self) -> Insured:
        """The participant applying for themself is the insured worker."""
        return Insured(nik=self.nik, kpj=self.kpj)


def full_name_clean(value: Any) -> str:
    """The one name rule (pages and services): spaces collapsed, 2–150 characters, letters and the
    punctuation of real names only. Raises ValidationError with the message the participant sees."""
    name = " ".join(str(value or "").split())
    if not name:
        raise ValidationError(_("Nama lengkap wajib diisi seperti di KTP."), code="required")
    if len(name) > NAME_MAX:
        raise ValidationError(_("Nama lengkap tidak valid (maksimal 150 huruf)."), code="name_long")
    if len(name) < 2:
        raise ValidationError(_("Tulis nama lengkap sesuai KTP."), code="name_short")
    if (any(ch.isdigit() for ch in name) or any(ch in _NAME_FORBIDDEN for ch in name)
            or any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} for ch in name)):
        raise ValidationError(_("Nama hanya berisi huruf, spasi, titik, koma, tanda petik atau tanda hubung."),
                              code="name_chars")
    return name


def channels_clean(channels: Any) -> list[str]:
    """Known channels, de-duplicated, in the given order; at least one. Raises ValidationError."""
    if isinstance(channels, str) or not isinstance(channels, list | tuple):
        raise ValidationError(_("Kanal tidak dikenal: pilih email, whatsapp, sms atau phone."), code="channel")
    chosen: list[str] = []
    for ch in channels:
        value = str(ch).strip().lower()
        if value not in CHANNELS:
            raise ValidationError(_("Kanal tidak dikenal: pilih email, whatsapp, sms atau phone."), code="channel")
        if value not in chosen:
            chosen.append(value)
    if not chosen:
        raise ValidationError(_("Pilih minimal satu kanal pemberitahuan."), code="required")
    return chosen


def applicant_validate(
    *, full_name: Any, email: Any = "", phone: Any = "", language: Any = "id", channels: Any = None,
    role: str = Role.PARTICIPANT, nik: Any = "", kpj: Any = "", npp: Any = "",
    require: tuple[str, ...] = ("email", "phone"), today: date | None = None,
) -> Applicant:
    """Check and normalise every field of a party; all problems are reported together
    (``InvalidInput`` with per-field messages). ``require``: the contact fields that must be given
    (the booking asks for both; at least one is always required). The participant gives NIK and KPJ,
    an heir their NIK, an employer's officer the company's NPP."""
    fields: dict[str, list[Any]] = {}

    def check(name: str, func: Any, value: Any) -> str:
        try:
            return str(func(value))
        except ValidationError as exc:
            fields.setdefault(name, []).extend(exc.messages)
            return ""

    if role not in Role.ALL:
        raise InvalidInput(_("Peran pihak klaim tidak dikenal."), code="unknown_party_role",
                           fields={"role": [_("Peran harus participant, heir atau employer_officer.")]})
    nik_value = kpj_value = npp_value = ""
    if role in (Role.PARTICIPANT, Role.HEIR) or nik:
        nik_value = check("nik", lambda v: parse_nik(v, today=today).nik, nik)
    if role == Role.PARTICIPANT or kpj:
        kpj_value = check("kpj", validate_kpj, kpj)
    if role == Role.EMPLOYER_OFFICER:
        npp_value = "".join(str(npp or "").split()).upper()
        if not (npp_value.isascii() and npp_value.isalnum() and 4 <= len(npp_value) <= 16):
            fields.setdefault("npp", []).append(_("NPP perusahaan harus 4–16 huruf atau angka."))
    name = check("full_name", full_name_clean, full_name)
    email_value = check("email", normalize_email, email) if ("email" in require or str(email or "").strip()) else ""
    phone_value = check("phone", normalize_phone, phone) if ("phone" in require or str(phone or "").strip()) else ""
    if not str(email or "").strip() and not str(phone or "").strip() and "email" not in fields \
            and "phone" not in fields:
        fields.setdefault("email", []).append(_("Isi alamat e-mail atau nomor HP agar kami bisa mengabari Anda."))
    lang = str(language or "id").strip().lower()
    if lang not in LANGUAGES:
        fields.setdefault("language", []).append(_("Bahasa harus id atau en."))
    chosen: list[str] = []
    try:
        chosen = channels_clean(["email"] if channels is None else channels)
    except ValidationError as exc:
        fields.setdefault("channels", []).extend(exc.messages)
    if chosen and "channels" not in fields:
        if not str(email or "").strip() and "email" in chosen and "email" not in fields:
            fields.setdefault("channels", []).append(_("Kanal e-mail dipilih tetapi alamat e-mail kosong."))
        elif not str(phone or "").strip() and PHONE_CHANNELS & set(chosen) and "phone" not in fields:
            fields.setdefault("channels", []).append(_("Kanal WhatsApp, SMS atau telepon dipilih tetapi nomor HP "
                                                       "kosong."))
    if fields:
        raise InvalidInput(fields=fields)
    return Applicant(full_name=name, email=email_value, phone=phone_value, language=lang, channels=tuple(chosen),
                     role=role, nik=nik_value, kpj=kpj_value, npp=npp_value)


def party_problems(party: Applicant) -> InvalidInput | None:
    """What ``claim_open`` refuses in an ``Applicant`` built by hand: an unknown role, no contact at all,
    an unknown channel. None when it may be stored."""
    if party.role not in Role.ALL:
        return InvalidInput(_("Peran pihak klaim tidak dikenal."), code="unknown_party_role",
                            fields={"role": [_("Peran harus participant, heir atau employer_officer.")]})
    if not party.email and not party.phone:
        return InvalidInput(_("Pihak klaim tanpa alamat e-mail maupun nomor HP tidak dapat dihubungi."),
                            code="party_without_contact",
                            fields={"email": [_("Isi alamat e-mail atau nomor HP agar kami bisa mengabari Anda.")]})
    if not party.channels or any(c not in CHANNELS for c in party.channels):
        return InvalidInput(code="invalid_channel",
                            fields={"channels": [_("Kanal tidak dikenal: pilih email, whatsapp, sms atau phone.")]})
    if party.role == Role.EMPLOYER_OFFICER and not party.npp:
        return InvalidInput(code="invalid", fields={"npp": [_("NPP perusahaan harus 4–16 huruf atau angka.")]})
    if party.role in (Role.PARTICIPANT, Role.HEIR) and not party.nik:
        return InvalidInput(code="invalid", fields={"nik": [_("NIK wajib diisi: 16 angka seperti tertulis di KTP.")]})
    return None


__all__ = ["APPLICANT_FIELDS", "CHANNELS", "LANGUAGES", "Applicant", "Insured", "Role", "applicant_validate", "channels_clean",
           "full_name_clean", "party_problems"]
