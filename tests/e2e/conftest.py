"""Browser fixtures: Debian's Chromium driven by Playwright (Python), against pytest-django's live
server (a real HTTP server on 127.0.0.1 in a thread, same test database).

- ``chromium``: a browser per test (function scope: a Playwright sync session must not outlive the
  test, other e2e modules start their own). Missing Chromium or Playwright → the test is
  skipped, or FAILS when ``LAPAKASIK_REQUIRE_BROWSER=1`` (CI).
- ``phone``: a fresh context + page with a phone viewport (390×844, touch, id-ID), downloads on.
- ``phone_factory``: more such contexts (another "device"), optionally without JavaScript.

Launch recipe for Debian's Chromium: ``executable_path=/usr/bin/chromium`` and the flags
below; never ``playwright install``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("LAPAKASIK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "id-ID", "timezone_id": "Asia/Jakarta", "accept_downloads": True}


def _unavailable(reason: str) -> None:
    if os.environ.get("LAPAKASIK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required (LAPAKASIK_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(f"browser test skipped: {reason} (set LAPAKASIK_REQUIRE_BROWSER=1 to make this a failure)")


@pytest.fixture
def chromium() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install playwright)")
        return
    if not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
        return
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
    # plain synchronous code, so Django's async-safety guard is told so.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def phone_factory(chromium: Any) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []

    errors: list[str] = []

    def make(*, javascript: bool = True, language: str = "id-ID") -> Any:
        context = chromium.new_context(**{**PHONE, "locale": language}, java_script_enabled=javascript)
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        # Script errors and CSP violations show up as console errors / page errors: none allowed.
        # (A page answered 4xx on purpose — a form with errors — is not an error; a missing
        # stylesheet or script is.)
        page.on("console", lambda msg: errors.append(f"{msg.type}: {msg.text}")
                if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
        page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
        page.on("response", lambda r: errors.append(f"HTTP {r.status} {r.url}")
                if r.status >= 400 and r.request.resource_type != "document"
                and not r.url.endswith("/favicon.ico") else None)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, errors


@pytest.fixture
def phone(phone_factory: Callable[..., Any]) -> Any:
    return phone_factory()
