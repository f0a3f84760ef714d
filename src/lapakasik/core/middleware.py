from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import structlog
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils.translation import gettext as _

from lapakasik.core import errors


class RequestIdMiddleware:
    """Binds a request id to the logs and returns it as X-Request-ID (quoted in error pages)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        request.request_id = rid  # type: ignore[attr-defined]
        structlog.contextvars.bind_contextvars(request_id=rid)
        try:
            response = self.get_response(request)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
        response["X-Request-ID"] = rid
        return response


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        return response


class ApiErrorShapeMiddleware:
    """Under ``/api/`` every error answer has the API's error shape, including the ones Django or
    Django Ninja produce before a view runs (unknown route 404, wrong method 405, CSRF 403, a
    rejected body 400/413, an uncaught error 500): their HTML or plain-text page is replaced by
    ``{"error": {"code", "message", "fields"}}``. Headers such as ``Allow`` are kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (response.status_code < 400 or not request.path.startswith("/api/")
                or response.get("Content-Type", "").startswith("application/json")):
            return response
        return api_error_response(request, response)


def api_error_response(request: HttpRequest, original: HttpResponse) -> HttpResponse:
    status = original.status_code
    rid = getattr(request, "request_id", "")
    error: errors.ServiceError
    if status == 404:
        error = errors.NotFound()
    elif status == 405:
        error = errors.ServiceError(code="method_not_allowed", status=405)
    elif status == 403:
        error = errors.PermissionDenied()
    elif status == 401:
        error = errors.Unauthorized()
    elif status == 413:
        error = errors.ServiceError(_("Isi permintaan terlalu besar. Kirim data yang lebih kecil."),
                                    code="body_too_large", status=413)
    elif status >= 500:
        error = errors.ServiceError(
            _("Terjadi kesalahan di sistem kami. Coba lagi beberapa saat lagi; jika berulang, hubungi 175 "
              "dan sebutkan kode %(rid)s.") % {"rid": rid}, code="internal_error", status=status)
    else:
        error = errors.ServiceError(code=f"http_{status}", status=status)
    response = JsonResponse(error.as_dict(), status=status)
    for name in ("Allow", "Retry-After", "WWW-Authenticate", "X-Request-ID"):
        if name in original:
            response[name] = original[name]
    return response


# A JSON string escape for NUL that is not itself escaped: ``\u0000`` after an even number of backslashes.
_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def _nul_path(value: Any) -> str | None:
    """Dotted name of the first string (or key) in a JSON value that contains NUL. Iterative: a
    hostile nesting depth costs memory for the stack list, never a RecursionError."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, prefix = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return prefix or "_body"
        elif isinstance(item, dict):
            for key, child in reversed(list(item.items())):
                if "\x00" in str(key):
                    return prefix or "_body"
                stack.append((child, f"{prefix}.{key}" if prefix else str(key)))
        elif isinstance(item, list):
            stack.extend((child, prefix) for child in reversed(item))
    return None


def _nul_in_json_body(body: bytes) -> str | None:
    """The field holding a NUL in a (presumed) JSON body; ``_body`` when the body has a NUL but cannot
    be parsed to name the field (a raw NUL byte, invalid JSON, nesting deeper than the parser allows)."""
    if b"\x00" not in body and not _NUL_ESCAPE.search(body):
        return None
    try:
        return _nul_path(json.loads(body)) or "_body"
    except (ValueError, RecursionError):
        return "_body"


class NulByteGuardMiddleware:
    """Refuse API input containing NUL characters (``\\x00``) before any view runs: no field of this
    product may contain one, and PostgreSQL cannot store one (a query with it was a 500). Checked for
    ``/api/``: the path, query parameters, and the body of every content type (for multipart, the text
    fields; files are the intake pipeline's); the answer is 422 with the error shape and the field named
    (``_body`` when it cannot be named). Pages are covered by Django's form fields, which
    refuse NUL themselves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = self._nul_field(request) if request.path.startswith("/api/") else None
        if field is None:
            return self.get_response(request)
        error = errors.InvalidInput(fields={field: [_("Permintaan tidak dapat diproses.")]})
        return JsonResponse(error.as_dict(), status=error.status)

    @staticmethod
    def _nul_field(request: HttpRequest) -> str | None:
        if "\x00" in request.path:
            return "_path"
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return name.replace("\x00", "") or "_query"
        content_type = request.content_type or ""
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if not 0 < length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return None  # too big (a file upload: files are the intake pipeline's) or empty
        if content_type.startswith("multipart/"):
            # The text fields only (files are the intake pipeline's), parsed from a copy of the raw body:
            # the request itself is left untouched, so the view still parses it — and answers a
            # malformed one — as before (Django Ninja even reads JSON from a multipart body).
            try:
                fields, _files = MultiPartParser(
                    request.META, io.BytesIO(request.body), [MemoryFileUploadHandler(request)],
                    request.encoding or settings.DEFAULT_CHARSET).parse()
            except (MultiPartParserError, SuspiciousOperation, ValueError):
                return None  # the view answers
            for name, values in fields.lists():
                if "\x00" in name or any("\x00" in value for value in values):
                    return name.replace("\x00", "") or "_body"
            return None
        if content_type == "application/x-www-form-urlencoded":
            for name, values in request.POST.lists():
                if "\x00" in name or any("\x00" in value for value in values):
                    return name.replace("\x00", "") or "_body"
            return None
        # Every other content type (JSON, text/plain, none at all …): the API reads bodies as JSON
        # whatever their declared type, so the raw bytes are checked for NUL and its JSON escape.
        return _nul_in_json_body(request.body)
