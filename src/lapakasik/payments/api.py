"""The payments API. The participant (``AccessToken``: the claim's access token): read the claim's payment
and give or correct the bank account. Officers (mounted under the officer API's authentication by
``lapakasik.api.api``): read and check a claim's bank account, list and close a branch's batches, fetch the
bank's CSV and the PDF summary, apply the bank's result file. Decisions are ``accounts.policy``'s; account
numbers are masked but for the officers of the claim's branch."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from pydantic import ConfigDict

from lapakasik.accounts.access import authorise, require
from lapakasik.accounts.policy import Action
from lapakasik.accounts.selectors import branches_visible_to
from lapakasik.api.auth import claim_of, participant_claim
from lapakasik.booking.api import ErrorOut
from lapakasik.claims.models import Claim
from lapakasik.claims.services import Actor
from lapakasik.core.errors import Conflict, InvalidInput, NotFound, ServiceError
from lapakasik.core.validators import BranchCode, PublicCode, free_text

from . import bankfiles, batches, paper, selectors, services
from .banks import BANKS

participant_router = Router(tags=["payments"])
officer_router = Router(tags=["officer"])

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
BatchRef = Annotated[str, Path(pattern=r"^[0-9A-Za-z]{1,32}$", description="Kode batch / batch reference, e.g. BJKT01202612020K3Q")]


class BankAccountIn(Schema):
    model_config = ConfigDict(extra="forbid")
    bank_code: str = Field(..., pattern=r"^[0-9]{3}$", description="Sandi bank (lihat GET /banks)")
    account_number: str = free_text(30, description="Hanya angka; panjang sesuai bank")
    holder_name: str = free_text(150, description="Nama pemilik rekening, sama dengan nama pemohon")


class BankOut(Schema):
    code: str
    name: str
    account_lengths: list[int]


class AccountOut(Schema):
    bank_code: str
    bank_name: str
    account_number: str = Field(..., description="Disamarkan (******1234) kecuali untuk petugas cabang klaim")
    holder_name: str
    check: str
    check_note: str


class InstructionOut(Schema):
    reference: str
    amount: int
    status: str
    paid_on: date | None
    failure_reason: str


class PaymentOut(Schema):
    claim_code: str
    state: str
    bank_account: AccountOut | None
    ready: bool = Field(..., description="Rekening ada, sah untuk banknya, diperiksa petugas, atas nama pemohon")
    blocked_reason: str
    payment_due_on: date | None = Field(..., description="Janji bayar paling lambat (tanggal kerja cabang)")
    instruction: InstructionOut | None


@contextmanager
def beyond_the_document() -> Iterator[None]:
    """A request the OpenAPI document allows but the rules refuse (a length the bank does not use, a holder who
    is not the applicant, "does not match" without a note) is a 409 with the fields named, as everywhere in
    this API; 422 is for what the document itself refuses."""
    try:
        yield
    except InvalidInput as exc:
        raise Conflict(exc.message, code=exc.code, fields=exc.fields) from exc


def payment_out(claim: Claim, *, unmasked: bool = False) -> dict[str, Any]:
    view = selectors.payment_view(claim, unmasked=unmasked)
    account = view.account
    instruction = view.instruction
    return {
        "claim_code": claim.code, "state": claim.state, "ready": view.status.ready,
        "blocked_reason": view.status.reason, "payment_due_on": view.due_on,
        "bank_account": None if account is None else {
            "bank_code": account.bank_code, "bank_name": view.status.bank_name, "account_number": view.account_number,
            "holder_name": account.holder_name, "check": account.check_result, "check_note": account.check_note},
        "instruction": None if instruction is None else {
            "reference": instruction.reference, "amount": instruction.amount, "status": instruction.status,
            "paid_on": instruction.paid_on, "failure_reason": instruction.failure_reason},
    }


# --- the participant ------------------------------------------------------------------------------------


@participant_router.get("/banks", response=list[BankOut], summary="Daftar bank / the banks a benefit is paid to")
def bank_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"code": b.code, "name": b.name, "account_lengths": list(b.lengths)} for b in BANKS]


@participant_router.get("/claims/{code}/payment", auth=participant_claim,
                        response={200: PaymentOut, 401: ErrorOut, 404: ErrorOut},
                        summary="Pembayaran klaim / the claim's payment")
def claim_payment(request: HttpRequest, code: Path[PublicCode]) -> dict[str, Any]:
    return payment_out(claim_of(request))


@participant_router.put("/claims/{code}/bank-account", auth=participant_claim,
                        response={200: PaymentOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
                        summary="Isi atau ubah rekening bank / give or correct the bank account")
def claim_bank_account(request: HttpRequest, code: Path[PublicCode], payload: BankAccountIn) -> dict[str, Any]:
    claim = claim_of(request)
    with beyond_the_document():
        services.bank_account_save(claim=claim, actor=Actor.participant(), **payload.dict())
    return payment_out(claim)


# --- officers -------------------------------------------------------------------------------------------


class CheckIn(Schema):
    model_config = ConfigDict(extra="forbid")
    matches: bool
    note: str = free_text(300, default="", description="Wajib bila tidak sesuai buku tabungan")


class BatchOut(Schema):
    reference: str
    branch_code: str
    business_date: date
    status: str
    count: int
    control_total: int
    closed_at: datetime
    closed_by: str
    paid_count: int
    failed_count: int


class BatchesQuery(Schema):
    branch: BranchCode | None = Field(None, description="Kode cabang (admin); supervisor: cabangnya sendiri")


class CloseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    branch: BranchCode | None = Field(None, description="Kode cabang; supervisor: cabangnya sendiri")


class ImportOut(Schema):
    batch: BatchOut
    paid: int
    failed: int


def batch_out(batch: Any) -> dict[str, Any]:
    user = batch.closed_by
    return {"reference": batch.reference, "branch_code": batch.branch.code, "business_date": batch.business_date,
            "status": batch.status, "count": batch.count, "control_total": batch.control_total,
            "closed_at": batch.closed_at, "closed_by": user.get_full_name() or user.get_username(),
            "paid_count": batch.paid_count, "failed_count": batch.failed_count}


def _claim_for(request: HttpRequest, code: str, action: Action) -> Claim:
    require(request.user, action)
    claim = Claim.objects.select_related("branch", "branch__region").filter(code=code).first()
    if claim is None:
        raise NotFound(code="claim_not_found")
    require(request.user, action, claim=claim, not_found_code="claim_not_found")
    return claim


def _branch_for(request: HttpRequest, code: str | None, action: Action) -> Any:
    require(request.user, action)
    visible = branches_visible_to(request.user, action)
    branch = visible.filter(code=code).first() if code else visible.order_by("name").first()
    if branch is None:
        raise NotFound(code="branch_not_found")
    return branch


def _batch_for(request: HttpRequest, reference: str, action: Action) -> Any:
    require(request.user, action)
    batch = selectors.batch_get(reference)
    if batch is None:
        raise NotFound(code="batch_not_found")
    require(request.user, action, branch=batch.branch, not_found_code="batch_not_found")
    return batch


@officer_router.get("/officer/claims/{code}/payment", response={200: PaymentOut, **ERRORS},
                    summary="Rekening dan pembayaran klaim / a claim's account and payment")
def officer_claim_payment(request: HttpRequest, code: Path[PublicCode]) -> dict[str, Any]:
    claim = _claim_for(request, code, Action.VIEW_CLAIM)
    return payment_out(claim, unmasked=authorise(request.user, Action.VIEW_BANK_ACCOUNT, claim=claim).allowed)


@officer_router.post("/officer/claims/{code}/bank-account/check", response={200: PaymentOut, **WRITE_ERRORS},
                     summary="Periksa rekening terhadap buku tabungan / check the account against the bank book")
def officer_check_account(request: HttpRequest, code: Path[PublicCode], payload: CheckIn) -> dict[str, Any]:
    claim = _claim_for(request, code, Action.CHECK_BANK_ACCOUNT)
    with beyond_the_document():
        services.bank_account_check(claim=claim, user=request.user, matches=payload.matches, note=payload.note)
    return payment_out(claim, unmasked=True)


@officer_router.get("/officer/payments/batches", response={200: list[BatchOut], **ERRORS},
                    summary="Batch pembayaran cabang / a branch's payment batches")
def officer_batches(request: HttpRequest, q: Query[BatchesQuery]) -> list[dict[str, Any]]:
    branch = _branch_for(request, q.branch, Action.VIEW_PAYMENTS)
    return [batch_out(b) for b in selectors.batches_of([branch.pk])]


@officer_router.post("/officer/payments/batches", response={201: BatchOut, **WRITE_ERRORS},
                     summary="Tutup batch hari ini / close today's batch")
def officer_close_batch(request: HttpRequest, payload: CloseIn | None = None) -> tuple[int, dict[str, Any]]:
    branch = _branch_for(request, payload.branch if payload else None, Action.CLOSE_BATCH)
    batch = batches.batch_close(branch=branch, user=request.user)
    return 201, batch_out(selectors.batch_get(batch.reference))


@officer_router.get("/officer/payments/batches/{reference}/csv", response={200: None, **ERRORS},
                    summary="Berkas batch untuk bank (CSV) / the batch file for the bank",
                    openapi_extra={"responses": {200: {"description": "CSV", "content": {"text/csv": {}}}}})
def officer_batch_csv(request: HttpRequest, reference: BatchRef) -> HttpResponse:
    batch = _batch_for(request, reference, Action.CLOSE_BATCH)
    response = HttpResponse(batches.batch_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.reference}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@officer_router.get("/officer/payments/batches/{reference}/pdf", response={200: None, **ERRORS},
                    summary="Ringkasan batch (PDF) / the batch summary",
                    openapi_extra={"responses": {200: {"description": "PDF",
                                                         "content": {"application/pdf": {}}}}})
def officer_batch_pdf(request: HttpRequest, reference: BatchRef) -> HttpResponse:
    batch = _batch_for(request, reference, Action.VIEW_PAYMENTS)
    response = HttpResponse(paper.batch_summary_pdf(batch), content_type="application/pdf")
    response["Cache-Control"] = "no-store"
    return response


@officer_router.post("/officer/payments/batches/{reference}/result", response={200: ImportOut, **WRITE_ERRORS},
                     summary="Terapkan berkas hasil bank / apply the bank's result file",
                     openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {
                         "schema": {"type": "string", "description": "The bank's result file (docs/payments.md)"}}}}})
def officer_batch_result(request: HttpRequest, reference: BatchRef) -> dict[str, Any]:
    batch = _batch_for(request, reference, Action.IMPORT_BANK_RESULT)
    if len(request.body) > bankfiles.MAX_RESULT_BYTES:
        raise ServiceError(_("Berkas terlalu besar."), code="body_too_large", status=413)
    if not request.body:
        raise InvalidInput(_("Kirim berkas hasil bank sebagai isi permintaan (text/csv)."), code="empty_file")
    outcome = batches.batch_result_import(batch=batch, content=request.body, user=request.user)
    return {"batch": batch_out(selectors.batch_get(batch.reference)), "paid": outcome.paid, "failed": outcome.failed}
