"""The officer's second factor as values: TOTP secrets (django-otp's ``TOTPDevice.key``, hex), the codes
they give, the ``otpauth://`` QR code an authenticator app scans, and the shape of what an officer types
(a 6-digit code or a recovery code). No database here; ``services`` and ``selectors`` use these."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import time

from django_otp.oath import TOTP

from lapakasik.core.codes import CROCKFORD, new_code, normalize_code
from lapakasik.core.paper import qr_png

RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 10  # Crockford base32: 50 bits each, shown as XXXXX-XXXXX
_TOTP_CODE = re.compile(r"[0-9]{6}", re.ASCII)  # ASCII only: int() would also read other scripts' digits
_DEMO_LABEL = b"lapakasik-demo-totp:"


def demo_key(username: str) -> str:
    """The demo officer's TOTP secret (20 bytes, hex as ``TOTPDevice.key`` stores it): derived from the user
    name, so every demo install has the same one and it can be published. A production start refuses while
    any device holds one (``lapakasik.E006``)."""
    return hashlib.sha256(_DEMO_LABEL + username.encode()).hexdigest()[:40]


def base32_secret(key_hex: str) -> str:
    """The secret as authenticator apps and ``oathtool -b`` take it (RFC 4648 base32, no padding)."""
    return base64.b32encode(binascii.unhexlify(key_hex)).decode("ascii").rstrip("=")


def grouped(text: str, size: int = 4) -> str:
    """``ABCDEFGH`` → ``ABCD EFGH``: easier to type by hand."""
    return " ".join(text[i:i + size] for i in range(0, len(text), size))


def code_at(key_hex: str, at: float | None = None, *, step: int = 30, digits: int = 6) -> str:
    """The code an authenticator app shows for this secret at ``at`` (default: now)."""
    totp = TOTP(binascii.unhexlify(key_hex), step=step, digits=digits)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{digits}d}"


def qr_data_uri(text: str) -> str:
    """A standard QR code of ``text`` as an inline PNG (``data:`` URI: no request leaves the page and the
    secret never reaches a QR service)."""
    return "data:image/png;base64," + base64.b64encode(qr_png(text, scale=5).getvalue()).decode("ascii")


def token_kind(raw: str) -> tuple[str, str]:
    """What an officer typed: ``("totp", "123456")``, ``("recovery", "ABCDE12345")`` or ``("invalid", "")``.
    Spaces are ignored (other whitespace is not: nobody types a line break into a code); recovery codes are read as Crockford base32 (dashes, case, O/0 and I/L/1)."""
    compact = str(raw or "").replace(" ", "")
    if _TOTP_CODE.fullmatch(compact):
        return "totp", compact
    code = normalize_code(compact)
    if len(code) == RECOVERY_CODE_LENGTH and all(ch in CROCKFORD for ch in code):
        return "recovery", code
    return "invalid", ""


def new_recovery_codes() -> list[str]:
    return [new_code(RECOVERY_CODE_LENGTH) for _ in range(RECOVERY_CODE_COUNT)]


def recovery_code_display(code: str) -> str:
    half = RECOVERY_CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"
