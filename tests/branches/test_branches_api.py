from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lapakasik.branches.models import Branch, ChannelPolicy, Region
from lapakasik.branches.selectors import branch_effective_policy
from tests.conftest import error_of

pytestmark = pytest.mark.django_db


def test_seeded_network(network: None) -> None:
    assert Region.objects.count() == 11
    dki = Branch.objects.filter(region__code="DKI")
    assert dki.filter(kind="KC").count() == 17
    assert dki.filter(kind="KCP").count() == 6
    assert {"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"} <= set(Branch.objects.values_list("time_zone", flat=True))


def test_seed_is_idempotent(network: None) -> None:
    from lapakasik.branches.seed import seed_demo

    before = (Branch.objects.count(), ChannelPolicy.objects.count())
    seed_demo()
    assert (Branch.objects.count(), ChannelPolicy.objects.count()) == before


def test_list_branches_with_policy(client: Any, network: None) -> None:
    response = client.get("/api/v1/branches?region=DKI")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 23
    assert all(r["channel_policy"]["mode"] == "ONLINE_ONLY" and not r["channel_policy"]["dropbox_allowed"] for r in rows)
    jayapura = client.get("/api/v1/branches/JAP01").json()
    assert jayapura["time_zone"] == "Asia/Jayapura" and jayapura["time_zone_abbreviation"] == "WIT"
    assert jayapura["channel_policy"]["dropbox_allowed"] is True


def test_branch_rule_overrides_region(client: Any, network: None) -> None:
    branch = Branch.objects.get(code="JKT02")
    ChannelPolicy.objects.create(branch=branch, mode="ONLINE_AND_DROPBOX", valid_from=timezone.now() - timedelta(hours=1),
                                 valid_to=timezone.now() + timedelta(days=1), reason="uji coba dropbox")
    assert branch_effective_policy(branch).mode == "ONLINE_AND_DROPBOX"
    assert client.get("/api/v1/branches/JKT02").json()["channel_policy"]["scope"] == "branch"
    assert branch_effective_policy(branch, timezone.now() + timedelta(days=2)).mode == "ONLINE_ONLY"


def test_unknown_branch_is_404_with_error_shape(client: Any, network: None) -> None:
    response = client.get("/api/v1/branches/NOPE99")
    assert response.status_code == 404
    assert error_of(response)["code"] == "branch_not_found"


def test_error_message_in_english_when_asked(client: Any, network: None) -> None:
    indonesian = error_of(client.get("/api/v1/branches/NOPE99"))["message"]
    english = error_of(client.get("/api/v1/branches/NOPE99", HTTP_ACCEPT_LANGUAGE="en"))["message"]
    assert "tidak ditemukan" in indonesian
    assert english != indonesian and "not found" in english.lower()
