"""The life cycle in one place: the transition table, the named state sets, the move after an intake
outcome, the one state → event table and its templates, and the closed list of history kinds."""

from __future__ import annotations

from collections import deque
from typing import Any

import pytest

from lapakasik.claims import workflow
from lapakasik.claims.workflow import State

S = State


def test_the_table_names_every_state_and_only_states() -> None:
    assert set(workflow.TRANSITIONS) == set(State.values)
    for source, targets in workflow.TRANSITIONS.items():
        assert targets <= set(State.values), source
        assert source not in targets, f"{source} → itself is not a transition"


def test_every_state_is_reachable_from_booked() -> None:
    seen, todo = {S.BOOKED.value}, deque([S.BOOKED.value])
    while todo:
        for nxt in workflow.allowed_next(todo.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert seen == set(State.values)


def test_terminal_states_have_no_exits_and_every_other_state_has_one() -> None:
    for state in State.values:
        assert (workflow.allowed_next(state) == frozenset()) == (state in workflow.TERMINAL), state


@pytest.mark.parametrize("name", sorted(workflow.NAMED_SETS))
def test_named_sets_are_non_empty_sets_of_declared_states(name: str) -> None:
    named = workflow.NAMED_SETS[name]
    assert named and named <= set(State.values), name


def test_named_sets_agree_with_each_other() -> None:
    assert not workflow.ACCEPTS_DOCUMENTS & workflow.TERMINAL
    assert not workflow.OFFICER_WORK & workflow.TERMINAL
    assert workflow.AWAITING_PARTICIPANT <= workflow.ACCEPTS_DOCUMENTS
    assert workflow.UPLOAD_TROUBLE <= workflow.ACCEPTS_DOCUMENTS
    assert workflow.PARTICIPANT_ACTIVE == set(State.values) - workflow.TERMINAL
    for state in workflow.EXPIRES_ON_NO_SHOW:  # a no-show can only expire a claim the table lets expire
        assert workflow.can_transition(state, S.EXPIRED), state
    for state in workflow.AWAITING_PARTICIPANT:  # the documents deadline moves these to UPLOAD_FAILED
        assert workflow.can_transition(state, S.UPLOAD_FAILED), state


@pytest.mark.parametrize(("current", "complete", "expected"), [
    (S.BOOKED, False, (S.AWAITING_DOCUMENTS, "first_document")),
    (S.BOOKED, True, (S.DOCUMENTS_RECEIVED, "checklist_complete")),
    (S.AWAITING_DOCUMENTS, False, None),
    (S.AWAITING_DOCUMENTS, True, (S.DOCUMENTS_RECEIVED, "checklist_complete")),
    (S.DOCUMENTS_INCOMPLETE, True, (S.DOCUMENTS_RECEIVED, "checklist_complete")),
    (S.DOCUMENTS_INCOMPLETE, False, None),
    (S.UPLOAD_FAILED, False, (S.AWAITING_DOCUMENTS, "upload_recovered")),
    (S.UPLOAD_FAILED, True, (S.DOCUMENTS_RECEIVED, "checklist_complete")),
    (S.DROPBOX_EXPECTED, True, (S.DOCUMENTS_RECEIVED, "checklist_complete")),
    # a document arriving online (or the envelope's first page) ends the dropbox's wait, reminders and deadline
    (S.DROPBOX_EXPECTED, False, (S.AWAITING_DOCUMENTS, "upload_recovered")),
    (S.DOCUMENTS_RECEIVED, True, None),
    (S.NEEDS_CONFIRMATION, True, None),  # a document during the officer's call does not move the claim
])
def test_state_after_intake(current: str, complete: bool, expected: tuple[str, str] | None) -> None:
    step = workflow.state_after_intake(current, checklist_complete=complete)
    assert (None if step is None else (step.to, step.reason)) == expected


def test_state_after_intake_only_asks_for_allowed_moves() -> None:
    for state in State.values:
        for complete in (False, True):
            step = workflow.state_after_intake(state, checklist_complete=complete)
            assert step is None or workflow.can_transition(state, step.to), (state, complete)
            step = workflow.state_after_refusal(state, upload_has_failed=complete)
            assert step is None or workflow.can_transition(state, step.to), (state, complete)


def test_state_after_refusal() -> None:
    assert workflow.state_after_refusal(S.AWAITING_DOCUMENTS, upload_has_failed=False) is None
    assert workflow.state_after_refusal(S.AWAITING_DOCUMENTS, upload_has_failed=True) == (
        S.UPLOAD_FAILED, "repeated_refusals")
    assert workflow.state_after_refusal(S.UPLOAD_FAILED, upload_has_failed=True) is None
    assert workflow.state_after_refusal(S.IN_REVIEW, upload_has_failed=True) is None


# --- the one state → event table ---------------------------------------------------------------------


def test_every_state_says_which_event_it_sends() -> None:
    from lapakasik.notifications import defaults

    assert set(workflow.EVENT_FOR_STATE) == set(State.values)
    # each named event ships texts of its own (so template_for never gives it the generic text)
    assert {e for e in workflow.EVENT_FOR_STATE.values() if e} <= set(defaults.TEXTS) - {"claim_status"}


@pytest.mark.django_db
def test_every_claim_state_event_reaches_a_template() -> None:
    """Every event a state sends has a template of its own for every channel a participant can
    choose, in Indonesian and English — never the generic status text."""
    from lapakasik.notifications.models import Channel
    from lapakasik.notifications.services import template_for

    missing = []
    for state, event in workflow.EVENT_FOR_STATE.items():
        if event is None:
            continue
        for channel in Channel.values:
            for language in ("id", "en"):
                t = template_for(event=event, channel=channel, language=language)
                if t is None or (t.event, t.language) != (event, language):
                    missing.append((state, event, channel, language, t and (t.event, t.language)))
    assert missing == []


@pytest.mark.django_db
def test_a_state_event_without_its_template_does_not_fall_back_to_the_generic_text() -> None:
    from lapakasik.notifications.models import NotificationTemplate
    from lapakasik.notifications.services import template_for

    event = workflow.EVENT_FOR_STATE[S.REJECTED]
    assert event is not None
    NotificationTemplate.objects.filter(event=event, channel="sms").update(active=False)
    assert template_for(event=event, channel="sms", language="en") is None
    assert template_for(event=event, channel="email", language="en").event == event  # type: ignore[union-attr]


@pytest.mark.django_db
def test_no_template_for_the_old_alias_event_names() -> None:
    from lapakasik.notifications.models import NotificationTemplate

    assert not NotificationTemplate.objects.filter(event__in=["claim_booked", "claim_cancelled"]).exists()


# --- the closed list of history kinds ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["", "state-changed", "STATE_CHANGED", "otp_issued", "documents reminder", "x" * 60])
def test_an_unknown_event_kind_is_refused_and_nothing_is_written(claim: Any, kind: str) -> None:
    from lapakasik.claims.models import ClaimEvent
    from lapakasik.claims.services import Actor, claim_event_record

    before = ClaimEvent.objects.filter(claim=claim).count()
    with pytest.raises(ValueError, match="unknown claim event kind"):
        claim_event_record(claim=claim, kind=kind, actor=Actor.system())
    assert ClaimEvent.objects.filter(claim=claim).count() == before


@pytest.mark.django_db
def test_every_kind_in_the_list_is_accepted(claim: Any) -> None:
    from lapakasik.claims.models import ClaimEvent
    from lapakasik.claims.services import Actor, claim_event_record, claim_history_verify

    for kind in ClaimEvent.Kind:
        claim_event_record(claim=claim, kind=kind, actor=Actor.system())
    assert list(ClaimEvent.objects.filter(claim=claim).values_list("seq", flat=True)) == list(
        range(1, len(ClaimEvent.Kind) + 2))
    assert claim_history_verify(claim)


@pytest.mark.django_db
def test_an_illegal_transition_is_a_conflict_and_changes_nothing(claim: Any) -> None:
    from lapakasik.claims.models import ClaimEvent
    from lapakasik.claims.services import Actor, claim_transition
    from lapakasik.core.errors import Conflict

    with pytest.raises(Conflict) as err:
        claim_transition(claim=claim, to=S.PAID, actor=Actor.system())
    assert err.value.code == "invalid_transition"
    claim.refresh_from_db()
    assert claim.state == S.BOOKED and ClaimEvent.objects.filter(claim=claim).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_a_transaction_is_refused(network: None) -> None:
    """History is written inside the transaction that holds the claim lock, never straight from a view."""
    from django.db import transaction

    from lapakasik.branches.models import Branch
    from lapakasik.claims.models import Claim, ClaimEvent
    from lapakasik.claims.services import Actor, claim_event_record, claim_lock
    from lapakasik.core.codes import new_code, token_digest

    claim = Claim.objects.create(code=new_code(8), claim_reason="RESIGNED", branch=Branch.objects.first(),
                                 access_token_digest=token_digest(new_code(20)))
    with pytest.raises(RuntimeError, match="claim_lock"):
        claim_event_record(claim=claim, kind=ClaimEvent.Kind.DOCUMENT_OPENED, actor=Actor.system())
    assert not ClaimEvent.objects.filter(claim=claim).exists()
    with transaction.atomic():
        claim_event_record(claim=claim_lock(claim), kind=ClaimEvent.Kind.DOCUMENT_OPENED, actor=Actor.system())
    assert ClaimEvent.objects.filter(claim=claim).count() == 1
