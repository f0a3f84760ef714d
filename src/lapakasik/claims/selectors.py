"""Reads of claims. Participant access is by claim code + access token (never by NIK)."""

from __future__ import annotations

import hmac

from lapakasik.claims.models import Claim, ClaimParty
from lapakasik.core.codes import normalize_code, token_digest
from lapakasik.core.errors import NotFound


def claim_get_authorised(*, code: str, token: str) -> Claim:
    """The claim whose code is ``code`` and whose participant access token is ``token``.

    A wrong token and an unknown code give the same ``NotFound`` so that codes cannot be enumerated.
    """
    digest = token_digest(token or "")
    claim = Claim.objects.select_related("branch").filter(code=normalize_code(code or "")).first()
    if claim is None or not hmac.compare_digest(claim.access_token_digest, digest):
        raise NotFound(code="claim_not_found")
    return claim


def claim_applicant(claim: Claim) -> ClaimParty:
    """The claim's applicant party (every claim has exactly one; remembered on the instance)."""
    cached = getattr(claim, "_applicant_cache", None)
    if cached is None:
        cached = ClaimParty.objects.get(claim_id=claim.pk, is_applicant=True)
        claim._applicant_cache = cached  # type: ignore[attr-defined]
    return cached  # type: ignore[no-any-return]
