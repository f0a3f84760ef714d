"""Reads of the employer side: live invitations, the company's claims waiting for its part, a claim as the
company sees it (the target ``accounts.policy`` decides on)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from lapakasik.claims.models import Claim, ClaimParty
from lapakasik.claims.workflow import TERMINAL
from lapakasik.core import clock
from lapakasik.core.codes import token_digest

from .models import Invitation, JkkReport


def invitation_live(token: str) -> Invitation | None:
    """The invitation of a link's token: unused and not expired; None otherwise (unknown, used or expired
    are not told apart)."""
    if not token or len(token) > 128:
        return None
    return (Invitation.objects.filter(token_digest=token_digest(token), used_at__isnull=True,
                                      expires_at__gt=clock.now()).first())


@dataclass(frozen=True)
class CompanyClaim:
    """A claim as its employer sees it: ``npp`` the company that reports it ("" when none does), its type."""

    claim: Claim
    npp: str
    claim_type: str


def company_claim(code: str) -> CompanyClaim | None:
    """The claim of ``code`` with the company that reports it (its employer-officer party); None if unknown."""
    claim = Claim.objects.select_related("branch").filter(code=code).first()
    if claim is None:
        return None
    npp = (ClaimParty.objects.filter(claim=claim, role=ClaimParty.Role.EMPLOYER_OFFICER)
           .values_list("npp", flat=True).first() or "")
    return CompanyClaim(claim=claim, npp=npp, claim_type=claim.claim_type)


def waiting_for_company(npp: str) -> QuerySet[JkkReport]:
    """The company's open JKK claims whose stage II report is still to come, oldest first."""
    return (JkkReport.objects.select_related("claim", "claim__branch")
            .filter(npp=npp, stage2_at__isnull=True).exclude(claim__state__in=list(TERMINAL))
            .order_by("stage1_at"))


def filed_by_company(npp: str, limit: int = 20) -> QuerySet[JkkReport]:
    """The company's reports with both stages filed, newest first."""
    return (JkkReport.objects.select_related("claim").filter(npp=npp, stage2_at__isnull=False)
            .order_by("-stage2_at")[:limit])
