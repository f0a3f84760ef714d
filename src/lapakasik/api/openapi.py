"""Error answers in the OpenAPI document: every operation lists the error statuses it can give.

Operations list their own (``response={409: ErrorOut, …}``, or ``openapi_extra=error_responses(…)`` for
an operation that answers without a schema); ``document_error_answers`` then adds the ones every
operation of a kind can give, from the document itself: 401 with a security scheme, 404 with a path
parameter, 422 with parameters or a body, 503 on a POST the overload gate may refuse (``OVERLOAD_SHED_PATHS``,
core/admission.py). The fuzzing (tests/fuzz) checks every received status is listed.
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message", "fields"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}}}},
}
DESCRIPTIONS = {
    "401": "Token akses tidak ada atau tidak sah / missing or invalid access token or signature",
    "404": "Tidak ditemukan (atau token tidak cocok) / not found (or the token does not match)",
    "422": "Isian tidak valid, per kolom / invalid input, per field",
    "429": "Terlalu banyak permintaan; lihat Retry-After / too many requests, see Retry-After",
    "503": "Sedang sangat ramai, tidak ada yang tercatat; coba lagi setelah Retry-After (kode `overloaded`) / "
           "overloaded, nothing was recorded; try again after Retry-After (code `overloaded`)",
}


def _answer(status: str) -> dict[str, Any]:
    return {"description": DESCRIPTIONS.get(status, "Error"), "content": {"application/json": {"schema": ERROR_SCHEMA}}}


def error_responses(*statuses: int) -> dict[str, Any]:
    """``openapi_extra`` for an operation that gives these error statuses beyond the generic ones."""
    return {"responses": {s: _answer(str(s)) for s in statuses}}  # int keys, as Django Ninja's own


def document_error_answers(schema: dict[str, Any]) -> dict[str, Any]:
    from django.conf import settings

    shed_paths = set(settings.OVERLOAD_SHED_PATHS)
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            params = operation.get("parameters") or []
            wanted = []
            if operation.get("security"):
                wanted.append("401")
            if "{" in path:
                wanted.append("404")
            if params or operation.get("requestBody"):
                wanted.append("422")
            if method.lower() == "post" and path in shed_paths:
                wanted.append("503")
            for status in wanted:
                if status not in responses and int(status) not in responses:
                    responses[int(status)] = _answer(status)
    return schema
