"""The outbox: rows are written with the change that causes them, with their delivery tasks, never lost
(replay of stuck rows), delivered once per idempotency key; fallback on no confirmation; phone tasks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction

from tests.claims.factories import applicant

from .conftest import enqueue, run_queue

pytestmark = pytest.mark.django_db(transaction=True)


def _tasks() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(queue_name="notifications").count()


def test_rolled_back_change_leaves_no_message(claim: Any, templates: None) -> None:
    from lapakasik.claims.services import applicant_recipient
    from lapakasik.notifications.models import Notification
    from lapakasik.notifications.services import notification_enqueue

    with pytest.raises(RuntimeError), transaction.atomic():
        notification_enqueue(event="claim_verified", claim=claim, to=applicant_recipient(claim))
        raise RuntimeError("the change failed")
    assert Notification.objects.count() == 0 and _tasks() == 0


def _tasks_seen_by_a_worker() -> int:
    """What another connection (a worker polling the queue) sees."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def count() -> int:
        try:
            return _tasks()
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(count).result()


def test_a_worker_sees_the_delivery_tasks_only_when_the_transaction_commits(claim: Any, templates: None) -> None:
    from lapakasik.claims.services import applicant_recipient
    from lapakasik.notifications.models import Notification
    from lapakasik.notifications.services import notification_enqueue

    with transaction.atomic():
        rows = notification_enqueue(event="claim_verified", claim=claim, to=applicant_recipient(claim), channels=["email", "sms"])
        assert _tasks_seen_by_a_worker() == 0
    assert _tasks_seen_by_a_worker() == 2
    # each row knows its task (the replay job tells a queued row from a lost one by it)
    assert all(Notification.objects.get(pk=r.pk).task_id for r in rows)
    assert len({r.verification_code for r in rows}) == 2 and len({r.idempotency_key for r in rows}) == 2
    assert len({r.group for r in rows}) == 1


def test_claim_transition_stores_its_notification(claim: Any, templates: None) -> None:
    from lapakasik.claims.services import Actor, claim_transition
    from lapakasik.claims.workflow import State
    from lapakasik.notifications.models import Notification, SimulatedMessage

    claim_transition(claim=claim, to=State.AWAITING_DOCUMENTS, actor=Actor.system())
    claim_transition(claim=claim, to=State.UPLOAD_FAILED, actor=Actor.system(), reason="deadline",
                     notify_context={"dropbox_allowed": True})
    [row] = Notification.objects.filter(claim=claim)
    assert row.event == "upload_failed" and row.channel == "email" and row.context["dropbox_allowed"] is True
    assert run_queue() == ["sent"]
    [mail] = SimulatedMessage.objects.all()
    assert "dropbox" in mail.text and claim.branch.name in mail.text


def test_unknown_channel_is_refused_and_nothing_written(claim: Any) -> None:
    from lapakasik.claims.services import applicant_recipient
    from lapakasik.core.errors import InvalidInput
    from lapakasik.notifications.models import Notification
    from lapakasik.notifications.services import notification_enqueue

    with pytest.raises(InvalidInput):
        notification_enqueue(event="claim_verified", claim=claim, to=applicant_recipient(claim), channels=["email", "pigeon"])
    assert Notification.objects.count() == 0


def test_missing_address_is_skipped(make_claim: Any, templates: None) -> None:
    claim = make_claim(email="", channels=["email", "sms"])
    rows = enqueue(event="claim_verified", claim=claim)
    assert [r.channel for r in rows] == ["sms"]


def test_recipient_without_claim(templates: None) -> None:
    from lapakasik.notifications.models import SimulatedMessage

    [_row] = enqueue(event="otp_code", channels=["sms"], recipient="+6281111111111", context={"otp": "123456"},
                    language="en")
    assert run_queue() == ["sent"]
    [msg] = SimulatedMessage.objects.all()
    assert msg.recipient == "+6281111111111" and "123456" in msg.text and "Never share" in msg.text


def test_replay_requeues_rows_of_a_dead_worker(claim: Any, templates: None, settings: Any) -> None:
    """SENDING with an expired lease (the worker was killed mid-send) → PENDING and a new task; the
    provider call is repeated with the same idempotency key, so the recipient gets one message."""
    from django_tasks_db.models import DBTaskResult

    from lapakasik.core import clock
    from lapakasik.notifications.delivery import notification_replay
    from lapakasik.notifications.models import Notification, SimulatedMessage

    [row] = enqueue(event="claim_verified", claim=claim)
    assert run_queue() == ["sent"]
    # Simulate a kill after the provider accepted it but before SENT was recorded.
    Notification.objects.filter(pk=row.pk).update(status="SENDING", lease_until=clock.now() - timedelta(seconds=1))
    DBTaskResult.objects.all().delete()
    assert notification_replay() == 1
    assert Notification.objects.get(pk=row.pk).status == "PENDING"
    assert run_queue() == ["sent"]
    assert SimulatedMessage.objects.count() == 1  # idempotency key honoured: no duplicate
    assert Notification.objects.get(pk=row.pk).attempts == 2


def test_replay_requeues_pending_rows_whose_task_was_lost(claim: Any, templates: None, settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from lapakasik.core import clock
    from lapakasik.notifications.delivery import notification_replay
    from lapakasik.notifications.models import Notification

    settings.NOTIFY_REPLAY_GRACE_SECONDS = 60
    [row] = enqueue(event="claim_verified", claim=claim)
    DBTaskResult.objects.all().delete()  # the enqueue after commit never happened
    assert notification_replay() == 0  # within the grace period: the task may still come
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=clock.now() - timedelta(seconds=120))
    assert notification_replay() == 1
    assert notification_replay() == 0  # not twice
    assert run_queue() == ["sent"]


def test_a_live_lease_is_not_taken_over(claim: Any, templates: None) -> None:
    from lapakasik.core import clock
    from lapakasik.notifications.delivery import notification_dispatch, notification_replay
    from lapakasik.notifications.models import Notification

    [row] = enqueue(event="claim_verified", claim=claim)
    Notification.objects.filter(pk=row.pk).update(status="SENDING", lease_until=clock.now() + timedelta(seconds=60))
    assert notification_dispatch(notification_id=row.pk) == "busy"
    assert notification_replay() == 0


def test_sent_rows_are_not_sent_again(claim: Any, templates: None) -> None:
    from lapakasik.notifications.delivery import notification_dispatch

    [row] = enqueue(event="claim_verified", claim=claim)
    assert run_queue() == ["sent"]
    assert notification_dispatch(notification_id=row.pk) == "already_sent"
    assert notification_dispatch(notification_id=999999) == "missing"


def test_no_delivery_confirmation_in_time_falls_back(make_claim: Any, templates: None, settings: Any) -> None:
    from lapakasik.core import clock
    from lapakasik.notifications.delivery import notification_delivery_timeouts
    from lapakasik.notifications.models import Notification

    claim = make_claim(channels=["whatsapp"])
    [row] = enqueue(event="claim_approved", claim=claim)
    run_queue()
    assert notification_delivery_timeouts() == 0
    later = clock.now() + timedelta(minutes=settings.NOTIFY_DELIVERY_TIMEOUT_MINUTES + 1)
    assert notification_delivery_timeouts(now=later) == 1
    assert notification_delivery_timeouts(now=later) == 0  # one fallback per row
    fallback = Notification.objects.get(fallback_of=row)
    assert fallback.channel == "sms" and fallback.fallback_reason == "not_confirmed"
    run_queue()
    assert notification_delivery_timeouts(now=later + timedelta(hours=2)) == 1
    assert Notification.objects.get(fallback_of=fallback).channel == "email"


def test_fallback_chain_ends(make_claim: Any, templates: None, settings: Any) -> None:
    from lapakasik.notifications.delivery import notification_fallback
    from lapakasik.notifications.models import Notification

    settings.NOTIFY_FALLBACK_CHAIN = "whatsapp,sms"
    claim = make_claim(channels=["sms"], email="")
    [row] = enqueue(event="claim_verified", claim=claim)
    second = notification_fallback(row=row, reason="failed")
    assert second is not None and second.channel == "whatsapp"
    assert notification_fallback(row=second, reason="failed") is None
    assert Notification.objects.count() == 2


def test_phone_channel_creates_a_call_task_and_records_outcome(make_claim: Any, templates: None,
                                                             officers: None) -> None:
    from django.contrib.auth import get_user_model

    from lapakasik.claims.models import ClaimEvent
    from lapakasik.claims.services import Actor, claim_phone_call_record
    from lapakasik.core.errors import Conflict
    from lapakasik.notifications.models import Notification, PhoneCall

    claim = make_claim(channels=["phone"])
    [row] = enqueue(event="claim_approved", claim=claim, context={"amount": "7.000.000"})
    assert run_queue() == ["sent"]
    call = PhoneCall.objects.get(notification=row)
    assert "Skrip telepon" in call.script and "7.000.000" in call.script and call.phone == applicant(claim).phone
    officer = get_user_model().objects.filter(officer__isnull=False).first()
    claim_phone_call_record(call_id=call.pk, outcome="NO_ANSWER", actor=Actor.officer(officer), note="3x")
    row.refresh_from_db()
    assert row.status == "FAILED"
    assert Notification.objects.get(fallback_of=row).channel == "whatsapp"
    assert ClaimEvent.objects.filter(claim=claim, kind="phone_call_recorded").count() == 1
    with pytest.raises(Conflict):
        claim_phone_call_record(call_id=call.pk, outcome="REACHED", actor=Actor.officer(officer))
    assert ClaimEvent.objects.filter(claim=claim, kind="phone_call_recorded").count() == 1  # refused: no event


def test_rate_limit_defers_without_spending_an_attempt(claim: Any, templates: None, settings: Any,
                                                      monkeypatch: Any) -> None:
    from lapakasik.notifications import ratelimit
    from lapakasik.notifications.models import Notification

    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_000.5)  # all in one window, however slow
    settings.NOTIFY_RATE_LIMITS = "simulator=2"
    rows = [enqueue(event="claim_verified", claim=claim)[0] for _ in range(4)]
    outcomes = run_queue(limit=4)
    assert outcomes.count("sent") == 2 and outcomes.count("rate_limited") == 2
    limited = Notification.objects.filter(pk__in=[r.pk for r in rows], status="PENDING")
    assert limited.count() == 2 and all(r.attempts == 0 for r in limited)


def test_rate_limiter_is_shared_by_threads(transactional_db: Any) -> None:
    """Eight threads (own DB connections) race for a budget of 5 in one window: exactly 5 granted."""
    import threading

    from django.db import connection

    from lapakasik.notifications.ratelimit import rate_acquire

    now = 1_800_000_000.25
    granted: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        try:
            for _ in range(3):
                wait = rate_acquire("provider:test", limit=5, now=now)
                with lock:
                    granted.append(wait)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert granted.count(0.0) == 5
    assert all(0 < w <= 1 for w in granted if w)
    assert rate_acquire("provider:test", limit=5, now=now + 1) == 0.0  # the next window


@pytest.mark.postgres
def test_two_workers_never_send_the_same_row_twice(make_claim: Any, templates: None, http_providers: Any) -> None:
    """Row locks on PostgreSQL: many threads dispatching the same rows, each row sent once."""
    import threading

    from django.db import connection

    from lapakasik.notifications.delivery import notification_dispatch

    claim = make_claim(channels=["whatsapp"])
    rows = [enqueue(event="claim_verified", claim=claim)[0] for _ in range(10)]
    http_providers.state.honour_idempotency = False  # count every call that delivers
    outcomes: list[str] = []

    def worker() -> None:
        try:
            for row in rows:
                outcomes.append(notification_dispatch(notification_id=row.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("sent") == 10
    assert len(http_providers.state.messages) == 10 and http_providers.state.duplicates() == 0


def test_replay_leaves_a_queued_backlog_alone(claim: Any, templates: None, settings: Any) -> None:
    """A row waiting behind a long queue is not a lost row: no second task (no task explosion)."""
    from django_tasks_db.models import DBTaskResult

    from lapakasik.core import clock
    from lapakasik.notifications.delivery import notification_replay
    from lapakasik.notifications.models import Notification

    settings.NOTIFY_REPLAY_GRACE_SECONDS = 60
    settings.NOTIFY_LEASE_SECONDS = 30
    rows = [enqueue(event="claim_verified", claim=claim)[0] for _ in range(3)]
    assert all(Notification.objects.get(pk=r.pk).task_id for r in rows)
    Notification.objects.update(next_attempt_at=clock.now() - timedelta(minutes=10))
    assert notification_replay() == 0 and _tasks() == 3
    # A worker took one task and was killed before it could write anything: RUNNING forever.
    task = DBTaskResult.objects.get(id=Notification.objects.get(pk=rows[0].pk).task_id)
    task.claim("killed-worker")
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=clock.now() - timedelta(seconds=31))
    assert notification_replay() == 1 and _tasks() == 4
    assert run_queue() == ["sent", "sent", "sent"]


def test_unknown_stored_preference_is_skipped_not_fatal(make_claim: Any, templates: None) -> None:
    claim = make_claim(channels=["pigeon", "sms"])
    rows = enqueue(event="claim_verified", claim=claim)
    assert [r.channel for r in rows] == ["sms"]
    only_unknown = make_claim(channels=["fax"])
    assert [r.channel for r in enqueue(event="claim_verified", claim=only_unknown)] == ["email"]


def test_a_message_without_a_recipient_is_a_programming_error(claim: Any) -> None:
    """Notifications never guess a claim's contact: the caller names the recipient (the applicant party)."""
    from lapakasik.notifications.models import Notification
    from lapakasik.notifications.services import notification_enqueue

    with pytest.raises(ValueError, match="recipient"):
        notification_enqueue(event="claim_verified", claim=claim)
    assert Notification.objects.count() == 0
