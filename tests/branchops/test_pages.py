"""The channel-policy pages: a regional admin sees and changes their own region only, the national admin all;
the preview shows the impact before anything is written; the confirmation writes one row; bad input and a
second confirmation are refused with a clear error and write nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from lapakasik.branches.models import ChannelPolicy
from lapakasik.branchops import services
from lapakasik.core import clock
from tests.accounts.helpers import officer_login

from .conftest import told

REASON = "Pembatasan sosial berskala besar"
pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    officer_login(client, user)
    return client


def _count() -> int:
    return ChannelPolicy.objects.count()


def _url(kind: str, code: str) -> str:
    return f"/petugas/kebijakan-kanal/{kind}/{code}/"


def _local(region: Any, moment: Any) -> str:
    return moment.astimezone(ZoneInfo(region.time_zone)).strftime("%Y-%m-%dT%H:%M")


def test_the_overview_lists_the_regional_admins_region_only(region: Any, branch: Any, dki: Any, staff: Any) -> None:
    page = _client(staff["regional"]).get("/petugas/kebijakan-kanal/").content.decode()
    assert branch.code in page and region.code in page
    assert "/wilayah/DKI/" not in page
    national = _client(staff["national"]).get("/petugas/kebijakan-kanal/").content.decode()
    assert "/wilayah/DKI/" in national and branch.code in national


def test_preview_then_apply_switches_the_region_and_the_job_tells_each_once(
        region: Any, trouble: dict[str, Any], staff: Any) -> None:
    client = _client(staff["regional"])
    before = _count()
    body = {"mode": "ONLINE_ONLY", "when": "now", "reason": REASON}
    preview = client.post(_url("wilayah", region.code), {**body, "step": "preview"})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "2 peserta akan diberi tahu" in page  # one upload failed, one waiting at the dropbox
    assert trouble["failed"].branch.code in page and trouble["dropbox"].branch.code in page
    assert 'name="step" value="apply"' in page
    assert _count() == before  # a preview writes nothing
    done = client.post(_url("wilayah", region.code), {**body, "step": "apply"})
    assert done.status_code == 302 and done["Location"] == _url("wilayah", region.code)
    assert _count() == before + 1
    row = ChannelPolicy.objects.latest("id")
    assert (row.region, row.mode, row.reason, row.set_by) == (region, "ONLINE_ONLY", REASON, staff["regional"])
    history = client.get(_url("wilayah", region.code)).content.decode()
    assert REASON in history and staff["regional"].username in history
    services.channel_policy_announce()
    services.channel_policy_announce()
    assert len(told()) == 3  # e-mail + SMS for one, e-mail for the other: once each
    # The same confirmation sent again (a double click, the back button): refused, nothing written.
    again = client.post(_url("wilayah", region.code), {**body, "step": "apply"})
    assert again.status_code == 409 and "sudah berlaku" in again.content.decode()
    assert _count() == before + 1


def test_a_regional_admin_cannot_see_or_change_another_region(dki: Any, branch: Any, staff: Any) -> None:
    client = _client(staff["regional"])
    dki_branch = dki.branches.first()
    before = _count()
    assert client.get(_url("wilayah", "DKI")).status_code == 404
    assert client.get(_url("cabang", dki_branch.code)).status_code == 404
    for step in ("preview", "apply"):
        r = client.post(_url("wilayah", "DKI"), {"mode": "ONLINE_AND_DROPBOX", "when": "now", "reason": REASON,
                                                 "step": step})
        assert r.status_code == 404
    assert _count() == before
    # ... the same answer as a region that does not exist
    assert client.get(_url("wilayah", "NOPE")).status_code == 404


def test_roles_that_do_not_set_policies_are_refused(region: Any, branch: Any, staff: Any) -> None:
    for who in ("officer", "supervisor"):
        client = _client(staff[who])
        assert client.get("/petugas/kebijakan-kanal/").status_code == 403
        assert client.get(_url("cabang", branch.code)).status_code == 403
        r = client.post(_url("wilayah", region.code), {"mode": "ONLINE_ONLY", "when": "now", "reason": REASON,
                                                       "step": "apply"})
        assert r.status_code == 403
    assert Client().get("/petugas/kebijakan-kanal/").status_code == 302  # anonymous: to the sign-in


@pytest.mark.parametrize("body, field_error", [
    ({"mode": "ONLINE_ONLY", "when": "now", "reason": ""}, "reason"),
    ({"mode": "ONLINE_ONLY", "when": "now", "reason": "singkat"}, "reason"),
    ({"mode": "ONLINE_ONLY", "when": "now", "reason": "alasan\x00dengan nul"}, "reason"),
    ({"mode": "OFFLINE", "when": "now", "reason": REASON}, "mode"),
    ({"when": "now", "reason": REASON}, "mode"),
    ({"mode": "ONLINE_ONLY", "when": "later", "reason": REASON}, "valid_from"),
    ({"mode": "ONLINE_ONLY", "when": "later", "valid_from": "2026-13-45T99:99", "reason": REASON}, "valid_from"),
    ({"mode": "ONLINE_ONLY", "when": "later", "valid_from": "besok pagi", "reason": REASON}, "valid_from"),
    ({"mode": "ONLINE_ONLY", "when": "sometime", "reason": REASON}, "when"),
    ({"mode": "ONLINE_ONLY", "when": "now", "reason": "x" * 300}, "reason"),
])
@pytest.mark.parametrize("step", ["preview", "apply"])
def test_bad_input_is_refused_and_writes_nothing(region: Any, staff: Any, body: dict[str, str], field_error: str,
                                                 step: str) -> None:
    before = _count()
    r = _client(staff["regional"]).post(_url("wilayah", region.code), {**body, "step": step})
    assert r.status_code == 422
    assert 'class="errorlist' in r.content.decode()
    assert field_error in r.context["form"].errors
    assert _count() == before


def test_a_start_in_the_past_is_refused_with_its_reason(region: Any, staff: Any) -> None:
    before = _count()
    past = _local(region, clock.now() - timedelta(hours=2))
    r = _client(staff["regional"]).post(_url("wilayah", region.code), {
        "mode": "ONLINE_ONLY", "when": "later", "valid_from": past, "reason": REASON, "step": "apply"})
    assert r.status_code == 422 and "sudah lewat" in r.content.decode()
    assert _count() == before


def test_an_overlapping_change_is_refused_and_a_waiting_one_can_be_cancelled(
        region: Any, trouble: dict[str, Any], staff: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    client = _client(staff["regional"])
    start = clock.now() + timedelta(days=1)
    body = {"mode": "ONLINE_ONLY", "when": "later", "valid_from": _local(region, start), "reason": REASON}
    assert client.post(_url("wilayah", region.code), {**body, "step": "apply"}).status_code == 302
    waiting = ChannelPolicy.objects.latest("id")
    assert waiting.valid_from.astimezone(ZoneInfo(region.time_zone)).strftime("%Y-%m-%dT%H:%M") == body["valid_from"]
    later = {**body, "mode": "ONLINE_AND_DROPBOX", "valid_from": _local(region, start + timedelta(days=1))}
    r = client.post(_url("wilayah", region.code), {**later, "step": "apply"})
    assert r.status_code == 409 and "Bertumpang tindih" in r.content.decode()
    # Another region's admin cannot cancel it (the same answer as an unknown change).
    other = _client(staff["regional_dki"])
    assert other.post(f"/petugas/kebijakan-kanal/perubahan/{waiting.pk}/batal/").status_code == 404
    assert other.post("/petugas/kebijakan-kanal/perubahan/999999/batal/").status_code == 404
    assert client.get(f"/petugas/kebijakan-kanal/perubahan/{waiting.pk}/batal/").status_code == 405
    r = client.post(f"/petugas/kebijakan-kanal/perubahan/{waiting.pk}/batal/")
    assert r.status_code == 302
    waiting.refresh_from_db()
    assert waiting.cancelled_at is not None and waiting.cancelled_by == staff["regional"]
    assert "dibatalkan" in client.get(_url("wilayah", region.code)).content.decode()
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(days=2))
    assert services.channel_policy_announce() == 0 and told() == []  # nobody is told


def test_a_branch_page_shows_its_region_rule_and_changes_the_branch_only(branch: Any, other_branch: Any,
                                                                         staff: Any) -> None:
    client = _client(staff["national"])
    page = client.get(_url("cabang", branch.code)).content.decode()
    assert "aturan wilayah" in page and "Online dan dropbox" in page
    r = client.post(_url("cabang", branch.code), {"mode": "ONLINE_ONLY", "when": "now", "reason": REASON,
                                                  "step": "apply"})
    assert r.status_code == 302
    from lapakasik.branches.selectors import branch_effective_policy

    assert branch_effective_policy(branch).mode == "ONLINE_ONLY"
    assert branch_effective_policy(other_branch).mode == "ONLINE_AND_DROPBOX"


@pytest.mark.parametrize("path", ["/petugas/kebijakan-kanal/negara/ID/", "/petugas/kebijakan-kanal/wilayah/"
                                  + "A" * 300 + "/", "/petugas/kebijakan-kanal/cabang/%27%20OR%201=1--/"])
def test_unknown_scopes_are_not_found(path: str, staff: Any) -> None:
    assert _client(staff["national"]).get(path).status_code == 404


def test_participant_pages_and_the_ticket_follow_the_policy_at_once(region: Any, make_claim: Any, branch: Any,
                                                                    staff: Any) -> None:
    from lapakasik.booking.ticket import policy_line, ticket_data
    from lapakasik.intake.selectors import intake_links_get

    claim = make_claim(branch=branch)
    start = clock.now() + timedelta(days=2)
    data = ticket_data(claim, start=start, end=start + timedelta(hours=1), language="id")
    assert "dropbox di depan kantor" in policy_line(data)
    upload_path = intake_links_get(claim).upload_url.split("://", 1)[-1]
    upload_path = upload_path[upload_path.index("/unggah/"):]
    assert 'data-mode="ONLINE_AND_DROPBOX"' in Client().get(upload_path).content.decode()
    _client(staff["regional"]).post(_url("wilayah", region.code), {
        "mode": "ONLINE_ONLY", "when": "now", "reason": REASON, "step": "apply"})
    data = ticket_data(claim, start=start, end=start + timedelta(hours=1), language="id")
    assert "dropbox dihentikan" in policy_line(data)
    page = Client().get(upload_path).content.decode()
    assert 'data-mode="ONLINE_ONLY"' in page and REASON in page
