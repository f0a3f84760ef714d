"""Claims ready for an officer: documents complete (real files through intake's pipeline), at a branch
with its officers (one of each role) — seeded per test, nothing more."""

from __future__ import annotations

import io
from typing import Any

import pytest

from tests.intake.conftest import (  # noqa: F401 - fixtures re-used from the intake tests
    _fresh_rate_limits,
    _private_storage,
    make_claim,
)


@pytest.fixture(autouse=True)
def _decode_in_process(settings: Any) -> None:
    """The documents these tests send are the subject of intake's tests, which decode them in the throw-away
    child process as production does; here they are only the claim's papers, decoded in this process
    (0.7 s less per file)."""
    settings.INTAKE_IMAGE_SUBPROCESS = False


@pytest.fixture
def branch(network: None) -> Any:
    from lapakasik.branches.models import Branch

    return Branch.objects.exclude(region__code__iexact="DKI").order_by("code").first()


@pytest.fixture
def other_branch(branch: Any) -> Any:
    from lapakasik.branches.models import Branch

    return Branch.objects.filter(region_id=branch.region_id).exclude(pk=branch.pk).order_by("code").first()


@pytest.fixture
def staff(branch: Any, other_branch: Any) -> dict[str, Any]:
    """One user per role at ``branch`` (and its region), and an officer of ``other_branch``."""
    from tests.accounts.factories import make_officer

    return {
        "officer": make_officer("budi", "officer", branch=branch),
        "officer2": make_officer("ani", "officer", branch=branch),
        "supervisor": make_officer("kepala", "supervisor", branch=branch),
        "front_desk": make_officer("satpam", "front_desk", branch=branch),
        "regional": make_officer("kanwil", "regional_admin", region=branch.region),
        "national": make_officer("pusat", "national_admin"),
        "other": make_officer("lain", "officer", branch=other_branch),
    }


def complete_documents(claim: Any) -> None:
    from lapakasik.claims.services import Actor
    from lapakasik.intake.catalogue import claim_checklist
    from lapakasik.intake.receive import document_receive
    from tests.intake.conftest import jpeg_bytes

    for n, item in enumerate(i for i in claim_checklist(claim).items if i.required):
        for k in range(item.min_files):
            r = document_receive(claim=claim, fileobj=io.BytesIO(jpeg_bytes(seed=claim.pk * 31 + n * 7 + k)),
                                 filename=f"{item.code}-{k}.jpg", declared_type="image/jpeg", source="WEB",
                                 requirement_code=item.code, actor=Actor.participant())
            assert r.outcome == "received", (item.code, r.reason_code)
    claim.refresh_from_db()
    assert claim.state == "DOCUMENTS_RECEIVED"


@pytest.fixture
def ready_claim(make_claim: Any, branch: Any) -> Any:  # noqa: F811 - the imported fixture
    """A claim of ``branch`` whose documents are complete (DOCUMENTS_RECEIVED), with a session tomorrow."""
    from datetime import timedelta

    from lapakasik.core import clock

    def make(**kw: Any) -> Any:
        kw.setdefault("session_at", clock.now() + timedelta(days=1))
        claim = make_claim(branch=kw.pop("branch", branch), **kw)
        complete_documents(claim)
        return claim

    return make


def login(client: Any, user: Any) -> Any:
    """Sign an officer in, both steps done (how they are done is the accounts tests' subject)."""
    from tests.accounts.helpers import officer_login

    return officer_login(client, user)
