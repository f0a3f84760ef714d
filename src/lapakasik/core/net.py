"""The client's address, as every limit and log that counts per address sees it.

Without a reverse proxy it is the connection's own address (``REMOTE_ADDR``). Behind one, that is the proxy's,
for every participant alike: a per-address limit would then count the whole country as one client. With
``TRUSTED_PROXY_HOPS`` = N (the number of proxies in front of the server, each appending the address it was
called from to ``X-Forwarded-For``), the client is the N-th address from the right of that header — the one
the outermost trusted proxy saw. Addresses further left were written by the client and are never believed.
A header with fewer than N addresses, or whose N-th is not an IP address, did not come through the proxies
as configured: the connection's address is used (as werkzeug's ProxyFix does).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def client_ip(request: Any) -> str:
    """The client's IP address, or "" when the server was not told one (a test client, a Unix socket)."""
    meta = request.META
    remote = str(meta.get("REMOTE_ADDR") or "")
    hops = int(getattr(settings, "TRUSTED_PROXY_HOPS", 0) or 0)
    if hops <= 0:
        return remote
    chain = [part.strip() for part in str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")]
    if len(chain) < hops:
        return remote
    candidate = chain[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def client_key(request: Any) -> str:
    """``client_ip``, with "unknown" for a request without an address (every such request counts as one)."""
    return client_ip(request) or "unknown"
