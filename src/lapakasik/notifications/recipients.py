"""Whom a notification goes to. Callers pass a ``Recipient`` (the claims app builds it from the claim's
applicant party): this app never reads a claim's identity. Each row stores it (``Notification.contact``)
so a later fallback to another channel knows the other addresses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .models import Channel

PHONE_CHANNELS = frozenset({Channel.WHATSAPP, Channel.SMS, Channel.PHONE})


@dataclass(frozen=True)
class Recipient:
    name: str = ""
    email: str = ""
    phone: str = ""
    language: str = "id"
    channels: tuple[str, ...] = ()

    def address(self, channel: str) -> str:
        return (self.email if channel == Channel.EMAIL else self.phone) or ""

    def reachable(self) -> set[str]:
        out: set[str] = {Channel.EMAIL} if self.email else set()
        return out | (set(PHONE_CHANNELS) if self.phone else set())

    def preferred(self) -> list[str]:
        """The stored preferences; a value we do not know is skipped, never fatal to the caller."""
        return [c for c in self.channels if c in Channel.values]

    def as_contact(self) -> dict[str, Any]:
        return {"name": self.name, "email": self.email, "phone": self.phone, "channels": list(self.channels)}

    @classmethod
    def from_contact(cls, contact: dict[str, Any] | None, language: str = "id") -> Recipient:
        data = contact or {}
        return cls(name=str(data.get("name") or ""), email=str(data.get("email") or ""),
                   phone=str(data.get("phone") or ""), language=language,
                   channels=tuple(str(c) for c in data.get("channels") or ()))
