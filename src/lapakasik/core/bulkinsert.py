"""Insert thousands of rows of a model with one prepared statement (``executemany``), for the few paths
that write a row per claim for a whole batch at once (a bank's result file). ``bulk_create`` builds model
instances and compiles a statement per 999 parameters on SQLite, which costs more than the inserts
themselves. Values that need Django's conversion (JSON, dates and times, decimals) still go through their
field's ``get_db_prep_save``; a column not given takes its field's default."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)


def insert_rows(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT ``rows`` (dicts by field attname, e.g. ``claim_id``) into ``model``'s table in the caller's
    transaction; an IntegrityError aborts it as ``bulk_create`` would. ``auto_now`` fields are set now."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 - names from the model, values as parameters
    plan = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            now = f.get_db_prep_save(f.pre_save(model(), add=True), connection)
            plan.append((f, True, now))
        else:
            default = f.get_db_prep_save(f.get_default(), connection)
            plan.append((f, isinstance(f, _PLAIN) and not isinstance(f, models.JSONField), default))
    params = []
    for row in rows:
        values = []
        for f, plain, default in plan:
            if f.attname not in row or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                values.append(default)
            elif plain:
                values.append(row[f.attname])
            else:
                values.append(f.get_db_prep_save(row[f.attname], connection))
        params.append(values)
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
