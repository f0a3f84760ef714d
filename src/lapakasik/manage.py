"""The ``lapakasik`` command: Django's manage.py plus the project's own commands (up, serve, worker …)."""

from __future__ import annotations

import os
import sys

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what `yes | head -1` reports for `yes`


def _stdout_closed() -> None:
    """The reader of our output went away (``lapakasik demo_participants | head``): stop quietly, as
    command-line tools do, instead of a BrokenPipeError traceback. Whatever is still buffered for the
    closed pipe goes to /dev/null, so the interpreter's last flush cannot complain either."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.__stdout__):
        try:
            if stream is not None:
                os.dup2(devnull, stream.fileno())
        except (OSError, ValueError):
            pass
    sys.exit(EXIT_BROKEN_PIPE)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lapakasik.settings")
    # Django is imported once the settings module is chosen (the console script's whole job)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["lapakasik", *(argv if argv is not None else sys.argv[1:])])
        sys.stdout.flush()  # inside the try: a pipe closed after the last write fails here, not at exit
    except ImproperlyConfigured as exc:  # a wrong setting: one clear line, not a traceback
        sys.stderr.write(f"lapakasik: configuration error: {exc}\n")
        sys.exit(2)
    except BrokenPipeError:
        _stdout_closed()


if __name__ == "__main__":
    main()
