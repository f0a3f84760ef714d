"""The two signed tokens of the waiting room (``django.core.signing``: HMAC-SHA256 with SECRET_KEY and a
salt per kind, so verifying one costs no database or cache read):

- the **place token** — the bearer of a place: ``{o: opening id, p: place id}``; it never expires (a place
  lives as long as its opening) and says nothing about the person;
- the **admission token** — ``{o, p, n: the NIK's keyed digest (truncated), e: expiry (Unix time), j: a
  random id}``; bound to the NIK (a booking for another NIK is refused), short-lived (``e``), and single
  use through the place row (``OpeningPlace.used_at``, set in the booking's own transaction)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core import signing

PLACE_SALT = "lapakasik.booking.waitroom.place"
ADMISSION_SALT = "lapakasik.booking.waitroom.admission"
NIK_DIGEST_CHARS = 24
MAX_TOKEN_CHARS = 400  # longer input is not a token (checked before any work)


@dataclass(frozen=True)
class PlaceRef:
    opening_id: int
    place_id: int


@dataclass(frozen=True)
class Admission:
    opening_id: int
    place_id: int
    nik_digest: str  # truncated
    expires_at: datetime


def place_token(opening_id: int, place_id: int) -> str:
    return signing.dumps({"o": opening_id, "p": place_id}, salt=PLACE_SALT)


def _load(token: str, salt: str) -> dict[str, Any] | None:
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
        return None
    try:
        data = signing.loads(token, salt=salt)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def place_ref(token: str) -> PlaceRef | None:
    data = _load(token, PLACE_SALT)
    if data is None or not isinstance(data.get("o"), int) or not isinstance(data.get("p"), int):
        return None
    return PlaceRef(opening_id=data["o"], place_id=data["p"])


def admission_token(*, opening_id: int, place_id: int, nik_digest: str, expires_at: datetime) -> str:
    return signing.dumps({"o": opening_id, "p": place_id, "n": nik_digest[:NIK_DIGEST_CHARS],
                          "e": int(expires_at.timestamp()), "j": secrets.token_urlsafe(6)}, salt=ADMISSION_SALT)


def admission(token: str) -> Admission | None:
    """The admission the token states when its signature holds (expiry and binding are checked by the
    caller, who knows the time and the NIK); None for anything forged or malformed."""
    data = _load(token, ADMISSION_SALT)
    if data is None:
        return None
    o, p, n, e = data.get("o"), data.get("p"), data.get("n"), data.get("e")
    if not (isinstance(o, int) and isinstance(p, int) and isinstance(n, str) and isinstance(e, int)):
        return None
    return Admission(opening_id=o, place_id=p, nik_digest=n, expires_at=datetime.fromtimestamp(e, tz=UTC))
