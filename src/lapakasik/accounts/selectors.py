"""Reads about officers (a request user's principal: ``accounts.access.principal_of``). Lists filter through
``branches_visible_to``, which is derived from the same tables as every single decision
(``accounts.policy``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lapakasik.branches.models import Branch

from .access import principal_of
from .policy import Action, branch_filter


def branches_visible_to(user: Any, action: Action = Action.VIEW_CLAIM) -> QuerySet[Branch]:
    """The branches where ``user`` may do ``action`` (none for anonymous users, users without an officer
    profile and roles the action is not for)."""
    principal = principal_of(user)
    if principal is None:
        return Branch.objects.none()
    scope = branch_filter(principal, action)
    if scope.everything:
        return Branch.objects.all()
    if scope.region_id is not None:
        return Branch.objects.filter(region_id=scope.region_id)
    if scope.branch_id is not None:
        return Branch.objects.filter(pk=scope.branch_id)
    return Branch.objects.none()
