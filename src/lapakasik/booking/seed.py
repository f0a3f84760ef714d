"""Booking demo data: the slots of the seeded network's booking window (idempotent)."""

from __future__ import annotations

from typing import Any

from . import services


def seed_demo(stdout: Any = None, **options: Any) -> int:
    created = services.slots_generate()
    if stdout is not None:
        stdout.write(f"booking: {created} session slots created")
    return created
