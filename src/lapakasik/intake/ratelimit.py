"""Upload rate limits: files per minute and bytes per hour, per upload link (or API token) and per
claim, in Django's cache (fixed windows, like ``booking.ratelimit``). Raises ``RateLimited`` (429 with
``Retry-After``). Checked by the web and API entry points BEFORE the multipart body is parsed (bytes,
from Content-Length) and again once the number of files is known — so a flood is answered without
reading, spooling or decoding anything. Identities are hashed before they become cache keys (no
token in the cache)."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from lapakasik.core.errors import RateLimited

MINUTE = 60
HOUR = 3600


def _now() -> float:
    return time.time()


def _key(scope: str, ident: str, window: int, now: float) -> tuple[str, int]:
    bucket = int(now // window)
    digest = hashlib.sha256(f"intake:{scope}:{ident}".encode()).hexdigest()[:24]
    return f"rl:intake:{scope}:{digest}:{window}:{bucket}", int((bucket + 1) * window - now) + 1


def _used(scope: str, ident: str, window: int, now: float) -> tuple[int, int]:
    key, retry_after = _key(scope, ident, window, now)
    return int(cache.get(key) or 0), retry_after


def _add(scope: str, ident: str, window: int, now: float, amount: int) -> None:
    key, _retry = _key(scope, ident, window, now)
    cache.add(key, 0, window + 1)
    try:
        cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.set(key, amount, window + 1)


def _refuse(retry_after: int) -> RateLimited:
    minutes = max(1, (retry_after + 59) // 60)
    return RateLimited(retry_after, _(
        "Terlalu banyak berkas dikirim dalam waktu singkat. Tunggu %(m)d menit lalu kirim lagi; berkas yang "
        "sudah diterima tetap tersimpan.") % {"m": minutes})


def _limits() -> tuple[int, int]:
    return (int(getattr(settings, "INTAKE_UPLOAD_RATE_FILES_PER_MINUTE", 20)),
            int(getattr(settings, "INTAKE_UPLOAD_RATE_BYTES_PER_HOUR", 200 * 1024 * 1024)))


def upload_rate_check(*, claim: Any, link: str, body_bytes: int, now: float | None = None) -> None:
    """Before the body is read: refuse when the link or the claim has used up its files this minute,
    or when ``body_bytes`` (the request's Content-Length) would pass the hour's bytes; charges the
    bytes."""
    now = _now() if now is None else now
    files_per_minute, bytes_per_hour = _limits()
    idents = [("link", link), ("claim", str(claim.pk))]
    for scope, ident in idents:
        if files_per_minute > 0:
            used, retry_after = _used(f"{scope}-files", ident, MINUTE, now)
            if used >= files_per_minute:
                raise _refuse(retry_after)
        if bytes_per_hour > 0:
            used, retry_after = _used(f"{scope}-bytes", ident, HOUR, now)
            if used + max(0, body_bytes) > bytes_per_hour:
                raise _refuse(retry_after)
    if bytes_per_hour > 0:
        for scope, ident in idents:
            _add(f"{scope}-bytes", ident, HOUR, now, max(0, body_bytes))


def upload_rate_count_files(*, claim: Any, link: str, files: int, now: float | None = None) -> None:
    """Once the number of files is known, before any of them is looked at: charges them, and
    refuses the whole request when that passes the minute's limit for the link or the claim."""
    now = _now() if now is None else now
    files_per_minute, _bytes = _limits()
    if files_per_minute <= 0 or files <= 0:
        return
    idents = [("link", link), ("claim", str(claim.pk))]
    for scope, ident in idents:
        used, retry_after = _used(f"{scope}-files", ident, MINUTE, now)
        if used + files > files_per_minute:
            raise _refuse(retry_after)
    for scope, ident in idents:
        _add(f"{scope}-files", ident, MINUTE, now, files)
