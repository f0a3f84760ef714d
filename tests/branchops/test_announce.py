"""When a change starts, the periodic job tells every participant it affects once — the claims waiting for a
dropbox drop or whose upload failed, at the branches the change moves — on their own channels, in their
language, with the ways still open; a second run tells nobody; a change cancelled before it starts tells
nobody; a future change is told when it starts, not before."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from lapakasik.branches.models import ChannelPolicy
from lapakasik.branches.services import channel_policy_cancel, channel_policy_set
from lapakasik.branchops import services
from lapakasik.branchops.models import PolicyNotice
from lapakasik.core import clock
from lapakasik.notifications.models import Notification
from lapakasik.notifications.services import notification_render

from .conftest import told

REASON = "Pembatasan sosial berskala besar"
pytestmark = pytest.mark.django_db


def test_a_region_switch_tells_each_affected_participant_once_on_their_channels(
        region: Any, trouble: dict[str, Any], staff: Any) -> None:
    change = channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region)
    assert services.channel_policy_announce() == 2
    assert told() == sorted([
        (trouble["failed"].code, "email", "gagal@example.id"), (trouble["failed"].code, "sms", "+6281234567890"),
        (trouble["dropbox"].code, "email", "dropbox@example.id")])
    change.refresh_from_db()
    assert change.announced_at is not None
    assert PolicyNotice.objects.filter(change=change, told_at__isnull=False, sent=True).count() == 2
    # The job again (the next minute, a second worker): nobody is told again.
    assert services.channel_policy_announce() == 0
    assert services.change_announce(change, now=clock.now()) == 0
    assert len(told()) == 3


def test_the_message_says_what_changed_and_the_ways_left_in_the_participants_language(
        region: Any, trouble: dict[str, Any], staff: Any) -> None:
    channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region)
    services.channel_policy_announce()
    id_mail = Notification.objects.get(event="channel_policy_changed", claim=trouble["failed"], channel="email")
    rendered = notification_render(id_mail)
    assert rendered.subject.endswith("dihentikan") and trouble["failed"].code in rendered.subject
    assert REASON in rendered.text
    assert "/unggah/" in rendered.text  # the personal upload link
    assert "@" in rendered.text.split("e-mail ke:")[1].split()[0]  # the personal e-mail address
    # the whole region is online-only: no dropbox is suggested (another region's never is)
    assert "Dropbox terdekat yang masih buka" not in rendered.text
    en_mail = Notification.objects.get(event="channel_policy_changed", claim=trouble["dropbox"], channel="email")
    rendered = notification_render(en_mail)
    assert rendered.subject.endswith("dropbox is suspended") and "Upload documents" in rendered.text
    sms = notification_render(Notification.objects.get(event="channel_policy_changed", channel="sms"))
    assert "dihentikan" in sms.text and len(sms.text) < 480


def test_reopening_the_dropbox_offers_it_with_the_cover_sheet(region: Any, trouble: dict[str, Any],
                                                              staff: Any) -> None:
    channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region)
    services.channel_policy_announce()
    channel_policy_set(mode="ONLINE_AND_DROPBOX", reason="Pembatasan dicabut", actor=staff["regional"], region=region)
    assert services.channel_policy_announce() == 2
    row = Notification.objects.filter(event="channel_policy_changed", claim=trouble["failed"],
                                      channel="email").order_by("-id").first()
    rendered = notification_render(row)
    assert rendered.subject.endswith("dibuka kembali") and "lembar-sampul.pdf" in rendered.text


def test_a_future_change_is_told_when_it_starts_not_before(monkeypatch: pytest.MonkeyPatch, region: Any,
                                                           trouble: dict[str, Any], staff: Any) -> None:
    start = clock.now() + timedelta(hours=2)
    channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region, valid_from=start)
    assert services.channel_policy_announce() == 0 and told() == []
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(hours=2, minutes=1))
    assert services.channel_policy_announce() == 2
    assert services.channel_policy_announce() == 0
    assert len(told()) == 3


def test_a_change_cancelled_before_it_starts_tells_nobody(monkeypatch: pytest.MonkeyPatch, region: Any,
                                                          trouble: dict[str, Any], staff: Any) -> None:
    change = channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region,
                                valid_from=clock.now() + timedelta(hours=2))
    channel_policy_cancel(change=change, actor=staff["regional"])
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(days=1))
    assert services.channel_policy_announce() == 0
    assert told() == [] and not PolicyNotice.objects.exists()


def test_a_branch_with_its_own_rule_is_not_moved_by_its_region(region: Any, branch: Any, trouble: dict[str, Any],
                                                               staff: Any) -> None:
    channel_policy_set(mode="ONLINE_AND_DROPBOX", reason="Cabang tetap membuka dropbox", actor=staff["regional"],
                       branch=branch)
    assert services.channel_policy_announce() == 0  # pinning the mode it already had moves nobody
    channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region)
    assert services.channel_policy_announce() == 1
    assert [c for c, _, _ in told()] == [trouble["dropbox"].code]


def test_a_claim_that_left_the_dropbox_states_before_its_turn_is_not_told(region: Any, trouble: dict[str, Any],
                                                                          staff: Any) -> None:
    from lapakasik.claims.models import Claim

    change = channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region)
    services.audience_fill(change, [trouble["failed"].branch, trouble["dropbox"].branch], now=clock.now())
    Claim.objects.filter(pk=trouble["failed"].pk).update(state="DOCUMENTS_RECEIVED")
    assert services.channel_policy_announce() == 1
    assert PolicyNotice.objects.get(claim=trouble["failed"]).sent is False


def test_a_crash_half_way_resumes_without_telling_anyone_twice(region: Any, make_claim: Any, branch: Any,
                                                               staff: Any) -> None:
    claims = [make_claim(branch=branch, state="UPLOAD_FAILED", email=f"p{i}@example.id") for i in range(5)]
    change = channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region)
    services.audience_fill(change, [branch], now=clock.now())
    assert services._tell_batch(change, {branch.id: services._alternatives(change, branch)}, now=clock.now(),
                                batch=2) == 2  # then the worker dies: the change is not marked announced
    change.refresh_from_db()
    assert change.announced_at is None
    assert services.channel_policy_announce(batch=2) == 3
    assert sorted(c for c, _, _ in told()) == sorted(c.code for c in claims)


def test_the_seeded_and_earlier_policies_are_not_news(network: None) -> None:
    assert not ChannelPolicy.objects.filter(announced_at__isnull=True).exists()
    assert services.channel_policy_announce() == 0


def test_the_job_is_registered_and_safe_to_run_twice() -> None:
    from lapakasik.core.periodic import autodiscover
    from lapakasik.core.recovery import RERUNNABLE

    jobs = {job.task.module_path: job.every for job in autodiscover().values()}
    assert jobs["lapakasik.branchops.tasks.channel_policy_announce"] == timedelta(minutes=1)
    assert "lapakasik.branchops.tasks.channel_policy_announce" in RERUNNABLE
