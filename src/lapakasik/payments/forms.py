"""The participant's bank-account form and the officer's check."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .banks import CHOICES


class BankAccountForm(forms.Form):
    bank_code = forms.ChoiceField(label=_("Bank"), choices=[("", _("— pilih bank —")), *CHOICES])
    account_number = forms.CharField(label=_("Nomor rekening"), max_length=30,
                                     widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    holder_name = forms.CharField(label=_("Nama pemilik rekening (seperti di buku tabungan)"), max_length=150)


class AccountCheckForm(forms.Form):
    result = forms.ChoiceField(choices=[("matches", _("Sesuai buku tabungan")),
                                        ("differs", _("Tidak sesuai buku tabungan"))])
    note = forms.CharField(required=False, max_length=300)


class ResultUploadForm(forms.Form):
    file = forms.FileField(label=_("Berkas hasil bank (CSV)"))
