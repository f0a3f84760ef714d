"""Database rate-limit windows (core/ratewindow.py): exact counts, per key and window, cleaned up."""

from __future__ import annotations

import pytest

from lapakasik.core.models import RateWindow
from lapakasik.core.ratewindow import window_take, windows_clean

pytestmark = pytest.mark.django_db


def test_exactly_the_limit_is_granted_per_key_and_window() -> None:
    granted = [window_take(key="ip:abc:60", window=600, limit=3) for _ in range(5)]
    assert granted == [True, True, True, False, False]
    assert window_take(key="ip:other:60", window=600, limit=3)  # another key has its own budget
    assert window_take(key="ip:abc:60", window=660, limit=3)  # the next window starts again
    assert RateWindow.objects.get(key="ip:abc:60", window=600).count == 3  # refusals are not counted
    assert not window_take(key="ip:zero:60", window=600, limit=0)


def test_old_windows_are_deleted() -> None:
    window_take(key="k", window=100, limit=5)
    window_take(key="k", window=5000, limit=5)
    assert windows_clean(before_window=1000) == 1
    assert list(RateWindow.objects.values_list("window", flat=True)) == [5000]


def test_booking_limits_count_in_the_database_on_the_embedded_default(settings: object) -> None:
    from lapakasik.booking import ratelimit
    from lapakasik.core.errors import RateLimited

    assert getattr(settings, "RATE_LIMIT_STORE") == "database"
    for _ in range(2):
        ratelimit.hit("ip", "10.0.0.1", 2, now=120.0)
    with pytest.raises(RateLimited) as refused:
        ratelimit.hit("ip", "10.0.0.1", 2, now=130.0)
    assert refused.value.extra["retry_after"] == 51
    assert RateWindow.objects.filter(window=120).count() == 1
    assert "10.0.0.1" not in RateWindow.objects.get().key  # hashed, never the identity itself
