"""``lapakasik seed_demo`` hook: make sure the requirement catalogue is there."""

from __future__ import annotations

from typing import Any

from .catalogue import catalogue_seed


def seed_demo(stdout: Any = None, **options: Any) -> None:
    created = catalogue_seed()
    if stdout is not None and created:
        stdout.write(f"intake: {created} requirements added to the catalogue\n")
