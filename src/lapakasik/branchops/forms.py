"""The operators' change forms: the channel policy (mode, from when — now, or a time in the scope's own zone
— and why), the quota opening's settings and a branch's seats per session. Each asks why. What a form cannot
know (a start already past by the time it is applied, an overlap, the same change twice, an opening in
progress) the service refuses."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from lapakasik.booking.waitroom.config import BOUNDS
from lapakasik.branches import policy
from lapakasik.branches.models import ChannelPolicy
from lapakasik.branches.services import QUOTA_MAX

WHEN_NOW, WHEN_LATER = "now", "later"


def _reason_field() -> forms.CharField:
    return forms.CharField(label=_("Alasan"), min_length=policy.REASON_MIN, max_length=policy.REASON_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    """Why a change is made: one line of text, no control characters, at least ``REASON_MIN`` characters."""

    reason = _reason_field()

    def clean_reason(self) -> str:
        reason = " ".join(str(self.cleaned_data.get("reason") or "").split())
        if any(ord(ch) < 32 for ch in reason):
            raise forms.ValidationError(_("Alasan berisi karakter yang tidak diizinkan."))
        if len(reason) < policy.REASON_MIN:
            raise forms.ValidationError(_("Tulis alasan perubahan (paling sedikit %(n)d karakter).") % {
                "n": policy.REASON_MIN})
        return reason


class ChangeForm(ReasonForm):
    mode = forms.ChoiceField(label=_("Mode baru"), choices=ChannelPolicy.Mode.choices, widget=forms.RadioSelect)
    when = forms.ChoiceField(label=_("Mulai berlaku"), initial=WHEN_NOW, widget=forms.RadioSelect,
                             choices=[(WHEN_NOW, _("Sekarang")), (WHEN_LATER, _("Pada waktu berikut"))])
    valid_from = forms.DateTimeField(label=_("Waktu mulai (waktu setempat)"), required=False,
                                     input_formats=["%Y-%m-%dT%H:%M"],
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    def __init__(self, *args: Any, time_zone: str = "Asia/Jakarta", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("when") == WHEN_LATER:
            moment = data.get("valid_from")
            if moment is None:
                if "valid_from" not in self.errors:
                    self.add_error("valid_from", _("Isi waktu mulai, atau pilih \"Sekarang\"."))
            else:
                data["start"] = moment.replace(tzinfo=None).replace(tzinfo=ZoneInfo(self.time_zone))
        else:
            data["start"] = None
        return data

    def start(self) -> datetime | None:
        return self.cleaned_data.get("start")  # type: ignore[no-any-return]


def _number(label: Any, name: str, help_text: Any = "") -> forms.IntegerField:
    low, high = BOUNDS[name]
    return forms.IntegerField(label=label, min_value=low, max_value=high, help_text=help_text)


class OpeningSettingsForm(ReasonForm):
    """The quota opening's editable settings (``booking.waitroom.config.Editable``), all of them each time."""

    enabled = forms.TypedChoiceField(label=_("Ruang tunggu"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
                                     choices=[("1", _("aktif")), ("0", _("nonaktif (siapa cepat dia dapat)"))])
    before_minutes = _number(_("Jendela pra-antrean: menit sebelum jam buka"), "before_minutes")
    after_minutes = _number(_("Jendela pra-antrean: menit sesudah jam buka"), "after_minutes")
    period_minutes = _number(_("Masa pembukaan: menit sesudah jam buka"), "period_minutes",
                             _("Selama masa ini booking memerlukan giliran, kecuali kuota hari itu sudah habis."))
    admit_per_second = _number(_("Laju giliran (orang per detik)"), "admit_per_second",
                               _("Sebaiknya mendekati laju kursi terjual; laju otomatis dapat menurunkannya."))
    admission_minutes = _number(_("Masa berlaku giliran (menit)"), "admission_minutes")
    target_booking_ms = _number(_("Target latensi booking p90 (ms)"), "target_booking_ms",
                                _("0 = laju tetap; di atas target laju giliran diturunkan otomatis."))
    field_order = ["enabled", "before_minutes", "after_minutes", "period_minutes", "admit_per_second",
                   "admission_minutes", "target_booking_ms", "reason"]

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}


class QuotaForm(ReasonForm):
    """A branch's seats per session; empty: the session templates' own."""

    capacity = forms.IntegerField(label=_("Kursi per sesi"), required=False, min_value=1, max_value=QUOTA_MAX,
                                  help_text=_("Kosongkan untuk memakai kuota templat sesi."))
    field_order = ["capacity", "reason"]
