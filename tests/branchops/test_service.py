"""Changing a channel policy: a new row each time, with who and why; refused with a clear error and nothing
written when applied twice, overlapping another change, starting in the past, without a reason or with an
unknown mode; a change waiting to start can be cancelled, one that started cannot."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from lapakasik.branches.models import ChannelPolicy
from lapakasik.branches.selectors import branch_effective_policy
from lapakasik.branches.services import channel_policy_cancel, channel_policy_set
from lapakasik.core import clock
from lapakasik.core.errors import Conflict, InvalidInput

REASON = "Pembatasan sosial berskala besar"
pytestmark = pytest.mark.django_db


def _rows() -> list[tuple[Any, ...]]:
    return list(ChannelPolicy.objects.order_by("id").values_list("id", "mode", "valid_from", "cancelled_at"))


def test_a_change_now_is_a_new_row_in_force_at_every_branch_of_the_region(region: Any, branch: Any,
                                                                          other_branch: Any, staff: Any) -> None:
    before = _rows()
    change = channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region)
    assert _rows()[: len(before)] == before  # nothing edited in place
    assert change.set_by == staff["regional"] and change.reason == REASON and change.branch is None
    for b in (branch, other_branch):
        assert branch_effective_policy(b).mode == "ONLINE_ONLY"
        assert not branch_effective_policy(b).dropbox_allowed


def test_a_future_change_is_not_in_force_before_it_starts(region: Any, branch: Any, staff: Any) -> None:
    start = clock.now() + timedelta(days=1)
    channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["national"], region=region, valid_from=start)
    assert branch_effective_policy(branch).mode == "ONLINE_AND_DROPBOX"
    assert branch_effective_policy(branch, start + timedelta(seconds=1)).mode == "ONLINE_ONLY"


def test_applying_the_same_change_twice_is_refused(region: Any, staff: Any) -> None:
    channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region)
    before = _rows()
    with pytest.raises(Conflict) as exc:
        channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region)
    assert exc.value.code == "policy_already_in_force"
    assert "sudah berlaku" in str(exc.value.message)
    assert _rows() == before


def test_the_mode_a_region_already_has_is_refused(region: Any, staff: Any) -> None:
    with pytest.raises(Conflict) as exc:  # the seeded region is online + dropbox
        channel_policy_set(mode="ONLINE_AND_DROPBOX", reason=REASON, actor=staff["regional"], region=region)
    assert exc.value.code == "policy_already_in_force"


def test_the_same_scheduled_change_twice_is_refused(region: Any, staff: Any) -> None:
    start = clock.now() + timedelta(days=2)
    first = channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region,
                               valid_from=start)
    before = _rows()
    with pytest.raises(Conflict) as exc:
        channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region,
                           valid_from=start)
    assert exc.value.code == "policy_already_scheduled" and exc.value.extra["other_id"] == first.pk
    assert _rows() == before


@pytest.mark.parametrize("days", [1, 3])  # before the waiting change starts, and after
def test_a_change_overlapping_a_waiting_one_is_refused_and_names_it(region: Any, staff: Any, days: int) -> None:
    waiting = channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region,
                                 valid_from=clock.now() + timedelta(days=2))
    before = _rows()
    with pytest.raises(Conflict) as exc:
        channel_policy_set(mode="ONLINE_ONLY" if days == 1 else "ONLINE_AND_DROPBOX", reason=REASON,
                           actor=staff["national"], region=region, valid_from=clock.now() + timedelta(days=days))
    assert exc.value.code == "policy_overlap" and exc.value.extra["other_id"] == waiting.pk
    assert "Batalkan" in str(exc.value.message)
    assert _rows() == before


def test_a_bounded_window_still_running_overlaps(region: Any, staff: Any) -> None:
    now = clock.now()
    bounded = ChannelPolicy.objects.create(region=region, mode="ONLINE_ONLY", valid_from=now - timedelta(days=1),
                                           valid_to=now + timedelta(days=5), reason="set in the admin earlier")
    with pytest.raises(Conflict) as exc:
        channel_policy_set(mode="ONLINE_AND_DROPBOX", reason=REASON, actor=staff["regional"], region=region)
    assert exc.value.code == "policy_overlap" and exc.value.extra["other_id"] == bounded.pk


@pytest.mark.parametrize("reason", ["", "   ", "singkat", "\n\t \n"])
def test_a_missing_or_too_short_reason_is_refused(region: Any, staff: Any, reason: str) -> None:
    before = _rows()
    with pytest.raises(InvalidInput) as exc:
        channel_policy_set(mode="ONLINE_ONLY", reason=reason, actor=staff["regional"], region=region)
    assert exc.value.code == "reason_missing" and "reason" in exc.value.fields
    assert _rows() == before


def test_a_reason_too_long_is_refused(region: Any, staff: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        channel_policy_set(mode="ONLINE_ONLY", reason="x" * 256, actor=staff["regional"], region=region)
    assert exc.value.code == "reason_too_long"


@pytest.mark.parametrize("mode", ["", "OFFLINE", "online_only", "ONLINE_ONLY'; DROP TABLE x;--", None])
def test_an_unknown_mode_is_refused(region: Any, staff: Any, mode: Any) -> None:
    before = _rows()
    with pytest.raises(InvalidInput) as exc:
        channel_policy_set(mode=mode, reason=REASON, actor=staff["regional"], region=region)
    assert exc.value.code == "invalid_mode"
    assert _rows() == before


def test_a_start_in_the_past_is_refused(region: Any, staff: Any) -> None:
    before = _rows()
    with pytest.raises(InvalidInput) as exc:
        channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region,
                           valid_from=clock.now() - timedelta(hours=1))
    assert exc.value.code == "valid_from_past" and "valid_from" in exc.value.fields
    assert _rows() == before


def test_a_start_within_the_current_minute_means_now(region: Any, staff: Any) -> None:
    change = channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region,
                                valid_from=clock.now() - timedelta(seconds=30))
    assert change.valid_from >= clock.now() - timedelta(seconds=5)


def test_a_branch_rule_beats_its_region_and_is_pinned(region: Any, branch: Any, other_branch: Any,
                                                      staff: Any) -> None:
    channel_policy_set(mode="ONLINE_AND_DROPBOX", reason=REASON, actor=staff["regional"], branch=branch)
    channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region)
    assert branch_effective_policy(branch).mode == "ONLINE_AND_DROPBOX"
    assert branch_effective_policy(other_branch).mode == "ONLINE_ONLY"


def test_cancelling_a_waiting_change_marks_it_and_it_never_takes_effect(region: Any, branch: Any,
                                                                        staff: Any) -> None:
    start = clock.now() + timedelta(hours=3)
    change = channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region,
                                valid_from=start)
    cancelled = channel_policy_cancel(change=change, actor=staff["national"])
    assert cancelled.cancelled_at is not None and cancelled.cancelled_by == staff["national"]
    assert cancelled.mode == "ONLINE_ONLY" and cancelled.valid_from == start  # kept in the history as it was
    assert branch_effective_policy(branch, start + timedelta(hours=1)).mode == "ONLINE_AND_DROPBOX"
    # The cancelled change no longer blocks a new one at the same time.
    channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region, valid_from=start)


def test_cancelling_twice_or_after_the_start_is_refused(region: Any, staff: Any) -> None:
    waiting = channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region,
                                 valid_from=clock.now() + timedelta(hours=3))
    channel_policy_cancel(change=waiting, actor=staff["regional"])
    with pytest.raises(Conflict) as exc:
        channel_policy_cancel(change=waiting, actor=staff["regional"])
    assert exc.value.code == "policy_already_cancelled"
    started = channel_policy_set(mode="ONLINE_ONLY", reason=REASON, actor=staff["regional"], region=region)
    with pytest.raises(Conflict) as exc:
        channel_policy_cancel(change=started, actor=staff["regional"])
    assert exc.value.code == "policy_started"
    started.refresh_from_db()
    assert started.cancelled_at is None
