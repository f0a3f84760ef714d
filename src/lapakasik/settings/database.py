"""Database from ``DATABASE_URL``; default: SQLite in the data directory (WAL, IMMEDIATE, busy timeout)."""

from __future__ import annotations

import dj_database_url

from .env import DATA_DIR, env_int, env_str

DATABASE_URL = env_str("DATABASE_URL", "") or f"sqlite:///{DATA_DIR / 'lapakasik.sqlite3'}"

_db = dj_database_url.parse(DATABASE_URL)
if _db["ENGINE"] == "django.db.backends.sqlite3":
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
    _db["CONN_MAX_AGE"] = 0
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
