"""The participant API's authorisation: ``Authorization: Bearer <access token>``.

The token comes with a booking or a waiting-list entry (``access_token`` in the 201 answer, shown once)
and authorises that record only. ``AccessToken`` resolves it to the record the URL names, so a view gets
``request.auth`` = that record and never looks at the token:

- ``participant_claim``: the claim of ``{code}`` (``claims.selectors.claim_get_authorised``: the code is
  looked up, then the token's keyed digest is compared in constant time with ``hmac.compare_digest``);
- ``AccessToken(resolve=…)``: any other record (the booking API's waiting-list entries).

Answers: no header, another scheme or an empty token → 401 (the error shape, ``api.api._unauthenticated``);
a token that does not open the record the URL names — a token of another claim, or any token with an unknown
code — → the same 401, after the same work (the look-up and a constant-time comparison either way), so the
answer tells nothing about whether a code exists. (Until 2026-12 both were a 404; 401 is what a client and
the fuzzing's ``ignored_auth`` check expect of credentials that do not open the resource.) Django Ninja documents the
scheme (``AccessToken``, HTTP bearer) in the OpenAPI document. The token never appears in a URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from lapakasik.claims.models import Claim
from lapakasik.claims.selectors import claim_get_authorised
from lapakasik.core.errors import NotFound

Resolver = Callable[[dict[str, Any], str], Any]


def path_params(request: HttpRequest) -> dict[str, Any]:
    """The URL's parameters (``{code}``, ``{entry_id}`` …) as Django resolved them, before Ninja validates
    them (authentication runs first)."""
    match = getattr(request, "resolver_match", None)
    return dict(match.kwargs) if match is not None else {}


def _claim_of_code(params: dict[str, Any], token: str) -> Claim:
    return claim_get_authorised(code=str(params.get("code") or ""), token=token)


class AccessToken(HttpBearer):
    """Every instance is the one OpenAPI security scheme ``AccessToken``; ``resolve(path params, token)``
    returns the record the token opens or raises ``NotFound``."""

    def __init__(self, resolve: Resolver = _claim_of_code) -> None:
        super().__init__()
        self._resolve = resolve

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        token = token.strip()
        if not token:
            return None
        try:
            return self._resolve(path_params(request), token)
        except NotFound:
            return None  # → 401, the answer of a missing token


participant_claim = AccessToken()


def claim_of(request: HttpRequest) -> Claim:
    """The claim ``participant_claim`` resolved for this request."""
    claim = getattr(request, "auth", None)
    if not isinstance(claim, Claim):
        raise TypeError("the operation must use auth=participant_claim")
    return claim
