"""The screening form: the temperature (required, read by ``policy.temperature_parse``), the booking code or
the name (both optional) and the form's id (one form, one record)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import policy


class ScreeningForm(forms.Form):
    temperature = forms.CharField(
        label=_("Suhu (°C)"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "autofocus": True,
                                      "placeholder": "36,5", "enterkeyhint": "done"}))
    booking_code = forms.CharField(
        label=_("Kode booking (jika ada)"), required=False, max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}))
    visitor_name = forms.CharField(label=_("Nama (jika tidak ada kode booking, boleh dikosongkan)"), required=False,
                                   max_length=policy.NAME_MAX * 2,
                                   widget=forms.TextInput(attrs={"autocomplete": "off"}))
    form_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def clean_temperature(self) -> Decimal:
        try:
            return policy.temperature_parse(self.cleaned_data.get("temperature"))
        except policy.TemperatureError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None

    def clean_visitor_name(self) -> str:
        try:
            return policy.visitor_name_clean(self.cleaned_data.get("visitor_name"))
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="too_long") from None

    def error_fields(self) -> list[tuple[str, Any]]:
        return [(name, self.errors[name]) for name in self.fields if name in self.errors]
