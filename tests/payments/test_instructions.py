"""instruction_create: an approved claim becomes one instruction, and only one."""

from __future__ import annotations

from typing import Any

import pytest

from lapakasik.core.errors import Conflict, InvalidInput

from .conftest import approve

pytestmark = pytest.mark.django_db


def test_an_approved_claim_becomes_one_pending_instruction_with_its_event(verified_claim: Any) -> None:
    from lapakasik.claims.models import ClaimEvent
    from lapakasik.claims.services import claim_history_verify
    from lapakasik.payments.models import PaymentInstruction

    claim = verified_claim()
    instruction = approve(claim, amount=73_750_000)
    assert instruction.status == "pending" and instruction.amount == 73_750_000 and instruction.batch is None
    assert instruction.branch_id == claim.branch_id
    event = ClaimEvent.objects.filter(claim=claim, kind="payment_instructed").get()
    assert event.data == {"instruction": instruction.reference, "amount": 73_750_000}
    assert claim_history_verify(claim)
    assert PaymentInstruction.objects.filter(claim=claim).count() == 1


@pytest.mark.parametrize("amount", [0, -1, 1.5, "1000", True, None])
def test_an_amount_that_is_not_a_positive_whole_rupiah_is_refused(verified_claim: Any, amount: Any) -> None:
    from lapakasik.claims.services import Actor
    from lapakasik.payments.models import PaymentInstruction
    from lapakasik.payments.services import instruction_create

    claim = approve(verified_claim())
    with pytest.raises(InvalidInput):
        instruction_create(claim=claim, amount=amount, actor=Actor.system("test"))
    assert not PaymentInstruction.objects.exists()


def test_a_claim_not_approved_gets_no_instruction(verified_claim: Any) -> None:
    from lapakasik.claims.services import Actor
    from lapakasik.payments.models import PaymentInstruction
    from lapakasik.payments.services import instruction_create

    with pytest.raises(Conflict) as err:
        instruction_create(claim=verified_claim(), amount=1000, actor=Actor.system("test"))
    assert err.value.code == "claim_not_approved"
    assert not PaymentInstruction.objects.exists()


def test_a_second_instruction_for_the_same_claim_is_refused(verified_claim: Any) -> None:
    from lapakasik.claims.services import Actor
    from lapakasik.payments.models import PaymentInstruction
    from lapakasik.payments.services import instruction_create

    claim = verified_claim()
    approve(claim, amount=1000)
    with pytest.raises(Conflict) as err:
        instruction_create(claim=claim, amount=1000, actor=Actor.system("test"))
    assert err.value.code == "already_instructed"
    assert PaymentInstruction.objects.filter(claim=claim).count() == 1
