"""Django admin behind the officer sign-in: only a verified session (password + TOTP or recovery code)
of a staff user may use it; the admin's own log-in page sends the officer to ``/petugas/masuk/``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from .access import unverified


class OfficerAdminSite(OTPAdminSite):
    """``has_permission`` (from django-otp): active, staff and verified by an OTP device."""

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        user = request.user
        if unverified(user):
            return redirect_to_login(target, login_url=reverse("accounts:signin_code"))
        if user.is_authenticated:  # signed in with both steps: the admin, or 403 for a non-staff officer
            if self.has_permission(request):
                return redirect(target)
            raise PermissionDenied
        return redirect_to_login(target, login_url=resolve_url("accounts:login"))

