"""The home page. It lives with the project's urls, above the apps: it shows what several apps know
(the branch network; in demo mode the demo officers' log-ins with their published TOTP secrets)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lapakasik.accounts.seed import DEMO_PASSWORD
from lapakasik.accounts.selectors import demo_logins
from lapakasik.branches.models import Branch, Region


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {
        "branch_count": Branch.objects.filter(is_active=True).count(),
        "region_count": Region.objects.count(),
    }
    if settings.DEMO_MODE:
        context["demo_users"] = demo_logins()  # user name, role, published TOTP secret, code of this moment
        context["demo_password"] = DEMO_PASSWORD
    return render(request, "core/home.html", context)
