"""Password rules of our own (Django's standard validators do the rest)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .seed import DEMO_PASSWORD


class NotTheDemoPasswordValidator:
    """The demo password is published in the README: no real account may ever have it."""

    def validate(self, password: str, user: Any = None) -> None:
        if password == DEMO_PASSWORD:
            raise ValidationError(
                _("Kata sandi ini adalah kata sandi demo yang diumumkan; pilih kata sandi lain."),
                code="demo_password")

    def get_help_text(self) -> str:
        return _("Kata sandi tidak boleh sama dengan kata sandi demo.")
