"""The micro-cache in front of Django (core/microcache.py), through the real WSGI application: a
repeated availability GET is answered without entering Django, with the same body and headers; any
booking, cancel or language change is seen at once; nothing else is ever answered from it."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from .conftest import TOMORROW

pytestmark = pytest.mark.usefixtures("booking_env")


class Answer:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status, self.body = status, body
        self.headers = {k.lower(): v for k, v in headers}

    @property
    def hit(self) -> bool:
        return self.headers.get("x-micro-cache") == "hit"

    def json(self) -> Any:
        return json.loads(self.body)


@pytest.fixture
def entered() -> Iterator[list[int]]:
    """How many requests entered Django (its request_started signal)."""
    seen: list[int] = []

    def count(**_kw: Any) -> None:
        seen.append(1)

    request_started.connect(count)
    yield seen
    request_started.disconnect(count)


def call(path: str, *, method: str = "GET", query: str = "", body: bytes = b"", app: Any = None,
         **headers: str) -> Answer:
    from lapakasik.wsgi import application

    application = app or application
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "testserver",
        "SERVER_PORT": "80", "HTTP_HOST": "testserver", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "wsgi.errors": io.StringIO(),
        "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json" if body else "",
        **{f"HTTP_{k.upper()}": v for k, v in headers.items()},
    }
    got: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        got["status"], got["headers"] = status, response_headers

    # As Django's test client does: the real handler would close the test transaction's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        chunks = application(environ, start_response)
        data = b"".join(chunks)
        close = getattr(chunks, "close", None)
        if close:
            close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return Answer(got["status"], got["headers"], data)


AVAIL = "/api/v1/branches/JKT02/availability"


def remaining(answer: Answer, start: str = "08:00") -> int:
    day = next(d for d in answer.json()["days"] if d["date"] == TOMORROW)
    return int(next(s for s in day["sessions"] if s["start"] == start)["remaining"])


def test_a_repeated_availability_get_is_answered_without_entering_django(entered: list[int]) -> None:
    first = call(AVAIL)
    assert first.status == "200 OK" and not first.hit and len(entered) == 1
    second = call(AVAIL)
    assert second.status == "200 OK" and second.hit
    assert len(entered) == 1, "the repeated GET entered Django"
    assert second.body == first.body
    # The same headers as Django's own answer (security headers, CSP, Vary …), a fresh request id.
    same = {k: v for k, v in first.headers.items() if k != "x-request-id"}
    assert {k: v for k, v in second.headers.items() if k not in ("x-request-id", "x-micro-cache")} == same
    assert "content-security-policy" in same and same["x-content-type-options"] == "nosniff"
    assert second.headers["x-request-id"] != first.headers["x-request-id"]
    assert call(AVAIL, X_REQUEST_ID="trace-123").headers["x-request-id"] == "trace-123"


def test_a_booking_or_a_cancel_is_seen_by_the_very_next_get(
        client: Client, payload: Callable[..., dict[str, Any]], django_capture_on_commit_callbacks: Any) -> None:
    before = call(AVAIL)
    assert call(AVAIL).hit
    with django_capture_on_commit_callbacks(execute=True):  # the cache hears of a change when it commits
        r = client.post("/api/v1/bookings", data=json.dumps(payload()), content_type="application/json")
    assert r.status_code == 201, r.content
    after = call(AVAIL)
    assert not after.hit and remaining(after) == remaining(before) - 1
    assert call(AVAIL).hit
    token, code = r.json()["access_token"], r.json()["code"]
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/api/v1/bookings/{code}/cancel", data="{}", content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200, r.content
    again = call(AVAIL)
    assert not again.hit and remaining(again) == remaining(before)


def test_the_national_search_follows_every_change_too(
        client: Client, payload: Callable[..., dict[str, Any]], django_capture_on_commit_callbacks: Any) -> None:
    query = f"date={TOMORROW}&region=DKI"
    first = call("/api/v1/availability", query=query)
    assert call("/api/v1/availability", query=query).hit
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/api/v1/bookings", data=json.dumps(payload()), content_type="application/json")
    assert r.status_code == 201
    after = call("/api/v1/availability", query=query)
    assert not after.hit
    total = {row["branch_code"]: row["remaining"] for row in first.json()}
    now = {row["branch_code"]: row["remaining"] for row in after.json()}
    assert now["JKT02"] == total["JKT02"] - 1


def test_language_header_cookie_and_query_string_are_part_of_the_key() -> None:
    call(AVAIL)
    english = call(AVAIL, ACCEPT_LANGUAGE="en")
    assert not english.hit and english.headers["content-language"] == "en"
    assert call(AVAIL, ACCEPT_LANGUAGE="en").headers["content-language"] == "en"
    assert call(AVAIL).headers["content-language"] == "id"
    by_cookie = call(AVAIL, COOKIE="csrftoken=x; lapakasik_lang=en")
    assert not by_cookie.hit and by_cookie.headers["content-language"] == "en"
    assert call(AVAIL, COOKIE="lapakasik_lang=en").headers["content-language"] == "en"
    ranged = call(AVAIL, query=f"from={TOMORROW}&to={TOMORROW}")
    assert not ranged.hit and [d["date"] for d in ranged.json()["days"]] == [TOMORROW]


def test_errors_writes_pages_and_hostile_paths_are_never_answered_from_it(entered: list[int]) -> None:
    for _ in range(2):
        unknown = call("/api/v1/branches/NOPE1/availability")
        assert unknown.status.startswith("404") and not unknown.hit
        bad = call(AVAIL, query="from=kemarin")
        assert bad.status.startswith("422") and not bad.hit
        page = call("/")
        assert page.status.startswith("200") and not page.hit
        hostile = call("/api/v1/branches/\xff\xfe/availability")  # not UTF-8: Django answers
        assert not hostile.hit and hostile.status[:3] in ("400", "404", "422")
        post = call(AVAIL, method="POST", body=b"{}")
        assert not post.hit
    assert len(entered) == 10


def test_a_cached_answer_ends_at_the_next_whole_hour(monkeypatch: pytest.MonkeyPatch, frozen: Any) -> None:
    """The booking window (opening at a whole hour, WIB/WITA/WIT) can only turn over there."""
    from datetime import timedelta

    from lapakasik.core import clock

    call(AVAIL)
    monkeypatch.setattr(clock, "now", lambda: frozen + timedelta(seconds=2))
    assert call(AVAIL).hit
    monkeypatch.setattr(clock, "now", lambda: frozen + timedelta(seconds=60))  # past the 5 s lifetime
    assert not call(AVAIL).hit


def test_a_host_outside_allowed_hosts_is_never_answered_from_the_cache(settings: Any, entered: list[int]) -> None:
    """The micro-cache answered `Host: evil.test` with 200 before Django's host check."""
    settings.ALLOWED_HOSTS = ["lapak.test"]
    assert call(AVAIL, HOST="lapak.test").status == "200 OK"
    assert call(AVAIL, HOST="lapak.test:8443").hit
    evil = call(AVAIL, HOST="evil.test")
    assert evil.status.startswith("400") and not evil.hit
    assert call(AVAIL, HOST="lapak.test.evil.test").status.startswith("400")
    settings.USE_X_FORWARDED_HOST = True
    assert call(AVAIL, HOST="lapak.test", X_FORWARDED_HOST="evil.test").status.startswith("400")


def test_plain_http_is_redirected_not_answered_from_the_cache_when_https_is_required(settings: Any) -> None:
    """In production (SECURE_SSL_REDIRECT behind a proxy) plain HTTP got the cached 200 instead of 301."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    from django.core.handlers.wsgi import WSGIHandler

    from lapakasik.core.microcache import MicroCacheApp

    app = MicroCacheApp(WSGIHandler())  # as a production process builds it: the middleware reads the settings once
    assert call(AVAIL, app=app, X_FORWARDED_PROTO="https").status == "200 OK"
    assert call(AVAIL, app=app, X_FORWARDED_PROTO="https").hit
    plain = call(AVAIL, app=app)
    assert plain.status.startswith("301") and plain.headers["location"].startswith("https://")
    spoofed = call(AVAIL, app=app, X_FORWARDED_PROTO="http, https")
    assert spoofed.status.startswith("301") and not spoofed.hit
