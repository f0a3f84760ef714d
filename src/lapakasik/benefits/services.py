"""Every write of a benefit decision: approve (with the amounts and the tax rule it used), the
supervisor's second approval (four-eyes) or its return, and reject with a reason from the managed list.
Each is one transaction with the claim row locked: the Decision row, the claim's history event, and on
the final approval the move VERIFIED → APPROVED (``claim_approved``: amount and transfer date) and the
payment instruction (``payments.services.instruction_create``); on a rejection VERIFIED → REJECTED
(``claim_rejected``: the reason's sentence and the next step)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from lapakasik.claims import workflow
from lapakasik.claims.models import Claim, ClaimEvent
from lapakasik.claims.services import (
    Actor,
    applicant_recipient,
    claim_event_record,
    claim_lock,
    claim_transition,
)
from lapakasik.core import clock
from lapakasik.core.dates import long_date
from lapakasik.core.errors import Conflict, InvalidInput
from lapakasik.payments.selectors import payment_due_on
from lapakasik.payments.services import instruction_create

from . import policy, selectors
from .models import Decision, DecisionReason

S = workflow.State


def _name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()).strip()


def _require_holder(locked: Claim, user: Any) -> None:
    if locked.assignee_id != user.pk:
        raise Conflict(_("Ambil klaim ini dulu sebelum memutuskannya."), code="not_holder")


def _require_verified(locked: Claim) -> None:
    if locked.state != S.VERIFIED:
        raise Conflict(_("Klaim diputuskan setelah terverifikasi."), code="invalid_transition")


def _require_no_live_decision(locked: Claim) -> None:
    live = selectors.decision_live(locked)
    if live is not None:
        if live.status == Decision.Status.PENDING:
            raise Conflict(_("Keputusan klaim ini sedang menunggu persetujuan kedua."), code="approval_pending")
        raise Conflict(_("Klaim ini sudah diputuskan."), code="already_decided")


def _refusal(trace: Any) -> Conflict:
    messages = [c.message for c in trace.refusing if c.message]
    return Conflict(_("Klaim belum dapat disetujui: %(why)s") % {"why": " ".join(messages)}, code="not_eligible",
                    extra={"rules": [c.rule for c in trace.refusing]})


def _check_percent(claim: Claim, percent: int | None) -> int | None:
    """The share of a partial withdrawal: not a whole number 1..100 → 422; a share the claim does not allow
    (above its cap, or for a claim that is not partial) → 409, as every refusal the data decides."""
    if percent is not None and (isinstance(percent, bool) or not isinstance(percent, int) or not 1 <= percent <= 100):
        raise InvalidInput(code="invalid", fields={"percent": [_("Bagian saldo harus berupa angka bulat persen.")]})
    cap = selectors.partial_share(claim)
    if cap is None:
        if percent is not None:
            raise Conflict(_("Bagian saldo hanya untuk klaim JHT sebagian."), code="share_not_allowed", fields={
                "percent": [_("Bagian saldo hanya untuk klaim JHT sebagian.")]})
        return None
    if percent is None:
        return cap
    if percent > cap:
        raise Conflict(_("Bagian saldo harus antara 1 dan %(cap)s persen.") % {"cap": cap}, code="share_not_allowed",
                       fields={"percent": [_("Bagian saldo harus antara 1 dan %(cap)s persen.") % {"cap": cap}]})
    return percent


def claim_approve(*, user: Any, claim: Claim, has_npwp: bool | None = None, percent: int | None = None) -> Decision:
    """The holding officer approves a verified claim: the rules of ``claims.policy`` all say yes (else 409,
    nothing written). JHT: the gross from the registry balance (a partial withdrawal: ``percent`` of it, at
    most its cap), the tax of the rule valid today (``has_npwp`` required). JKM, JP, JKK: the benefit of the
    programme's rule valid today (``benefits.programmes``), not taxed; a JP pension's payment is its first
    month. At or below the four-eyes amount the approval is final (the claim moves to APPROVED and gets its
    payment instruction); above it, it waits for a supervisor."""
    jht = claim.claim_type == "JHT"
    if jht and has_npwp is None:  # the request is well formed; this claim's tax needs the answer (409)
        raise Conflict(_("Klaim JHT: pilih apakah peserta punya NPWP (tarif pajaknya berbeda)."),
                       code="npwp_choice_required", fields={"has_npwp": [_("Pilih ya atau tidak.")]})
    if has_npwp is not None and not isinstance(has_npwp, bool):
        raise InvalidInput(code="invalid", fields={"has_npwp": [_("Pilih ya atau tidak.")]})
    share = _check_percent(claim, percent)
    actor = Actor.officer(user)
    with transaction.atomic():
        locked = claim_lock(claim)
        _require_holder(locked, user)
        _require_verified(locked)
        _require_no_live_decision(locked)
        member = selectors.registry_record(locked)
        trace = selectors.claim_trace(locked, member, percent=share)
        if member is None or not trace.eligible:
            raise _refusal(trace)
        amounts = _jht_amounts(locked, member, share, bool(has_npwp)) if jht else _programme_amounts(locked, member)
        above = selectors.four_eyes_above()
        pending = policy.needs_second_approval(int(amounts["net"]), above)
        try:
            with transaction.atomic():
                decision = Decision.objects.create(
                    claim=locked, kind=Decision.Kind.APPROVE,
                    status=Decision.Status.PENDING if pending else Decision.Status.FINAL, percent=share,
                    four_eyes_above=above, trace=trace.as_list(), decided_by=user, decided_at=clock.now(), **amounts)
        except IntegrityError as exc:  # a concurrent decision for the same claim (the partial unique index)
            raise Conflict(_("Klaim ini sudah diputuskan."), code="already_decided") from exc
        if pending:
            claim_event_record(claim=locked, kind=ClaimEvent.Kind.APPROVAL_REQUESTED, actor=actor, data={
                "decision": decision.pk, "gross": decision.gross, "tax": decision.tax, "net": decision.net,
                "rate_bp": decision.rate_bp, "has_npwp": decision.has_npwp, "four_eyes_above": above,
                "first_by": _name(user)})
        else:
            _finalise(locked, decision, actor)
        return decision


def _jht_amounts(locked: Claim, member: Any, share: int | None, has_npwp: bool) -> dict[str, Any]:
    """JHT: gross from the balance, PP 68/2009 tax of the rule valid today, net."""
    rule = selectors.tax_rule_on(selectors.branch_today(locked))
    if rule is None:
        raise Conflict(_("Belum ada aturan pajak yang berlaku; hubungi admin."), code="no_tax_rule")
    gross = policy.gross_amount(member.balance, share)
    if gross <= 0:
        raise Conflict(_("Saldo JHT menurut data kepesertaan nol: tidak ada yang dapat dibayarkan."),
                       code="nothing_to_pay")
    b = policy.benefit(gross, has_npwp=has_npwp, table=rule.table)
    return {"balance": member.balance, "gross": b.gross, "threshold": b.threshold, "taxable": b.taxable,
            "rate_bp": b.rate_bp, "has_npwp": b.has_npwp, "tax": b.tax, "net": b.net, "tax_rule": rule}


def _programme_amounts(locked: Claim, member: Any) -> dict[str, Any]:
    """JKM, JP, JKK: the components of the rule valid today; not taxed. A benefit that cannot be computed
    (a figure missing or absurd, no rule) is refused with its reasons (409 ``benefit_not_computable``)."""
    calc, rule = selectors.calculation(locked, member)
    if calc.problems:
        raise Conflict(_("Manfaat belum dapat dihitung: %(why)s") % {"why": " ".join(calc.problems)},
                       code="benefit_not_computable")
    if calc.total <= 0:
        raise Conflict(_("Menurut ketentuan dan data yang ada tidak ada manfaat yang dapat dibayarkan."),
                       code="nothing_to_pay")
    return {"gross": calc.total, "tax": 0, "net": calc.total, "benefit_rule": rule, "components": calc.as_list(),
            "monthly_amount": calc.monthly}


def _finalise(locked: Claim, decision: Decision, actor: Actor) -> None:
    """VERIFIED → APPROVED with the amount and the transfer date, and the payment instruction."""
    to = applicant_recipient(locked)
    language = to.language or "id"
    when = selectors.verified_at(locked) or clock.now()
    due = payment_due_on(locked, when)
    with translation.override(language):
        context = {"amount": policy.rupiah(int(decision.net or 0), language), "transfer_date": long_date(due, language)}
    names = [_name(decision.decided_by)] + ([_name(decision.second_by)] if decision.second_by else [])
    claim_transition(claim=locked, to=S.APPROVED, actor=actor, reason="approved", notify_context=context, data={
        "decision": decision.pk, "gross": decision.gross, "tax": decision.tax, "net": decision.net,
        "rate_bp": decision.rate_bp, "has_npwp": decision.has_npwp, "approved_by": names})
    instruction_create(claim=locked, amount=int(decision.net or 0), actor=actor)


def approval_second(*, user: Any, claim: Claim, approve: bool, note: str = "") -> Decision:
    """A supervisor's second signature on an approval waiting for it: never the officer who approved first,
    nor the officer who holds or verified the claim (409, nothing written). ``approve=False`` returns it
    (with a note): the decision is declined, the claim stays VERIFIED for the officer to decide again."""
    note = note.strip()[:500]
    actor = Actor.officer(user)
    with transaction.atomic():
        locked = claim_lock(claim)
        decision = Decision.objects.select_for_update().filter(claim=locked, status=Decision.Status.PENDING).first()
        if decision is None:
            raise Conflict(_("Tidak ada persetujuan yang menunggu untuk klaim ini."), code="nothing_pending")
        if user.pk in {decision.decided_by_id, locked.assignee_id, selectors.verified_by(locked)}:
            raise Conflict(_("Persetujuan kedua harus diberikan orang lain, bukan petugas yang memegang, "
                             "memverifikasi, atau menyetujui klaim ini."), code="four_eyes_same_person")
        if not approve and not note:
            raise Conflict(_("Tulis alasan pengembalian untuk petugas."), code="note_required",
                           fields={"note": [_("Tulis catatan untuk petugas.")]})
        _require_verified(locked)
        decision.second_by, decision.second_at, decision.second_note = user, clock.now(), note
        if not approve:
            decision.status = Decision.Status.DECLINED
            decision.save(update_fields=["second_by", "second_at", "second_note", "status"])
            claim_event_record(claim=locked, kind=ClaimEvent.Kind.APPROVAL_DECLINED, actor=actor, reason=note,
                               data={"decision": decision.pk, "first_by": _name(decision.decided_by)})
            return decision
        member = selectors.registry_record(locked)
        trace = selectors.claim_trace(locked, member, percent=decision.percent)
        if member is None or not trace.eligible:
            raise _refusal(trace)
        decision.status = Decision.Status.FINAL
        decision.save(update_fields=["second_by", "second_at", "second_note", "status"])
        _finalise(locked, decision, actor)
        return decision


def claim_reject_decision(*, user: Any, claim: Claim, reason_code: str, note: str = "", next_step: str = "") -> Decision:
    """The holding officer rejects a verified claim: VERIFIED → REJECTED with a reason from the managed list;
    the participant reads its sentence (and the officer's note) and the next step (the officer's, or the
    reason's own)."""
    note, next_step = note.strip()[:500], next_step.strip()[:300]
    if not reason_code:
        raise Conflict(_("Pilih alasan penolakan."), code="reason_required", fields={"reason": [_("Alasan wajib dipilih.")]})
    reason: DecisionReason | None = selectors.decision_reason_get(reason_code)
    if reason is None:
        raise Conflict(_("Alasan penolakan tidak dikenal."), code="unknown_reason",
                       fields={"reason": [_("Alasan tidak dikenal.")]})
    if reason.note_required and not note:
        raise Conflict(_("Alasan ini memerlukan catatan untuk peserta."), code="note_required",
                       fields={"note": [_("Tulis catatan untuk peserta.")]})
    with transaction.atomic():
        locked = claim_lock(claim)
        _require_holder(locked, user)
        _require_verified(locked)
        _require_no_live_decision(locked)
        language = applicant_recipient(locked).language or "id"
        text = f"{reason.participant_text(language)} {note}".strip()
        step = next_step or reason.next_step(language)
        decision = Decision.objects.create(
            claim=locked, kind=Decision.Kind.REJECT, status=Decision.Status.FINAL, reason=reason,
            participant_text=text[:600], next_step=step, note=note, decided_by=user, decided_at=clock.now())
        claim_transition(claim=locked, to=S.REJECTED, actor=Actor.officer(user), reason=reason.code,
                         data={"decision": decision.pk, "note": note},
                         notify_context={"reason": text, "next_step": step})
        return decision


def registry_opened(*, user: Any, claim: Claim, found: bool) -> None:
    """An officer read the claim's registry facts (the eligibility trace): one event in its history."""
    with transaction.atomic():
        claim_event_record(claim=claim_lock(claim), kind=ClaimEvent.Kind.REGISTRY_OPENED, actor=Actor.officer(user),
                           data={"found": found, "via": "eligibility"})
