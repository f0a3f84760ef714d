"""The participant API's authorisation: ``Authorization: Bearer <access token>``.

The token comes with a booking or a waiting-list entry (``access_token`` in the 201 answer, shown once)
and authorises that record only. This class only takes it from the header — Django Ninja then documents
the scheme in the OpenAPI document and answers a missing or malformed header with 401 (the error shape,
``api.api._unauthenticated``); each view checks the token against its record, and a wrong token gets
the same 404 as an unknown code. The token never appears in a URL.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer


class AccessToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> str | None:
        return token.strip() or None


access_token = AccessToken()


def token_of(request: HttpRequest) -> str:
    """The token ``access_token`` accepted for this request."""
    return str(request.auth)  # type: ignore[attr-defined]
