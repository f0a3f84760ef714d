"""The published demo password is never accepted for a real account."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from lapakasik.accounts.seed import DEMO_PASSWORD


def test_demo_password_is_refused_by_the_password_rules() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password(DEMO_PASSWORD)
    assert "demo_password" in [e.code for e in caught.value.error_list]


def test_a_strong_password_passes() -> None:
    validate_password("tiga-ekor-kucing-makan-rendang")
