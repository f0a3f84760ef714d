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
    return errors


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
