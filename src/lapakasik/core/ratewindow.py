"""Fixed-window counters in the database, shared by every process (``RateWindow``).

Used for request rate limits when the cache is per process (the embedded default). One row per key and
window, written by one upsert per request (``INSERT … ON CONFLICT DO UPDATE SET count = count + 1 WHERE
count < limit``): granted when it changed a row. The same on SQLite and PostgreSQL; old windows are
deleted by ``rate_windows_clean``.
"""

from __future__ import annotations

from django.db import connection

from .models import RateWindow


def window_take(*, key: str, window: int, limit: int) -> bool:
    """Count one request of ``key`` in ``window`` unless ``limit`` were counted already. True when granted.

    One statement (an upsert whose update is conditional), on SQLite and PostgreSQL alike: the row is
    inserted with 1, or its count incremented while below ``limit``; no row changed = refused."""
    if limit <= 0:
        return False
    table = connection.ops.quote_name(RateWindow._meta.db_table)
    key_col, window_col, count_col = (connection.ops.quote_name(c) for c in ("key", "window", "count"))
    # The identifiers are the model's own, quoted; every value is a parameter.
    sql = (f"INSERT INTO {table} ({key_col}, {window_col}, {count_col}) VALUES (%s, %s, 1) "  # noqa: S608
           f"ON CONFLICT ({key_col}, {window_col}) DO UPDATE SET {count_col} = {table}.{count_col} + 1 "
           f"WHERE {table}.{count_col} < %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, window, limit])
        return bool(cursor.rowcount == 1)


def windows_clean(*, before_window: int) -> int:
    """Delete counter rows of windows before ``before_window``. Returns how many."""
    deleted, _ = RateWindow.objects.filter(window__lt=before_window).delete()
    return deleted
