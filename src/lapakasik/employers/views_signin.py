"""The employer officer's sign-in by a one-time e-mail link (``signin``): ``/perusahaan/masuk/`` asks for the
registered address and always answers the same; ``/perusahaan/masuk/<token>/`` shows a button (an e-mail
scanner following the link spends nothing) whose press signs in to the employer pages only."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lapakasik.core import net
from lapakasik.core.errors import InvalidInput, RateLimited

from . import signin
from .access import link_session
from .forms import SignInForm, errors_from

_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _client(request: HttpRequest) -> str:
    return net.client_key(request)


@never_cache
@require_http_methods(["GET", "POST"])
def signin_page(request: HttpRequest) -> HttpResponse:
    """Ask for a sign-in link. Known address or not, the answer is the same page (no enumeration)."""
    if link_session(request):
        return redirect("employers:home")
    form = SignInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            signin.link_request(email=form.cleaned_data["email"], client=_client(request),
                                language=(get_language() or "id")[:2])
        except InvalidInput as exc:
            errors_from(form, exc)
        except RateLimited as exc:
            response = render(request, "employers/signin.html", {"form": SignInForm(), "limited": True}, status=429)
            response["Retry-After"] = exc.headers["Retry-After"]
            return response
        else:
            return render(request, "employers/signin.html", {"sent": True,
                                                              "minutes": settings.EMPLOYER_SIGNIN_LINK_MINUTES})
    return render(request, "employers/signin.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def signin_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the button (nothing spent). POST: the link is spent and the officer signed in to the employer
    pages. A used, expired, forged or replaced link, or one of a deactivated officer: 404, the same page."""
    if request.method == "GET":
        if signin.link_live(token) is None:
            return render(request, "employers/signin_invalid.html", status=404)
        return render(request, "employers/signin_link.html")
    user = signin.link_consume(token)
    if user is None:
        return render(request, "employers/signin_invalid.html", status=404)
    if request.user.is_authenticated:
        auth_logout(request)
    auth_login(request, user, backend=_BACKEND)
    request.session[signin.LINK_SESSION] = user.pk
    return redirect("employers:home")
