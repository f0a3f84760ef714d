"""A region of two branches (outside DKI, whose seeded policy is online + dropbox), its admins and the
participants of its claims in each state that matters to a channel-policy change."""

from __future__ import annotations

from typing import Any

import pytest

from tests.intake.conftest import _fresh_rate_limits, _private_storage, make_claim  # noqa: F401 - fixtures


@pytest.fixture
def branch(network: None) -> Any:
    from lapakasik.branches.models import Branch

    return Branch.objects.exclude(region__code__iexact="DKI").order_by("code").first()


@pytest.fixture
def other_branch(branch: Any) -> Any:
    from lapakasik.branches.models import Branch

    return Branch.objects.filter(region_id=branch.region_id).exclude(pk=branch.pk).order_by("code").first()


@pytest.fixture
def region(branch: Any) -> Any:
    return branch.region


@pytest.fixture
def dki(network: None) -> Any:
    from lapakasik.branches.models import Region

    return Region.objects.get(code="DKI")


@pytest.fixture
def staff(branch: Any, dki: Any) -> dict[str, Any]:
    from tests.accounts.factories import make_officer

    return {
        "regional": make_officer("kanwil.x", "regional_admin", region=branch.region),
        "regional_dki": make_officer("kanwil.dki.x", "regional_admin", region=dki),
        "national": make_officer("pusat", "national_admin"),
        "officer": make_officer("budi", "officer", branch=branch),
        "supervisor": make_officer("kepala", "supervisor", branch=branch),
    }


@pytest.fixture
def trouble(make_claim: Any, branch: Any, other_branch: Any) -> dict[str, Any]:  # noqa: F811
    """Claims at the region's two branches: upload failed, waiting at the dropbox, and one still booked (not
    affected by a channel change: it has not asked for paper)."""
    return {
        "failed": make_claim(branch=branch, state="UPLOAD_FAILED", email="gagal@example.id",
                             channels=["email", "sms"]),
        "dropbox": make_claim(branch=other_branch, state="DROPBOX_EXPECTED", email="dropbox@example.id",
                              language="en"),
        "booked": make_claim(branch=branch, email="booked@example.id"),
    }


def told(event: str = "channel_policy_changed") -> list[tuple[str, str, str]]:
    """(claim code, channel, recipient) of every stored message of the event."""
    from lapakasik.notifications.models import Notification

    return sorted(Notification.objects.filter(event=event).values_list("claim__code", "channel", "recipient"))
