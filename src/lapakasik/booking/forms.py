"""Forms of the participant pages. Every message is Indonesian (source) and says what to do next.
Validation reuses ``core.validators`` so the pages and the API normalise identically; the booking
service validates again (it is the authority) and its per-field errors are put back on these forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lapakasik.claims.models import ClaimType
from lapakasik.claims.parties import full_name_clean
from lapakasik.claims.reasons import REASONS
from lapakasik.core import validators
from lapakasik.core.codes import CROCKFORD, normalize_code

from .services import bookable_claim_types


def bookable_types() -> list[tuple[str, Any]]:
    """Claim types the queue accepts now (``BOOKING_CLAIM_TYPES``; by default all four, JHT first)."""
    labels = dict(ClaimType.choices)
    return [(t, f"{labels.get(t, t)} ({t})") for t in bookable_claim_types() if t in labels]


CHANNEL_CHOICES = [
    ("email", _("E-mail")),
    ("whatsapp", _("WhatsApp")),
    ("sms", _("SMS")),
    ("phone", _("Telepon dari petugas (bila Anda sulit membaca pesan)")),
]
OTP_CHANNEL_CHOICES = [
    ("email", _("E-mail yang terdaftar pada booking")),
    ("sms", _("SMS ke nomor HP yang terdaftar")),
    ("whatsapp", _("WhatsApp ke nomor HP yang terdaftar")),
]
LANGUAGE_CHOICES = [("id", "Bahasa Indonesia"), ("en", "English")]


def reason_choices(claim_type: str = "JHT") -> list[tuple[str, Any]]:
    return [(code, label) for code, label in REASONS.get(claim_type, {}).items()]


def bookable_reasons() -> list[tuple[Any, Any]]:
    """The reasons of every bookable claim type, grouped by type (an ``<optgroup>`` each, in that type's
    words). A code several types share (``DEATH``, ``DISABILITY``) appears in each group with the same
    value; the claim type chosen says which is meant, and ``clean`` checks the pair."""
    choices: list[tuple[Any, Any]] = [("", _("— pilih alasan —"))]
    for claim_type, label in bookable_types():
        choices.append((label, reason_choices(claim_type)))
    return choices


BENEFIT_FORM_CHOICES = [
    ("", _("Menurut masa iuran (disarankan)")),
    ("monthly", _("Pensiun bulanan (perlu minimal 180 bulan iuran)")),
    ("lump_sum", _("Manfaat sekaligus")),
]


class _Base(forms.Form):
    """Adds aria attributes so a screen reader announces the error with its field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"err-{name}"


class IdentityForm(_Base):
    """Identity and contact (step 5). Field names match the API (``POST /api/v1/bookings``)."""

    nik = forms.CharField(
        label=_("NIK (16 angka di KTP)"), max_length=40, strip=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("NIK wajib diisi: 16 angka seperti tertulis di KTP.")},
    )
    kpj = forms.CharField(
        label=_("Nomor KPJ (11 angka di kartu peserta)"), max_length=40, strip=True, required=False,
        help_text=_("Ahli waris yang bukan peserta boleh mengosongkannya."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Nomor KPJ wajib diisi: 11 angka di kartu peserta.")},
    )
    full_name = forms.CharField(
        label=_("Nama lengkap (sesuai KTP)"), max_length=150, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Nama lengkap wajib diisi, sesuai KTP."),
                        "max_length": _("Nama terlalu panjang (paling banyak 150 huruf).")},
    )
    email = forms.CharField(
        label=_("E-mail"), max_length=300, strip=True,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={"required": _("Alamat e-mail wajib diisi, misalnya nama@contoh.id.")},
    )
    phone = forms.CharField(
        label=_("Nomor HP"), max_length=40, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
        error_messages={"required": _("Nomor HP wajib diisi, misalnya 0812 3456 7890.")},
    )
    claim_type = forms.ChoiceField(
        label=_("Jenis klaim"), choices=bookable_types, initial="JHT",
        error_messages={"required": _("Pilih jenis klaim."),
                        "invalid_choice": _("Jenis klaim tidak dikenal. Pilih dari daftar.")},
    )
    claim_reason = forms.ChoiceField(
        label=_("Alasan klaim"), choices=bookable_reasons,
        error_messages={"required": _("Pilih alasan klaim."),
                        "invalid_choice": _("Alasan klaim tidak dikenal. Pilih dari daftar.")},
    )
    benefit_form = forms.ChoiceField(
        label=_("Bentuk manfaat Jaminan Pensiun (hanya JP hari tua)"), choices=BENEFIT_FORM_CHOICES, required=False,
        error_messages={"invalid_choice": _("Bentuk manfaat tidak dikenal. Pilih dari daftar.")},
    )
    insured_nik = forms.CharField(
        label=_("NIK peserta yang meninggal"), max_length=40, strip=True, required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )
    insured_kpj = forms.CharField(
        label=_("Nomor KPJ peserta yang meninggal"), max_length=40, strip=True, required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )
    channels = forms.MultipleChoiceField(
        label=_("Kabari saya lewat"), choices=CHANNEL_CHOICES, widget=forms.CheckboxSelectMultiple,
        initial=["email", "whatsapp"],
        error_messages={"required": _("Pilih paling sedikit satu cara untuk mengabari Anda."),
                        "invalid_choice": _("Pilihan kanal tidak dikenal.")},
    )
    language = forms.ChoiceField(
        label=_("Bahasa pesan"), choices=LANGUAGE_CHOICES, initial="id", required=False,
        error_messages={"invalid_choice": _("Bahasa tidak dikenal.")},
    )

    def _validated(self, name: str, func: Any) -> Any:
        try:
            return func(self.cleaned_data.get(name, ""))
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code=getattr(exc, "code", None) or "invalid") from None

    def clean_nik(self) -> str:
        return str(self._validated("nik", validators.validate_nik))

    def clean_kpj(self) -> str:
        if not self.cleaned_data.get("kpj"):
            return ""  # required unless the insured worker is named (``clean``)
        return str(self._validated("kpj", validators.validate_kpj))

    def clean_insured_nik(self) -> str:
        if not self.cleaned_data.get("insured_nik"):
            return ""
        return str(self._validated("insured_nik", validators.validate_nik))

    def clean_insured_kpj(self) -> str:
        if not self.cleaned_data.get("insured_kpj"):
            return ""
        return str(self._validated("insured_kpj", validators.validate_kpj))

    def clean_full_name(self) -> str:
        return str(self._validated("full_name", full_name_clean))  # the service's own rule

    def clean_email(self) -> str:
        return str(self._validated("email", validators.normalize_email))

    def clean_phone(self) -> str:
        return str(self._validated("phone", validators.normalize_phone))

    def clean_language(self) -> str:
        return self.cleaned_data.get("language") or "id"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        claim_type, reason = data.get("claim_type"), data.get("claim_reason")
        if claim_type and reason and reason not in REASONS.get(claim_type, {}):
            self.add_error("claim_reason", ValidationError(_("Alasan ini tidak berlaku untuk jenis klaim tersebut."),
                                                           code="reason_mismatch"))
        # The insured worker (an heir applies): both or neither; checked in full by the service.
        insured = {name: str(self.data.get(name) or "").strip() for name in ("insured_nik", "insured_kpj")}
        for name, other in (("insured_nik", "insured_kpj"), ("insured_kpj", "insured_nik")):
            if insured[other] and not insured[name] and name not in self.errors:
                self.add_error(name, ValidationError(
                    _("Isi juga NIK peserta yang meninggal (16 angka), atau kosongkan kedua data peserta bila Anda "
                      "sendiri pesertanya.") if name == "insured_nik" else
                    _("Isi juga nomor KPJ peserta yang meninggal (11 angka), atau kosongkan kedua data peserta bila "
                      "Anda sendiri pesertanya."), code="insured_half"))
        if not any(insured.values()) and not str(self.data.get("kpj") or "").strip() and "kpj" not in self.errors:
            self.add_error("kpj", ValidationError(_("Nomor KPJ wajib diisi: 11 angka di kartu peserta."),
                                                  code="required"))
        return data


class ReviewForm(_Base):
    """The last step: the participant confirms; ``draft`` makes a double submit harmless."""

    draft = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm = forms.BooleanField(
        label=_("Saya menyatakan data di atas benar dan milik saya sendiri."),
        error_messages={"required": _("Centang pernyataan bahwa data Anda benar, lalu tekan Kirim.")},
    )

    def __init__(self, *args: Any, insured_nik_masked: str = "", **kwargs: Any) -> None:
        """``insured_nik_masked``: an heir applies for the deceased insured worker (their NIK masked); the
        statement is then the heir's own, about the data of both, not the insured worker's."""
        super().__init__(*args, **kwargs)
        if insured_nik_masked:
            field = self.fields["confirm"]
            field.label = _(
                "Saya menyatakan data di atas benar: data diri di atas milik saya sendiri, dan saya mengajukan "
                "klaim ini sebagai ahli waris atas nama peserta yang meninggal dunia (NIK %(nik)s).") % {
                "nik": insured_nik_masked}
            field.error_messages["required"] = _(
                "Centang pernyataan bahwa data Anda benar dan Anda mengajukan sebagai ahli waris, lalu tekan Kirim.")


def _booking_code(value: str) -> str:
    code = normalize_code(value)
    if not code:
        raise ValidationError(_("Kode booking wajib diisi: 8 huruf/angka dari tiket atau pesan kami."),
                              code="required")
    if len(code) != 8 or any(ch not in CROCKFORD for ch in code):
        raise ValidationError(_("Kode booking terdiri dari 8 huruf/angka, misalnya 7KQ2M9XD. Periksa lagi."),
                              code="code_format")
    return code


class LookupForm(_Base):
    """"Booking saya": the booking code and where to send the one-time code."""

    code = forms.CharField(
        label=_("Kode booking"), max_length=20, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"required": _("Kode booking wajib diisi: 8 huruf/angka dari tiket atau pesan kami.")},
    )
    channel = forms.ChoiceField(
        label=_("Kirim kode sekali pakai lewat"), choices=OTP_CHANNEL_CHOICES, initial="email",
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih ke mana kode dikirim."),
                        "invalid_choice": _("Pilihan tidak dikenal. Pilih e-mail, SMS atau WhatsApp.")},
    )

    def clean_code(self) -> str:
        return _booking_code(self.cleaned_data.get("code", ""))


class OtpForm(_Base):
    otp = forms.CharField(
        label=_("Kode sekali pakai (6 angka)"), max_length=20, strip=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}),
        error_messages={"required": _("Masukkan 6 angka yang kami kirim.")},
    )

    def clean_otp(self) -> str:
        otp = "".join(self.cleaned_data.get("otp", "").split())
        if len(otp) != 6 or not otp.isascii() or not otp.isdigit():
            raise ValidationError(_("Kode sekali pakai terdiri dari 6 angka."), code="otp_format")
        return otp


class CancelForm(_Base):
    confirm = forms.BooleanField(
        label=_("Ya, batalkan booking ini. Kuota saya dilepas untuk peserta lain."),
        error_messages={"required": _("Centang konfirmasi bila Anda yakin ingin membatalkan.")},
    )
