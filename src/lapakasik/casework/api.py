"""The officer API under /api/v1/officer/: the queue, a claim, review, state changes and confirmations.

Two ways in, both in the OpenAPI document: the pages' own session (``django_auth``, with CSRF on writes)
and a personal token (``OfficerToken``: ``Authorization: Bearer la_…``, made on /petugas/token-api/),
which acts as its officer. Every decision is ``accounts.policy``'s, as on the pages: a role that may never
do it → 403 before any look-up; a claim outside the caller's scope → the same 404 as an unknown code."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import HttpBearer, django_auth
from pydantic import ConfigDict

from lapakasik.accounts.access import authorise, require
from lapakasik.accounts.policy import Action
from lapakasik.accounts.selectors import branches_visible_to
from lapakasik.booking.api import ErrorOut
from lapakasik.claims.models import Claim, ClaimType
from lapakasik.claims.reasons import reason_label
from lapakasik.claims.selectors import claim_applicant
from lapakasik.core import clock
from lapakasik.core.codes import token_digest
from lapakasik.core.errors import InvalidInput, NotFound
from lapakasik.core.masking import mask_nik
from lapakasik.core.validators import BranchCode, PublicCode, free_text
from lapakasik.intake.catalogue import claim_checklist
from lapakasik.intake.models import Document

from . import policy, selectors, services
from .models import Confirmation, OfficerApiToken

router = Router(tags=["officer"])

SLUG = r"^[a-z0-9_]{1,40}$"
PositiveId = Annotated[int, Field(ge=1, le=2**53)]
STATES = Literal["", "BOOKED", "AWAITING_DOCUMENTS", "DOCUMENTS_RECEIVED", "DOCUMENTS_INCOMPLETE", "UPLOAD_FAILED",
                 "DROPBOX_EXPECTED", "IN_REVIEW", "NEEDS_CONFIRMATION", "VERIFIED", "APPROVED", "PAID", "REJECTED",
                 "CANCELLED", "EXPIRED"]


class OfficerToken(HttpBearer):
    """A personal officer token → its (active) user, who then stands for the request."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        token = token.strip()
        if not token.startswith("la_"):
            return None
        row = (OfficerApiToken.objects.select_related("user").filter(digest=token_digest(token),
                                                                      revoked_at__isnull=True).first())
        if row is None or not row.user.is_active:
            return None
        OfficerApiToken.objects.filter(pk=row.pk).update(last_used_at=clock.now())
        request.user = row.user
        return row.user


AUTH = [OfficerToken(), django_auth]
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class QueueRowOut(Schema):
    code: str
    state: str
    state_label: str
    claim_type: str
    reason_label: str
    name: str
    nik_masked: str
    session_at: datetime | None
    deadline: datetime | None
    overdue: bool
    documents_complete: bool
    assignee: str
    mine: bool


class QueueOut(Schema):
    branch_code: str
    total: int
    page: int
    pages: int
    counts: dict[str, int]
    items: list[QueueRowOut]


class QueueQuery(Schema):
    branch: BranchCode | None = Field(None, description="Kode cabang (admin); petugas: cabangnya sendiri")
    state: STATES = ""
    type: Literal["", "JHT", "JKK", "JKM", "JP"] = ""
    overdue: bool = False
    mine: bool = False
    unassigned: bool = False
    q: str = free_text(64, default="", description="Kode klaim, NIK (tepat 16 angka) atau nama")
    page: int = Field(1, ge=1, le=10_000)


class DocumentOut(Schema):
    id: int
    name: str
    requirement: str
    status: str
    reason_code: str
    source: str


class ChecklistItemOut(Schema):
    code: str
    label: str
    required: bool
    status: str


class ConfirmationOut(Schema):
    id: int
    channel: str
    window_start: datetime
    window_end: datetime
    officer: str
    outcome: str
    video_url: str


class ClaimOut(Schema):
    code: str
    state: str
    state_label: str
    claim_type: str
    reason_label: str
    branch_code: str
    session_at: datetime | None
    documents_due_at: datetime | None
    assignee: str
    applicant_name: str
    nik_masked: str
    checklist: list[ChecklistItemOut]
    documents: list[DocumentOut]
    confirmations: list[ConfirmationOut]


def _claim_for(request: HttpRequest, code: str, action: Action) -> Claim:
    require(request.user, action)
    claim = selectors.claim_by_code(code)
    if claim is None:
        raise NotFound(code="claim_not_found")
    require(request.user, action, claim=claim, not_found_code="claim_not_found")
    return claim


def claim_out(claim: Claim) -> dict[str, Any]:
    applicant = claim_applicant(claim)
    who = claim.assignee
    return {
        "code": claim.code, "state": claim.state, "state_label": str(claim.get_state_display()),
        "claim_type": claim.claim_type, "reason_label": reason_label(claim.claim_type, claim.claim_reason),
        "branch_code": claim.branch.code, "session_at": claim.session_at, "documents_due_at": claim.documents_due_at,
        "assignee": (who.get_username() if who else ""), "applicant_name": applicant.full_name,
        "nik_masked": mask_nik(claim.insured_nik),
        "checklist": [{"code": i.code, "label": i.label, "required": i.required, "status": i.status}
                      for i in claim_checklist(claim).items],
        "documents": [{"id": d.pk, "name": d.original_name, "requirement": d.requirement.code if d.requirement else "",
                       "status": d.status, "reason_code": d.reason_code, "source": d.source}
                      for d in Document.objects.filter(claim=claim).select_related("requirement").order_by("id")],
        "confirmations": [{"id": c.pk, "channel": c.channel, "window_start": c.window_start, "window_end": c.window_end,
                           "officer": c.officer.get_username(), "outcome": c.outcome,
                           "video_url": services.video_url(c.room) if c.room else ""}
                          for c in selectors.claim_confirmations(claim)],
    }


@router.get("/officer/queue", auth=AUTH, response={200: QueueOut, **ERRORS},
            summary="Antrean kerja cabang / the branch's work queue")
def officer_queue(request: HttpRequest, filters: Query[QueueQuery]) -> dict[str, Any]:
    require(request.user, Action.VIEW_QUEUE)
    visible = branches_visible_to(request.user, Action.VIEW_QUEUE)
    branch = (visible.filter(code__iexact=filters.branch).first() if filters.branch
              else visible.order_by("name").first())
    if branch is None:
        raise NotFound(code="branch_not_found")
    f = policy.queue_filter_parse({k: str(v).lower() if isinstance(v, bool) else str(v or "")
                                   for k, v in filters.dict().items()}, claim_types=ClaimType.values)
    page = selectors.work_queue(branch_ids=[branch.pk], f=f, user_id=request.user.pk)
    return {"branch_code": branch.code, "total": page.total, "page": page.page, "pages": page.pages,
            "counts": page.counts, "items": [r.__dict__ for r in page.rows]}


@router.post("/officer/queue/take-next", auth=AUTH, response={200: ClaimOut, 204: None, **WRITE_ERRORS},
             summary="Ambil klaim berikutnya / take the next claim")
def officer_take_next(request: HttpRequest) -> Any:
    principal = require(request.user, Action.TAKE_CLAIM)
    claim = services.claim_take_next(user=request.user, branch_id=int(principal.branch_id or 0))
    if claim is None:
        return Status(204, None)
    return Status(200, claim_out(selectors.claim_by_code(claim.code)))  # type: ignore[arg-type]


@router.get("/officer/claims/{code}", auth=AUTH, response={200: ClaimOut, **ERRORS},
            summary="Satu klaim / one claim")
def officer_claim(request: HttpRequest, code: PublicCode) -> dict[str, Any]:
    return claim_out(_claim_for(request, code, Action.VIEW_CLAIM))


@router.post("/officer/claims/{code}/take", auth=AUTH, response={200: ClaimOut, **WRITE_ERRORS},
             summary="Ambil klaim / take a claim")
def officer_take(request: HttpRequest, code: PublicCode) -> dict[str, Any]:
    claim = _claim_for(request, code, Action.TAKE_CLAIM)
    services.claim_take(user=request.user, claim=claim)
    return claim_out(_claim_for(request, code, Action.VIEW_CLAIM))


@router.post("/officer/claims/{code}/release", auth=AUTH, response={200: ClaimOut, **WRITE_ERRORS},
             summary="Lepas klaim ke antrean / release a claim")
def officer_release(request: HttpRequest, code: PublicCode) -> dict[str, Any]:
    claim = _claim_for(request, code, Action.TAKE_CLAIM)
    services.claim_release(user=request.user, claim=claim,
                           is_supervisor=authorise(request.user, Action.ASSIGN_CLAIM, claim=claim).allowed)
    return claim_out(_claim_for(request, code, Action.VIEW_CLAIM))


class ReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")

    verdict: Literal["accept", "refuse"]
    reason: str = Field("", pattern=r"^[a-z0-9_]{0,40}$", description="Kode alasan (wajib bila ditolak)")
    note: str = free_text(500, default="")
    requirement: str = Field("", pattern=r"^[a-z0-9_]{0,40}$")


@router.post("/officer/claims/{code}/documents/{document_id}/review", auth=AUTH,
             response={200: ClaimOut, **WRITE_ERRORS}, summary="Periksa satu berkas / review one file")
def officer_review(request: HttpRequest, payload: ReviewIn, code: PublicCode,
                   document_id: PositiveId) -> dict[str, Any]:
    claim = _claim_for(request, code, Action.REVIEW_DOCUMENT)
    doc = Document.objects.filter(pk=document_id, claim=claim).first()
    if doc is None:
        raise NotFound(code="document_not_found")
    services.document_decide(user=request.user, document=doc, accept=payload.verdict == "accept",
                             reason_code=payload.reason, note=payload.note, requirement_code=payload.requirement or None)
    return claim_out(_claim_for(request, code, Action.VIEW_CLAIM))


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = free_text(500, default="")


@router.post("/officer/claims/{code}/request-documents", auth=AUTH, response={200: ClaimOut, **WRITE_ERRORS},
             summary="Minta dokumen / ask the participant for documents")
def officer_request_documents(request: HttpRequest, payload: NoteIn, code: PublicCode) -> Any:
    claim = _claim_for(request, code, Action.DECIDE_CLAIM)
    services.documents_request(user=request.user, claim=claim, note=payload.note)
    return claim_out(_claim_for(request, code, Action.VIEW_CLAIM))


@router.post("/officer/claims/{code}/verify", auth=AUTH, response={200: ClaimOut, **WRITE_ERRORS},
             summary="Verifikasi klaim / verify a claim")
def officer_verify(request: HttpRequest, code: PublicCode) -> dict[str, Any]:
    claim = _claim_for(request, code, Action.DECIDE_CLAIM)
    services.claim_verify(user=request.user, claim=claim)
    return claim_out(_claim_for(request, code, Action.VIEW_CLAIM))


class RejectIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(..., pattern=SLUG)
    note: str = free_text(500, default="")
    next_step: str = free_text(300, default="")


@router.post("/officer/claims/{code}/reject", auth=AUTH, response={200: ClaimOut, **WRITE_ERRORS},
             summary="Tolak klaim / reject a claim")
def officer_reject(request: HttpRequest, payload: RejectIn, code: PublicCode) -> dict[str, Any]:
    claim = _claim_for(request, code, Action.DECIDE_CLAIM)
    services.claim_reject(user=request.user, claim=claim, reason_code=payload.reason, note=payload.note,
                          next_step=payload.next_step)
    return claim_out(_claim_for(request, code, Action.VIEW_CLAIM))


class ConfirmationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    channel: Literal["phone", "email", "video"]
    window_start: datetime
    window_end: datetime
    with_claims: list[PublicCode] = Field(default_factory=list, max_length=11,
                                   description="Klaim lain (kode) dalam panggilan yang sama")


@router.post("/officer/claims/{code}/confirmations", auth=AUTH, response={200: ClaimOut, **WRITE_ERRORS},
             summary="Jadwalkan konfirmasi / schedule a confirmation")
def officer_confirmation(request: HttpRequest, payload: ConfirmationIn, code: PublicCode) -> Any:
    claim = _claim_for(request, code, Action.CONFIRM_CLAIM)
    if payload.window_start.tzinfo is None or payload.window_end.tzinfo is None:
        raise InvalidInput(code="invalid", fields={"window_start": [_("Sertakan zona waktu (mis. +07:00).")]})
    claims = [claim] + [_claim_for(request, c, Action.CONFIRM_CLAIM) for c in payload.with_claims if c != claim.code]
    services.confirmation_schedule(user=request.user, claims=claims, channel=payload.channel,
                                   window=services.Window(payload.window_start, payload.window_end))
    return claim_out(_claim_for(request, code, Action.VIEW_CLAIM))


class OutcomeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["reached", "not_reached", "asked_to_move", "identity_doubt"]
    notes: str = free_text(1000, default="")


@router.post("/officer/claims/{code}/confirmations/{confirmation_id}/outcome", auth=AUTH,
             response={200: ClaimOut, **WRITE_ERRORS}, summary="Catat hasil konfirmasi / record the outcome")
def officer_confirmation_outcome(request: HttpRequest, payload: OutcomeIn, code: PublicCode,
                                 confirmation_id: PositiveId) -> Any:
    claim = _claim_for(request, code, Action.CONFIRM_CLAIM)
    if not Confirmation.objects.filter(pk=confirmation_id, claim=claim).exists():
        raise NotFound(code="confirmation_not_found")
    services.confirmation_record(user=request.user, confirmation_id=confirmation_id, outcome=payload.outcome,
                                 notes=payload.notes)
    return claim_out(_claim_for(request, code, Action.VIEW_CLAIM))

