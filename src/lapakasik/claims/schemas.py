"""The API's input shape of an applicant, defined once: the booking and waitlist requests today, the
employer's report and the dropbox form later. Every field carries its format (``core.validators``: the
pattern in the OpenAPI document is the one the API enforces); the rules beyond the format (the registry,
eligibility) are ``claims.parties.applicant_validate`` and the services."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from lapakasik.core.validators import Email, FullName, Kpj, MobilePhone, Nik

from .parties import APPLICANT_FIELDS

Language = Literal["id", "en"]
Channel = Literal["email", "whatsapp", "sms", "phone"]


def _email_only() -> list[Channel]:
    return ["email"]


class ApplicantIn(Schema):
    # Unknown properties are refused (422), so what the document lists is all a request can carry.
    model_config = ConfigDict(extra="forbid")

    nik: Nik
    kpj: Kpj
    full_name: FullName
    email: Email
    phone: MobilePhone
    language: Language = "id"
    channels: list[Channel] = Field(default_factory=_email_only, min_length=1, max_length=4)

    def applicant_fields(self) -> dict[str, Any]:
        """The keywords ``applicant_validate`` (and the booking services) take."""
        return {name: getattr(self, name) for name in APPLICANT_FIELDS}
