"""Reads of the channel-policy pages: what is in force where, and the impact a change would have before it is
applied (the preview): claims waiting for a dropbox drop or whose upload failed, bookings from the start of
the change on, and cover sheets already printed (a claim in ``DROPBOX_EXPECTED`` printed its cover sheet:
that is the state the participant reaches by printing it), at each branch the change would move."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from lapakasik.booking.models import Booking
from lapakasik.branches import selectors as branch_selectors
from lapakasik.branches.models import Branch, ChannelPolicy, Region
from lapakasik.claims import workflow
from lapakasik.claims.models import Claim
from lapakasik.core import clock

from .models import PolicyNotice


@dataclass
class BranchImpact:
    branch: Branch
    before: branch_selectors.EffectivePolicy
    upload_failed: int = 0
    dropbox_expected: int = 0
    bookings: int = 0

    @property
    def participants(self) -> int:
        return self.upload_failed + self.dropbox_expected


@dataclass
class Impact:
    rows: list[BranchImpact] = field(default_factory=list)
    unmoved: list[Branch] = field(default_factory=list)  # branches of the scope the change leaves as they are

    @property
    def participants(self) -> int:
        return sum(r.participants for r in self.rows)

    @property
    def upload_failed(self) -> int:
        return sum(r.upload_failed for r in self.rows)

    @property
    def dropbox_expected(self) -> int:
        return sum(r.dropbox_expected for r in self.rows)

    @property
    def bookings(self) -> int:
        return sum(r.bookings for r in self.rows)


def scope_branches(*, region: Region | None = None, branch: Branch | None = None) -> list[Branch]:
    if branch is not None:
        return [branch]
    return list(Branch.objects.filter(region=region, is_active=True).select_related("region").order_by("code"))


def change_impact(*, mode: str, valid_from: datetime, region: Region | None = None,
                  branch: Branch | None = None) -> Impact:
    """What a change to ``mode`` from ``valid_from`` would touch, per branch it moves (counted now)."""
    draft = ChannelPolicy(region=None if branch is not None else region, branch=branch, mode=mode,
                          valid_from=valid_from, reason="")
    moved = branch_selectors.branches_moved_by(draft)
    before = branch_selectors.effective_policies(moved, valid_from) if moved else {}
    rows = {b.id: BranchImpact(branch=b, before=before[b.id]) for b in moved}
    states = Claim.objects.filter(branch_id__in=rows, state__in=workflow.UPLOAD_TROUBLE).values(
        "branch_id", "state").annotate(n=Count("id"))
    for r in states:
        if r["state"] == workflow.State.UPLOAD_FAILED:
            rows[r["branch_id"]].upload_failed = r["n"]
        else:
            rows[r["branch_id"]].dropbox_expected = r["n"]
    bookings = Booking.objects.filter(status=Booking.Status.ACTIVE, slot__branch_id__in=rows,
                                      slot__ends_at__gt=valid_from).values("slot__branch_id").annotate(n=Count("id"))
    for r in bookings:
        rows[r["slot__branch_id"]].bookings = r["n"]
    moved_ids = set(rows)
    unmoved = [b for b in scope_branches(region=region, branch=branch) if b.id not in moved_ids]
    return Impact(rows=sorted(rows.values(), key=lambda r: r.branch.code), unmoved=unmoved)


@dataclass
class ScopeRow:
    """One line of the overview: a region (its own rule) or one of its branches (the rule governing it)."""

    kind: str  # "wilayah" | "cabang"
    code: str
    name: str
    in_force: branch_selectors.EffectivePolicy
    waiting: list[ChannelPolicy]
    region: Region
    branch: Branch | None = None


def overview(branches: list[Branch]) -> list[ScopeRow]:
    """The policy in force now at each region of ``branches`` and at each branch, with the changes waiting
    to start (one query for the rows, whatever the number of branches)."""
    now = clock.now()
    regions = {b.region_id: b.region for b in branches}
    policies = branch_selectors.effective_policies(branches, now)
    waiting = list(branch_selectors.live_policies().filter(valid_from__gt=now).filter(
        Q(branch__in=branches) | Q(region_id__in=regions, branch__isnull=True)).order_by("valid_from"))
    region_now = {r.region_id: r for r in branch_selectors.live_policies().filter(
        region_id__in=regions, branch__isnull=True, valid_from__lte=now).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=now)).order_by("valid_from", "id")}
    out: list[ScopeRow] = []
    for region_id, region in sorted(regions.items(), key=lambda kv: kv[1].code):
        own = region_now.get(region_id)
        in_force = (branch_selectors.EffectivePolicy(own.mode, "region", own.reason, own.valid_from, own.valid_to)
                    if own is not None else branch_selectors.DEFAULT_POLICY)
        out.append(ScopeRow("wilayah", region.code, region.name, in_force,
                            [w for w in waiting if w.region_id == region_id and w.branch_id is None], region))
        for b in sorted((b for b in branches if b.region_id == region_id), key=lambda b: b.code):
            out.append(ScopeRow("cabang", b.code, b.name, policies[b.id],
                                [w for w in waiting if w.branch_id == b.id], region, b))
    return out


def history(*, region: Region | None = None, branch: Branch | None = None) -> QuerySet[ChannelPolicy]:
    return branch_selectors.policy_history(region_id=region.pk if region is not None else None,
                                           branch_id=branch.pk if branch is not None else None)


def notice_counts(change_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per change: how many participants it has to tell and how many were told (for the history)."""
    rows = PolicyNotice.objects.filter(change_id__in=change_ids).values("change_id").annotate(
        total=Count("id"), told=Count("id", filter=Q(told_at__isnull=False, sent=True)))
    return {r["change_id"]: r for r in rows}
