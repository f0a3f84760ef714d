"""Fixed-window rate limits shared by every process. ``hit(scope, ident, limit)`` counts one request and
raises ``RateLimited`` (429 with ``Retry-After``) once ``limit`` requests were seen in the current minute.
Identities are hashed before they become keys (no NIK or phone number stored).

Where the counts live (``RATE_LIMIT_STORE``): ``database`` — the default on the embedded default, whose
cache is per process (with two web workers a limit of 10 let 18 through): a counter row per key and
window, counted atomically (``core.RateWindow``); ``cache`` — Django's cache, the choice with Redis
(shared by all processes, no database write)."""

from __future__ import annotations

import contextlib
import hashlib
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lapakasik.core.errors import RateLimited
from lapakasik.core.ratewindow import window_take

WINDOW_SECONDS = 60


def _limit(name: str, default: int) -> int:
    value: Any = settings.LAPAKASIK.get(name, default)
    return int(value)


def _store() -> str:
    return str(getattr(settings, "RATE_LIMIT_STORE", "cache"))


def _granted_in_cache(key: str, bucket: int, limit: int, window: int) -> bool:
    key = f"rl:{key}:{bucket}"
    cache.add(key, 0, window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window + 1)
        count = 1
    return count <= limit


def hit(scope: str, ident: str, limit: int, *, window: int = WINDOW_SECONDS, now: float | None = None) -> None:
    if limit <= 0 or not ident:
        return
    now = time.time() if now is None else now
    bucket = int(now // window)
    digest = hashlib.sha256(f"{scope}:{ident}".encode()).hexdigest()[:24]
    key = f"{scope}:{digest}"
    granted = (window_take(key=f"{key}:{window}", window=bucket * window, limit=limit) if _store() == "database"
               else _granted_in_cache(key, bucket, limit, window))
    if not granted:
        retry_after = int((bucket + 1) * window - now) + 1
        raise RateLimited(retry_after, _(
            "Terlalu banyak permintaan. Tunggu %(s)d detik lalu coba lagi.") % {"s": retry_after})


def check_ip(ip: str | None) -> None:
    """A high safety net, not the protection: a mobile carrier puts thousands of phones behind one address
    (carrier-grade NAT), so the per-NIK and per-phone limits carry the protection (docs/security.md)."""
    hit("ip", ip or "", _limit("RATE_LIMIT_IP_PER_MINUTE", 3000))


def _digits(value: Any) -> str:
    return "".join(ch for ch in str(value or "")[:64] if ch.isascii() and ch.isdigit())


def check_identity(*, nik: str, phone: str, insured_nik: str = "") -> None:
    """Counted on the raw input (digits only; a leading 0 of a phone number read as +62), before
    any validation — so malformed attempts count too. ``insured_nik`` (an heir's request) counts in the
    NIK limit as well: trying NIK after NIK against one deceased worker's family is as limited as trying
    KPJs against one NIK."""
    phone_digits = _digits(phone)
    if phone_digits.startswith("0"):
        phone_digits = "62" + phone_digits[1:]
    nik_limit, phone_limit = _limit("RATE_LIMIT_NIK_PER_MINUTE", 10), _limit("RATE_LIMIT_PHONE_PER_MINUTE", 10)
    if nik_limit <= 0 and phone_limit <= 0:
        return  # both switched off: no transaction to open
    refused: RateLimited | None = None
    # Database counts: one write transaction for both (SQLite: one lock, one commit); the cache needs none.
    with transaction.atomic() if _store() == "database" else contextlib.nullcontext():
        try:
            hit("nik", _digits(nik), nik_limit)
            if _digits(insured_nik):
                hit("nik", _digits(insured_nik), nik_limit)
            hit("phone", phone_digits, phone_limit)
        except RateLimited as exc:
            refused = exc  # raised after the commit: what was counted stays counted
    if refused is not None:
        raise refused
