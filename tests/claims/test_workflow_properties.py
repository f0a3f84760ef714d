"""Property-based: random sequences of moves (legal and illegal, and targets that are no state at all)
applied to a real claim. The claim is never in an undeclared state; an illegal move raises Conflict
and changes nothing (state, history); a legal one adds exactly one event; the hash chain stays valid."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lapakasik.claims import workflow
from lapakasik.claims.workflow import State

NOT_STATES = ["", "booked", "ARCHIVED", "PAID ", "DOCUMENTS-RECEIVED"]
targets = st.sampled_from([*State.values, *NOT_STATES])


@given(moves=st.lists(targets, max_size=40))
def test_random_walks_on_the_table_stay_inside_it(moves: list[str]) -> None:
    state: str = State.BOOKED
    for to in moves:
        if workflow.can_transition(state, to):
            state = to
        assert state in State.values
    assert (workflow.allowed_next(state) == frozenset()) == (state in workflow.TERMINAL)


@pytest.mark.django_db
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(moves=st.lists(targets, min_size=1, max_size=15))
def test_random_moves_on_a_claim_keep_it_declared_and_its_history_intact(make_claim: Any, moves: list[str]) -> None:
    from lapakasik.claims.models import Claim, ClaimEvent
    from lapakasik.claims.services import Actor, claim_history_verify, claim_transition
    from lapakasik.core.errors import Conflict

    claim = make_claim()
    for to in moves:
        before = Claim.objects.get(pk=claim.pk).state
        count = ClaimEvent.objects.filter(claim=claim).count()
        if workflow.can_transition(before, to):
            event = claim_transition(claim=claim, to=to, actor=Actor.system(), reason="property")
            assert (event.seq, event.from_state, event.to_state) == (count + 1, before, to)
            assert Claim.objects.get(pk=claim.pk).state == to
        else:
            with pytest.raises(Conflict) as err:
                claim_transition(claim=claim, to=to, actor=Actor.system(), reason="property")
            assert err.value.code == "invalid_transition"
            assert Claim.objects.get(pk=claim.pk).state == before
            assert ClaimEvent.objects.filter(claim=claim).count() == count
        assert Claim.objects.get(pk=claim.pk).state in State.values
    claim.refresh_from_db()
    seqs = list(ClaimEvent.objects.filter(claim=claim).values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert claim_history_verify(claim)
