"""Print the demo officer log-ins (demo mode only); `lapakasik up` shows them after starting. Each officer
signs in with the published password, then the 6-digit code of their published TOTP secret: from any
authenticator app (add the secret by hand) or `oathtool --totp -b SECRET`. Run again for fresh codes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from lapakasik.accounts.seed import DEMO_PASSWORD
from lapakasik.accounts.selectors import demo_logins


class Command(BaseCommand):
    help = "List the demo officer log-ins with their TOTP secrets and current codes (demo mode only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            self.stdout.write("no demo log-ins outside demo mode")
            return
        logins = demo_logins()
        self.stdout.write(f"  Demo log-ins    password '{DEMO_PASSWORD}', then the 6-digit code of the account's "
                          "TOTP secret")
        self.stdout.write("                  (add the secret to an authenticator app, or run the oathtool line; "
                          "fresh codes: lapakasik demo_logins)")
        width = max(len(login.username) for login in logins)
        for login in logins:
            if login.secret:
                self.stdout.write(f"    {login.username:<{width}}  code now {login.code}  secret {login.secret}  "
                                  f"{login.oathtool}")
            else:
                self.stdout.write(f"    {login.username:<{width}}  no demo TOTP secret: enrols an authenticator "
                                  "app at the first sign-in (or run `lapakasik seed_demo`)")
