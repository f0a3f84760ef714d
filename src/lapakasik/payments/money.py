"""Whole rupiah as people read them: 73750000 → "73.750.000"."""

from __future__ import annotations


def rupiah(amount: int) -> str:
    return f"{int(amount):,}".replace(",", ".")
