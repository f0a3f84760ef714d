"""``lapakasik bench NAME [options]`` — benchmark commands that print figures.

The benchmarks are not part of the shipped package: they live in the checkout's ``bench/lapakasik_bench``
(never installed by ``pip install lapakasik``), with the benchmark-only server settings and endpoints.
Each benchmark is a module ``lapakasik_bench.NAME`` with ``add_arguments(parser)`` and
``run(options, stdout)``. Results go in docs/benchmarks.md, always as ratios against a baseline
measured in the same run.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import django
from django.core.management.base import BaseCommand, CommandError

# src/lapakasik/core/management/commands/bench.py → the checkout's root
CHECKOUT_BENCH_DIR = Path(__file__).resolve().parents[5] / "bench"


def _bench_package() -> ModuleType | None:
    """``lapakasik_bench`` from the checkout (or from PYTHONPATH); its directory is put on the path of this
    process and of the servers a benchmark starts."""
    if CHECKOUT_BENCH_DIR.is_dir() and str(CHECKOUT_BENCH_DIR) not in sys.path:
        sys.path.insert(0, str(CHECKOUT_BENCH_DIR))
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CHECKOUT_BENCH_DIR),
                                                                 os.environ.get("PYTHONPATH", "")]))
    try:
        return importlib.import_module("lapakasik_bench")
    except ModuleNotFoundError:
        return None


def available() -> list[str]:
    package = _bench_package()
    if package is None:
        return []
    return sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_"))


class Command(BaseCommand):
    help = "Run a benchmark from the checkout's bench/ and print its figures."

    def run_from_argv(self, argv: list[str]) -> None:
        # argv = [prog, "bench", NAME, ...]: each benchmark owns its options.
        names = available()
        if not names:
            sys.stderr.write("lapakasik bench: the benchmarks ship with the source checkout (bench/), not with "
                             "the installed package\n")
            sys.exit(2)
        if len(argv) < 3 or argv[2] not in names:
            sys.stderr.write(f"usage: {argv[0]} bench {{{','.join(names)}}} [options]\n")
            sys.exit(2)
        module: Any = importlib.import_module(f"lapakasik_bench.{argv[2]}")
        parser = argparse.ArgumentParser(prog=f"lapakasik bench {argv[2]}", description=module.__doc__)
        module.add_arguments(parser)
        options = vars(parser.parse_args(argv[3:]))
        django.setup()
        try:
            module.run(options, self.stdout)
        except CommandError as exc:
            sys.stderr.write(f"bench {argv[2]}: {exc}\n")
            sys.exit(1)

    def handle(self, *args: Any, **options: Any) -> None:  # pragma: no cover - run_from_argv is used
        raise CommandError("use: lapakasik bench NAME [options]")
