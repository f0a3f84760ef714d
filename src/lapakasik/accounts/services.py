"""Writes of the officer sign-in: verifying a second-factor code, enrolling an authenticator app, issuing
recovery codes. The views (``accounts.views``) decide what the officer sees and count failures for the
lock-out; these functions only touch the devices, each in one transaction with the device row locked (two
requests with the same code: one wins, the other sees ``last_t`` moved on)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .totp import new_recovery_codes, token_kind

TOTP_DEVICE_NAME = "Aplikasi autentikator"
RECOVERY_DEVICE_NAME = "Kode cadangan"


@dataclass(frozen=True)
class Verification:
    """The answer to a code: the device that accepted it (None: refused), when a throttled device takes codes
    again, what is left of the recovery codes, and the new recovery codes (enrolment only, shown once)."""

    device: Device | None = None
    throttled_until: datetime | None = None
    recovery_left: int | None = None
    recovery_codes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.device is not None


def _verify(device: Any, token: str) -> Verification:
    allowed, info = device.verify_is_allowed()
    if not allowed:  # django-otp's throttling: not even tried, so not a guess either
        return Verification(throttled_until=(info or {}).get("locked_until"))
    if device.verify_token(token):
        return Verification(device=device)
    return Verification()


def second_factor_verify(*, user: Any, token: str) -> Verification:
    """A 6-digit code against the officer's confirmed TOTP device (each code once: django-otp keeps the time
    step of the last one accepted), or a recovery code against their recovery codes (deleted when used)."""
    kind, value = token_kind(token)
    if kind == "invalid":
        return Verification()
    model: Any = TOTPDevice if kind == "totp" else StaticDevice
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update().order_by("pk"):
            result = _verify(device, value)
            if result.ok and kind == "recovery":
                return Verification(device=device, recovery_left=device.token_set.count())
            if result.ok or result.throttled_until is not None:
                return result
    return Verification()


def totp_enrolment_device(*, user: Any) -> TOTPDevice:
    """The officer's authenticator app being enrolled: a new secret on the first visit, the same one when
    the page is reloaded (an app may already have scanned it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_enrolment_confirm(*, user: Any, token: str) -> Verification:
    """The first code from the app confirms the device being enrolled; the officer then gets a fresh set of
    recovery codes. Refused when there is nothing to confirm or the officer already has a device."""
    kind, value = token_kind(token)
    with transaction.atomic():
        if kind != "totp" or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return Verification()
        device = (TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk")
                  .first())
        if device is None:
            return Verification()
        result = _verify(device, value)
        if not result.ok:
            return result
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return Verification(device=device, recovery_codes=recovery_codes_issue(user=user))


def recovery_codes_issue(*, user: Any) -> list[str]:
    """A new set of single-use recovery codes; the old set stops working. Returned once, to be shown once."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes = new_recovery_codes()
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes
