"""The waiting room under real concurrency (threads, one connection each): the same NIK joining from many
requests at once gets one place; two admitted people booking the last seat with their tokens get one
booking and one ``slot_full``, and the loser's admission stays usable (the failed booking rolled back its
single use). SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from .opening_support import DRAW_AT, RATE, Clock, booking_body
from .test_concurrency import outcome, run_threads

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("booking_env")]


def test_one_nik_joining_from_twenty_requests_at_once_gets_one_place(
        opening_clock: Clock, join_body: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.models import OpeningPlace
    from lapakasik.booking.waitroom import services, tokens

    body = join_body()
    results = run_threads([lambda i=i: services.opening_join(**{**body, "phone": f"08129000{i:04d}"})
                           for i in range(20)])
    assert all(not isinstance(r, Exception) for r in results), [r for r in results if isinstance(r, Exception)]
    assert OpeningPlace.objects.count() == 1
    place_ids = {tokens.place_ref(r.token).place_id for r in results}  # type: ignore[union-attr]
    assert place_ids == {OpeningPlace.objects.get().pk}
    assert sum(r.created for r in results) == 1


def test_two_admitted_people_race_for_the_last_seat(
        opening_clock: Clock, join_body: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.models import OpeningPlace, SlotQuota
    from lapakasik.booking.services import booking_create
    from lapakasik.booking.waitroom import services

    bodies = [join_body() for _ in range(2)]
    joined = [services.opening_join(**b) for b in bodies]
    opening_clock.at(DRAW_AT + timedelta(seconds=2 / RATE))
    admissions = [services.place_status(j.token).admission_token for j in joined]
    assert all(admissions)
    slot = SlotQuota.objects.get(branch__code="JKT02", date="2026-12-23", session_start="08:00")
    SlotQuota.objects.filter(pk=slot.pk).update(capacity=slot.booked + 1)
    from django.core.cache import cache

    cache.clear()
    results = run_threads([lambda b=b, t=t: booking_create(**booking_body(b, admission_token=t))
                           for b, t in zip(bodies, admissions, strict=True)])
    assert Counter(outcome(r) for r in results) == {"created": 1, "slot_full": 1}
    assert OpeningPlace.objects.filter(used_at__isnull=False).count() == 1  # the loser's turn is not spent
    loser = next(i for i, r in enumerate(results) if outcome(r) == "slot_full")
    again = booking_create(**booking_body(bodies[loser], session_start="09:00", admission_token=admissions[loser]))
    assert again.code and OpeningPlace.objects.filter(used_at__isnull=False).count() == 2
