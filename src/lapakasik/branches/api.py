from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Path, Router, Schema

from lapakasik.core.validators import BranchCode, RegionCode

from . import selectors

router = Router(tags=["branches"])


class PolicyOut(Schema):
    mode: str
    dropbox_allowed: bool
    scope: str
    reason: str
    valid_from: datetime | None
    valid_to: datetime | None


class BranchOut(Schema):
    code: str
    name: str
    kind: str
    region_code: str
    region_name: str
    address: str
    city: str
    time_zone: str
    time_zone_abbreviation: str
    channel_policy: PolicyOut


def branch_out(branch, policy: selectors.EffectivePolicy) -> BranchOut:  # type: ignore[no-untyped-def]
    return BranchOut(
        code=branch.code, name=branch.name, kind=branch.kind, region_code=branch.region.code,
        region_name=branch.region.name, address=branch.address, city=branch.city,
        time_zone=branch.time_zone, time_zone_abbreviation=branch.tz_abbreviation,
        channel_policy=PolicyOut(
            mode=policy.mode, dropbox_allowed=policy.dropbox_allowed, scope=policy.scope,
            reason=policy.reason, valid_from=policy.valid_from, valid_to=policy.valid_to,
        ),
    )


@router.get("/branches", response=list[BranchOut], summary="Daftar kantor cabang / list branches")
def list_branches(request: HttpRequest, region: RegionCode | None = None) -> list[BranchOut]:
    branches = list(selectors.branch_list(region=region))
    policies = selectors.effective_policies(branches)
    return [branch_out(b, policies[b.id]) for b in branches]


@router.get("/branches/{code}", response=BranchOut, summary="Satu kantor cabang / one branch")
def get_branch(request: HttpRequest, code: Path[BranchCode]) -> BranchOut:
    branch = selectors.branch_get(code)
    return branch_out(branch, selectors.branch_effective_policy(branch))
