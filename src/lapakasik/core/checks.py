"""Production refuses to run on development defaults.

Each check is tagged ``production`` and registered as a deployment check: ``lapakasik check --deploy``
lists them, and ``refuse_unsafe_production()`` (called by every long-running command in production)
stops the start with one clear line while any of them fails."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.management.base import CommandError

PRODUCTION_TAG = "production"


@checks.register(checks.Tags.security, PRODUCTION_TAG, deploy=True)
def production_settings_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not settings.PRODUCTION:
        return []
    errors: list[checks.CheckMessage] = []
    if not settings.SECRET_KEY_FROM_ENV:
        errors.append(checks.Error(
            "SECRET_KEY is not set: production never generates its own key.",
            hint="Set SECRET_KEY to a long random value kept in the deployment's secret store, the same for "
                 "every process.", id="lapakasik.E001"))
    if settings.DEBUG:
        errors.append(checks.Error("DEBUG is on in production.", hint="Unset DEBUG.", id="lapakasik.E002"))
    if settings.DEMO_MODE:
        errors.append(checks.Error(
            "Demo mode is on in production (provider simulators, dev inbox, demo log-ins).",
            hint="Unset LAPAKASIK_DEMO.", id="lapakasik.E003"))
    problem = public_base_url_problem(getattr(settings, "PUBLIC_BASE_URL", ""))
    if problem:
        errors.append(checks.Error(
            f"PUBLIC_BASE_URL {problem}: every link in messages, tickets, QR codes and calendar files "
            "would point to the wrong place.",
            hint="Set PUBLIC_BASE_URL to the address participants open, e.g. https://lapakasik.example.go.id",
            id="lapakasik.E005"))
    return errors


_LOOPBACK = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "::"}  # noqa: S104 - names compared, nothing bound


def public_base_url_problem(value: str) -> str:
    """Why ``value`` cannot be production's PUBLIC_BASE_URL ("" when it can): it must be an absolute
    http(s) address of a real host (not this machine's loopback), without a query or fragment."""
    from urllib.parse import urlsplit

    if not value or not value.strip():
        return "is not set"
    try:
        parts = urlsplit(value.strip())
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return f"is not a valid address ({value!r})"
    if parts.scheme not in {"http", "https"} or not host:
        return f"is not an absolute http(s) address ({value!r})"
    if host in _LOOPBACK or host.endswith(".localhost") or host.startswith("127."):
        return f"points to this machine ({value!r})"
    if parts.query or parts.fragment or any(c.isspace() for c in value.strip()):
        return f"must be a plain base address without query, fragment or spaces ({value!r})"
    return ""


def refuse_unsafe_production() -> None:
    """Raise CommandError (one line) when production runs with a development default or demo data."""
    if not settings.PRODUCTION:
        return
    problems = [m for m in checks.run_checks(tags=[PRODUCTION_TAG], include_deployment_checks=True)
                if m.is_serious()]
    if problems:
        detail = "; ".join(f"{m.msg} [{m.id}]" for m in problems)
        raise CommandError(f"Tidak dijalankan / refusing to start in production: {detail} "
                           "(see `lapakasik check --deploy`)")
