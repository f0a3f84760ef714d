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
        kw.setdefault("state", "VERIFIED")
        return open_claim(branch=kw.pop("branch", branch), **kw)

    return make


def give_account(claim: Any, *, bank_code: str = "014", account_number: str = "1234567890",
                 holder_name: str = "", check: bool = True, officer: Any = None) -> Any:
    """The participant gives an account in their name; an officer checks it against the bank book."""
    from lapakasik.claims.selectors import claim_applicant
    from lapakasik.claims.services import Actor
    from lapakasik.payments.services import bank_account_check, bank_account_save

    account = bank_account_save(claim=claim, bank_code=bank_code, account_number=account_number,
                                holder_name=holder_name or claim_applicant(claim).full_name,
                                actor=Actor.participant())
    if check:
        account = bank_account_check(claim=claim, user=officer, matches=True)
    return account


@pytest.fixture
def payable(verified_claim: Any, staff: dict[str, Any]) -> Any:  # noqa: F811
    """``make(amount, **claim)``: an approved claim with a checked account and a pending instruction."""

    def make(amount: int = 73_750_000, **kw: Any) -> Any:
        claim = verified_claim(**kw)
        give_account(claim, officer=staff["officer"])
        return approve(claim, amount=amount)

    return make


@pytest.fixture
def booked_verified(network: None, branch: Any) -> Any:  # noqa: F811
    """``make()``: a claim booked through the booking service (the participant's page needs its booking),
    then set VERIFIED as casework leaves it."""
    from lapakasik.booking.models import SlotQuota
    from lapakasik.booking.services import booking_create, slots_generate
    from lapakasik.claims.models import Claim
    from lapakasik.registry.models import DemoParticipant
    from lapakasik.registry.seed import REASON_FOR_CASE
    from lapakasik.registry.seed import seed_demo as registry_seed

    slots_generate(branch_codes=[branch.code])
    registry_seed(participants=10)
    people = iter(DemoParticipant.objects.filter(case="eligible").order_by("id"))

    def make() -> Any:
        slot = SlotQuota.objects.filter(branch=branch, closed=False).order_by("starts_at").first()
        p = next(people)
        booked = booking_create(branch_code=branch.code, date=slot.date, session_start=f"{slot.session_start:%H:%M}",
                                claim_type="JHT", claim_reason=REASON_FOR_CASE[p.case], nik=p.nik, kpj=p.kpj,
                                full_name=p.full_name, email="peserta@contoh.id", phone="081299001234",
                                channels=["email"])
        Claim.objects.filter(pk=booked.claim.pk).update(state="VERIFIED")
        booked.claim.refresh_from_db()
        return booked.claim

    return make
