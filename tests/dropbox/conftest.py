"""A claim waiting at the dropbox (its cover sheet printed), the front desk, officer and head of its branch, a
branch of the same region and one whose region serves online only, and a clock the tests can move."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from tests.intake.conftest import claim, jpeg_bytes, make_claim  # noqa: F401 (fixtures)


@dataclass
class World:
    branch: Any
    sibling: Any  # another branch of the same region
    online_only: Any  # a branch of DKI Jakarta (online only)
    users: dict[str, Any]
    waiting: Callable[..., Any]  # a claim in DROPBOX_EXPECTED and its cover sheet
    later: Callable[[timedelta], None]  # move the clock forward


@pytest.fixture
def world(make_claim: Any, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: F811
    from lapakasik.branches.models import Branch
    from lapakasik.claims.services import Actor
    from lapakasik.core import clock
    from lapakasik.intake.selectors import branch_today
    from lapakasik.intake.services import dropbox_plan, upload_failed_report
    from tests.accounts.factories import make_officer

    probe = make_claim()
    branch = probe.branch
    sibling = Branch.objects.filter(region=branch.region).exclude(pk=branch.pk).order_by("code").first()
    online_only = Branch.objects.filter(region__code="DKI").order_by("code").first()
    users = {
        "front_desk": make_officer("db.satpam", "front_desk", branch=branch),
        "officer": make_officer("db.petugas", "officer", branch=branch),
        "supervisor": make_officer("db.kepala", "supervisor", branch=branch),
        "sibling_desk": make_officer("db.satpam2", "front_desk", branch=sibling),
        "dki_desk": make_officer("db.satpam3", "front_desk", branch=online_only),
    }
    users["supervisor"].email = "kepala@contoh.id"
    users["supervisor"].save()

    def waiting(**kw: Any) -> tuple[Any, Any]:
        c = make_claim(**kw)
        upload_failed_report(claim=c, actor=Actor.participant())
        sheet = dropbox_plan(claim=c, branch_code=c.branch.code, planned_on=branch_today(c.branch) + timedelta(days=1),
                             actor=Actor.participant())
        c.refresh_from_db()
        return c, sheet

    shift = [timedelta(0)]
    real_now = clock.now

    def later(delta: timedelta) -> None:
        shift[0] += delta
        monkeypatch.setattr(clock, "now", lambda: real_now() + shift[0])

    return World(branch=branch, sibling=sibling, online_only=online_only, users=users, waiting=waiting, later=later)
