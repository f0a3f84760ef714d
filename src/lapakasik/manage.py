"""The ``lapakasik`` command: Django's manage.py plus the project's own commands (up, serve, worker …)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lapakasik.settings")
    # Django is imported once the settings module is chosen (the console script's whole job)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["lapakasik", *(argv if argv is not None else sys.argv[1:])])
    except ImproperlyConfigured as exc:  # a wrong setting: one clear line, not a traceback
        sys.stderr.write(f"lapakasik: configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
