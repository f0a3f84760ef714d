"""The second step's one field (the password step is Django's ``AuthenticationForm``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Kode"), max_length=64, strip=True, error_messages={
        "required": _("Masukkan kode 6 angka dari aplikasi autentikator, atau kode cadangan."),
        "max_length": _("Kode terlalu panjang."),
    })
