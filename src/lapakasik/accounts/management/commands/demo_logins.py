"""Print the demo officer log-ins (demo mode only); `lapakasik up` shows them after starting."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from lapakasik.accounts.seed import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "List the demo officer log-ins (demo mode only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            self.stdout.write("no demo log-ins outside demo mode")
            return
        self.stdout.write(f"  Demo log-ins    {', '.join(u[0] for u in DEMO_USERS)} / password '{DEMO_PASSWORD}'")
