"""PII masking for logs and officer lists: NIK/KK 3174********0003, phones +62812****7890,
e-mail b***@example.id, bank accounts ******1234."""

from __future__ import annotations

import logging
import re

_DIGITS16 = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")
_PHONE = re.compile(r"(?<![\d])(\+?62|0)(8\d{2})\d{3,5}(\d{3})(?!\d)")
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")


def mask_nik(value: str | None) -> str:
    v = str(value or "")
    return v[:4] + "*" * 8 + v[-4:] if len(v) == 16 else "*" * len(v)


def mask_phone(value: str | None) -> str:
    v = str(value or "")
    return v[:6] + "*" * max(0, len(v) - 9) + v[-3:] if len(v) > 9 else "*" * len(v)


def mask_email(value: str | None) -> str:
    v = str(value or "")
    local, sep, domain = v.partition("@")
    return (local[:1] + "***" + sep + domain) if sep else "***"


def mask_account(value: str | None) -> str:
    v = str(value or "")
    return "*" * max(0, len(v) - 4) + v[-4:]


def mask_text(text: str) -> str:
    """Mask anything that looks like a NIK/KK (16 digits), an Indonesian mobile number or an e-mail."""
    text = _DIGITS16.sub(lambda m: m.group(1) + "*" * 8 + m.group(2), text)
    text = _PHONE.sub(lambda m: m.group(1) + m.group(2) + "****" + m.group(3), text)
    return _EMAIL.sub(lambda m: m.group(1) + "***@" + m.group(2), text)


class PiiLogFilter(logging.Filter):
    """Applied to every log handler: the rendered message and string arguments are masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the log line
            message = str(record.msg)
        record.msg = mask_text(message) if isinstance(message, str) else message
        record.args = ()
        if isinstance(getattr(record, "event", None), str):
            record.event = mask_text(record.event)  # type: ignore[attr-defined]
        return True
