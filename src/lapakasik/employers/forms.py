"""The employer side's forms: they read the types (a date, a time, a choice); every rule is the services'
(``InvalidInput`` fields come back onto the form with ``errors_from``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lapakasik.core.errors import InvalidInput

from .models import AccidentKind

_NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}
#: Formulir 3a's outcomes (the stage II report keeps recovered / disability / death).
AKIBAT = [("recovered", _("Sembuh")), ("partial_disability", _("Cacat sebagian")),
          ("total_disability", _("Cacat total tetap")), ("death", _("Meninggal dunia"))]


class SignatureMixin(forms.Form):
    """The officer's electronic signature of the form's company section: a confirmation and the typed name."""

    konfirmasi = forms.BooleanField(label=_("Saya menyatakan isian di atas benar dan saya menandatanganinya secara "
                                            "elektronik."), required=False)
    nama_tanda_tangan = forms.CharField(label=_("Ketik nama lengkap Anda (petugas perusahaan) sebagai tanda tangan"),
                                        max_length=200, required=False,
                                        widget=forms.TextInput(attrs={"autocomplete": "name"}))

_DATE = {"type": "date"}
_LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]


class InviteForm(forms.Form):
    npp = forms.CharField(label=_("NPP perusahaan"), max_length=16, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    email = forms.CharField(label=_("Alamat e-mail HR (terdaftar di data kepesertaan)"), max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "off"}))


class AcceptForm(forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    password = forms.CharField(label=_("Kata sandi"), max_length=128, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(label=_("Ulangi kata sandi"), max_length=128, strip=False,
                                     widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class StageOneForm(forms.Form):
    """Stage I = Formulir 3's company section: the report's facts, what only the form asks, the signature."""

    branch = forms.ChoiceField(label=_("Kantor cabang yang melayani"), choices=())
    nik = forms.CharField(label=_("NIK pekerja"), max_length=32, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    kpj = forms.CharField(label=_("Nomor KPJ pekerja"), max_length=32, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    occurred_on = forms.DateField(label=_("Tanggal kejadian"), widget=forms.DateInput(attrs=_DATE),
                                  error_messages={"invalid": _("Tanggal tidak valid."),
                                                  "required": _("Isi tanggal kejadian.")})
    occurred_time = forms.TimeField(label=_("Jam kejadian (waktu setempat cabang)"),
                                    widget=forms.TimeInput(attrs={"type": "time"}),
                                    error_messages={"invalid": _("Jam tidak valid."), "required": _("Isi jam kejadian.")})
    kind = forms.ChoiceField(label=_("Jenis kejadian"), choices=AccidentKind.choices)
    place = forms.CharField(label=_("Tempat kejadian"), max_length=200)
    description = forms.CharField(label=_("Kronologi singkat"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    worker_phone = forms.CharField(label=_("Nomor HP pekerja"), max_length=32, required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "tel"}))
    worker_email = forms.CharField(label=_("E-mail pekerja"), max_length=254, required=False,
                                   widget=forms.EmailInput())
    worker_language = forms.ChoiceField(label=_("Bahasa pesan untuk pekerja"), choices=_LANGUAGES, initial="id")
    saksi_1 = forms.CharField(label=_("Nama saksi 1"), max_length=150, required=False)
    saksi_2 = forms.CharField(label=_("Nama saksi 2"), max_length=150, required=False)
    upah = forms.CharField(label=_("Upah sebulan pekerja (Rp)"), max_length=32, required=False,
                           widget=forms.TextInput(attrs=_NUMERIC))
    jabatan_petugas = forms.CharField(label=_("Jabatan Anda"), max_length=150, required=False)
    konfirmasi = SignatureMixin.base_fields["konfirmasi"]
    nama_tanda_tangan = SignatureMixin.base_fields["nama_tanda_tangan"]

    def __init__(self, *args: Any, branches: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["branch"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *branches]


class StageTwoForm(forms.Form):
    """Stage II = Formulir 3a's company section: the outcome, what only the form asks, the signature."""

    outcome = forms.ChoiceField(label=_("Akibat kecelakaan"), choices=AKIBAT, widget=forms.RadioSelect)
    outcome_on = forms.DateField(label=_("Tanggal keterangan dokter (selesai perawatan)"),
                                 widget=forms.DateInput(attrs=_DATE),
                                 error_messages={"invalid": _("Tanggal tidak valid."),
                                                 "required": _("Isi tanggal keterangan dokter.")})
    hari_tidak_bekerja = forms.CharField(label=_("Hari tidak mampu bekerja"), max_length=8, required=False,
                                         widget=forms.TextInput(attrs=_NUMERIC))
    biaya_pengobatan = forms.CharField(label=_("Biaya pengobatan dan perawatan (Rp)"), max_length=32, required=False,
                                       widget=forms.TextInput(attrs=_NUMERIC))
    biaya_pengangkutan = forms.CharField(label=_("Biaya pengangkutan (Rp, boleh kosong)"), max_length=32,
                                         required=False, widget=forms.TextInput(attrs=_NUMERIC))
    upah = forms.CharField(label=_("Upah sebulan pekerja (Rp)"), max_length=32, required=False,
                           widget=forms.TextInput(attrs=_NUMERIC))
    description = forms.CharField(label=_("Keterangan (boleh kosong)"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    jabatan_petugas = forms.CharField(label=_("Jabatan Anda"), max_length=150, required=False)
    konfirmasi = SignatureMixin.base_fields["konfirmasi"]
    nama_tanda_tangan = SignatureMixin.base_fields["nama_tanda_tangan"]


STAGE1_EXTRAS = ("saksi_1", "saksi_2", "upah", "jabatan_petugas")
STAGE2_EXTRAS = ("hari_tidak_bekerja", "biaya_pengobatan", "biaya_pengangkutan", "upah", "jabatan_petugas")


class SignInForm(forms.Form):
    email = forms.CharField(label=_("Alamat e-mail Anda (terdaftar sebagai petugas perusahaan)"), max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))


def errors_from(form: forms.Form, exc: InvalidInput) -> None:
    """Put a service's per-field messages onto the form (a field the form does not have: a form-wide error)."""
    for name, messages in (exc.fields or {}).items():
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(name if name in form.fields else None, str(message))
    if not exc.fields:
        form.add_error(None, str(exc.message))
