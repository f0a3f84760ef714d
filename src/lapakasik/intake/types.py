"""The values intake hands to its callers: the links a participant sends documents through and the
outcome of one incoming file. No database, no Django settings: every intake module and every channel
(web, API, e-mail, later the dropbox) imports them from here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class IntakeLinks:
    """Where the participant sends documents: a personal e-mail address and an upload link."""

    email_address: str
    upload_url: str


@dataclass
class ReceiveResult:
    """What happened to one incoming file.

    ``outcome``: ``received`` (stored, waits for an officer), ``held`` (stored, held for officer review,
    e.g. mail from an unknown sender), ``duplicate`` (the same file was already stored for this claim;
    ``document`` is that earlier one), ``refused`` (not stored; ``reason_code`` + ``message`` say why and
    what to do).
    """

    outcome: str
    filename: str
    document: Any = None  # intake.models.Document | None
    requirement_code: str | None = None
    reason_code: str = ""
    message: str = ""  # Indonesian (source) — str() of a lazy translation in the active language
    message_en: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.outcome in {"received", "held", "duplicate"}


@dataclass(frozen=True)
class HoldLimits:
    """The budget of HELD files (from unverified senders) per claim at a time. HELD files never count
    against the participant's own limits; past this budget further ones are refused and not stored.
    The mail gateway passes its configured values (``MAILGATEWAY_UNVERIFIED_MAX_*``)."""

    max_files: int = 10
    max_bytes: int = 30 * 1024 * 1024
