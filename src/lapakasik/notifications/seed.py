"""Demo data of the notifications app: the shipped templates (idempotent; the data migration installs
them too, this restores any an admin deleted)."""

from __future__ import annotations

from typing import Any

from .services import template_defaults_install


def seed_demo(stdout: Any = None, **_options: Any) -> None:
    added = template_defaults_install()
    if stdout is not None:
        stdout.write(f"notification templates: {added} added")
