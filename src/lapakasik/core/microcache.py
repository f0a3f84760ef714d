"""A micro-cache in front of Django for public GET answers that change only through known events.

In the opening-time rush most requests read availability. Those answers are already cached JSON
bytes, yet each still costs a full Django request (request object, URL resolving, the middleware
stack, Django Ninja): about 0.9 ms of CPU on the 2-core reference machine, three quarters of a
refused booking. This module answers a repeated GET before Django is entered at all.

- A view opts in per answer: ``mark(response, deps={key: value})``, where ``deps`` are the generation
  counters the answer was computed from (``booking.cache.gen_key`` …) with the values it read —
  never values read later, so a change racing the view cannot be hidden. Only 200 answers without
  cookies are kept.
- ``MicroCacheMiddleware`` (outermost in ``MIDDLEWARE``) stores a marked answer **as it leaves the
  middleware stack** — body and headers exactly as Django produced them (security headers, CSP,
  ``Vary``, ``Content-Language``).
- ``MicroCacheApp`` wraps the WSGI application (``lapakasik.wsgi``): a GET whose path, query string,
  ``Accept-Language`` and language cookie match a stored answer whose counters have not moved and whose lifetime has
  not ended is answered from the cache, with a fresh ``X-Request-ID`` and ``X-Micro-Cache: hit``.
  Anything else goes to Django unchanged, and so does every request Django would not answer with that
  200: a host outside ``ALLOWED_HOSTS`` (Django answers 400) and, with ``SECURE_SSL_REDIRECT``, a
  request that is not HTTPS (Django answers 301) — both judged as Django does (``validate_host``,
  ``USE_X_FORWARDED_HOST``, ``SECURE_PROXY_SSL_HEADER``).

The lifetime is the availability TTL, cut at the next whole hour (UTC): the booking window of every
branch (WIB/WITA/WIT, opening at a whole hour) can only turn over there. The store is Django's cache
(per process with locmem, shared with Redis), so a change seen by a process is seen by its micro-cache
at once, exactly like the JSON cache behind the views.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port, validate_host

from lapakasik.core import clock

_PREFIX = "microcache:"
_MARK = "_lapakasik_microcache_deps"


def ttl() -> int:
    value: Any = settings.LAPAKASIK.get("AVAILABILITY_CACHE_SECONDS", 5)
    return int(value)


def key_for(path: str, query: str, language: str, language_cookie: str) -> str:
    """The cache key of one GET: hashed, so hostile paths and query strings make valid, distinct keys.
    Everything that picks the answer's language (``?lang=`` is in the query) is part of it."""
    raw = f"{path}\x00{query}\x00{language}\x00{language_cookie}".encode("utf-8", "surrogatepass")
    return _PREFIX + hashlib.sha256(raw).hexdigest()


def _cookie_value(cookie_header: str, name: str) -> str:
    """One cookie's raw value from a Cookie header, without parsing the others. A value this reads
    differently from Django's parser only makes a key no stored answer has (a miss, never a wrong hit)."""
    if name not in cookie_header:
        return ""
    match = re.search(rf"(?:^|;)\s*{re.escape(name)}=([^;]*)", cookie_header)
    return match.group(1).strip() if match else ""


def mark(response: HttpResponse, *, deps: dict[str, int]) -> HttpResponse:
    """Let identical GETs be answered from the micro-cache until one of ``deps`` (generation counter
    key → the value the answer was computed from) moves, or the lifetime ends."""
    setattr(response, _MARK, dict(deps))
    return response


def _expires_at(now: float) -> float:
    next_hour = (int(now) // 3600 + 1) * 3600
    return min(now + ttl(), float(next_hour))


def _moved(deps: dict[str, int]) -> bool:
    got = cache.get_many(list(deps)) if deps else {}
    return any(int(got.get(k) or 0) != v for k, v in deps.items())


class MicroCacheMiddleware:
    """Stores marked answers on their way out (see the module docstring). Outermost in MIDDLEWARE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        deps = getattr(response, _MARK, None)
        if (deps is None or request.method != "GET" or response.status_code != 200 or response.cookies
                or response.streaming or ttl() <= 0):
            return response
        headers = [(k, v) for k, v in response.items() if k.lower() not in ("x-request-id", "set-cookie")]
        now = clock.now().timestamp()
        key = key_for(request.path_info, request.META.get("QUERY_STRING", ""),
                      request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
                      _cookie_value(request.META.get("HTTP_COOKIE", ""), settings.LANGUAGE_COOKIE_NAME))
        entry = (deps, _expires_at(now), headers, response.content)
        cache.set(key, entry, max(1, int(_expires_at(now) - now) + 1))
        return response


def _host_allowed(environ: dict[str, Any]) -> bool:
    """``HttpRequest.get_host``'s verdict on the request's host, without building a request."""
    if settings.USE_X_FORWARDED_HOST and environ.get("HTTP_X_FORWARDED_HOST"):
        host = str(environ["HTTP_X_FORWARDED_HOST"])
    elif environ.get("HTTP_HOST"):
        host = str(environ["HTTP_HOST"])
    else:
        host = str(environ.get("SERVER_NAME", ""))
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, allowed)


def _secure_enough(environ: dict[str, Any]) -> bool:
    """False when Django's SecurityMiddleware would redirect the request to HTTPS."""
    if not settings.SECURE_SSL_REDIRECT:
        return True
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = str(environ.get(header, ""))
        if value:
            return value.split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


class MicroCacheApp:
    """WSGI wrapper answering GETs from the micro-cache (see the module docstring)."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if (environ.get("REQUEST_METHOD") == "GET" and str(environ.get("PATH_INFO", "")).startswith("/api/")
                and _host_allowed(environ) and _secure_enough(environ)):
            hit = self._lookup(environ)
            if hit is not None:
                headers, body = hit
                rid = str(environ.get("HTTP_X_REQUEST_ID", ""))[:64] or uuid.uuid4().hex
                start_response("200 OK", [*headers, ("X-Request-ID", rid), ("X-Micro-Cache", "hit")])
                return [body]
        return self.app(environ, start_response)

    @staticmethod
    def _lookup(environ: dict[str, Any]) -> tuple[list[tuple[str, str]], bytes] | None:
        try:
            path = str(environ.get("PATH_INFO", "")).encode("latin-1").decode("utf-8")
        except UnicodeError:
            return None  # Django answers it
        entry = cache.get(key_for(path, str(environ.get("QUERY_STRING", "")),
                                  str(environ.get("HTTP_ACCEPT_LANGUAGE", "")),
                                  _cookie_value(str(environ.get("HTTP_COOKIE", "")), settings.LANGUAGE_COOKIE_NAME)))
        if entry is None:
            return None
        deps, expires_at, headers, body = entry
        if clock.now().timestamp() >= expires_at or _moved(deps):
            return None
        return headers, body
