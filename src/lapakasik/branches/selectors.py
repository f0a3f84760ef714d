"""Reads of the branch network shared by pages, the API and later apps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet

from lapakasik.core import clock
from lapakasik.core.errors import NotFound

from . import policy
from .models import Branch, ChannelPolicy, Closure, SessionTemplate


@dataclass(frozen=True)
class EffectivePolicy:
    mode: str
    scope: str  # "branch" | "region" | "default"
    reason: str
    valid_from: datetime | None
    valid_to: datetime | None

    @property
    def dropbox_allowed(self) -> bool:
        return self.mode == policy.ONLINE_AND_DROPBOX


DEFAULT_POLICY = EffectivePolicy(policy.DEFAULT_MODE, "default", "", None, None)


def live_policies() -> QuerySet[ChannelPolicy]:
    """Policy rows that count: every row but the changes cancelled before they started."""
    return ChannelPolicy.objects.filter(cancelled_at__isnull=True)


def scope_rules(*, region_id: int | None = None, branch_id: int | None = None) -> list[policy.PolicyRule]:
    """The rows (not cancelled) of exactly one scope, as rules — what a new change there is checked against."""
    rows = live_policies().filter(branch_id=branch_id) if branch_id else live_policies().filter(  # type: ignore[misc]
        region_id=region_id, branch__isnull=True)
    scope = "branch" if branch_id else "region"
    return [policy.PolicyRule(scope=scope, mode=p.mode, valid_from=p.valid_from, valid_to=p.valid_to,
                              reason=p.reason, id=p.pk) for p in rows]


def policy_history(*, region_id: int | None = None, branch_id: int | None = None) -> QuerySet[ChannelPolicy]:
    """Every row of a scope, cancelled ones included (newest start first), with who set and cancelled it;
    a branch's page also lists its region's rows, which govern it where it has none of its own."""
    qs = ChannelPolicy.objects.select_related("region", "branch", "set_by", "cancelled_by")
    if branch_id:
        branch = Branch.objects.get(pk=branch_id)
        return qs.filter(Q(branch_id=branch_id) | Q(region_id=branch.region_id, branch__isnull=True)).order_by(
            "-valid_from", "-id")
    return qs.filter(region_id=region_id, branch__isnull=True).order_by("-valid_from", "-id")  # type: ignore[misc]


def branches_moved_by(change: ChannelPolicy) -> list[Branch]:
    """The active branches whose mode the change alters when it starts (a branch with a rule of its own is
    not moved by its region's change; a change to the mode a branch already had moves nothing)."""
    if change.branch_id:
        branches = list(Branch.objects.filter(pk=change.branch_id, is_active=True).select_related("region"))
    else:
        branches = list(Branch.objects.filter(region_id=change.region_id, is_active=True).select_related("region"))  # type: ignore[misc]
    region_ids = {b.region_id for b in branches}
    rows = list(live_policies().filter(Q(branch__in=branches) | Q(region_id__in=region_ids, branch__isnull=True)))
    if change.cancelled_at is None and change.pk not in {r.pk for r in rows}:
        rows.append(change)  # a change being previewed, not stored yet
    return [b for b in branches if policy.branch_moved_by(change.pk, _rules_for(b, rows), change.valid_from)]


def branch_list(*, region: str | None = None, active_only: bool = True) -> QuerySet[Branch]:
    qs = Branch.objects.select_related("region")
    if active_only:
        qs = qs.filter(is_active=True)
    if region:
        qs = qs.filter(region__code__iexact=region)
    return qs


def branch_get(code: str) -> Branch:
    try:
        return Branch.objects.select_related("region").get(code__iexact=str(code).strip(), is_active=True)
    except Branch.DoesNotExist:
        raise NotFound(code="branch_not_found", message=NotFound.default_message) from None


def _rules_for(branch: Branch, rows: list[ChannelPolicy]) -> list[policy.PolicyRule]:
    return [
        policy.PolicyRule(
            scope="branch" if p.branch_id else "region",
            mode=p.mode,
            valid_from=p.valid_from,
            valid_to=p.valid_to,
            reason=p.reason,
            id=p.pk,
        )
        for p in rows
        if p.branch_id == branch.id or (p.branch_id is None and p.region_id == branch.region_id)
    ]


def _to_effective(rule: policy.PolicyRule | None) -> EffectivePolicy:
    if rule is None:
        return DEFAULT_POLICY
    return EffectivePolicy(rule.mode, rule.scope, rule.reason, rule.valid_from, rule.valid_to)


def branch_effective_policy(branch: Branch, at: datetime | None = None) -> EffectivePolicy:
    """The channel policy in force for ``branch`` at ``at`` (default: now)."""
    at = at or clock.now()
    rows = list(live_policies().filter(Q(branch=branch) | Q(region_id=branch.region_id, branch__isnull=True)))
    return _to_effective(policy.effective_mode(_rules_for(branch, rows), at))


def effective_policies(branches: list[Branch], at: datetime | None = None) -> dict[int, EffectivePolicy]:
    """The same for many branches with one query (for lists)."""
    at = at or clock.now()
    region_ids = {b.region_id for b in branches}
    rows = list(
        live_policies().filter(
            Q(branch__in=branches) | Q(region_id__in=region_ids, branch__isnull=True)
        ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at), valid_from__lte=at)
    )
    return {b.id: _to_effective(policy.effective_mode(_rules_for(b, rows), at)) for b in branches}


def closures_for(branch: Branch, start: date, end: date) -> dict[date, str]:
    rows = Closure.objects.filter(date__gte=start, date__lte=end).filter(
        Q(branch=branch) | Q(region_id=branch.region_id) | Q(branch__isnull=True, region__isnull=True)
    )
    return {c.date: c.reason for c in rows}


def sessions_for(branch: Branch) -> list[SessionTemplate]:
    """The branch's own session templates if it has any, else the national default."""
    own = list(SessionTemplate.objects.filter(branch=branch, is_active=True).order_by("start"))
    if own:
        return own
    return list(SessionTemplate.objects.filter(branch__isnull=True, is_active=True).order_by("start"))
