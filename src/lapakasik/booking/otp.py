"""One-time codes for "Booking saya" (my booking): booking code + a 6-digit code sent to the
booking's own e-mail or phone.

Rules (ARCHITECTURE §8): 6 random digits from ``secrets``; valid ≤ 10 minutes; single use; ≤ 5
wrong tries per code, then the code is dead; only a keyed hash is stored; the participant gets the
SAME answer whether or not the booking exists (and whichever contact it has).

Where the state lives: in its own table, ``booking.models.OneTimeCode`` (keyed hash + nonce, wrong
tries, expiry, used), written with the claim row locked. So the state is in the database (works with
several web processes, no shared cache needed) and writes are serialised by the claim lock (no lost
try counts under concurrency). Only a successful opening goes into the claim's history
(``ClaimEvent.Kind.OTP_VERIFIED``): officers see who opened a booking and when (useful against
brokers); issuing and wrong tries are bookkeeping of the code, not events of the claim.

Who can lock whom out (docs/security.md, "One-time codes"): anyone who knows a booking code can ask for
a code — it is always sent only to the claim's own e-mail or phone, so asking leaks nothing, but asking
used to be able to lock the participant out (3 codes per claim per 15 minutes, and each new code killed
the one the participant was about to type). Now:
- a code belongs to the session that asked for it (``session_digest``): it can be entered only there, a
  new request kills only that session's earlier code, and wrong tries kill only that session's code — a
  stranger's requests and guesses never touch the participant's code;
- per client address, at most ``OTP_MAX_PER_CLIENT`` (3) codes per claim per ``OTP_WINDOW_MINUTES`` (15);
- per claim, at most ``OTP_MAX_PER_WINDOW`` (10) codes per window from everyone together — the brake on
  messages to the participant's inbox and on guesses (≤ 10 codes × 5 tries per window);
- beyond either, the code is silently not sent (the page answers the same: whether the booking exists
  must not show);
- per client IP and per session, a visible 429 for known and unknown codes alike (``rate_limit_hit``:
  shared by every process — database counters on the embedded default, the cache with Redis).
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from lapakasik.claims.models import Claim, ClaimEvent
from lapakasik.claims.services import Actor, applicant_recipient, claim_event_record, claim_lock
from lapakasik.core import clock, net
from lapakasik.core.codes import new_otp, normalize_code, token_digest
from lapakasik.core.ratewindow import window_take

from .models import OneTimeCode

PURPOSE = OneTimeCode.Purpose.BOOKING
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
    reason: str  # "sent" | "unknown" | "booking_limit" | "client_limit"


def requester_digest(value: str) -> str:
    """What is stored of a session key or a client address: a keyed hash."""
    return token_digest(f"otp-requester:{value}")


def otp_request(*, code: str, channel: str, session: str, client: str) -> RequestOutcome:
    """Issue a new code for booking ``code``, bound to the browser ``session`` that asked, and store an
    ``otp_code`` notification for it on ``channel`` ("email", "sms", "whatsapp") to the claim's own contact,
    in one transaction. Issuing a code kills this session's earlier code, no other. ``client``: the
    requester's address (at most ``OTP_MAX_PER_CLIENT`` codes per claim and window). Never raises for an
    unknown booking: the caller answers the same whatever the outcome."""
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
        recent = OneTimeCode.objects.filter(claim=locked, purpose=PURPOSE, created_at__gte=window)
        if recent.count() >= _conf("OTP_MAX_PER_WINDOW", 10):
            return RequestOutcome(False, "booking_limit")
        client_key = requester_digest(f"client:{client}")
        if recent.filter(client_digest=client_key).count() >= _conf("OTP_MAX_PER_CLIENT", 3):
            return RequestOutcome(False, "client_limit")
        otp = new_otp()
        nonce = secrets.token_hex(8)
        OneTimeCode.objects.create(claim=locked, purpose=PURPOSE, channel=channel, nonce=nonce,
                                   digest=_digest(locked.code, nonce, otp), created_at=now,
                                   expires_at=now + timedelta(minutes=ttl_minutes()),
                                   session_digest=requester_digest(f"session:{session}"), client_digest=client_key)
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


def otp_verify(*, code: str, otp: str, session: str) -> VerifyOutcome:
    """Check ``otp`` for booking ``code`` in the browser ``session`` that asked for it. Only the latest code
    issued to this session counts; it must be unexpired, unused and have fewer than ``max_tries()`` wrong
    tries. A wrong try is counted on the code (and
    the 5th one kills it); a good one marks it used and is recorded in the claim's history. The claim
    row is locked so concurrent tries are counted exactly."""
    otp = "".join(str(otp or "").split())
    claim = Claim.objects.filter(code=normalize_code(code)).first()
    if claim is None:
        hmac.compare_digest(token_digest("otp:unknown"), token_digest(otp))  # similar work either way
        return VerifyOutcome(False, "unknown")
    now = clock.now()
    with transaction.atomic():
        locked = claim_lock(claim)
        issued = (OneTimeCode.objects.filter(claim=locked, purpose=PURPOSE,
                                             session_digest=requester_digest(f"session:{session}"))
                  .order_by("-created_at", "-id").first())
        if issued is None:
            return VerifyOutcome(False, "none")
        if issued.used_at is not None:
            return VerifyOutcome(False, "used")
        if issued.tries >= max_tries():
            return VerifyOutcome(False, "locked")
        if issued.expires_at <= now:
            return VerifyOutcome(False, "expired")
        good = _is_well_formed(otp) and hmac.compare_digest(issued.digest, _digest(locked.code, issued.nonce, otp))
        if good:
            issued.used_at = now
            issued.save(update_fields=["used_at"])
            claim_event_record(claim=locked, kind=ClaimEvent.Kind.OTP_VERIFIED, actor=Actor.participant(),
                               data={"channel": issued.channel})
            return VerifyOutcome(True, "ok", locked)
        issued.tries += 1
        issued.save(update_fields=["tries"])
        return VerifyOutcome(False, "locked" if issued.tries >= max_tries() else "wrong")


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
    """Count one hit on ``key``; return 0 when allowed, else the seconds to wait. A fixed window shared by
    every web process: a database counter (``core.RateWindow``) where the cache is per process (the
    embedded default, ``RATE_LIMIT_STORE=database``), else the cache (Redis)."""
    now = int(clock.now().timestamp())
    bucket = now // window_seconds
    wait = window_seconds - now % window_seconds
    if str(getattr(settings, "RATE_LIMIT_STORE", "cache")) == "database":
        digest = token_digest(f"otp-rl:{key}")[:32]
        granted = window_take(key=f"otp:{digest}:{window_seconds}", window=bucket * window_seconds, limit=limit)
        return 0 if granted else wait
    full = f"booking-rl:{key}:{bucket}"
    try:
        count = cache.incr(full)
    except ValueError:
        cache.add(full, 0, timeout=window_seconds + 5)
        count = cache.incr(full)
    return wait if count > limit else 0


def client_ip(request: Any) -> str:
    return net.client_key(request)
