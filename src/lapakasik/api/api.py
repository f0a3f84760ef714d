"""The JSON API: one NinjaAPI under /api/v1/, each app adds its router. Errors use the shape
``{"error": {"code", "message", "fields"}}`` everywhere, including framework errors."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from lapakasik.benefits.api import router as benefits_router
from lapakasik.booking.api import router as booking_router
from lapakasik.booking.api_opening import router as opening_router
from lapakasik.branches.api import router as branches_router
from lapakasik.casework.api import AUTH as officer_auth
from lapakasik.casework.api import router as casework_router
from lapakasik.core.errors import InvalidInput, NotFound, ServiceError
from lapakasik.core.validators import PATTERN_MESSAGES
from lapakasik.intake.api import router as intake_router
from lapakasik.notifications.api import router as notifications_router
from lapakasik.payments.api import officer_router as payments_officer_router
from lapakasik.payments.api import participant_router as payments_router

from .openapi import document_error_answers

log = logging.getLogger(__name__)

class _API(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return document_error_answers(super().get_openapi_schema(**kwargs))


api = _API(
    title="Lapak Asik API",
    version="1.0.0",
    description=(
        "Layanan Tanpa Kontak Fisik — antrean online, pengiriman dokumen klaim, status klaim.\n\n"
        "Contactless claims service — online queue, claim documents, claim status. "
        "Errors: `{\"error\": {\"code\", \"message\", \"fields\"}}`; messages are Indonesian, "
        "English with `Accept-Language: en`."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error_response(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    response = api.create_response(request, exc.as_dict(), status=exc.status)
    for name, value in exc.headers.items():
        response[name] = value
    return response


_PYDANTIC_MESSAGES = {
    "missing": gettext_noop("Wajib diisi."),
    "json_invalid": gettext_noop("Isi permintaan bukan JSON yang valid."),
    "string_type": gettext_noop("Harus berupa teks."),
    "int_parsing": gettext_noop("Harus berupa angka bulat."),
    "int_type": gettext_noop("Harus berupa angka bulat."),
    "date_from_datetime_parsing": gettext_noop("Tanggal harus berformat TTTT-BB-HH, misalnya 2026-12-01."),
    "date_parsing": gettext_noop("Tanggal harus berformat TTTT-BB-HH, misalnya 2026-12-01."),
    "date_type": gettext_noop("Tanggal harus berformat TTTT-BB-HH, misalnya 2026-12-01."),
    "string_too_long": gettext_noop("Terlalu panjang."),
    "string_too_short": gettext_noop("Terlalu pendek."),
    "enum": gettext_noop("Pilihan tidak dikenal."),
    "literal_error": gettext_noop("Pilihan tidak dikenal."),
    "list_type": gettext_noop("Harus berupa daftar."),
    "model_attributes_type": gettext_noop("Isi permintaan harus berupa objek JSON."),
    "dict_type": gettext_noop("Isi permintaan harus berupa objek JSON."),
    "extra_forbidden": gettext_noop("Kolom ini tidak dikenal."),
    "bool_type": gettext_noop("Harus true atau false."),
    "bool_parsing": gettext_noop("Harus true atau false."),
}


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    """The field a message belongs to: ``channels`` for ``channels[0]`` (a list's items are one field)."""
    parts = [str(p) for p in loc if not isinstance(p, int)
             and p not in ("body", "query", "path", "form", "file", "payload", "header", "cookie")]
    return ".".join(parts) or "_body"


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        kind = err.get("type", "")
        if kind == "value_error" and err.get("ctx", {}).get("error") is not None:
            message = str(err["ctx"]["error"])
        elif kind == "string_pattern_mismatch":  # the document's pattern, in words
            message = str(PATTERN_MESSAGES.get(err.get("ctx", {}).get("pattern"), _("Nilai tidak valid.")))
        else:
            message = _(_PYDANTIC_MESSAGES.get(kind, "Nilai tidak valid."))
        fields.setdefault(_field_name(err.get("loc", ())), []).append(message)
    code = "malformed_body" if any(e.get("type") == "json_invalid" for e in exc.errors) else "invalid"
    summary: Any = (_("Isi permintaan bukan JSON yang valid. Kirim objek JSON dengan Content-Type: application/json.")
                    if code == "malformed_body" else InvalidInput.default_message)
    return error_response(request, InvalidInput(summary, code=code, fields=fields))


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return error_response(request, exc)


@api.exception_handler(DjangoValidationError)
def _django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"_body": exc.messages}
    return error_response(request, InvalidInput(fields=fields))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, NotFound())


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, ServiceError(
        _("Akses ditolak. Gunakan token akses dari bukti pendaftaran Anda."), code="unauthorized", status=401))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and "parse request body" in str(exc):  # Ninja: body is not JSON
        return error_response(request, InvalidInput(
            _("Isi permintaan bukan JSON yang valid. Kirim objek JSON dengan Content-Type: application/json."),
            code="malformed_body"))
    return error_response(request, ServiceError(str(exc), code=f"http_{exc.status_code}", status=exc.status_code))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(request, ServiceError(
        _("Isi permintaan terlalu besar. Kirim data yang lebih kecil."), code="body_too_large", status=413))


@api.exception_handler(TooManyFieldsSent)
def _too_many(request: HttpRequest, exc: TooManyFieldsSent) -> HttpResponse:
    return error_response(request, ServiceError(
        _("Terlalu banyak kolom dalam permintaan."), code="too_many_fields", status=400))


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("unhandled API error")
    rid = getattr(request, "request_id", "")
    return error_response(request, ServiceError(
        _("Terjadi kesalahan di sistem kami. Coba lagi beberapa saat lagi; jika berulang, hubungi 175 "
          "dan sebutkan kode %(rid)s.") % {"rid": rid},
        code="internal_error", status=500))


# Each app's router, in the order of the OpenAPI document.
for _router in (branches_router, booking_router, opening_router, intake_router, notifications_router, casework_router,
                payments_router):
    api.add_router("/", _router)
# The officers' payment operations take the officer API's ways in (session or personal token).
api.add_router("/", payments_officer_router, auth=officer_auth)
# The decisions' officer operations: the officer API's two ways in (personal token, or the session).
api.add_router("/", benefits_router, auth=officer_auth)
