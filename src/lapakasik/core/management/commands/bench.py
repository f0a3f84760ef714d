"""``lapakasik bench NAME [options]`` — benchmark commands that print figures.

Each benchmark is a module ``lapakasik.benchmarks.NAME`` with ``add_arguments(parser)`` and
``run(options, stdout)``. Results go in docs/benchmarks.md, always as ratios against a baseline
measured in the same run.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

import lapakasik.benchmarks


def available() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(lapakasik.benchmarks.__path__) if not m.name.startswith("_"))


class Command(BaseCommand):
    help = "Run a benchmark and print its figures: " + ", ".join(available())

    def run_from_argv(self, argv: list[str]) -> None:
        # argv = [prog, "bench", NAME, ...]: each benchmark owns its options.
        names = available()
        if len(argv) < 3 or argv[2] not in names:
            sys.stderr.write(f"usage: {argv[0]} bench {{{','.join(names)}}} [options]\n")
            sys.exit(2)
        module: Any = importlib.import_module(f"lapakasik.benchmarks.{argv[2]}")
        parser = argparse.ArgumentParser(prog=f"lapakasik bench {argv[2]}", description=module.__doc__)
        module.add_arguments(parser)
        options = vars(parser.parse_args(argv[3:]))
        import django

        django.setup()
        try:
            module.run(options, self.stdout)
        except CommandError as exc:
            sys.stderr.write(f"bench {argv[2]}: {exc}\n")
            sys.exit(1)

    def handle(self, *args: Any, **options: Any) -> None:  # pragma: no cover - run_from_argv is used
        raise CommandError("use: lapakasik bench NAME [options]")
