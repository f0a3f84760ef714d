"""Write the OpenAPI document (docs/openapi.json), or --check that the committed one matches."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lapakasik.api.api import api


def current_schema() -> str:
    return json.dumps(api.get_openapi_schema(path_prefix="/api/v1"), indent=2, sort_keys=True,
                      ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Export the OpenAPI schema; with --check, fail when the committed file drifts from the code."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", default=None)
        parser.add_argument("--check", default=None, metavar="FILE")

    def handle(self, *args: Any, **opts: Any) -> None:
        schema = current_schema()
        if opts["check"]:
            path = Path(opts["check"])
            if not path.exists() or path.read_text() != schema:
                raise CommandError(f"{path} drifts from the code: run `make openapi` and commit it")
            self.stdout.write(f"{path} matches the code")
        elif opts["output"]:
            Path(opts["output"]).write_text(schema)
            self.stdout.write(f"wrote {opts['output']}")
        else:
            self.stdout.write(schema)
