"""The decision's officer pages: the "Kelayakan dan manfaat" panel of the claim page (built here, shown by
casework's claim page), its forms (approve, reject, the second approval or its return), and the
supervisor's queue of approvals waiting for a second signature (/petugas/persetujuan/). Every decision
comes from ``accounts.policy``: ``decide_claim`` for the first decision (the claim's holder), and
``approve_second`` for the second (a supervisor of the claim's branch)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lapakasik.accounts.access import authorise, officer_required, require_page
from lapakasik.accounts.policy import Action
from lapakasik.accounts.selectors import branches_visible_to
from lapakasik.claims import workflow
from lapakasik.claims.models import Claim
from lapakasik.claims.selectors import claim_applicant
from lapakasik.core.errors import ServiceError
from lapakasik.registry.adapters import MemberRecord

from . import selectors, services
from .models import Decision

S = workflow.State
#: States in which the panel shows the rules (with the registry record opened) or the decision made.
TRACE_STATES = frozenset({S.IN_REVIEW, S.NEEDS_CONFIRMATION, S.VERIFIED})
DECIDED_STATES = frozenset({S.APPROVED, S.PAID, S.REJECTED})


def claim_panel(request: HttpRequest, claim: Claim, *, member: MemberRecord | None, opened: bool) -> dict[str, Any]:
    """The claim page's benefit panel: the rules that applied with their facts, the amounts an approval
    would give, the account's status and the forms this user may use. The registry's facts only when the
    officer opened the record (``opened``: the claim page recorded that in the history); a decided claim
    shows the rules and amounts stored with its decision."""
    user = request.user
    live = selectors.decision_live(claim)
    may_decide = (claim.state == S.VERIFIED and claim.assignee_id == user.pk and live is None
                  and authorise(user, Action.DECIDE_CLAIM, claim=claim).allowed)
    may_second = (live is not None and live.status == Decision.Status.PENDING
                  and authorise(user, Action.APPROVE_SECOND, claim=claim).allowed
                  and user.pk not in {live.decided_by_id, claim.assignee_id})
    panel = None
    if opened and claim.state in TRACE_STATES:
        panel = selectors.benefit_panel(claim, member)
    return {"benefit": {
        "show": claim.state in TRACE_STATES | DECIDED_STATES, "panel": panel, "opened": opened, "live": live,
        "history": selectors.decisions_of(claim) if claim.state in TRACE_STATES | DECIDED_STATES else [],
        "may_decide": may_decide, "may_second": may_second, "reasons": selectors.decision_reasons() if may_decide else [],
        "partial_cap": selectors.partial_share(claim), "verified": claim.state == S.VERIFIED,
        "jht": claim.claim_type == "JHT", "four_eyes_above": selectors.four_eyes_above(),
    }}


def _claim(request: HttpRequest, code: str, action: Action) -> Claim:
    require_page(request.user, action)
    claim = selectors.claim_by_code(code)
    if claim is None:
        raise Http404
    require_page(request.user, action, claim=claim)
    return claim


def _run(request: HttpRequest, fn: Any, ok: str, **kwargs: Any) -> None:
    try:
        fn(**kwargs)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        for problems in exc.fields.values():
            for problem in problems:
                messages.error(request, str(problem))
    else:
        messages.success(request, ok)


def _percent(raw: str) -> int | str | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    return int(raw) if raw.isdigit() and len(raw) <= 3 else raw


@officer_required
@require_POST
def decide(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """/petugas/putusan/<code>/<action>/: setujui, tolak (the holder), setujui-kedua, kembalikan (a supervisor)."""
    needs = {"setujui": Action.DECIDE_CLAIM, "tolak": Action.DECIDE_CLAIM, "setujui-kedua": Action.APPROVE_SECOND,
             "kembalikan": Action.APPROVE_SECOND}
    if action not in needs:
        raise Http404
    claim = _claim(request, code, needs[action])
    p, user = request.POST, request.user
    if action == "setujui":
        npwp = p.get("npwp", "")
        percent = _percent(p.get("percent", ""))
        jht = claim.claim_type == "JHT"
        if jht and npwp not in {"ya", "tidak"}:
            messages.error(request, _("Pilih apakah penerima memiliki NPWP."))
        elif isinstance(percent, str):
            messages.error(request, _("Bagian saldo harus berupa angka bulat persen."))
        else:
            _run(request, services.claim_approve, _("Persetujuan tercatat."), user=user, claim=claim,
                 has_npwp=(npwp == "ya") if jht else None, percent=percent)
    elif action == "tolak":
        _run(request, services.claim_reject_decision, _("Klaim ditolak; peserta diberi tahu."), user=user, claim=claim,
             reason_code=p.get("reason", ""), note=p.get("note", ""), next_step=p.get("next_step", ""))
    else:
        _run(request, services.approval_second, _("Persetujuan kedua tercatat.") if action == "setujui-kedua"
             else _("Persetujuan dikembalikan ke petugas."), user=user, claim=claim,
             approve=action == "setujui-kedua", note=p.get("note", ""))
    if p.get("next") == "queue":
        return redirect("benefits:approvals")
    return redirect("casework:claim", code=claim.code)


@officer_required
@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    """The supervisor's queue: approvals above the four-eyes amount waiting for a second signature."""
    require_page(request.user, Action.APPROVE_SECOND)
    branches = list(branches_visible_to(request.user, Action.APPROVE_SECOND).order_by("name")[:400])
    if not branches:
        raise Http404
    rows = []
    for d in selectors.approvals_waiting([b.pk for b in branches]):
        rows.append({"d": d, "claim": d.claim, "name": claim_applicant(d.claim).full_name,
                     "own": request.user.pk in {d.decided_by_id, d.claim.assignee_id},
                     "tz": ZoneInfo(d.claim.branch.time_zone or "Asia/Jakarta")})
    return render(request, "benefits/approvals.html", {
        "rows": rows, "branch": branches[0] if len(branches) == 1 else None, "above": selectors.four_eyes_above()})
