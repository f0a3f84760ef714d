"""Deciding a verified claim through the services: approve (final at or below the four-eyes amount, else
waiting for a supervisor), the second approval by another person only, returning it, rejecting with a
managed reason — and every refusal changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from lapakasik.core.errors import Conflict, InvalidInput


def state_of(claim: Any) -> str:
    claim.refresh_from_db()
    return str(claim.state)


def snapshot(claim: Any) -> tuple[Any, ...]:
    """What a refused request must leave as it was: state, events, decisions, instructions, messages."""
    from lapakasik.benefits.models import Decision
    from lapakasik.claims.models import ClaimEvent
    from lapakasik.notifications.models import Notification
    from lapakasik.payments.models import PaymentInstruction

    return (state_of(claim), ClaimEvent.objects.filter(claim=claim).count(),
            list(Decision.objects.filter(claim=claim).values_list("status", flat=True)),
            PaymentInstruction.objects.filter(claim=claim).count(), Notification.objects.filter(claim=claim).count())


def messages(claim: Any, event: str) -> list[Any]:
    from lapakasik.notifications.models import Notification

    return list(Notification.objects.filter(claim=claim, event=event))


def test_an_approval_at_or_below_the_amount_is_final(verified: Any, staff: Any, settings: Any) -> None:
    from lapakasik.benefits.services import claim_approve
    from lapakasik.payments.models import PaymentInstruction

    settings.BENEFITS_FOUR_EYES_ABOVE = 100_000_000
    claim = verified(balance=75_000_000)
    d = claim_approve(user=staff["officer"], claim=claim, has_npwp=True)
    assert (d.status, d.gross, d.tax, d.net, d.rate_bp, d.threshold, d.taxable) == (
        "final", 75_000_000, 1_250_000, 73_750_000, 500, 50_000_000, 25_000_000)
    assert d.tax_rule is not None and d.tax_rule.legal_basis == "PP 68/2009"
    assert state_of(claim) == "APPROVED"
    assert list(PaymentInstruction.objects.filter(claim=claim).values_list("amount", flat=True)) == [73_750_000]
    [sent] = messages(claim, "claim_approved")
    assert sent.context["amount"] == "73.750.000" and sent.context["transfer_date"]
    assert [r["rule"] for r in d.trace] == ["membership_active", "waiting_period"]


def test_without_npwp_the_part_above_is_taxed_at_6_percent(verified: Any, staff: Any, settings: Any) -> None:
    from lapakasik.benefits.services import claim_approve

    settings.BENEFITS_FOUR_EYES_ABOVE = 100_000_000
    d = claim_approve(user=staff["officer"], claim=verified(balance=75_000_000), has_npwp=False)
    assert (d.rate_bp, d.tax, d.net, d.has_npwp, d.rate_percent) == (600, 1_500_000, 73_500_000, False, "6")


def test_above_the_amount_it_waits_for_a_second_person(verified: Any, staff: Any) -> None:
    from lapakasik.benefits.services import approval_second, claim_approve
    from lapakasik.claims.models import ClaimEvent
    from lapakasik.payments.models import PaymentInstruction

    claim = verified(balance=75_000_000)
    d = claim_approve(user=staff["officer"], claim=claim, has_npwp=True)
    assert d.status == "pending" and d.net == 73_750_000
    # Not approved until the second: no state change, no instruction, no "approved" message.
    assert state_of(claim) == "VERIFIED"
    assert not PaymentInstruction.objects.filter(claim=claim).exists() and not messages(claim, "claim_approved")
    d = approval_second(user=staff["supervisor"], claim=claim, approve=True)
    assert d.status == "final" and d.second_by == staff["supervisor"]
    assert state_of(claim) == "APPROVED"
    assert PaymentInstruction.objects.get(claim=claim).amount == 73_750_000
    events = list(ClaimEvent.objects.filter(claim=claim).order_by("seq"))
    first = next(e for e in events if e.kind == "approval_requested")
    final = next(e for e in events if e.to_state == "APPROVED")
    assert first.actor_user == staff["officer"] and final.actor_user == staff["supervisor"]
    assert final.data["approved_by"] == ["budi", "kepala"]
    assert len(messages(claim, "claim_approved")) == 1
    from lapakasik.claims.services import claim_history_verify

    assert claim_history_verify(claim)  # the hash chain holds both signatures intact


@pytest.mark.parametrize("who", ["first_approver", "holder", "verifier"])
def test_the_second_approval_is_never_by_the_same_person(verified: Any, staff: Any, branch: Any, who: str) -> None:
    from django.db import transaction

    from lapakasik.benefits.services import approval_second, claim_approve
    from lapakasik.claims.models import Claim, ClaimEvent
    from lapakasik.claims.services import Actor, claim_event_record, claim_lock
    from tests.accounts.factories import make_officer

    boss2 = make_officer("kepala2", "supervisor", branch=branch)
    if who == "first_approver":  # a supervisor holding the claim approves first, then tries to sign again
        claim = verified(holder=boss2)
        claim_approve(user=boss2, claim=claim, has_npwp=True)
    elif who == "holder":  # the approver first, then the claim handed to the supervisor who would sign
        claim = verified()
        claim_approve(user=staff["officer"], claim=claim, has_npwp=True)
        Claim.objects.filter(pk=claim.pk).update(assignee=boss2)
    else:  # the supervisor verified the claim themself
        claim = verified()
        with transaction.atomic():
            claim_event_record(claim=claim_lock(claim), kind=ClaimEvent.Kind.STATE_CHANGED, actor=Actor.officer(boss2),
                               from_state="IN_REVIEW", to_state="VERIFIED", reason="officer_verified")
        claim_approve(user=staff["officer"], claim=claim, has_npwp=True)
    before = snapshot(claim)
    with pytest.raises(Conflict) as exc:
        approval_second(user=boss2, claim=claim, approve=True)
    assert exc.value.code == "four_eyes_same_person"
    assert snapshot(claim) == before
    approval_second(user=staff["supervisor"], claim=claim, approve=True)  # somebody else may
    assert state_of(claim) == "APPROVED"


def test_a_returned_approval_leaves_the_claim_verified_for_a_new_decision(verified: Any, staff: Any) -> None:
    from lapakasik.benefits.services import approval_second, claim_approve

    claim = verified()
    claim_approve(user=staff["officer"], claim=claim, has_npwp=True)
    with pytest.raises(Conflict) as exc:  # returning needs a note
        approval_second(user=staff["supervisor"], claim=claim, approve=False)
    assert exc.value.code == "note_required"
    d = approval_second(user=staff["supervisor"], claim=claim, approve=False, note="NPWP di dokumen berbeda")
    assert d.status == "declined" and state_of(claim) == "VERIFIED"
    with pytest.raises(Conflict):  # nothing waits any more
        approval_second(user=staff["supervisor"], claim=claim, approve=True)
    again = claim_approve(user=staff["officer"], claim=claim, has_npwp=False)
    assert again.status == "pending" and again.rate_bp == 600


@pytest.mark.parametrize(("fields", "reason", "rules"), [
    ({"membership_end": date.today() - timedelta(days=3)}, "RESIGNED", ["waiting_period"]),
    ({"active": True, "membership_end": None}, "PHK", ["membership_active", "waiting_period"]),
    ({"birth_date": date.today() - timedelta(days=365 * 40)}, "AGE_56", ["age_56"]),
    ({"active": True, "membership_end": None, "partial_withdrawal_taken": True}, "PARTIAL_10", ["partial_once"]),
    ({"active": True, "membership_end": None, "membership_start": date.today() - timedelta(days=365 * 3)},
     "PARTIAL_30", ["membership_10_years"]),
])
def test_no_approval_while_a_rule_says_no(verified: Any, staff: Any, fields: dict[str, Any], reason: str,
                                         rules: list[str]) -> None:
    from lapakasik.benefits.services import claim_approve

    claim = verified(claim_reason=reason, **fields)
    before = snapshot(claim)
    with pytest.raises(Conflict) as exc:
        claim_approve(user=staff["officer"], claim=claim, has_npwp=True)
    assert exc.value.code == "not_eligible" and exc.value.extra["rules"] == rules
    assert snapshot(claim) == before


def test_an_unknown_registry_record_or_a_zero_balance_is_refused(verified: Any, staff: Any, settings: Any) -> None:
    from lapakasik.benefits.services import claim_approve

    claim = verified(balance=0)
    with pytest.raises(Conflict) as exc:
        claim_approve(user=staff["officer"], claim=claim, has_npwp=True)
    assert exc.value.code == "nothing_to_pay"
    settings.REGISTRY_STATIC_RECORDS = []
    before = snapshot(claim)
    with pytest.raises(Conflict) as exc:
        claim_approve(user=staff["officer"], claim=claim, has_npwp=True)
    assert exc.value.code == "not_eligible" and exc.value.extra["rules"] == ["registry_record"]
    assert snapshot(claim) == before


@pytest.mark.parametrize(("reason", "percent", "ok"), [
    ("PARTIAL_10", None, 7_500_000), ("PARTIAL_10", 5, 3_750_000), ("PARTIAL_30", 30, 22_500_000),
    ("PARTIAL_10", 11, Conflict), ("PARTIAL_30", 0, InvalidInput), ("PARTIAL_30", 31, Conflict),
    ("RESIGNED", 10, Conflict), ("PARTIAL_10", True, InvalidInput), ("PARTIAL_30", 101, InvalidInput),
    ("PARTIAL_30", "10", InvalidInput),
])
def test_the_partial_share(verified: Any, staff: Any, reason: str, percent: Any, ok: Any) -> None:
    from lapakasik.benefits.services import claim_approve

    partial = reason.startswith("PARTIAL")
    claim = verified(claim_reason=reason, **({"active": True, "membership_end": None} if partial else {}))
    before = snapshot(claim)
    if not isinstance(ok, int):
        with pytest.raises(ok) as exc:
            claim_approve(user=staff["officer"], claim=claim, has_npwp=True, percent=percent)
        assert "percent" in exc.value.fields
        assert snapshot(claim) == before
    else:
        d = claim_approve(user=staff["officer"], claim=claim, has_npwp=True, percent=percent)
        assert d.gross == ok and d.tax == 0 and d.net == ok and d.status == "final"


def test_double_submits_and_the_wrong_hands_are_refused(verified: Any, staff: Any) -> None:
    from lapakasik.benefits.services import claim_approve, claim_reject_decision

    claim = verified()
    with pytest.raises(Conflict) as exc:  # not the holder
        claim_approve(user=staff["officer2"], claim=claim, has_npwp=True)
    assert exc.value.code == "not_holder"
    claim_approve(user=staff["officer"], claim=claim, has_npwp=True)
    before = snapshot(claim)
    for call in (lambda: claim_approve(user=staff["officer"], claim=claim, has_npwp=True),
                 lambda: claim_reject_decision(user=staff["officer"], claim=claim, reason_code="data_mismatch")):
        with pytest.raises(Conflict) as exc:
            call()
        assert exc.value.code == "approval_pending"
    assert snapshot(claim) == before


def test_a_claim_not_verified_cannot_be_decided(staff: Any, verified: Any) -> None:
    from lapakasik.benefits.services import claim_approve
    from lapakasik.claims.models import Claim

    claim = verified()
    Claim.objects.filter(pk=claim.pk).update(state="IN_REVIEW")
    with pytest.raises(Conflict) as exc:
        claim_approve(user=staff["officer"], claim=claim, has_npwp=True)
    assert exc.value.code == "invalid_transition"


def test_reject_with_a_reason_the_participant_reads(verified: Any, staff: Any) -> None:
    from lapakasik.benefits.services import claim_approve, claim_reject_decision

    claim = verified(language="en")
    d = claim_reject_decision(user=staff["officer"], claim=claim, reason_code="npwp_missing")
    assert state_of(claim) == "REJECTED" and d.kind == "reject" and d.status == "final"
    [sent] = messages(claim, "claim_rejected")
    assert sent.context["reason"] == "The NPWP you sent does not match your details."
    assert sent.context["next_step"] == "Send your correct NPWP and book again."
    with pytest.raises(Conflict):  # decided: no approval after it
        claim_approve(user=staff["officer"], claim=claim, has_npwp=True)


@pytest.mark.parametrize(("code", "note", "error"), [
    ("", "", "reason_required"), ("nope", "", "unknown_reason"), ("other", "  ", "note_required")])
def test_a_rejection_without_a_proper_reason_changes_nothing(verified: Any, staff: Any, code: str, note: str,
                                                             error: str) -> None:
    from lapakasik.benefits.services import claim_reject_decision

    claim = verified()
    before = snapshot(claim)
    with pytest.raises(Conflict) as exc:
        claim_reject_decision(user=staff["officer"], claim=claim, reason_code=code, note=note)
    assert exc.value.code == error and snapshot(claim) == before


def test_a_new_tax_rule_does_not_change_a_past_decision(verified: Any, staff: Any, settings: Any) -> None:
    from lapakasik.benefits.models import TaxRule
    from lapakasik.benefits.selectors import participant_breakdown
    from lapakasik.benefits.services import claim_approve

    settings.BENEFITS_FOUR_EYES_ABOVE = 10**12
    first = verified()
    old = claim_approve(user=staff["officer"], claim=first, has_npwp=True)
    TaxRule.objects.create(valid_from=date.today() - timedelta(days=1), threshold=60_000_000, rate_bp=400,
                           no_npwp_rate_bp=480, legal_basis="PP contoh")
    new = claim_approve(user=staff["officer"], claim=verified(), has_npwp=True)
    assert (new.tax, new.threshold, new.tax_rule.legal_basis) == (600_000, 60_000_000, "PP contoh")
    old.refresh_from_db()
    assert (old.tax, old.threshold, old.tax_rule.legal_basis) == (1_250_000, 50_000_000, "PP 68/2009")
    shown = participant_breakdown(first)
    assert shown is not None and (shown["tax"], shown["rate_percent"], shown["legal_basis"]) == (1_250_000, "5", "PP 68/2009")


def test_an_approval_waiting_for_its_second_signature_is_never_paid(verified: Any, staff: Any, branch: Any) -> None:
    """Above the four-eyes amount and not yet signed twice: no instruction, so no batch takes it, and the
    claim cannot be moved to PAID by any path."""
    from lapakasik.benefits.services import claim_approve
    from lapakasik.claims.services import Actor, claim_transition
    from lapakasik.payments.batches import batch_close
    from lapakasik.payments.models import PaymentBatch
    from tests.payments.conftest import give_account

    claim = verified(balance=75_000_000)
    give_account(claim, officer=staff["officer"])
    assert claim_approve(user=staff["officer"], claim=claim, has_npwp=True).status == "pending"
    before = snapshot(claim)
    with pytest.raises(Conflict) as exc:
        batch_close(branch=branch, user=staff["supervisor"])
    assert exc.value.code == "nothing_ready"
    with pytest.raises(Conflict):
        claim_transition(claim=claim, to="PAID", actor=Actor.officer(staff["supervisor"]))
    assert snapshot(claim) == before and not PaymentBatch.objects.exists()

