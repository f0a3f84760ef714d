"""A fixed-window rate limiter in the database, so every worker process shares one budget.

One row per (key, window): ``UPDATE … SET count = count + 1 WHERE key = … AND window = … AND count < limit``;
no row yet → insert it (a concurrent insert loses on the unique constraint and retries the update).
Works on SQLite and PostgreSQL alike; old windows are removed by the periodic cleanup.
"""

from __future__ import annotations

import time

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import RateCounter


def _now() -> float:
    return time.time()


def rate_acquire(key: str, *, limit: int, per_seconds: int = 1, now: float | None = None) -> float:
    """Take one unit of ``key``'s budget. Returns 0.0 when granted, else the seconds to wait."""
    if limit <= 0:
        return 0.0
    now = _now() if now is None else now
    window = int(now // per_seconds) * per_seconds  # the window's start, in epoch seconds
    for _ in range(3):
        updated = RateCounter.objects.filter(key=key, window=window, count__lt=limit).update(count=F("count") + 1)
        if updated:
            return 0.0
        if RateCounter.objects.filter(key=key, window=window).exists():
            return window + per_seconds - now
        try:
            with transaction.atomic():
                RateCounter.objects.create(key=key, window=window, count=1)
            return 0.0
        except IntegrityError:
            continue
    return window + per_seconds - now


def rate_cleanup(*, older_than_seconds: int = 3600, now: float | None = None) -> int:
    """Delete counter rows of windows that started long ago."""
    now = time.time() if now is None else now
    deleted, _ = RateCounter.objects.filter(window__lt=int(now - older_than_seconds)).delete()
    return deleted
