"""Idempotent demo data: every app's ``seed.seed_demo`` in dependency order."""

from __future__ import annotations

import importlib
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SEED_ORDER = ["branches", "accounts", "registry", "claims", "booking", "intake", "notifications", "benefits", "casework"]


class Command(BaseCommand):
    help = "Seed the demo data (sample branch network, demo officers, synthetic participants). Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--participants", type=int, default=200, help="synthetic registry participants")
        parser.add_argument("--skip", action="append", default=[], choices=SEED_ORDER,
                            help="an app whose demo data to leave out (e.g. casework's demo claims)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("Data demo hanya untuk mode demo / demo data is for demo mode only "
                               "(never in production).")
        for app in SEED_ORDER:
            if app in options["skip"]:
                continue
            try:
                module = importlib.import_module(f"lapakasik.{app}.seed")
            except ModuleNotFoundError as exc:
                if exc.name != f"lapakasik.{app}.seed":
                    raise
                continue
            module.seed_demo(**{**options, "stdout": self.stdout})
