"""Who may see what. Every officer page and API filters through ``branches_visible_to``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lapakasik.branches.models import Branch

from .models import OfficerProfile, Role


def officer_profile(user: Any) -> OfficerProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.officer  # type: ignore[no-any-return]
    except OfficerProfile.DoesNotExist:
        return None


def branches_visible_to(user: Any) -> QuerySet[Branch]:
    profile = officer_profile(user)
    if profile is None:
        return Branch.objects.none()
    if profile.role == Role.NATIONAL_ADMIN:
        return Branch.objects.all()
    if profile.role == Role.REGIONAL_ADMIN:
        return Branch.objects.filter(region_id=profile.region_id or 0)
    return Branch.objects.filter(pk=profile.branch_id or 0)


def can_see_branch(user: Any, branch: Branch) -> bool:
    return branches_visible_to(user).filter(pk=branch.pk).exists()
