"""Capacity under real concurrency: many threads, each with its own database connection, racing
through ``booking_create`` / ``booking_reschedule`` / ``booking_cancel``. Runs on SQLite (IMMEDIATE
transactions serialise writers) and on PostgreSQL (row locks; ``@pytest.mark.postgres`` variants)."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from .conftest import TOMORROW

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("booking_env")]


def _slot(branch: str = "JKT02", day: str = TOMORROW, start: str = "08:00") -> Any:
    from lapakasik.booking.models import SlotQuota

    return SlotQuota.objects.get(branch__code=branch, date=day, session_start=start)


def run_threads(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Start every job at the same moment (a barrier), one thread and connection each."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def worker(i: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=60)
            results[i] = job()
        except Exception as exc:  # the outcome is what we count
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    return results


def outcome(result: Any) -> str:
    from lapakasik.core.errors import ServiceError

    if isinstance(result, ServiceError):
        return result.code
    if isinstance(result, Exception):
        return f"ERROR {result!r}"
    return "created"


def _race(payload: Callable[..., dict[str, Any]], clients: int, seats: int) -> None:
    from lapakasik.booking.models import Booking
    from lapakasik.booking.selectors import slot_counters_consistent
    from lapakasik.booking.services import booking_create
    from lapakasik.claims.models import Claim

    slot = _slot()
    type(slot).objects.filter(pk=slot.pk).update(capacity=seats)
    bodies = [payload() for _ in range(clients)]
    results = run_threads([lambda b=b: booking_create(**b) for b in bodies])
    counts = Counter(outcome(r) for r in results)
    assert counts == {"created": seats, "slot_full": clients - seats}, counts
    slot.refresh_from_db()
    assert slot.booked == seats == Booking.objects.filter(slot=slot).count()
    assert Claim.objects.count() == seats
    assert slot_counters_consistent() == []


def test_200_clients_race_for_10_seats(payload: Callable[..., dict[str, Any]]) -> None:
    _race(payload, clients=200, seats=10)


@pytest.mark.postgres
def test_200_clients_race_for_10_seats_postgres(payload: Callable[..., dict[str, Any]]) -> None:
    assert connection.vendor == "postgresql"
    _race(payload, clients=200, seats=10)


def test_double_submit_from_many_threads_books_once(payload: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.models import Booking
    from lapakasik.booking.services import booking_create

    body = payload()
    results = run_threads([lambda: booking_create(**body) for _ in range(20)])
    counts = Counter(outcome(r) for r in results)
    assert counts["created"] == 1 and set(counts) <= {"created", "duplicate_active_booking", "rate_limited"}, counts
    assert Booking.objects.filter(claim__insured_nik=body["nik"]).count() == 1
    assert _slot().booked == 1


def _churn(payload: Callable[..., dict[str, Any]], workers: int) -> None:
    from lapakasik.booking.models import Booking, SlotQuota
    from lapakasik.booking.selectors import slot_counters_consistent
    from lapakasik.booking.services import booking_cancel, booking_create, booking_reschedule
    from lapakasik.claims.services import Actor

    targets = [("2026-12-22", "08:00"), ("2026-12-22", "09:00"), ("2026-12-23", "08:00")]
    SlotQuota.objects.filter(branch__code="JKT02").update(capacity=14)
    for i in range(36):
        day, start = targets[i % 3]
        booking_create(**payload(date=day, session_start=start))
    ids = list(Booking.objects.values_list("pk", flat=True))
    rnd = random.Random(7)

    def job(pk: int, action: str, target: tuple[str, str]) -> Any:
        booking = Booking.objects.select_related("slot", "slot__branch").get(pk=pk)
        if action == "cancel":
            return booking_cancel(booking=booking, actor=Actor.participant())
        return booking_reschedule(booking=booking, date=target[0], session_start=target[1], actor=Actor.participant())

    jobs = []
    for _ in range(workers):
        pk = rnd.choice(ids)
        action = "cancel" if rnd.random() < 0.25 else "reschedule"
        jobs.append(lambda pk=pk, action=action, t=rnd.choice(targets): job(pk, action, t))
    results = run_threads(jobs)
    counts = Counter(outcome(r) for r in results)
    assert not [k for k in counts if k.startswith("ERROR")], counts
    assert slot_counters_consistent() == []
    for slot in SlotQuota.objects.filter(branch__code="JKT02", booked__gt=0):
        assert slot.booked <= slot.capacity
        assert slot.booked == Booking.objects.filter(slot=slot).exclude(status="CANCELLED").count()


def test_concurrent_reschedules_and_cancels_keep_counters_equal(payload: Callable[..., dict[str, Any]]) -> None:
    _churn(payload, workers=60)


@pytest.mark.postgres
def test_concurrent_reschedules_and_cancels_keep_counters_equal_postgres(
        payload: Callable[..., dict[str, Any]]) -> None:
    _churn(payload, workers=120)


def _offer_accepted_at_once(payload: Callable[..., dict[str, Any]], browsers: int) -> None:
    """The offer link opened in several browsers and "Ambil kursi ini" pressed in all at the same moment:
    one booking; every other browser is told the seat was taken (or, for the same race lost on the
    hold, that the offer is closed); the counters stay equal."""
    import re

    from django.test import Client

    from lapakasik.booking.models import Booking, WaitlistEntry
    from lapakasik.booking.selectors import slot_counters_consistent
    from lapakasik.booking.services import booking_cancel, booking_create, waitlist_join
    from lapakasik.claims.services import Actor
    from lapakasik.notifications.models import Notification

    slot = _slot()
    type(slot).objects.filter(pk=slot.pk).update(capacity=1)
    holder = booking_create(**payload())
    waiting = payload()
    waitlist_join(**waiting)
    booking_cancel(booking=holder.booking, actor=Actor.participant())
    row = Notification.objects.filter(event="waitlist_offer").latest("id")
    link = re.sub(r"^https?://[^/]+", "", row.context["offer_url"]) if "offer_url" in row.context else ""
    assert link.startswith("/antrean/tawaran/"), row.context
    results = run_threads([lambda: Client().post(link).status_code for _ in range(browsers)])
    assert sorted(results) == [302] + [409] * (browsers - 1), results
    assert Booking.objects.filter(claim__insured_nik=waiting["nik"]).count() == 1
    assert WaitlistEntry.objects.get(nik=waiting["nik"]).status == "ACCEPTED"
    slot.refresh_from_db()
    assert (slot.booked, slot.held) == (1, 0)
    assert slot_counters_consistent() == []


def test_offer_link_accepted_in_many_browsers_at_once_books_once(payload: Callable[..., dict[str, Any]]) -> None:
    _offer_accepted_at_once(payload, browsers=8)


@pytest.mark.postgres
def test_offer_link_accepted_in_many_browsers_at_once_books_once_postgres(
        payload: Callable[..., dict[str, Any]]) -> None:
    assert connection.vendor == "postgresql"
    _offer_accepted_at_once(payload, browsers=8)
