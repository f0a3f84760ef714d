"""Fixtures of the claims tests: a claim opened with its first history event, without a booking."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def make_claim(network: None) -> Any:
    """A claim in BOOKED with its first event, opened the one way a claim comes to exist (each with its
    own insured worker, so the one-open-claim rule never meets)."""
    from django.db import transaction

    from .factories import open_claim

    def make() -> Any:
        with transaction.atomic():
            return open_claim()

    return make


@pytest.fixture
def claim(make_claim: Any) -> Any:
    return make_claim()
