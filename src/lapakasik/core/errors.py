"""The error model shared by services, the API and pages.

Every API error has the shape ``{"error": {"code": "...", "message": "...", "fields": {...}}}``.
Messages are Indonesian (the source language) and translated to English when the request asks
for it (``Accept-Language: en`` or ``?lang=en``). Every message a participant can meet says what
to do next.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    """A rule said no. Raised by services; nothing was written (the transaction rolls back)."""

    status = 400
    code = "bad_request"
    default_message: Any = _("Permintaan tidak dapat diproses.")

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        status: int | None = None,
        fields: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        if status:
            self.status = status
        self.fields = fields or {}
        self.extra = extra or {}
        self.headers = headers or {}
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message), "fields": {
            k: [str(m) for m in (v if isinstance(v, list | tuple) else [v])] for k, v in self.fields.items()
        }}
        body.update(self.extra)
        return {"error": body}


class InvalidInput(ServiceError):
    status = 422
    code = "invalid"
    default_message = _("Data yang dikirim belum benar. Periksa isian yang ditandai lalu kirim lagi.")


class NotFound(ServiceError):
    status = 404
    code = "not_found"
    default_message = _("Data tidak ditemukan. Periksa kembali kode yang Anda masukkan.")


class Conflict(ServiceError):
    status = 409
    code = "conflict"
    default_message = _("Permintaan bertentangan dengan keadaan data saat ini.")


class PermissionDenied(ServiceError):
    status = 403
    code = "forbidden"
    default_message = _("Anda tidak berhak melakukan ini.")


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"
    default_message = _("Akses ditolak. Masuk lagi atau gunakan tautan dari pesan resmi kami.")


class RateLimited(ServiceError):
    status = 429
    code = "rate_limited"
    default_message = _("Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi.")

    def __init__(self, retry_after: int, message: Any = None) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, int(retry_after)))},
                         extra={"retry_after": max(1, int(retry_after))})


class Overloaded(ServiceError):
    """The web process could not answer in time; nothing was done (core/admission.py answers it before
    Django is entered, with ``Retry-After``)."""

    status = 503
    code = "overloaded"
