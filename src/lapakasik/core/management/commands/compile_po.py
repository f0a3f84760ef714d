from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lapakasik.core.i18n import compile_all, stale_catalogues


class Command(BaseCommand):
    help = "Compile every locale/*/LC_MESSAGES/django.po to .mo with polib (no GNU gettext needed)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="fail if a .mo is out of date")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["check"]:
            stale = stale_catalogues()
            if stale:
                raise CommandError("out of date: " + ", ".join(map(str, stale)) + " — run `make messages`")
            self.stdout.write("catalogues up to date")
            return
        for path in compile_all():
            self.stdout.write(f"wrote {path}")
