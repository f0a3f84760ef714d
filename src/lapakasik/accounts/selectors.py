"""Reads about officers (a request user's principal: ``accounts.access.principal_of``). Lists filter through
``branches_visible_to``, which is derived from the same tables as every single decision
(``accounts.policy``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from lapakasik.branches.models import Branch

from .access import principal_of
from .policy import Action, branch_filter
from .seed import DEMO_USERS
from .totp import base32_secret, code_at, demo_key


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


def has_authenticator(user: Any) -> bool:
    """Whether the officer has a confirmed authenticator app (TOTP device); without one, sign-in enrols."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


@dataclass(frozen=True)
class DemoLogin:
    """A demo officer's log-in: ``secret`` (base32) and the ``code`` of this moment, both empty when the
    officer has no device with the published demo secret (enrolled an app of their own, or not seeded)."""

    username: str
    role: str
    secret: str
    code: str

    @property
    def oathtool(self) -> str:
        return f"oathtool --totp -b {self.secret}" if self.secret else ""


def demo_logins() -> list[DemoLogin]:
    """The demo officers in ``DEMO_USERS`` order, with their published TOTP secrets (demo mode only: the
    callers ask ``settings.DEMO_MODE`` first)."""
    names = [u[0] for u in DEMO_USERS]
    secrets = {d.user.get_username(): base32_secret(d.key) for d in TOTPDevice.objects.select_related("user")
               .filter(user__username__in=names, confirmed=True) if d.key == demo_key(d.user.get_username())}
    return [DemoLogin(username, str(role.label), secrets.get(username, ""),
                      code_at(demo_key(username)) if username in secrets else "")
            for username, role, *_rest in DEMO_USERS]
