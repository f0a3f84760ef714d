"""Documents API: upload (multipart) and the checklist, authorised by the booking's access token."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Router, Schema, Status

from lapakasik.api.auth import claim_of, participant_claim
from lapakasik.api.openapi import error_responses
from lapakasik.claims.services import Actor
from lapakasik.core.errors import Conflict, InvalidInput, ServiceError
from lapakasik.core.validators import PublicCode

from . import pipeline, policy
from .catalogue import (
    claim_checklist,
    document_reason,
    document_status_label,
    is_unmatched,
    requirement_get,
    requirements_for,
)
from .models import Document, Source
from .ratelimit import upload_rate_check, upload_rate_count_files
from .receive import document_receive, intake_ack_schedule
from .selectors import intake_links_get
from .types import ReceiveResult

router = Router(tags=["documents"])


class IntakeDocumentOut(Schema):
    id: int
    filename: str
    status: str
    status_label: str
    requirement: str | None
    source: str
    kind: str
    size: int
    pages: int | None
    reason_code: str
    reason: str
    unmatched: bool = Field(description="stored, but not matched to a requirement yet: which document is it?")
    created_at: datetime


class IntakeRequirementOut(Schema):
    code: str
    label: str
    required: bool
    condition_note: str
    status: str
    status_label: str
    min_files: int
    max_files: int
    documents: list[IntakeDocumentOut]


class IntakeChecklistOut(Schema):
    claim_code: str
    state: str
    complete: bool
    documents_due_at: datetime | None
    email_address: str | None
    upload_url: str | None
    requirements: list[IntakeRequirementOut]
    unassigned: list[IntakeDocumentOut] = Field(
        description="every file not matched to a requirement: stored (unmatched), held, and refused with its reason")


class IntakeResultOut(Schema):
    filename: str
    outcome: str
    requirement: str | None
    reason_code: str
    message: str
    document: IntakeDocumentOut | None


class IntakeUploadOut(Schema):
    results: list[IntakeResultOut]
    checklist: IntakeChecklistOut


def document_out(doc: Document) -> IntakeDocumentOut:
    return IntakeDocumentOut(
        id=doc.pk, filename=doc.original_name, status=doc.status, status_label=document_status_label(doc),
        requirement=doc.requirement.code if doc.requirement_id and doc.requirement else None, source=doc.source,
        kind=doc.kind, size=doc.size, pages=doc.pages, reason_code=doc.reason_code,
        reason=document_reason(doc), unmatched=is_unmatched(doc), created_at=doc.created_at,
    )


def checklist_out(claim: Any) -> IntakeChecklistOut:
    checklist = claim_checklist(claim)
    links = intake_links_get(claim)
    return IntakeChecklistOut(
        claim_code=claim.code, state=claim.state, complete=checklist.complete,
        documents_due_at=claim.documents_due_at,
        email_address=links.email_address if links else None, upload_url=links.upload_url if links else None,
        requirements=[IntakeRequirementOut(
            code=i.code, label=i.label, required=i.required, condition_note=i.condition_note, status=i.status,
            status_label=str(policy.STATUS_LABELS[i.status]), min_files=i.min_files, max_files=i.max_files,
            documents=[document_out(d) for d in [*i.documents, *i.held, *i.refusals]],
        ) for i in checklist.items],
        unassigned=[document_out(d) for d in checklist.unassigned],
    )


def result_out(r: ReceiveResult) -> IntakeResultOut:
    return IntakeResultOut(filename=r.filename, outcome=r.outcome, requirement=r.requirement_code,
                     reason_code=r.reason_code, message=str(pipeline.reason_message(r.reason_code))
                     if r.reason_code in pipeline.REASONS else r.message,
                     document=document_out(r.document) if r.document is not None else None)


def too_large_error() -> ServiceError:
    limit_mb = f"{round(pipeline.limits().max_file_bytes / (1024 * 1024), 1):g}"
    return ServiceError(
        _("Kiriman terlalu besar. Setiap berkas paling besar %(max_mb)s MB; kirim berkas satu per satu.")
        % {"max_mb": limit_mb}, code="body_too_large", status=413)


def uploaded_files(request: HttpRequest) -> tuple[list[Any], str | None]:
    """The files and the chosen requirement of a multipart request; malformed bodies, too many files
    or fields become clear ServiceErrors (never a 500)."""
    try:
        files = request.FILES.getlist("file")
        requirement = (request.POST.get("requirement") or "").strip() or None
    except (TooManyFilesSent, TooManyFieldsSent):
        raise ServiceError(_("Terlalu banyak berkas dalam satu kiriman. Kirim paling banyak %(n)s berkas sekaligus.")
                           % {"n": settings.DATA_UPLOAD_MAX_NUMBER_FILES}, code="too_many_files", status=400) from None
    except RequestDataTooBig:
        raise too_large_error() from None
    except MultiPartParserError:
        raise ServiceError(_("Kiriman tidak dapat dibaca (format multipart rusak). Pilih berkasnya lagi lalu kirim "
                             "ulang."), code="malformed_multipart", status=400) from None
    return files, requirement


def body_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def request_too_large(request: HttpRequest) -> bool:
    return body_length(request) > int(getattr(settings, "INTAKE_MAX_REQUEST_BYTES", 7 * 1024 * 1024))


REQUIREMENT_CODE_PATTERN = r"^[a-z0-9_]{1,32}$"
ACCEPTED_FILE_TYPES = "image/jpeg, image/png, application/pdf"

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {
            "schema": {
                "type": "object", "required": ["file"],
                "properties": {
                    "file": {"type": "array", "items": {"type": "string", "format": "binary"},
                             "description": "JPG, PNG or PDF, at most 6 MB each; each file is inspected and "
                                            "received or refused with a reason"},
                    "requirement": {"type": "string", "pattern": REQUIREMENT_CODE_PATTERN,
                                    "description": "requirement code of this claim's checklist, e.g. ktp, kk, "
                                                   "npwp (409 unknown_requirement if the claim has no such "
                                                   "requirement); without it each file is classified"},
                },
            },
            "encoding": {"file": {"contentType": ACCEPTED_FILE_TYPES}},
        }},
    },
    # 409: the claim no longer accepts documents, or has no such requirement; 429: too many files per minute
    # or bytes per hour for this token or claim (Retry-After says when)
    **error_responses(409, 429),
}


def requirement_check(claim: Any, code: str) -> None:
    """The requirement the request names: malformed → 422 (the document's pattern); one this claim's
    checklist does not have → 409 before any file is read (a well-formed code the catalogue decides)."""
    if not re.fullmatch(REQUIREMENT_CODE_PATTERN, code):
        raise InvalidInput(fields={"requirement": [_("Kode dokumen hanya huruf kecil, angka atau garis bawah.")]})
    requirement = requirement_get(claim, code)
    if requirement is None or requirement.pk not in {req.pk for req, _required in requirements_for(claim)}:
        raise Conflict(pipeline.reason_message("unknown_requirement"), code="unknown_requirement",
                       fields={"requirement": [pipeline.reason_message("unknown_requirement")]})


def _bearer_token(request: HttpRequest) -> str:
    """The participant's access token as sent (already checked by the auth class): the upload link's
    identity for the per-link rate limit."""
    return request.headers.get("Authorization", "").partition(" ")[2].strip()


@router.post("/claims/{code}/documents", auth=participant_claim, response={201: IntakeUploadOut, 200: IntakeUploadOut},
             summary="Kirim dokumen klaim / upload claim documents", openapi_extra=_UPLOAD_BODY)
def upload_documents(request: HttpRequest, code: Path[PublicCode]) -> Any:
    claim = claim_of(request)
    if request_too_large(request):
        raise too_large_error()
    token = _bearer_token(request)
    upload_rate_check(claim=claim, link=token, body_bytes=body_length(request))
    files, requirement = uploaded_files(request)
    upload_rate_count_files(claim=claim, link=token, files=len(files))
    raw_requirement = request.POST.get("requirement")  # as sent: "" or spaces do not match the pattern either
    if raw_requirement is not None:
        requirement_check(claim, raw_requirement)
    if not files:
        raise InvalidInput(_("Tidak ada berkas. Lampirkan berkas pada kolom 'file'."), code="no_file",
                           fields={"file": [_("Wajib diisi.")]})
    results = [document_receive(claim=claim, fileobj=f, filename=f.name or "", declared_type=f.content_type,
                                source=Source.API, requirement_code=requirement, actor=Actor.participant())
               for f in files]
    intake_ack_schedule(claim=claim)
    claim.refresh_from_db()
    body = IntakeUploadOut(results=[result_out(r) for r in results], checklist=checklist_out(claim))
    if all(r.outcome == "refused" for r in results):
        first = results[0]
        err = ServiceError(first.message_en if _lang_en() else first.message, code=f"file_{first.reason_code}",
                           status=422, extra={"results": [r.model_dump(mode="json") for r in body.results]})
        raise err  # the API's error answer, with every file's result in "extra"
    return Status(201 if any(r.outcome in {"received", "held"} for r in results) else 200, body)


def _lang_en() -> bool:
    return (get_language() or "id").startswith("en")


@router.get("/claims/{code}/documents", auth=participant_claim, response=IntakeChecklistOut,
            summary="Daftar dokumen dan status / documents checklist")
def list_documents(request: HttpRequest, code: Path[PublicCode]) -> IntakeChecklistOut:
    return checklist_out(claim_of(request))

