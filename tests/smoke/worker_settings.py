"""The normal settings plus the smoke test's one-second periodic job."""

from lapakasik.settings import *  # noqa: F403

LAPAKASIK_PERIODIC_MODULES = ["tests.smoke.periodic_probe"]
