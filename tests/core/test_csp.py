"""Content Security Policy without 'unsafe-inline' for scripts: no page runs an inline script."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.accounts.helpers import officer_login

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "lapakasik"
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
HANDLER_ATTR = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
DATA_TYPES = ("application/json", "application/ld+json", "text/template")


def _inline_scripts(html: str) -> list[str]:
    """Scripts the browser would run from the page itself (no src, not a data block)."""
    found = []
    for attrs, body in SCRIPT_TAG.findall(html):
        if "src=" in attrs:
            continue
        kind = re.search(r"type\s*=\s*[\"']?([^\"'\s>]+)", attrs)
        if kind and kind.group(1).lower() in DATA_TYPES:
            continue
        found.append(body.strip()[:80] or attrs)
    return found


def _script_src(header: str) -> str:
    return next((part.strip() for part in header.split(";") if part.strip().startswith("script-src")), "")


def test_the_policy_allows_scripts_only_from_our_own_files(client: Any) -> None:
    header = client.get("/")["Content-Security-Policy"]
    assert _script_src(header) == "script-src 'self'"
    assert "unsafe-inline" not in _script_src(header) and "unsafe-eval" not in header


def test_no_template_has_an_inline_script_or_an_event_handler_attribute() -> None:
    templates = list(SRC.rglob("templates/**/*.html"))
    assert len(templates) > 10
    for path in templates:
        text = path.read_text()
        assert not _inline_scripts(text), (path, _inline_scripts(text))
        assert not HANDLER_ATTR.search(text), (path, HANDLER_ATTR.search(text))


def _plain_urls() -> list[str]:
    """Every route without parameters."""
    urls: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            route = str(p.pattern)
            if "<" in route or "(?P" in route or route.startswith("^"):
                continue
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                urls.append("/" + prefix + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(urls))


def test_every_page_renders_without_inline_scripts_and_with_the_strict_policy(
        client: Any, officers: None) -> None:
    from django.contrib.auth import get_user_model

    pages = 0
    for who in ("anonymous", "admin"):
        if who == "admin":
            officer_login(client, get_user_model().objects.get(username="admin"))
        for url in _plain_urls():
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            html = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
            assert not _inline_scripts(html), (who, url, _inline_scripts(html))
            assert "unsafe-inline" not in _script_src(response["Content-Security-Policy"]), url
            pages += 1
    assert pages >= 10, pages
