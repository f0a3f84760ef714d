"""Shared fixtures and the rules for environment-dependent tests.

- ``@pytest.mark.postgres``: needs real PostgreSQL row locks. Skipped on SQLite, with a summary at
  the end saying which; with LAPAKASIK_REQUIRE_POSTGRES=1 (CI) a skip is a failure.
- ``@pytest.mark.browser``: Playwright on Debian's Chromium; with LAPAKASIK_REQUIRE_BROWSER=1 (CI) a
  missing browser is a failure.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property tests check correctness, not speed: on a loaded 2-core CI box a slow example is not a bug.
hypothesis_settings.register_profile("lapakasik", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("lapakasik")

_pg_skipped: list[str] = []


@pytest.fixture(autouse=True)
def _postgres_only(request: Any) -> None:
    if request.node.get_closest_marker("postgres") is None:
        return
    if connection.vendor != "postgresql":
        if os.environ.get("LAPAKASIK_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL required (LAPAKASIK_REQUIRE_POSTGRES=1) but the database is " + connection.vendor)
        _pg_skipped.append(request.node.nodeid)
        pytest.skip("PostgreSQL-only: set DATABASE_URL=postgres://… to run")


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "PostgreSQL-only" in str(r.longrepr)]
    if skipped:
        terminalreporter.section("PostgreSQL-only tests skipped (running on SQLite)")
        for report in skipped:
            terminalreporter.write_line(f"  {report.nodeid}")
        terminalreporter.write_line(
            "Run them with: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test make pytest"
        )


@pytest.fixture
def network(db: Any) -> None:
    """The seeded sample branch network (11 regions, DKI online-only)."""
    from lapakasik.branches.seed import seed_demo

    seed_demo()


@pytest.fixture
def officers(network: None) -> None:
    from lapakasik.accounts.seed import seed_demo

    seed_demo()


def error_of(response: Any) -> dict[str, Any]:
    """The ``error`` object of an API error response, asserting the shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "fields"} <= set(body["error"]), body
    return body["error"]  # type: ignore[no-any-return]


def _uses_database(item: Any) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return (item.get_closest_marker("django_db") is not None
            or bool(names & {"db", "transactional_db", "live_server"}))


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """``LAPAKASIK_DATABASE_TESTS_ONLY=1`` (CI's PostgreSQL pass): only the tests that touch the database —
    a test that never does runs the very same code on SQLite and PostgreSQL, and the first pass ran it.
    ``LAPAKASIK_ALONE=skip`` / ``only`` (the Makefile's two passes): without / only the tests marked ``alone``,
    which time a real server against a latency bound and so must not share the two cores with other tests."""
    keep = list(items)
    if os.environ.get("LAPAKASIK_DATABASE_TESTS_ONLY") == "1":
        keep = [item for item in keep if _uses_database(item)]
    alone = os.environ.get("LAPAKASIK_ALONE", "")
    if alone in ("skip", "only"):
        keep = [item for item in keep if (item.get_closest_marker("alone") is not None) == (alone == "only")]
    deselected = [item for item in items if item not in keep]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = keep


@pytest.fixture(autouse=True)
def _each_test_starts_with_an_empty_cache() -> Any:
    """Cached answers (availability snapshots, full marks, resolved branches) name rows by id. On PostgreSQL
    a rolled-back test does not give its ids back, so a snapshot left by an earlier test in the same worker
    would name a branch or slot that no longer exists."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _each_test_starts_in_indonesian() -> Any:
    """A test that reads a participant's text reads it in the default language, Indonesian, whatever
    language an earlier test in the same worker process left active (a view answering in English
    activates English for the thread)."""
    from django.utils import translation

    translation.activate("id")
    yield
    translation.deactivate()
