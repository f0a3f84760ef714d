"""The change form of the channel-policy pages: mode, from when (now, or a time in the scope's own zone)
and why. What the form cannot know (a start already past by the time it is applied, an overlap, the same
change twice) the service refuses."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from lapakasik.branches import policy
from lapakasik.branches.models import ChannelPolicy

WHEN_NOW, WHEN_LATER = "now", "later"


class ChangeForm(forms.Form):
    mode = forms.ChoiceField(label=_("Mode baru"), choices=ChannelPolicy.Mode.choices, widget=forms.RadioSelect)
    when = forms.ChoiceField(label=_("Mulai berlaku"), initial=WHEN_NOW, widget=forms.RadioSelect,
                             choices=[(WHEN_NOW, _("Sekarang")), (WHEN_LATER, _("Pada waktu berikut"))])
    valid_from = forms.DateTimeField(label=_("Waktu mulai (waktu setempat)"), required=False,
                                     input_formats=["%Y-%m-%dT%H:%M"],
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    reason = forms.CharField(label=_("Alasan"), min_length=policy.REASON_MIN, max_length=policy.REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, time_zone: str = "Asia/Jakarta", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone

    def clean_reason(self) -> str:
        reason = " ".join(str(self.cleaned_data.get("reason") or "").split())
        if any(ord(ch) < 32 for ch in reason):
            raise forms.ValidationError(_("Alasan berisi karakter yang tidak diizinkan."))
        if len(reason) < policy.REASON_MIN:
            raise forms.ValidationError(_("Tulis alasan perubahan (paling sedikit %(n)d karakter).") % {
                "n": policy.REASON_MIN})
        return reason

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
