"""Sign-in by a one-time e-mail link for a company's HR officers (docs/employers.md, "Sign-in").

- ``link_request``: the officer gives their registered e-mail address; an active employer officer with that
  address gets a link by e-mail (notification outbox, event ``employer_signin_link``). Whether the address
  is known or not, the caller answers the same; the requests are counted per address and per client in a
  15-minute window before anything is looked up, so the limit answers the same too.
- ``link_consume``: the link's token, single use and expiring (``EMPLOYER_SIGNIN_LINK_MINUTES``), for an
  officer still active and still an employer officer; stored as a keyed digest only.
- ``LINK_SESSION``: the session key a link sign-in sets. Such a session has no second factor: it opens the
  employer pages (``employers.access``) and nothing else — every officer page and the officer API still ask
  for the authenticator code (``accounts.access``).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from lapakasik.accounts.models import OfficerProfile, Role
from lapakasik.core import clock
from lapakasik.core.codes import new_token, token_digest
from lapakasik.core.errors import InvalidInput, RateLimited
from lapakasik.core.ratewindow import window_take
from lapakasik.core.validators import normalize_email
from lapakasik.notifications.services import notification_enqueue

from .models import SignInLink

log = logging.getLogger(__name__)

LINK_SESSION = "employers.link_signin"  # session key: the user's pk, set by a link sign-in
WINDOW_SECONDS = 15 * 60


def _key(kind: str, value: str) -> str:
    return f"employer_link:{kind}:" + hashlib.sha256(value.encode()).hexdigest()[:32]


def _officer_of(address: str) -> Any:
    """The active employer officer whose account address is ``address`` (case aside); None otherwise."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=address, is_active=True).order_by("pk").first()
    if user is None:
        return None
    if not OfficerProfile.objects.filter(user=user, role=Role.EMPLOYER_OFFICER).exists():
        return None
    return user


def link_request(*, email: Any, client: str, language: str = "id") -> None:
    """Send a sign-in link to ``email`` if it is an active employer officer's; otherwise nothing. Returns
    nothing either way (the page says the same). A malformed address: ``InvalidInput``. Too many requests
    for the address or from the client in the window: ``RateLimited`` (counted for known and unknown
    addresses alike). A new link ends the officer's earlier unused ones."""
    try:
        address = normalize_email(email)
    except ValidationError as exc:
        raise InvalidInput(fields={"email": exc.messages}) from None
    window = int(clock.now().timestamp()) // WINDOW_SECONDS
    if not (window_take(key=_key("client", client or "unknown"), window=window,
                        limit=settings.EMPLOYER_SIGNIN_LINKS_PER_CLIENT)
            and window_take(key=_key("address", address.lower()), window=window,
                            limit=settings.EMPLOYER_SIGNIN_LINKS_PER_ADDRESS)):
        raise RateLimited(retry_after=WINDOW_SECONDS)
    user = _officer_of(address)
    if user is None:
        return
    token = new_token()
    now = clock.now()
    minutes = settings.EMPLOYER_SIGNIN_LINK_MINUTES
    with transaction.atomic():
        SignInLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        link = SignInLink.objects.create(user=user, token_digest=token_digest(token), created_at=now,
                                         expires_at=now + timedelta(minutes=minutes))
        notification_enqueue(event="employer_signin_link", recipient=user.email, channels=["email"],
                             language=language if language in ("id", "en") else "id",
                             context={"signin_url": f"{settings.PUBLIC_BASE_URL}/perusahaan/masuk/{token}/",
                                      "minutes": minutes})
    log.info("employers: sign-in link #%s sent to officer #%s", link.pk, user.pk)


def link_live(token: str) -> SignInLink | None:
    """The link of ``token`` if it is unused and unexpired; None otherwise (the cases not told apart)."""
    if not token or len(token) > 128:
        return None
    return (SignInLink.objects.select_related("user")
            .filter(token_digest=token_digest(token), used_at__isnull=True, expires_at__gt=clock.now()).first())


def link_consume(token: str) -> Any:
    """Use the link: its officer if the link is live and the officer still an active employer officer
    (the link is then spent); None otherwise — unknown, forged, used, expired, deactivated, no longer an
    employer officer are not told apart."""
    if not token or len(token) > 128:
        return None
    with transaction.atomic():
        link = (SignInLink.objects.select_for_update()
                .filter(token_digest=token_digest(token), used_at__isnull=True, expires_at__gt=clock.now()).first())
        if link is None:
            return None
        link.used_at = clock.now()
        link.save(update_fields=["used_at"])
        user = get_user_model().objects.filter(pk=link.user_id, is_active=True).first()
        if user is None or not OfficerProfile.objects.filter(user=user, role=Role.EMPLOYER_OFFICER).exists():
            return None
    log.info("employers: sign-in link #%s used by officer #%s", link.pk, user.pk)
    return user
