"""The fair opening's test world: the quota opens at 10:00 WIB on the frozen Monday (``BOOKING_OPEN_HOUR``
= 10, so the booking world's slots and window stay as they are), the pre-queue window runs 09:45–10:05,
the draw is made at 10:05:01 and people are admitted at ``RATE`` a second."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from .conftest import FIXED_NOW, new_phone, reason_for

OPENS_AT = FIXED_NOW  # Mon 21 Dec 2026, 10:00 WIB
WINDOW_START = OPENS_AT - timedelta(minutes=15)
WINDOW_END = OPENS_AT + timedelta(minutes=5)
DRAW_AT = WINDOW_END + timedelta(seconds=1)
RATE = 2
JOIN_URL = "/api/v1/opening/places"
POLL_URL = "/api/v1/opening/place"
# The new day this opening adds at JKT02 (the window's last working day once 10:00 has passed).
BOOK_DAY = "2026-12-23"


@dataclass
class Clock:
    now: datetime

    def at(self, when: datetime) -> datetime:
        self.now = when
        return when


@pytest.fixture
def opening_clock(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    from django.core.cache import cache

    from lapakasik.core import clock as clock_module

    settings.LAPAKASIK = {**settings.LAPAKASIK, "BOOKING_OPEN_HOUR": 10, "OPENING_ENABLED": 1,
                          "OPENING_WINDOW_BEFORE_MINUTES": 15, "OPENING_WINDOW_AFTER_MINUTES": 5,
                          "OPENING_PERIOD_MINUTES": 120, "OPENING_ADMIT_PER_SECOND": RATE,
                          "OPENING_ADMISSION_MINUTES": 10, "OPENING_POLLS_PER_MINUTE": 30,
                          "OPENING_CLOCK_SKEW_SECONDS": 1, "RATE_LIMIT_IP_PER_MINUTE": 0,
                          "RATE_LIMIT_NIK_PER_MINUTE": 0, "RATE_LIMIT_PHONE_PER_MINUTE": 0}
    c = Clock(now=OPENS_AT - timedelta(minutes=10))
    monkeypatch.setattr(clock_module, "now", lambda: c.now)
    cache.clear()
    yield c
    cache.clear()


@pytest.fixture
def join_body(person: Callable[..., Any]) -> Callable[..., dict[str, Any]]:
    def build(p: Any = None, **overrides: Any) -> dict[str, Any]:
        p = p or person("eligible")
        body = {"branch_code": "JKT02", "claim_type": "JHT", "claim_reason": reason_for(p), "nik": p.nik,
                "kpj": p.kpj, "full_name": p.full_name, "email": f"p{p.id}@contoh.id", "phone": new_phone(),
                "language": "id", "channels": ["email"]}
        body.update(overrides)
        return body

    return build


def post_json(client: Any, url: str, body: Any, **extra: Any) -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", **extra)


def poll(client: Any, token: str, **extra: Any) -> Any:
    return client.get(POLL_URL, HTTP_AUTHORIZATION=f"Bearer {token}", **extra)


def booking_body(join: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """A POST /bookings body for the person of a join body: the opened day's first session."""
    body = {k: v for k, v in join.items()}
    body.update({"date": BOOK_DAY, "session_start": "08:00"})
    body.update(overrides)
    return body
