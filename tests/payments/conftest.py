"""Claims on their way to payment, at a branch with its officers (one of each role)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.casework.conftest import branch, other_branch, staff  # noqa: F401 - fixtures re-used


def approve(claim: Any, *, amount: int | None = None, actor: Any = None) -> Any:
    """VERIFIED → APPROVED the way the approval does it (the claim moved, then its instruction, in one
    transaction); returns the instruction (or the claim, when ``amount`` is None)."""
    from django.db import transaction

    from lapakasik.claims.services import Actor, claim_transition
    from lapakasik.payments.services import instruction_create

    actor = actor or Actor.system("test")
    with transaction.atomic():
        claim_transition(claim=claim, to="APPROVED", actor=actor, notify=False)
        if amount is None:
            return claim
        return instruction_create(claim=claim, amount=amount, actor=actor)


@pytest.fixture
def verified_claim(network: None, branch: Any) -> Any:  # noqa: F811
    """A claim of ``branch`` opened VERIFIED (its documents' story is casework's tests')."""
    from tests.claims.factories import open_claim

    def make(**kw: Any) -> Any:
        kw.setdefault("full_name", "Siti Rahayu")
        return open_claim(branch=kw.pop("branch", branch), state="VERIFIED", **kw)

    return make
