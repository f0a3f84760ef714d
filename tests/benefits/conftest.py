"""Verified claims ready to decide, at a branch with its officers (one of each role), the insured worker's
registry record in a static registry the test shapes."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

import pytest

from tests.casework.conftest import branch, other_branch, staff  # noqa: F401 - fixtures re-used

KPJ = "12345678901"


def record(nik: str, **kw: Any) -> dict[str, Any]:
    """A registry record that allows a JHT claim after resignation today, balance Rp 75,000,000."""
    from lapakasik.registry.adapters import MemberRecord

    base = MemberRecord(nik=nik, kpj=KPJ, full_name="Siti Rahayu", birth_date=date(1985, 5, 5), employer="PT Contoh",
                        membership_start=date(2010, 1, 1), membership_end=date.today() - timedelta(days=90),
                        active=False, balance=75_000_000, last_contribution=date.today() - timedelta(days=120))
    return {**asdict(base), **kw}


@pytest.fixture
def registry(settings: Any) -> Any:
    """``registry.put(nik, **fields)``: the record the registry answers for that NIK (with KPJ)."""
    settings.REGISTRY_ADAPTER = "lapakasik.registry.adapters.StaticRegistry"
    rows: dict[str, dict[str, Any]] = {}
    settings.REGISTRY_STATIC_RECORDS = []

    class Registry:
        def put(self, nik: str, **kw: Any) -> None:
            rows[nik] = record(nik, **kw)
            settings.REGISTRY_STATIC_RECORDS = list(rows.values())

    return Registry()


@pytest.fixture
def defaults(db: Any) -> None:
    """The tax rule and the reasons (a transactional test flushes the migration's rows)."""
    from lapakasik.benefits.seed import defaults_seed

    defaults_seed()


@pytest.fixture
def verified(network: None, branch: Any, staff: Any, registry: Any, defaults: None) -> Any:  # noqa: F811
    """``verified(balance=..., holder=..., **registry fields)``: a VERIFIED claim of ``branch`` held by
    ``holder`` (the officer by default), whose registry record has those fields."""
    from lapakasik.claims.models import Claim
    from tests.claims.factories import open_claim

    def make(*, holder: Any = None, claim_reason: str = "RESIGNED", language: str = "id", **fields: Any) -> Any:
        claim = open_claim(branch=branch, state="VERIFIED", claim_reason=claim_reason, kpj=KPJ, language=language)
        registry.put(claim.insured_nik, **fields)
        Claim.objects.filter(pk=claim.pk).update(assignee=holder or staff["officer"])
        claim.refresh_from_db()
        return claim

    return make
