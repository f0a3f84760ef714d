"""Reads of claims. Participant access is by claim code + access token (never by NIK)."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

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


# --- the amounts of a decided claim, from the app that decides them -------------------------------

AmountsProvider = Callable[[Claim, str], "dict[str, Any] | None"]
_amount_providers: list[AmountsProvider] = []


def claim_amounts_provider_register(provider: AmountsProvider) -> None:
    """The app that decides a claim's amounts (benefits) registers, in its ``AppConfig.ready``, a function
    ``(claim, language) -> dict | None`` giving the breakdown the participant reads (gross, tax, rate, NPWP,
    net). The participant's pages and API (booking) ask ``claim_amounts`` and import no app above them."""
    if provider not in _amount_providers:
        _amount_providers.append(provider)


def claim_amounts(claim: Claim, language: str = "id") -> dict[str, Any] | None:
    """The claim's amounts as the participant reads them, or None (not decided, or nothing to pay)."""
    for provider in _amount_providers:
        amounts = provider(claim, language)
        if amounts is not None:
            return amounts
    return None
