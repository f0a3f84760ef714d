"""The officer API of decisions under /api/v1/officer/: a claim's eligibility trace and the amounts an
approval would give, approve, reject, the supervisor's queue and the second approval (or its return).

The router declares no authentication of its own: the project's API (``lapakasik.api.api``) mounts it
with the officer API's two ways in (personal token, or the pages' session with CSRF on writes), the same
as casework's router. Every decision is ``accounts.policy``'s: a role that may never do it → 403 before
any look-up; a claim outside the caller's scope → the same 404 as an unknown code; a move the claim's
state or the four-eyes rule does not allow → 409; malformed input → 422."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from lapakasik.accounts.access import require
from lapakasik.accounts.policy import Action
from lapakasik.accounts.selectors import branches_visible_to
from lapakasik.booking.api import ErrorOut
from lapakasik.claims.models import Claim
from lapakasik.claims.selectors import claim_applicant
from lapakasik.core.errors import NotFound
from lapakasik.core.validators import PublicCode, free_text

from . import selectors, services
from .models import Decision

router = Router(tags=["officer"])

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
SLUG = r"^[a-z0-9_]{1,40}$"


class FactOut(Schema):
    name: str
    label: str
    value: str


class RuleOut(Schema):
    rule: str
    title: str
    passed: bool
    possible_from: date | None
    message: str
    facts: list[FactOut]


class BenefitAmountsOut(Schema):
    gross: int
    threshold: int
    taxable: int
    rate_bp: int
    has_npwp: bool
    tax: int
    net: int


class InputOut(Schema):
    label: str
    value: str
    source: str


class ComponentOut(Schema):
    rule: str
    title: str
    inputs: list[InputOut]
    formula: str
    amount: int
    paid_now: bool = Field(..., description="false: hak yang dibayar kemudian (beasiswa JKM), bukan bagian neto")


class ProgrammeBenefitOut(Schema):
    """JKM, JP, JKK: the components of the rule valid today; not taxed."""

    programme: str
    legal_basis: str
    components: list[ComponentOut]
    total: int = Field(..., description="Dibayar sekarang / paid now (JP pension: the first month)")
    monthly: int | None = Field(None, description="JP: pensiun bulanan / the monthly pension")
    problems: list[str] = Field(..., description="Mengapa belum dapat dibayar / why it cannot be paid yet")


class EligibilityOut(Schema):
    code: str
    state: str
    eligible: bool
    rules: list[RuleOut]
    percent: int | None = Field(None, description="JHT sebagian: bagian saldo (%)")
    with_npwp: BenefitAmountsOut | None
    without_npwp: BenefitAmountsOut | None
    legal_basis: str
    four_eyes_above: int
    benefit: ProgrammeBenefitOut | None = Field(None, description="JKM, JP, JKK (JHT: with_npwp / without_npwp)")


class DecisionOut(Schema):
    id: int
    kind: str
    status: str
    gross: int | None
    threshold: int | None
    taxable: int | None
    rate_bp: int | None
    has_npwp: bool | None
    tax: int | None
    net: int | None
    percent: int | None
    legal_basis: str
    components: list[ComponentOut] = Field(default_factory=list, description="JKM, JP, JKK: the components")
    monthly_amount: int | None = Field(None, description="JP: pensiun bulanan / the monthly pension")
    reason: str
    participant_text: str
    next_step: str
    decided_by: str
    decided_at: datetime
    second_by: str
    second_at: datetime | None
    second_note: str


class ClaimDecisionOut(Schema):
    code: str
    state: str
    decision: DecisionOut | None


class ApprovalRowOut(Schema):
    code: str
    branch_code: str
    applicant_name: str
    decision: DecisionOut


def _user(u: Any) -> str:
    return u.get_username() if u is not None else ""


def decision_out(d: Decision) -> dict[str, Any]:
    return {"id": d.pk, "kind": d.kind, "status": d.status, "gross": d.gross, "threshold": d.threshold,
            "taxable": d.taxable, "rate_bp": d.rate_bp, "has_npwp": d.has_npwp, "tax": d.tax, "net": d.net,
            "percent": d.percent, "components": d.components or [], "monthly_amount": d.monthly_amount,
            "legal_basis": (d.tax_rule.legal_basis if d.tax_rule else d.benefit_rule.legal_basis if d.benefit_rule
                            else ""),
            "reason": d.reason.code if d.reason else "", "participant_text": d.participant_text,
            "next_step": d.next_step, "decided_by": _user(d.decided_by), "decided_at": d.decided_at,
            "second_by": _user(d.second_by), "second_at": d.second_at, "second_note": d.second_note}


def _claim_for(request: HttpRequest, code: str, action: Action) -> Claim:
    require(request.user, action)
    claim = selectors.claim_by_code(code)
    if claim is None:
        raise NotFound(code="claim_not_found")
    require(request.user, action, claim=claim, not_found_code="claim_not_found")
    return claim


def _claim_decision(code: str) -> dict[str, Any]:
    claim = selectors.claim_by_code(code)
    assert claim is not None
    live = selectors.decision_live(claim)
    return {"code": claim.code, "state": claim.state, "decision": decision_out(live) if live else None}


def _amounts(b: Any) -> dict[str, Any]:
    return {"gross": b.gross, "threshold": b.threshold, "taxable": b.taxable, "rate_bp": b.rate_bp,
            "has_npwp": b.has_npwp, "tax": b.tax, "net": b.net}


@router.get("/officer/claims/{code}/eligibility", response={200: EligibilityOut, **ERRORS},
            summary="Kelayakan dan perhitungan manfaat / eligibility trace and benefit (recorded in history)")
def officer_eligibility(request: HttpRequest, code: PublicCode) -> dict[str, Any]:
    claim = _claim_for(request, code, Action.VIEW_REGISTRY_RECORD)
    member = selectors.registry_record(claim)
    services.registry_opened(user=request.user, claim=claim, found=member is not None)
    trace = selectors.claim_trace(claim, member)
    p = selectors.preview(claim, member) if member is not None else None
    benefit = None
    if member is not None and claim.claim_type != "JHT":
        calc, rule = selectors.calculation(claim, member)
        benefit = {"programme": calc.programme, "legal_basis": rule.legal_basis if rule else "",
                   "components": calc.as_list(), "total": calc.total, "monthly": calc.monthly,
                   "problems": list(calc.problems)}
    return {"code": claim.code, "state": claim.state, "eligible": member is not None and trace.eligible,
            "rules": trace.as_list(), "percent": p.percent if p else None,
            "with_npwp": _amounts(p.with_npwp) if p else None, "without_npwp": _amounts(p.without_npwp) if p else None,
            "legal_basis": p.rule.legal_basis if p else benefit["legal_basis"] if benefit else "",
            "four_eyes_above": selectors.four_eyes_above(), "benefit": benefit}


@router.get("/officer/claims/{code}/decision", response={200: ClaimDecisionOut, **ERRORS},
            summary="Keputusan klaim / the claim's decision")
def officer_decision(request: HttpRequest, code: PublicCode) -> dict[str, Any]:
    claim = _claim_for(request, code, Action.VIEW_CLAIM)
    return _claim_decision(claim.code)


class ApproveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    has_npwp: bool | None = Field(None, description="JHT (wajib): penerima memiliki NPWP (dokumen NPWP diterima); "
                                                    "JKM, JP, JKK tidak dipotong pajak")
    percent: int | None = Field(None, ge=1, le=30, description="JHT sebagian: bagian saldo, paling banyak 10 atau 30")


@router.post("/officer/claims/{code}/approve", response={200: ClaimDecisionOut, **WRITE_ERRORS},
             summary="Setujui klaim terverifikasi / approve a verified claim")
def officer_approve(request: HttpRequest, payload: ApproveIn, code: PublicCode) -> dict[str, Any]:
    claim = _claim_for(request, code, Action.DECIDE_CLAIM)
    services.claim_approve(user=request.user, claim=claim, has_npwp=payload.has_npwp, percent=payload.percent)
    return _claim_decision(claim.code)


class RejectVerifiedIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(..., pattern=SLUG, description="Kode alasan (daftar alasan penolakan klaim)")
    note: str = free_text(500, default="")
    next_step: str = free_text(300, default="")


@router.post("/officer/claims/{code}/reject-verified", response={200: ClaimDecisionOut, **WRITE_ERRORS},
             summary="Tolak klaim terverifikasi / reject a verified claim")
def officer_reject_verified(request: HttpRequest, payload: RejectVerifiedIn, code: PublicCode) -> dict[str, Any]:
    claim = _claim_for(request, code, Action.DECIDE_CLAIM)
    services.claim_reject_decision(user=request.user, claim=claim, reason_code=payload.reason, note=payload.note,
                                   next_step=payload.next_step)
    claim_row = selectors.claim_by_code(claim.code)
    assert claim_row is not None
    last = selectors.decisions_of(claim_row)[-1]
    return {"code": claim_row.code, "state": claim_row.state, "decision": decision_out(last)}


@router.get("/officer/approvals", response={200: list[ApprovalRowOut], **ERRORS},
            summary="Persetujuan menunggu tanda tangan kedua / approvals waiting for a second signature")
def officer_approvals(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, Action.APPROVE_SECOND)
    ids = list(branches_visible_to(request.user, Action.APPROVE_SECOND).values_list("pk", flat=True)[:400])
    return [{"code": d.claim.code, "branch_code": d.claim.branch.code, "applicant_name": claim_applicant(d.claim).full_name,
             "decision": decision_out(d)} for d in selectors.approvals_waiting(ids)]


class SecondIn(Schema):
    model_config = ConfigDict(extra="forbid")

    approve: bool = Field(..., description="true: setujui; false: kembalikan ke petugas (catatan wajib)")
    note: str = free_text(500, default="")


@router.post("/officer/claims/{code}/second-approval", response={200: ClaimDecisionOut, **WRITE_ERRORS},
             summary="Persetujuan kedua / the second approval (four-eyes)")
def officer_second_approval(request: HttpRequest, payload: SecondIn, code: PublicCode) -> dict[str, Any]:
    claim = _claim_for(request, code, Action.APPROVE_SECOND)
    d = services.approval_second(user=request.user, claim=claim, approve=payload.approve, note=payload.note)
    claim_row = selectors.claim_by_code(claim.code)
    assert claim_row is not None
    d.refresh_from_db()
    return {"code": claim_row.code, "state": claim_row.state, "decision": decision_out(d)}
