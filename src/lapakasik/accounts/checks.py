"""Deployment checks: no account of a production system has the published demo password (E004) or a
published demo TOTP secret (E006), and the officer lock-out is on (E007).

Registered with the ``production`` tag, so ``lapakasik check --deploy`` reports it and every
production start (``up``, ``serve``, ``worker``, ``mailgateway``) refuses to run while it fails."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.checks import Error, Tags, register
from django.db import DatabaseError
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from .seed import DEMO_PASSWORD, DEMO_USERS
from .totp import demo_key


@register(Tags.security, "production", deploy=True)
def demo_accounts_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Every demo-named account, every superuser and every staff account is checked (hashing is
    deliberately slow, so not every account of a large office network; new passwords cannot be the
    demo password anyway: ``NotTheDemoPasswordValidator``)."""
    if not settings.PRODUCTION:
        return []
    User = get_user_model()
    try:
        users = list(User.objects.filter(is_active=True).filter(
            Q(username__in=[u[0] for u in DEMO_USERS]) | Q(is_superuser=True) | Q(is_staff=True))
            .values_list("username", "password"))
    except DatabaseError:  # no tables yet (check before the first migrate): nothing to check
        return []
    # check_password() of the hashers module never re-hashes or saves (User.check_password can).
    found = sorted(name for name, encoded in users if encoded and check_password(DEMO_PASSWORD, encoded))
    if not found:
        return []
    return [Error(
        f"{len(found)} account(s) have the published demo password: {', '.join(found[:10])}",
        hint="Deactivate them or set a real password (`lapakasik changepassword NAME`); demo data never belongs "
             "in production.",
        id="lapakasik.E004",
    )]


@register(Tags.security, "production", deploy=True)
def demo_totp_secrets_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Any TOTP device (of any account) holding one of the published demo secrets: whoever read the README
    has that officer's second factor."""
    if not settings.PRODUCTION:
        return []
    published = {demo_key(u[0]) for u in DEMO_USERS}
    try:
        found = sorted({name for name, key in TOTPDevice.objects.values_list("user__username", "key")
                        .filter(key__in=published)})
    except DatabaseError:
        return []
    if not found:
        return []
    return [Error(
        f"{len(found)} account(s) have an authenticator (TOTP) device with a published demo secret: "
        f"{', '.join(found[:10])}",
        hint="Delete those devices (admin: OTP_TOTP › TOTP devices); the officer enrols a new app at the next "
             "sign-in. Demo data never belongs in production.",
        id="lapakasik.E006",
    )]


@register(Tags.security, "production", deploy=True)
def lockout_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The officer lock-out (django-axes) may not be switched off in production."""
    if not settings.PRODUCTION or getattr(settings, "AXES_ENABLED", True):
        return []
    return [Error("The officer lock-out (AXES_ENABLED) is off in production.",
                  hint="Remove the AXES_ENABLED override.", id="lapakasik.E007")]
