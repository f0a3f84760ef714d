"""The home page. It lives with the project's urls, above the apps: it shows what several apps know
(the branch network; in demo mode the demo officers' log-ins)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lapakasik.accounts.seed import DEMO_PASSWORD, DEMO_USERS
from lapakasik.branches.models import Branch, Region


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {
        "branch_count": Branch.objects.filter(is_active=True).count(),
        "region_count": Region.objects.count(),
    }
    if settings.DEMO_MODE:
        context["demo_users"] = [u[0] for u in DEMO_USERS]
        context["demo_password"] = DEMO_PASSWORD
    return render(request, "core/home.html", context)
