"""Fixtures of the claims tests: a claim opened with its first history event, without a booking."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def make_claim(network: None) -> Any:
    """A claim in BOOKED with its ``booking_created`` event, as opening a booking leaves it."""
    from django.db import transaction

    from lapakasik.branches.models import Branch
    from lapakasik.claims.models import Claim, ClaimEvent
    from lapakasik.claims.services import Actor, claim_event_record
    from lapakasik.claims.workflow import State
    from lapakasik.core.codes import new_code, token_digest

    branch = Branch.objects.exclude(region__code__iexact="DKI").order_by("code").first()

    def make() -> Any:
        with transaction.atomic():
            claim = Claim.objects.create(code=new_code(8), claim_type="JHT", claim_reason="RESIGNED", branch=branch,
                                         access_token_digest=token_digest(new_code(20)))
            claim_event_record(claim=claim, kind=ClaimEvent.Kind.BOOKING_CREATED, actor=Actor.participant(),
                               to_state=State.BOOKED, first=True)
        return claim

    return make


@pytest.fixture
def claim(make_claim: Any) -> Any:
    return make_claim()
