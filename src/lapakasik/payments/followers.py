"""The claim's state, followed: when a claim is verified, its promised payment date is set
(registered with ``claims.services.claim_state_follower_register`` in ``PaymentsConfig.ready``)."""

from __future__ import annotations

from datetime import datetime

from lapakasik.claims import workflow
from lapakasik.claims.models import Claim

from .models import PaymentDue
from .selectors import payment_due_on


def service_level_follow(*, claim: Claim, from_state: str, to_state: str, now: datetime) -> None:
    if to_state == workflow.State.VERIFIED:
        PaymentDue.objects.update_or_create(
            claim=claim, defaults={"verified_at": now, "due_on": payment_due_on(claim, now), "escalated_on": None})
