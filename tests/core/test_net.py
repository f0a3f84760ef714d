"""The client's address behind reverse proxies (core/net.py): only what the trusted proxies wrote is believed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from lapakasik.core import net


def _request(remote: str = "10.0.0.5", forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize("hops, remote, forwarded, expected", [
    # No proxy configured: the connection's address, whatever the client writes in the header.
    (0, "36.68.1.1", None, "36.68.1.1"),
    (0, "36.68.1.1", "1.2.3.4", "36.68.1.1"),
    # One proxy (it appends the address it was called from): the last entry.
    (1, "10.0.0.5", "36.68.1.1", "36.68.1.1"),
    (1, "10.0.0.5", "6.6.6.6, 36.68.1.1", "36.68.1.1"),  # the client's own "6.6.6.6" is not believed
    (1, "10.0.0.5", " 36.68.1.1 ", "36.68.1.1"),
    (1, "10.0.0.5", "2001:db8::1", "2001:db8::1"),
    (1, "10.0.0.5", "2001:DB8:0:0:0:0:0:1", "2001:db8::1"),  # one spelling per address: one count
    # Two proxies (a load balancer, then nginx): the second entry from the right.
    (2, "10.0.0.5", "6.6.6.6, 36.68.1.1, 10.0.0.9", "36.68.1.1"),
    # Not through the proxies as configured, or not an address: the connection's own.
    (1, "10.0.0.5", None, "10.0.0.5"),
    (1, "10.0.0.5", "", "10.0.0.5"),
    (2, "10.0.0.5", "36.68.1.1", "10.0.0.5"),
    (1, "10.0.0.5", "36.68.1.1, not-an-address", "10.0.0.5"),
    (1, "10.0.0.5", "36.68.1.1, 999.1.1.1", "10.0.0.5"),
    (1, "10.0.0.5", "36.68.1.1, 1.2.3.4\x00", "10.0.0.5"),
])
def test_the_client_is_the_address_the_outermost_trusted_proxy_saw(
        settings: Any, hops: int, remote: str, forwarded: str | None, expected: str) -> None:
    settings.TRUSTED_PROXY_HOPS = hops
    assert net.client_ip(_request(remote, forwarded)) == expected


def test_a_request_without_any_address_counts_as_unknown(settings: Any) -> None:
    settings.TRUSTED_PROXY_HOPS = 0
    request = _request("")
    assert net.client_ip(request) == "" and net.client_key(request) == "unknown"


def test_the_lockout_of_officers_counts_the_same_address(settings: Any) -> None:
    """django-axes asks the same function, so a lock-out behind the proxy is per participant, not per proxy."""
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXY_HOPS = 1
    assert get_client_ip_address(_request("10.0.0.5", "6.6.6.6, 36.68.1.1")) == "36.68.1.1"
