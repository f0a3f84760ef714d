"""The API's input shape of an applicant, defined once: the booking and waitlist requests today, the
employer's report and the dropbox form later. Only bounds here (so a hostile body is refused early);
the rules are ``claims.parties.applicant_validate``."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

from .parties import APPLICANT_FIELDS


class ApplicantIn(Schema):
    nik: str = Field(..., max_length=32)
    kpj: str = Field(..., max_length=32)
    full_name: str = Field(..., max_length=200)
    email: str = Field(..., max_length=320)
    phone: str = Field(..., max_length=32)
    language: str = Field("id", max_length=5)
    channels: list[str] = Field(default_factory=lambda: ["email"], max_length=5)

    def applicant_fields(self) -> dict[str, Any]:
        """The keywords ``applicant_validate`` (and the booking services) take."""
        return {name: getattr(self, name) for name in APPLICANT_FIELDS}
