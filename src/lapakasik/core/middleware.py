from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import structlog
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
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


_NUL_JSON = b"\\u0000"


def _nul_path(value: Any, prefix: str = "") -> str | None:
    """Dotted name of the first string (or key) in a JSON value that contains NUL."""
    if isinstance(value, str):
        return (prefix or "_body") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if "\x00" in str(key):
                return prefix or "_body"
            found = _nul_path(item, name)
            if found:
                return found
    if isinstance(value, list):
        for item in value:
            found = _nul_path(item, prefix)
            if found:
                return found
    return None


class NulByteGuardMiddleware:
    """Refuse API input containing NUL characters (``\\x00``) before any view runs: no field of this
    product may contain one, and PostgreSQL cannot store one (a query with it was a 500). Checked for
    ``/api/``: the path, query parameters, and urlencoded or JSON bodies (not file uploads); the answer
    is 422 with the error shape and the field named. Pages are covered by Django's form fields, which
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
        if content_type not in ("application/json", "application/x-www-form-urlencoded"):
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if not 0 < length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return None  # too big or empty: the view's own parsing answers
        body = request.body
        if content_type == "application/x-www-form-urlencoded":
            for name, values in request.POST.lists():
                if "\x00" in name or any("\x00" in value for value in values):
                    return name.replace("\x00", "") or "_body"
            return None
        if b"\x00" not in body and _NUL_JSON not in body:
            return None
        try:
            return _nul_path(json.loads(body))
        except ValueError:
            return None  # not JSON: the API's own parsing answers
