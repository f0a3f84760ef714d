"""Confirmations, misused: windows in the past, windows another participant took a moment ago, one call
for several participants, unknown outcomes — each refused with a clear error and nothing changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from lapakasik.casework import services
from lapakasik.casework.models import CallWindowOffer, Confirmation
from lapakasik.core import clock
from lapakasik.core.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db


def _in_review(ready_claim: Any, officer: Any) -> Any:
    claim = ready_claim()
    services.claim_take(user=officer, claim=claim)
    claim.refresh_from_db()
    return claim


def _window(hours: float = 24, minutes: int = 30) -> services.Window:
    start = (clock.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)
    return services.Window(start, start + timedelta(minutes=minutes))


def test_a_window_in_the_past_or_backwards_is_refused(staff: Any, ready_claim: Any) -> None:
    claim = _in_review(ready_claim, staff["officer"])
    for window in (_window(hours=-2), services.Window(_window().end, _window().start)):
        with pytest.raises(Conflict):
            services.confirmation_schedule(user=staff["officer"], claims=[claim], channel="video", window=window)
    with pytest.raises(InvalidInput):
        services.confirmation_schedule(user=staff["officer"], claims=[claim], channel="carrier-pigeon", window=_window())
    assert not Confirmation.objects.exists()
    claim.refresh_from_db()
    assert claim.state == "IN_REVIEW"


def test_only_the_holder_schedules_and_only_one_open_confirmation(staff: Any, ready_claim: Any) -> None:
    claim = _in_review(ready_claim, staff["officer"])
    with pytest.raises(Conflict):
        services.confirmation_schedule(user=staff["officer2"], claims=[claim], channel="phone", window=_window())
    services.confirmation_schedule(user=staff["officer"], claims=[claim], channel="phone", window=_window())
    with pytest.raises(Conflict):
        services.confirmation_schedule(user=staff["officer"], claims=[claim], channel="phone", window=_window(48))
    assert Confirmation.objects.count() == 1


def test_one_call_for_several_participants_each_on_their_own_claim(client: Any, staff: Any, ready_claim: Any) -> None:
    a, b = _in_review(ready_claim, staff["officer"]), _in_review(ready_claim, staff["officer"])
    rows = services.confirmation_schedule(user=staff["officer"], claims=[a, b], channel="video", window=_window())
    assert len(rows) == 2 and rows[0].room == rows[1].room and {r.claim_id for r in rows} == {a.pk, b.pk}
    assert client.get(f"/video/{rows[0].room}/").status_code == 302
    services.confirmation_record(user=staff["officer"], confirmation_id=rows[0].pk, outcome="reached")
    assert client.get(f"/video/{rows[0].room}/").status_code == 302  # b's call in the same room is still open
    services.confirmation_record(user=staff["officer"], confirmation_id=rows[1].pk, outcome="reached")
    assert client.get(f"/video/{rows[0].room}/").status_code == 404
    with pytest.raises(Conflict):
        services.confirmation_record(user=staff["officer"], confirmation_id=rows[1].pk, outcome="not_reached")
    with pytest.raises(InvalidInput):
        services.confirmation_record(user=staff["officer"], confirmation_id=rows[1].pk, outcome="maybe")


def test_a_window_another_participant_just_took_is_refused(staff: Any, ready_claim: Any) -> None:
    from lapakasik.core.codes import token_digest

    tokens = []
    for claim in (_in_review(ready_claim, staff["officer"]), _in_review(ready_claim, staff["officer"])):
        c = services.confirmation_schedule(user=staff["officer"], claims=[claim], channel="phone", window=_window())[0]
        services.confirmation_record(user=staff["officer"], confirmation_id=c.pk, outcome="asked_to_move")
        offer = CallWindowOffer.objects.get(claim=claim)
        token = "t" + str(claim.pk) * 8
        CallWindowOffer.objects.filter(pk=offer.pk).update(token_digest=token_digest(token))
        tokens.append(token)
    offer = CallWindowOffer.objects.filter(token_digest=token_digest(tokens[0])).get()
    first_free = services.call_windows_free(offer)[0]
    services.call_window_choose(token=tokens[0], start=first_free.start)
    with pytest.raises(Conflict) as taken:
        services.call_window_choose(token=tokens[1], start=first_free.start)
    assert taken.value.code == "window_taken"
    second = CallWindowOffer.objects.get(token_digest=token_digest(tokens[1]))
    assert second.used_at is None and first_free.start not in {w.start for w in services.call_windows_free(second)}


def test_one_reminder_before_each_call(staff: Any, ready_claim: Any) -> None:
    from lapakasik.notifications.models import Notification
    from lapakasik.notifications.services import notification_render

    claim = _in_review(ready_claim, staff["officer"])
    c = services.confirmation_schedule(user=staff["officer"], claims=[claim], channel="phone",
                                       window=_window(hours=0.75))[0]
    assert services.confirmation_reminders_send(now=clock.now() - timedelta(hours=2)) == 0  # not yet
    assert services.confirmation_reminders_send() == 1
    assert services.confirmation_reminders_send() == 0  # once
    row = Notification.objects.get(claim_id=claim.pk, event="call_reminder")
    text = notification_render(row).text
    assert "Pengingat" in text and "telepon" in text and "budi" in text and claim.code in text
    c.refresh_from_db()
    assert c.reminder_sent_at is not None
