"""Property-based: whatever moves a booked claim — the participant's or an officer's cancel, or any
claim transition (legal or not) — the booking follows the claim and the slot counters stay right."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lapakasik.claims.workflow import State

from .conftest import book

pytestmark = pytest.mark.usefixtures("booking_env")

actions = st.lists(st.one_of(st.just("cancel"), st.sampled_from(State.values)), min_size=1, max_size=8)


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(moves=actions)
def test_the_booking_follows_its_claim_and_counters_hold(payload: Callable[..., dict[str, Any]],
                                                         moves: list[str]) -> None:
    from lapakasik.booking.models import Booking
    from lapakasik.booking.selectors import slot_counters_consistent
    from lapakasik.booking.services import booking_cancel
    from lapakasik.claims.models import Claim
    from lapakasik.claims.services import Actor, claim_history_verify, claim_transition
    from lapakasik.core.errors import Conflict

    result = book(**payload())
    for move in moves:
        booking = Booking.objects.get(pk=result.booking.pk)
        try:
            if move == "cancel":
                booking_cancel(booking=booking, actor=Actor.system("petugas"), reason="property")
            else:
                claim_transition(claim=Claim.objects.get(pk=result.claim.pk), to=move, actor=Actor.system())
        except Conflict:
            pass
        booking.refresh_from_db()
        state = Claim.objects.get(pk=result.claim.pk).state
        assert state in State.values
        if state in ("CANCELLED", "EXPIRED"):
            assert booking.status == state
        if booking.status == "ACTIVE":
            assert state not in ("CANCELLED", "EXPIRED")
        if booking.status == "CANCELLED":
            assert state == "CANCELLED" and booking.cancelled_at is not None
        assert slot_counters_consistent() == []
    assert claim_history_verify(result.claim)
