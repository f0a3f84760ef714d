"""Who may open an employer page: a company HR officer signed in either way —

- the officer sign-in (password, then the authenticator code: ``accounts.views``), or
- a one-time e-mail link (``signin.link_consume``), which marks the session with ``signin.LINK_SESSION``.

A link session has no second factor, so ``accounts.access`` (officer pages, the officer API) still treats it
as unverified and asks for the code; only the pages decorated here accept it. The decision itself is
``accounts.policy``'s as for any page: another company's claim, a claim no company reports and an unknown
code are the same 404; a role that may never do the action gets 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from lapakasik.accounts.access import ROLE_ONLY, authorise, principal_of, require_page, unverified
from lapakasik.accounts.models import Role
from lapakasik.accounts.policy import OUT_OF_SCOPE, Action, Principal

from .signin import LINK_SESSION

View = TypeVar("View", bound=Callable[..., Any])


def link_session(request: HttpRequest) -> bool:
    """The session was opened by a one-time e-mail link for this very user, an employer officer."""
    user = request.user
    if not getattr(user, "is_authenticated", False) or request.session.get(LINK_SESSION) != user.pk:
        return False
    principal = principal_of(user)
    return principal is not None and principal.role == Role.EMPLOYER_OFFICER


def company_required(view: View) -> View:
    """``officer_required`` for the employer pages: anonymous → the employer sign-in (``/perusahaan/masuk/``);
    a password-only session that is not a link session → the authenticator-code step."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=reverse("employers:signin"))
        if unverified(request.user) and not link_session(request):
            return redirect_to_login(request.get_full_path(), login_url=reverse("accounts:signin_code"))
        return view(request, *args, **kwargs)  # type: ignore[no-any-return]

    return cast(View, wrapped)


def require_company_page(request: HttpRequest, action: Action, *, company: Any = ROLE_ONLY) -> Principal:
    """``accounts.access.require_page`` for the employer pages, where a link session counts as signed in."""
    if not link_session(request):
        return require_page(request.user, action, company=company)
    decision = authorise(request.user, action, company=company)
    if not decision.allowed:
        if decision.reason == OUT_OF_SCOPE:
            raise Http404
        raise PermissionDenied
    return principal_of(request.user)  # type: ignore[return-value]
