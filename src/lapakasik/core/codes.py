"""Unguessable codes in Crockford base32 (no I, L, O, U: nothing to misread on a phone screen)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {c: c for c in CROCKFORD} | {"O": "0", "I": "1", "L": "1"}


def new_code(length: int = 8) -> str:
    """``length`` random Crockford characters (5 bits each) from ``secrets``."""
    return "".join(secrets.choice(CROCKFORD) for _ in range(length))


def normalize_code(value: str) -> str:
    """Upper-case, drop spaces/dashes, map O→0 and I/L→1 as Crockford says. Unknown characters stay
    (and then simply do not match)."""
    cleaned = "".join(ch for ch in str(value or "").upper() if ch not in " -")
    return "".join(_DECODE.get(ch, ch) for ch in cleaned)


def new_token(nbytes: int = 24) -> str:
    """An access token (URL-safe, ≥ 192 bits)."""
    return secrets.token_urlsafe(nbytes)


def token_digest(token: str) -> str:
    """What is stored for a token: a keyed hash, so a database leak does not leak live tokens."""
    return hmac.new(settings.SECRET_KEY.encode(), token.encode(), hashlib.sha256).hexdigest()


def new_otp() -> str:
    """A one-time code: 6 random digits."""
    return f"{secrets.randbelow(10**6):06d}"
