"""Claims for tests, opened the one way a claim comes to exist (``claims.services.claim_open``).

``open_claim`` takes the flat keywords the fixtures have always used (nik, full_name, email, phone,
channels, …) and builds the applicant party from them. A stored channel the service would refuse (to
test how notifications treat a legacy value) is written onto the party afterwards."""

from __future__ import annotations

from typing import Any

from lapakasik.claims.parties import CHANNELS, Applicant, Insured, Role

DEFAULT_NIK = "3174010101900003"
PARTY_FIELDS = ("nik", "kpj", "npp", "full_name", "email", "phone", "language", "channels", "role")


def _free_nik(nik: str, claim_type: str) -> str:
    """``nik`` when it has no open claim of this type, else the next serial of the same birth data."""
    from lapakasik.claims.models import Claim
    from lapakasik.claims.workflow import TERMINAL

    open_niks = set(Claim.objects.filter(claim_type=claim_type).exclude(state__in=TERMINAL)
                    .values_list("insured_nik", flat=True))
    candidate, serial = nik, int(nik[12:]) if nik[12:].isdigit() else 1
    while candidate in open_niks:
        serial += 1
        candidate = f"{nik[:12]}{serial:04d}"
    return candidate


def open_claim(*, token: str = "", **kw: Any) -> Any:
    from lapakasik.branches.models import Branch
    from lapakasik.claims.models import Claim, ClaimParty
    from lapakasik.claims.services import Actor, claim_open
    from lapakasik.core.codes import token_digest

    branch = kw.pop("branch", None) or Branch.objects.exclude(region__code__iexact="DKI").order_by("code").first()
    claim_type = kw.pop("claim_type", "JHT")
    claim_reason = kw.pop("claim_reason", "RESIGNED")
    party = {"nik": kw.pop("nik", None), "kpj": kw.pop("kpj", "12345678901"), "full_name": kw.pop("full_name", "Siti Rahayu"),
             "email": kw.pop("email", "siti@example.id"), "phone": kw.pop("phone", "+6281234567890"),
             "language": kw.pop("language", "id"), "channels": kw.pop("channels", ["email"]),
             "role": kw.pop("role", Role.PARTICIPANT), "npp": kw.pop("npp", "")}
    party["nik"] = party["nik"] or _free_nik(DEFAULT_NIK, claim_type)
    raw_channels = list(party["channels"])
    known = [c for c in raw_channels if c in CHANNELS] or ["email"]
    insured = kw.pop("insured", None)
    applicant = Applicant(**{**party, "channels": tuple(known)})
    extra = {k: kw.pop(k) for k in ("state", "documents_due_at", "session_at", "code") if k in kw}
    assert not kw or set(kw) <= {"access_token_digest"}, f"unknown claim fields: {set(kw)}"
    opened = claim_open(applicant=applicant, claim_type=claim_type, claim_reason=claim_reason, branch=branch,
                        channel="booking", actor=Actor.system("test"),
                        insured=insured if insured is not None else (
                            None if applicant.role == Role.PARTICIPANT else Insured(nik=DEFAULT_NIK)), **extra)
    claim = opened.claim
    if raw_channels != known:
        ClaimParty.objects.filter(pk=opened.applicant.pk).update(channels=raw_channels)
        claim._applicant_cache = None
    digest = kw.get("access_token_digest") or (token_digest(token) if token else "")
    if digest:
        Claim.objects.filter(pk=claim.pk).update(access_token_digest=digest)
        claim.access_token_digest = digest
    claim.test_token = token or opened.access_token
    return claim


def applicant(claim: Any) -> Any:
    """The claim's applicant party (who the participant-facing messages go to)."""
    from lapakasik.claims.selectors import claim_applicant

    return claim_applicant(claim)
