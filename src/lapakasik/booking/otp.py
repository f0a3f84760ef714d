"""One-time codes for "Booking saya" (my booking): booking code + a 6-digit code sent to the
booking's own e-mail or phone.

Rules (ARCHITECTURE §8): 6 random digits from ``secrets``; valid ≤ 10 minutes; single use; ≤ 5
wrong tries per code, then the code is dead; only a keyed hash is stored; the participant gets the
SAME answer whether or not the booking exists (and whichever contact it has).

Where the state lives: in the claim's own append-only history (``ClaimEvent`` rows written through
``claims.services.claim_event_record`` with the claim row locked). ``otp_issued`` carries the hash,
a nonce and the expiry; each wrong try is an ``otp_failed`` event; a good one ``otp_verified``. So
the state is in the database (works with several web processes, no shared cache needed), writes
are serialised by the claim lock (no lost try counts under concurrency), and officers see in the
history who tried to open a booking (useful against brokers).

Rate limits (answers that differ must not depend on whether the booking exists):
- per booking: at most ``OTP_MAX_PER_WINDOW`` codes per ``OTP_WINDOW_MINUTES`` — silently not sent
  beyond that (the page answers the same);
- per client IP and per session: a visible 429 for known and unknown codes alike (Django's cache;
  per process with the default local-memory cache, shared when ``CACHE_BACKEND`` is Redis).
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from lapakasik.claims.models import Claim, ClaimEvent
from lapakasik.claims.services import Actor, applicant_recipient, claim_event_record, claim_lock
from lapakasik.core import clock
from lapakasik.core.codes import new_otp, normalize_code, token_digest

EV_ISSUED = "otp_issued"
EV_FAILED = "otp_failed"
EV_VERIFIED = "otp_verified"

CHANNELS = ("email", "sms", "whatsapp")


def conf(name: str, default: int) -> int:
    """A tunable from ``settings.LAPAKASIK`` (operators may add these keys; defaults here)."""
    return int(getattr(settings, "LAPAKASIK", {}).get(name, default))


_conf = conf


def ttl_minutes() -> int:
    return _conf("OTP_TTL_MINUTES", 10)


def max_tries() -> int:
    return _conf("OTP_MAX_TRIES", 5)


def _digest(code: str, nonce: str, otp: str) -> str:
    return token_digest(f"otp:{code}:{nonce}:{otp}")


@dataclass(frozen=True)
class RequestOutcome:
    """What happened (for tests and logs). The PAGE shows the same thing in every case."""

    sent: bool
    reason: str  # "sent" | "unknown" | "booking_limit"


def otp_request(*, code: str, channel: str, actor_label: str = "peserta") -> RequestOutcome:
    """Issue a new code for booking ``code`` and store an ``otp_code`` notification for it on
    ``channel`` ("email", "sms", "whatsapp"), in one transaction. Issuing a code kills any earlier one.
    Never raises for an unknown booking: the caller answers the same whatever the outcome."""
    from lapakasik.notifications.services import notification_enqueue

    if channel not in CHANNELS:
        channel = "email"
    claim = Claim.objects.filter(code=normalize_code(code)).first()
    if claim is None:
        return RequestOutcome(False, "unknown")
    now = clock.now()
    with transaction.atomic():
        locked = claim_lock(claim)
        window = now - timedelta(minutes=_conf("OTP_WINDOW_MINUTES", 15))
        recent = ClaimEvent.objects.filter(claim=locked, kind=EV_ISSUED, created_at__gte=window).count()
        if recent >= _conf("OTP_MAX_PER_WINDOW", 3):
            return RequestOutcome(False, "booking_limit")
        otp = new_otp()
        nonce = secrets.token_hex(8)
        expires = now + timedelta(minutes=ttl_minutes())
        claim_event_record(
            claim=locked, kind=EV_ISSUED, actor=Actor(kind=ClaimEvent.ActorKind.PARTICIPANT, label=actor_label),
            data={"channel": channel, "nonce": nonce, "digest": _digest(locked.code, nonce, otp),
                  "expires_at": expires.isoformat()},
        )
        notification_enqueue(
            event="otp_code", claim=locked, to=applicant_recipient(locked), channels=[channel],
            context={"otp": otp, "valid_minutes": ttl_minutes(), "purpose": "booking"},
        )
    return RequestOutcome(True, "sent")


@dataclass(frozen=True)
class VerifyOutcome:
    ok: bool
    reason: str  # "ok" | "wrong" | "locked" | "expired" | "used" | "none" | "unknown" | "malformed"
    claim: Claim | None = None


def _is_well_formed(otp: str) -> bool:
    return len(otp) == 6 and otp.isascii() and otp.isdigit()


def otp_verify(*, code: str, otp: str) -> VerifyOutcome:
    """Check ``otp`` for booking ``code``. Only the latest issued code counts; it must be unexpired,
    unused and have fewer than ``max_tries()`` wrong tries. A wrong try is recorded (and the 5th one
    kills the code). The claim row is locked so concurrent tries are counted exactly."""
    otp = "".join(str(otp or "").split())
    claim = Claim.objects.filter(code=normalize_code(code)).first()
    if claim is None:
        hmac.compare_digest(token_digest("otp:unknown"), token_digest(otp))  # similar work either way
        return VerifyOutcome(False, "unknown")
    now = clock.now()
    with transaction.atomic():
        locked = claim_lock(claim)
        issued = ClaimEvent.objects.filter(claim=locked, kind=EV_ISSUED).order_by("-seq").first()
        if issued is None:
            return VerifyOutcome(False, "none")
        later = ClaimEvent.objects.filter(claim=locked, seq__gt=issued.seq, kind__in=[EV_FAILED, EV_VERIFIED])
        if later.filter(kind=EV_VERIFIED).exists():
            return VerifyOutcome(False, "used")
        failed = later.filter(kind=EV_FAILED).count()
        if failed >= max_tries():
            return VerifyOutcome(False, "locked")
        if datetime.fromisoformat(issued.data["expires_at"]) <= now:
            return VerifyOutcome(False, "expired")
        good = _is_well_formed(otp) and hmac.compare_digest(
            str(issued.data.get("digest", "")), _digest(locked.code, str(issued.data.get("nonce", "")), otp))
        if good:
            claim_event_record(claim=locked, kind=EV_VERIFIED, actor=Actor.participant(),
                               data={"issued_seq": issued.seq})
            return VerifyOutcome(True, "ok", locked)
        claim_event_record(claim=locked, kind=EV_FAILED, actor=Actor.participant(),
                           data={"issued_seq": issued.seq, "try": failed + 1})
        return VerifyOutcome(False, "locked" if failed + 1 >= max_tries() else "wrong")


@contextmanager
def response_floor() -> Iterator[None]:
    """Make the enclosed work take at least ``OTP_RESPONSE_FLOOR_MS`` (default 200 ms): issuing or
    checking a code for a real booking writes rows, an unknown booking does not — without a floor
    the response time would tell whether a booking code exists."""
    floor = conf("OTP_RESPONSE_FLOOR_MS", 200) / 1000
    started = time.monotonic()
    try:
        yield
    finally:
        left = floor - (time.monotonic() - started)
        if left > 0:
            time.sleep(left)


# --- client rate limits (the same for known and unknown bookings) -----------------------------


def rate_limit_hit(key: str, *, limit: int, window_seconds: int) -> int:
    """Count one hit on ``key``; return 0 when allowed, else the seconds to wait. Fixed window in the
    configured cache (best effort: per process with local memory, shared with Redis)."""
    bucket = int(clock.now().timestamp()) // window_seconds
    full = f"booking-rl:{key}:{bucket}"
    try:
        count = cache.incr(full)
    except ValueError:
        cache.add(full, 0, timeout=window_seconds + 5)
        count = cache.incr(full)
    if count > limit:
        return window_seconds - int(clock.now().timestamp()) % window_seconds
    return 0


def client_ip(request: Any) -> str:
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")
