"""Signing officers in, in tests.

- ``officer_login(client, user)``: the state after both steps (password + TOTP code) without going through
  them — ``force_login`` and the session marked verified by the officer's TOTP device (made if missing), as
  ``django_otp.login`` does. For tests of what an officer does, not of how they sign in.
- ``totp_code(device, offset=0)``: the code the officer's authenticator app shows now (``offset`` time
  steps later: a code not used yet when the current one was).
- ``csrf_client()`` / ``csrf_of(response)``: a client that enforces CSRF like a browser does, and the token
  of the form on a page.
"""

from __future__ import annotations

import re
import time
from typing import Any

from django.test import Client


def totp_device(user: Any) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return device


def officer_login(client: Client, user: Any) -> Client:
    from django_otp import DEVICE_ID_SESSION_KEY

    device = totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def totp_code(device: Any, offset: int = 0) -> str:
    from lapakasik.accounts.totp import code_at

    return code_at(device.key, time.time() + offset * device.step)


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def csrf_of(response: Any) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert found, "the page has no form with a CSRF token"
    return found.group(1)
