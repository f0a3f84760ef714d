"""Header blocks of inbound mail: reading a raw message's top-level headers, and what the gateway and
the parser take from them (subject, From address, Message-ID, auto-reply markers, Authentication-Results).

Only header blocks are parsed with the standard library (``email.parser.BytesHeaderParser``, policy
``default``: RFC 2231 and encoded-word values). Nothing here raises on a broken header: it is left out.
"""

from __future__ import annotations

import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from typing import Any

MAX_LINE = 64 * 1024  # longer lines are read in pieces
MAX_HEADER_BYTES = 256 * 1024
MAX_AUTH_RESULTS = 10


def parse_headers(data: bytes) -> EmailMessage:
    """A header block (bytes up to, not including, the blank line) as an ``EmailMessage``."""
    msg = BytesHeaderParser(policy=policy.default).parsebytes(data + b"\r\n")
    assert isinstance(msg, EmailMessage)
    return msg


def read_headers(path: str) -> EmailMessage:
    """The top-level headers of a raw message file (at most MAX_HEADER_BYTES are read)."""
    chunks: list[bytes] = []
    total = 0
    with open(path, "rb") as fh:
        while total < MAX_HEADER_BYTES:
            line = fh.readline(MAX_LINE)
            if not line or line in (b"\r\n", b"\n"):
                break
            chunks.append(line)
            total += len(line)
    return parse_headers(b"".join(chunks))


def normalize_message_id(value: Any) -> str:
    text = str(value or "").strip()
    m = re.search(r"<([^<>\s]{1,250})>", text)
    if m:
        return m.group(1)
    return text.split()[0][:250] if text.split() else ""


def header_summary(headers: EmailMessage) -> tuple[str, str, str]:
    """(subject, From address, Message-ID) of parsed headers; never raises."""
    subject = header_from = message_id = ""
    try:
        subject = " ".join(str(headers.get("Subject", "") or "").split())
    except Exception:  # noqa: S110 - a broken header is just left out
        pass
    try:
        value = headers.get("From")
        addresses = getattr(value, "addresses", ()) if value is not None else ()
        if addresses:
            header_from = str(addresses[0].addr_spec)
        elif value:
            header_from = str(value).strip()
    except Exception:  # noqa: S110
        pass
    try:
        message_id = normalize_message_id(headers.get("Message-ID", ""))
    except Exception:  # noqa: S110
        pass
    return subject[:255], header_from[:254], message_id


def is_auto_submitted(headers: EmailMessage) -> bool:
    """RFC 3834 ``Auto-Submitted`` other than ``no``, ``Precedence: bulk/junk/list``, or the
    X-Autoreply/X-Autorespond headers of common vacation responders."""
    try:
        auto = str(headers.get("Auto-Submitted", "") or "").strip().lower()
        precedence = str(headers.get("Precedence", "") or "").strip().lower()
        return (bool(auto) and not auto.startswith("no")) or precedence in {"bulk", "junk", "list", "auto_reply"} or \
            any(headers.get(h) for h in ("X-Autoreply", "X-Autorespond", "X-Auto-Response"))
    except Exception:
        return False


def authentication_results(headers: EmailMessage) -> list[str]:
    """The RFC 8601 ``Authentication-Results`` headers as found (whitespace folded, at most 10).
    Raises when they cannot be read — the caller records that as a defect."""
    return [" ".join(str(v).split()) for v in (headers.get_all("Authentication-Results") or [])][:MAX_AUTH_RESULTS]
