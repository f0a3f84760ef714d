"""Database from ``DATABASE_URL``; default: SQLite in the data directory (WAL, IMMEDIATE, busy timeout)."""

from __future__ import annotations

from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import ensure_data_dir, env_int, env_str, private_sqlite_file

# The embedded default lives in the data directory, which is made on first use (also in production).
DATABASE_URL = env_str("DATABASE_URL", "") or f"sqlite:///{ensure_data_dir() / 'lapakasik.sqlite3'}"
_SUPPORTED_ENGINES = ("django.db.backends.sqlite3", "django.db.backends.postgresql")
_URL_HELP = "use sqlite:///path/to/file.sqlite3 or postgres://user:password@host:5432/name"


def _parse_database_url(url: str) -> dict[str, Any]:
    """Parse ``DATABASE_URL``; a wrong one is a one-line configuration error (never echoing a password)."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    try:
        parsed = dict(dj_database_url.parse(url))
    except ValueError as exc:  # UnknownSchemeError, ParseError
        if not scheme:
            reason = "not a URL"
        elif isinstance(exc, dj_database_url.UnknownSchemeError):
            reason = f"unknown scheme {scheme!r}"
        else:
            reason = "not a valid URL"
        raise ImproperlyConfigured(f"DATABASE_URL is invalid ({reason}): {_URL_HELP}") from None
    if parsed["ENGINE"] not in _SUPPORTED_ENGINES:
        raise ImproperlyConfigured(f"DATABASE_URL scheme {scheme!r} is not supported: {_URL_HELP}")
    if parsed["ENGINE"] == "django.db.backends.postgresql" and not parsed.get("NAME"):
        raise ImproperlyConfigured(f"DATABASE_URL names no database: {_URL_HELP}")
    return parsed


_db = _parse_database_url(DATABASE_URL)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    private_sqlite_file(str(_db.get("NAME") or ""))
    _db["OPTIONS"] = {
        # IMMEDIATE: writers take the lock at BEGIN, so two writers never deadlock on upgrade.
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 30),
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=30000;"
        ),
    }
    # Keep each thread's connection (re-opening it and re-running the PRAGMAs on every request cost
    # ~1.2 ms of CPU per request: `lapakasik bench server --sqlite`, docs/benchmarks.md).
    _db["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # Small psycopg pool per process (about 2 x cores, see docs/architecture.md).
    _db["OPTIONS"] = {
        "pool": {
            "min_size": env_int("DB_POOL_MIN", 1),
            "max_size": env_int("DB_POOL_MAX", 4),
            "timeout": env_int("DB_POOL_TIMEOUT", 10),
        }
    }
    _db["CONN_MAX_AGE"] = 0
    _db["CONN_HEALTH_CHECKS"] = False

DATABASES = {"default": _db}
