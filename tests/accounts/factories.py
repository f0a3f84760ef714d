"""Officers of any role at any branch or region, for authorisation tests."""

from __future__ import annotations

from typing import Any


def make_officer(username: str, role: str, *, branch: Any = None, region: Any = None, npp: str = "") -> Any:
    """A signed-in-able user with an officer profile (``role`` one of ``accounts.models.Role``; ``npp``: an
    employer officer's company)."""
    from django.contrib.auth import get_user_model

    from lapakasik.accounts.models import OfficerProfile

    user = get_user_model().objects.create_user(username=username, password=None, is_staff=True)
    OfficerProfile.objects.create(user=user, role=role, branch=branch, region=region, npp=npp)
    return user
