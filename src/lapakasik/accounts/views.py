"""Officer sign-in, two steps: the password (``login``), then a 6-digit code from the officer's
authenticator app or a recovery code (``signin_code``); an officer without an app enrols one first
(``signin_enrol``: QR code, confirmation code, ten recovery codes shown once).

Between the two steps nobody is signed in: the session holds only who passed the password and when
(``PENDING``, good for ``OFFICER_SIGNIN_PENDING_SECONDS``). ``django.contrib.auth.login`` and
``django_otp.login`` run together once the code is right, so a password alone never opens an officer page
or the officer API. A signed-in session without the second step (one from before the second step existed)
is sent to ``signin_code`` by ``access.officer_required``.

Wrong passwords and wrong codes are failed log-ins for django-axes (``user_login_failed``), counted per
user name and address: the fifth locks the account for ``AXES_COOLOFF_TIME`` (``locked_out``); the
successful sign-in resets the count. Each device also throttles its own wrong codes (django-otp).
"""

from __future__ import annotations

import time
from typing import Any

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from . import services
from .access import principal_of, unverified
from .forms import CodeForm
from .models import Role
from .selectors import has_authenticator
from .totp import base32_secret, grouped, qr_data_uri, recovery_code_display

PENDING = "accounts.signin"  # session key: {"user": pk, "backend": dotted path, "since": unix time}


def _next_of(request: HttpRequest) -> str:
    """The page to go to after signing in, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return ""


#: Each role's own first page after signing in (by URL name: the apps that draw them sit above accounts).
#: The front desk works at the door and has no work queue, nor has a company's HR officer (their company's
#: claims); every other role starts at the queue.
HOME_OF_ROLE = {Role.FRONT_DESK: "frontdesk:home", Role.EMPLOYER_OFFICER: "employers:home"}
HOME_DEFAULT = "casework:home"


def home_of(user: Any) -> str:
    """The signed-in user's own first page; ``LOGIN_REDIRECT_URL`` when its app is not installed."""
    principal = principal_of(user)
    name = HOME_OF_ROLE.get(principal.role, HOME_DEFAULT) if principal and principal.role else HOME_DEFAULT
    try:
        return reverse(name)
    except NoReverseMatch:
        return resolve_url(settings.LOGIN_REDIRECT_URL)


def _landing(request: HttpRequest) -> str:
    """``next`` if it is ours, else the home of the signed-in user's role (``home_of``)."""
    target = _next_of(request)
    if target:
        return target
    return home_of(request.user)


def _step(request: HttpRequest, name: str) -> HttpResponseRedirect:
    target = _next_of(request)
    return redirect(reverse(name) + (f"?{urlencode({'next': target})}" if target else ""))


def _pending_user(request: HttpRequest) -> Any:
    """Who is between the steps: a signed-in user without the second step, or the user who passed the password
    within ``OFFICER_SIGNIN_PENDING_SECONDS`` (still active). None: start again with the password."""
    if request.user.is_authenticated:
        return request.user if unverified(request.user) else None
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    since = pending.get("since")
    if not isinstance(since, int | float) or time.time() - since > settings.OFFICER_SIGNIN_PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def _credentials(user: Any) -> dict[str, str]:
    return {"username": user.get_username()}


def _locked(request: HttpRequest, user: Any) -> bool:
    return bool(settings.AXES_ENABLED) and not AxesProxyHandler.is_allowed(request, _credentials(user))


def _failed(request: HttpRequest, user: Any) -> None:
    """A wrong code is a failed log-in for django-axes (its middleware answers with ``locked_out`` once the
    limit is reached)."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)


def _finish(request: HttpRequest, user: Any, device: Any) -> None:
    """Both steps passed: sign in (a new session key) and mark the session verified by ``device``."""
    if not request.user.is_authenticated:
        backend = (request.session.get(PENDING) or {}).get("backend") or settings.AUTHENTICATION_BACKENDS[-1]
        auth_login(request, user, backend=backend)
    django_otp.login(request, device)
    request.session.pop(PENDING, None)


def locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes' answer once a user name is locked (``AXES_LOCKOUT_CALLABLE``): the sign-in starts over."""
    if hasattr(request, "session"):
        request.session.pop(PENDING, None)
    cool_off = get_cool_off(request)
    minutes = max(1, int(cool_off.total_seconds() // 60)) if cool_off else 0
    return render(request, "accounts/locked.html", {"minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT},
                  status=429)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Step one: user name and password."""
    if request.user.is_authenticated and not unverified(request.user):
        return redirect(_landing(request))
    form = AuthenticationForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        password_step_passed(request, user)
        return _step(request, "accounts:signin_code" if has_authenticator(user) else "accounts:signin_enrol")
    return render(request, "accounts/login.html", _login_context(request, form))


def password_step_passed(request: HttpRequest, user: Any) -> None:
    """``user`` proved who they are with a password (the sign-in's first step, or an employer's officer who
    has just set theirs from an invitation): the session now waits for the second step (``signin_code``,
    or ``signin_enrol`` without an authenticator app). Nobody is signed in yet."""
    if request.user.is_authenticated:  # someone else's half-finished session on this browser
        auth_logout(request)
    request.session.cycle_key()
    request.session[PENDING] = {"user": user.pk, "backend": getattr(user, "backend", ""), "since": int(time.time())}


def _login_context(request: HttpRequest, form: Any) -> dict[str, Any]:
    return {"form": form, "next": _next_of(request), "limit": settings.AXES_FAILURE_LIMIT,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}


def _throttled_message(until: Any) -> str:
    seconds = max(1, int((until - timezone.now()).total_seconds() + 0.999))
    return ngettext("Terlalu cepat. Tunggu %(n)d detik, lalu masukkan kode yang baru.",
                    "Terlalu cepat. Tunggu %(n)d detik, lalu masukkan kode yang baru.", seconds) % {"n": seconds}


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def signin_code(request: HttpRequest) -> HttpResponse:
    """Step two: the 6-digit code of the authenticator app, or one of the recovery codes."""
    user = _pending_user(request)
    if user is None:
        return redirect(_landing(request)) if request.user.is_authenticated else _step(request, "accounts:login")
    if not has_authenticator(user):
        return _step(request, "accounts:signin_enrol")
    if _locked(request, user):
        return locked_out(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result = services.second_factor_verify(user=user, token=form.cleaned_data["code"])
        if result.ok:
            _finish(request, user, result.device)
            if result.recovery_left is not None:
                messages.warning(request, ngettext(
                    "Anda masuk dengan kode cadangan. Sisa %(n)d kode cadangan.",
                    "Anda masuk dengan kode cadangan. Sisa %(n)d kode cadangan.",
                    result.recovery_left) % {"n": result.recovery_left})
            return redirect(_landing(request))
        if result.throttled_until is not None:
            form.add_error("code", _throttled_message(result.throttled_until))
        else:
            _failed(request, user)
            form.add_error("code", _("Kode salah, kedaluwarsa atau sudah dipakai. Masukkan kode yang sedang "
                                     "tampil di aplikasi autentikator."))
    return render(request, "accounts/code.html", {"form": form, "next": _next_of(request),
                                                  "username": user.get_username()})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def signin_enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in: the officer adds the account to an authenticator app (QR code or the secret typed in),
    confirms with its first code, and gets ten recovery codes, shown this once."""
    user = _pending_user(request)
    if user is None:
        return redirect(_landing(request)) if request.user.is_authenticated else _step(request, "accounts:login")
    if has_authenticator(user):  # a password alone never replaces an enrolled app
        return _step(request, "accounts:signin_code")
    if _locked(request, user):
        return locked_out(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result = services.totp_enrolment_confirm(user=user, token=form.cleaned_data["code"])
        if result.ok:
            _finish(request, user, result.device)
            return render(request, "accounts/recovery_codes.html", {
                "codes": [recovery_code_display(c) for c in result.recovery_codes], "next": _landing(request)})
        if result.throttled_until is not None:
            form.add_error("code", _throttled_message(result.throttled_until))
        else:
            _failed(request, user)
            form.add_error("code", _("Kode tidak cocok. Periksa jam ponsel Anda dan masukkan kode yang sedang "
                                     "tampil."))
    device = services.totp_enrolment_device(user=user)
    secret = base32_secret(device.key)
    return render(request, "accounts/enrol.html", {
        "form": form, "next": _next_of(request), "username": user.get_username(),
        "qr": qr_data_uri(device.config_url), "secret": grouped(secret), "issuer": settings.OTP_TOTP_ISSUER})
