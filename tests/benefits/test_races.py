"""Four-eyes under concurrency: two supervisors press "Setujui" on the same waiting approval at the same
moment — exactly one second approval is recorded, the claim is approved once, with one payment instruction
and one "approved" message. Threads with their own connections (``tests.payments.test_races.race``); on
SQLite and on PostgreSQL (the decision row locked ``FOR UPDATE``)."""

from __future__ import annotations

from typing import Any

import pytest

from lapakasik.core.errors import Conflict
from tests.payments.test_races import race

pytestmark = pytest.mark.django_db(transaction=True)


def _two_supervisors(verified: Any, staff: dict[str, Any], branch: Any) -> None:
    from lapakasik.benefits.models import Decision
    from lapakasik.benefits.services import approval_second, claim_approve
    from lapakasik.claims.models import Claim, ClaimEvent
    from lapakasik.notifications.models import Notification
    from lapakasik.payments.models import PaymentInstruction
    from tests.accounts.factories import make_officer

    claim = verified(balance=75_000_000)
    claim_approve(user=staff["officer"], claim=claim, has_npwp=True)  # net Rp 73,750,000: waits for a second
    bosses = [staff["supervisor"], make_officer("kepala2", "supervisor", branch=branch)]
    got = race(*[lambda u=u: approval_second(user=u, claim=claim, approve=True) for u in bosses])
    signed = [g for g in got if isinstance(g, Decision)]
    refused = [g for g in got if isinstance(g, Conflict)]
    assert len(signed) == 1 and len(refused) == 1, got
    assert refused[0].code == "nothing_pending"
    (decision,) = Decision.objects.filter(claim=claim)
    assert decision.status == "final" and decision.second_by_id == signed[0].second_by_id
    assert decision.second_by_id in {b.pk for b in bosses} and decision.decided_by_id == staff["officer"].pk
    assert Claim.objects.get(pk=claim.pk).state == "APPROVED"
    assert ClaimEvent.objects.filter(claim=claim, to_state="APPROVED").count() == 1
    assert list(PaymentInstruction.objects.filter(claim=claim).values_list("amount", flat=True)) == [73_750_000]
    assert Notification.objects.filter(claim=claim, event="claim_approved").count() == 1


def test_two_supervisors_signing_at_once_record_one_second_approval(verified: Any, staff: dict[str, Any],
                                                                    branch: Any) -> None:
    _two_supervisors(verified, staff, branch)


@pytest.mark.postgres
def test_two_supervisors_signing_at_once_record_one_second_approval_postgres(
        verified: Any, staff: dict[str, Any], branch: Any) -> None:
    _two_supervisors(verified, staff, branch)
