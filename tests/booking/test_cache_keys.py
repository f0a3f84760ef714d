"""Hostile branch codes in the URL must not produce cache keys a shared cache (memcached) refuses."""

from __future__ import annotations

import pytest
from django.core.cache.backends.base import memcache_key_warnings

from lapakasik.booking.cache import branch_key


@pytest.mark.parametrize("code", ["JKT01", "jkt01", "A" * 300, "JKT\x0001", "JKT 01", "kantor\u200bcabang", "\ud800"])
def test_branch_key_is_always_a_valid_shared_cache_key(code: str) -> None:
    key = branch_key(code)
    assert list(memcache_key_warnings(key)) == []
    assert len(key) < 100


def test_plain_codes_share_one_key_whatever_the_case() -> None:
    assert branch_key("jkt01") == branch_key("JKT01") == "booking:branch:JKT01"
