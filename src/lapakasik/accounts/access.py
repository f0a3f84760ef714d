"""The thin edge between a request and ``accounts.policy``: who is asking, and the refusal as an error.

Pages and the API call ``require`` (API: ``core.errors`` → the error shape) or ``require_page`` (pages:
Django's 404 / 403). The usual shape of an officer view::

    require(request.user, Action.CANCEL_BOOKING)              # the role, before anything is looked up
    booking = selectors.booking_get(code=code)                 # 404 when unknown
    require(request.user, Action.CANCEL_BOOKING, branch=booking.slot.branch, not_found_code=...)

so that an unknown code, another branch's code and a code outside the region all get the same 404, and a
role that may never do the action gets 403 whatever the code.

Officers sign in with a password **and** a TOTP or recovery code (``accounts.views``). An officer page is
decorated with ``officer_required`` (anonymous → the sign-in page; signed in without the second step → the
code page); ``require`` and ``require_page`` refuse a request's user whose session is not verified as well
(API: 401 ``otp_required``; page: 403), so a page or operation that forgot the decorator is still closed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lapakasik.branches.models import Branch
from lapakasik.core.errors import NotFound, PermissionDenied, Unauthorized

from .models import OfficerProfile, Role
from .policy import OUT_OF_SCOPE, Action, Decision, Principal, Target, decide

_CACHE_ATTR = "_lapakasik_principal"


def principal_of(user: Any) -> Principal | None:
    """The principal of a signed-in user (``role`` None without an officer profile); None when anonymous.
    Read once per request (kept on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    profile = OfficerProfile.objects.select_related("branch").filter(user_id=user.pk).first()
    if profile is None:
        principal = Principal(user_id=user.pk, role=None)
    else:
        region_id = profile.region_id if profile.branch is None else profile.branch.region_id
        principal = Principal(user_id=user.pk, role=Role(profile.role), branch_id=profile.branch_id,
                              region_id=region_id, npp=profile.npp)
    setattr(user, _CACHE_ATTR, principal)
    return principal


class _RoleOnly:
    """The default of ``claim`` / ``branch`` / ``region``: no target, check the role only. A target
    passed as None (say, a record without a branch) belongs to nobody's scope and is refused as such."""

    def __repr__(self) -> str:
        return "ROLE_ONLY"


ROLE_ONLY: Any = _RoleOnly()


def target_of(*, claim: Any = ROLE_ONLY, branch: Any = ROLE_ONLY, region: Any = ROLE_ONLY,
              company: Any = ROLE_ONLY) -> Target | None:
    """The target of a claim (its branch), a branch, a region, or a claim as its employer sees it
    (``company``: anything with ``npp`` — the company that reports it — and ``claim_type``) — exactly one of
    them; None for none."""
    given = [(name, value) for name, value in (("claim", claim), ("branch", branch), ("region", region),
                                               ("company", company)) if value is not ROLE_ONLY]
    if len(given) > 1:
        raise TypeError("name one target: claim, branch or region")
    if not given:
        return None
    name, value = given[0]
    if value is None or (name == "company" and not value.npp):
        raise LookupError(f"{name} is None")
    if name == "company":
        return Target(npp=value.npp, claim_type=value.claim_type)
    if name == "claim":
        name, value = "branch", value.branch
    if name == "branch":
        return Target(branch_id=value.pk, region_id=value.region_id)
    return Target(region_id=value.pk)


def authorise(user: Any, action: Action, *, claim: Any = ROLE_ONLY, branch: Any = ROLE_ONLY,
              region: Any = ROLE_ONLY, company: Any = ROLE_ONLY) -> Decision:
    """The decision for a request's user (anonymous: wrong role — pages and API answer anonymous
    requests before this, with a log-in redirect or 401)."""
    principal = principal_of(user) or Principal(user_id=None, role=None)
    try:
        target = target_of(claim=claim, branch=branch, region=region, company=company)
    except LookupError:  # a record outside every branch and region: nobody's scope
        decision = decide(principal, action)
        return decision if not decision.allowed else Decision(False, OUT_OF_SCOPE)
    return decide(principal, action, target)


def unverified(user: Any) -> bool:
    """A request's signed-in user whose session has not passed the second step (password only). Only a user
    that came through ``django_otp.middleware.OTPMiddleware`` can answer; a user object loaded elsewhere (a
    service, a test calling ``require`` directly) is not a request's and is not asked."""
    is_verified = getattr(user, "is_verified", None)
    return bool(getattr(user, "is_authenticated", False)) and callable(is_verified) and not is_verified()


View = TypeVar("View", bound=Callable[..., Any])


def officer_required(view: View) -> View:
    """``login_required`` for officer pages, with the second step: anonymous → ``/petugas/masuk/``, signed in
    with the password only → ``/petugas/masuk/kode/``; both come back to the page afterwards."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if unverified(request.user):
            return redirect_to_login(request.get_full_path(), login_url=reverse("accounts:signin_code"))
        return view(request, *args, **kwargs)  # type: ignore[no-any-return]

    return cast(View, wrapped)


def require(user: Any, action: Action, *, claim: Any = ROLE_ONLY, branch: Any = ROLE_ONLY,
            region: Any = ROLE_ONLY, not_found_code: str = "not_found") -> Principal:
    """Allowed → the principal; out of scope → ``NotFound(code=not_found_code)`` (pass the code the caller
    answers for an unknown record, so both answers are the same); wrong role → ``PermissionDenied`` (403);
    a session without the second step → ``Unauthorized(code="otp_required")`` (401)."""
    if unverified(user):
        raise Unauthorized(_("Masuk lagi dengan kode dari aplikasi autentikator Anda."), code="otp_required")
    decision = authorise(user, action, claim=claim, branch=branch, region=region)
    if not decision.allowed:
        if decision.reason == OUT_OF_SCOPE:
            raise NotFound(code=not_found_code)
        raise PermissionDenied()
    return principal_of(user)  # type: ignore[return-value]


def require_page(user: Any, action: Action, *, claim: Any = ROLE_ONLY, branch: Any = ROLE_ONLY,
                 region: Any = ROLE_ONLY, company: Any = ROLE_ONLY) -> Principal:
    """``require`` for server-rendered pages: Django's 404 and 403 pages (a page without ``officer_required``
    reached with the password only: 403)."""
    if unverified(user):
        raise DjangoPermissionDenied
    decision = authorise(user, action, claim=claim, branch=branch, region=region, company=company)
    if not decision.allowed:
        if decision.reason == OUT_OF_SCOPE:
            raise Http404
        raise DjangoPermissionDenied
    return principal_of(user)  # type: ignore[return-value]


def require_branch_page(user: Any, action: Action, code: str) -> Branch:
    """A page about the one branch its URL names (``/…/<CODE>/``): the role may do ``action`` at all (403),
    the branch exists and lies in the user's scope (404 for both, so a code outside it reveals nothing)."""
    require_page(user, action)
    cleaned = str(code or "").strip().upper()[:16]
    found = Branch.objects.select_related("region").filter(code=cleaned).first() if cleaned else None
    if found is None:
        raise Http404
    require_page(user, action, branch=found)
    return found
