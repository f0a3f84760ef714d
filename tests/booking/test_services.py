"""Slot generation, waitlist offers with hold time, no-show expiry, the broker signal, periodic jobs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from .conftest import FIXED_NOW, TOMORROW, book, snapshot_counts

pytestmark = pytest.mark.usefixtures("booking_env")


def _slot(branch: str = "JKT02", day: str = TOMORROW, start: str = "08:00") -> Any:
    from lapakasik.booking.models import SlotQuota

    return SlotQuota.objects.get(branch__code=branch, date=day, session_start=start)


def test_slot_generation_is_idempotent_and_skips_closed_days() -> None:
    from lapakasik.booking.models import SlotQuota
    from lapakasik.booking.services import slots_generate
    from lapakasik.branches.models import Branch

    total = SlotQuota.objects.count()
    branches = Branch.objects.filter(is_active=True).count()
    assert total == branches * 7 * 7  # 7 working days × 7 sessions
    assert slots_generate() == 0 and SlotQuota.objects.count() == total
    days = sorted(set(SlotQuota.objects.values_list("date", flat=True)))
    assert days[0] == date(2026, 12, 22) and days[-1] == date(2026, 12, 31)
    assert date(2026, 12, 25) not in days and all(d.weekday() < 5 for d in days)
    s = _slot("JAP01")
    assert s.starts_at == datetime(2026, 12, 21, 23, 0, tzinfo=UTC)  # 08:00 WIT
    assert s.capacity == 10 and s.booked == 0


def test_new_day_opens_at_the_branch_local_hour(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.cache import cache

    from lapakasik.booking.models import SlotQuota
    from lapakasik.booking.services import slots_generate
    from lapakasik.core import clock

    settings.LAPAKASIK = {**settings.LAPAKASIK, "BOOKING_OPEN_HOUR": 7}
    cache.clear()
    # Tuesday 06:30 WIB: the newest day (Jan 4) is not open yet; at 07:00 WIB it is.
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 21, 23, 30, tzinfo=UTC))
    slots_generate()
    assert not SlotQuota.objects.filter(branch__code="JKT01", date=date(2027, 1, 4)).exists()
    cache.clear()
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 22, 0, 0, tzinfo=UTC))
    assert slots_generate() > 0
    assert SlotQuota.objects.filter(branch__code="JKT01", date=date(2027, 1, 4)).count() == 7
    # Jayapura (WIT, +9) opened two hours earlier than Jakarta.
    assert SlotQuota.objects.filter(branch__code="JAP01", date=date(2027, 1, 4)).count() == 7


def test_branch_capacity_overrides_the_template() -> None:
    from django.core.cache import cache

    from lapakasik.booking.models import SlotQuota
    from lapakasik.booking.services import slots_generate
    from lapakasik.branches.models import Branch

    SlotQuota.objects.filter(branch__code="SBY01").delete()
    Branch.objects.filter(code="SBY01").update(session_capacity=25)
    cache.clear()
    slots_generate(branch_codes=["SBY01"])
    assert set(SlotQuota.objects.filter(branch__code="SBY01").values_list("capacity", flat=True)) == {25}


def test_booking_creates_the_missing_slot_row_itself(payload: Callable[..., dict[str, Any]]) -> None:
    from django.core.cache import cache

    from lapakasik.booking.models import SlotQuota

    SlotQuota.objects.filter(branch__code="JKT02").delete()  # as if the job had not run yet
    cache.clear()
    result = book(**payload())
    assert result.booking.slot.booked == 1 and SlotQuota.objects.filter(branch__code="JKT02").count() == 1


def test_waitlist_offer_hold_and_pass_on(payload: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch,
                                         person: Callable[..., Any]) -> None:
    from lapakasik.booking.models import WaitlistEntry
    from lapakasik.booking.selectors import slot_counters_consistent
    from lapakasik.booking.services import (
        booking_cancel,
        waitlist_accept,
        waitlist_expire_offers,
        waitlist_join,
    )
    from lapakasik.claims.services import Actor
    from lapakasik.core import clock
    from lapakasik.core.errors import Conflict
    from lapakasik.notifications.models import Notification

    type(_slot()).objects.filter(pk=_slot().pk).update(capacity=1)
    first = book(**payload())
    with pytest.raises(Conflict) as has_room:
        waitlist_join(**payload(session_start="09:00"))
    assert has_room.value.code == "slot_has_room"
    a = waitlist_join(**payload())
    b = waitlist_join(**payload())
    assert (a.position, b.position) == (1, 2)
    with pytest.raises(Conflict):
        waitlist_join(**payload(person("still_active")))  # the registry rules apply to the waitlist too
    booking_cancel(booking=first.booking, actor=Actor.participant())
    slot = _slot()
    assert (slot.booked, slot.held) == (0, 1)  # the freed seat is held for the first in line
    a_entry = WaitlistEntry.objects.get(pk=a.entry.pk)
    assert a_entry.status == "OFFERED" and a_entry.hold_until == FIXED_NOW + timedelta(minutes=30)
    assert Notification.objects.filter(event="waitlist_offer", recipient=a_entry.applicant["email"]).exists()
    # Nobody else can take the held seat.
    from lapakasik.booking.services import SlotFull

    with pytest.raises(SlotFull):
        book(**payload())
    # The hold expires: the seat passes to the next in line.
    later = FIXED_NOW + timedelta(minutes=31)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert waitlist_expire_offers() == 1
    assert WaitlistEntry.objects.get(pk=a.entry.pk).status == "EXPIRED"
    b_entry = WaitlistEntry.objects.get(pk=b.entry.pk)
    assert b_entry.status == "OFFERED"
    with pytest.raises(Conflict) as gone:
        waitlist_accept(entry=WaitlistEntry.objects.get(pk=a.entry.pk))
    assert gone.value.code == "offer_not_open"
    result = waitlist_accept(entry=b_entry)
    slot = _slot()
    assert (slot.booked, slot.held) == (1, 0) and result.booking.slot_id == slot.id
    assert result.access_token and result.claim.insured_nik == b_entry.nik
    assert slot_counters_consistent() == []


def test_waitlist_offer_expires_back_to_everyone(payload: Callable[..., dict[str, Any]],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from lapakasik.booking.services import booking_cancel, waitlist_expire_offers, waitlist_join
    from lapakasik.claims.services import Actor
    from lapakasik.core import clock

    type(_slot()).objects.filter(pk=_slot().pk).update(capacity=1)
    first = book(**payload())
    waitlist_join(**payload())
    booking_cancel(booking=first.booking, actor=Actor.participant())
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW + timedelta(hours=1))
    assert waitlist_expire_offers() == 1
    slot = _slot()
    assert (slot.booked, slot.held) == (0, 0)
    from django.core.cache import cache

    cache.clear()
    assert book(**payload()).booking.slot_id == slot.id


def test_waitlist_api_join_status_accept(client: Any, payload: Callable[..., dict[str, Any]]) -> None:
    import json

    from lapakasik.booking.services import booking_cancel
    from lapakasik.claims.services import Actor

    type(_slot()).objects.filter(pk=_slot().pk).update(capacity=1)
    first = book(**payload())
    r = client.post("/api/v1/waitlist", data=json.dumps(payload()), content_type="application/json")
    assert r.status_code == 201, r.content
    entry = r.json()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {entry['access_token']}"}
    assert entry["position"] == 1 and entry["status"] == "WAITING"
    assert client.get(f"/api/v1/waitlist/{entry['id']}").status_code == 401
    assert client.get(f"/api/v1/waitlist/{entry['id']}", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    early = client.post(f"/api/v1/waitlist/{entry['id']}/accept", **auth)
    assert early.status_code == 409
    booking_cancel(booking=first.booking, actor=Actor.participant())
    assert client.get(f"/api/v1/waitlist/{entry['id']}", **auth).json()["status"] == "OFFERED"
    accepted = client.post(f"/api/v1/waitlist/{entry['id']}/accept", **auth)
    assert accepted.status_code == 201 and accepted.json()["status"] == "ACTIVE" and accepted.json()["access_token"]


def test_no_shows_expire_after_the_session(payload: Callable[..., dict[str, Any]],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from lapakasik.booking.models import Booking
    from lapakasik.booking.services import booking_expire_no_shows
    from lapakasik.claims.models import Claim
    from lapakasik.claims.services import Actor, claim_transition
    from lapakasik.core import clock

    idle = book(**payload())
    progressed = book(**payload())
    claim_transition(claim=progressed.claim, to="DOCUMENTS_RECEIVED", actor=Actor.system())
    future = book(**payload(date="2026-12-23"))
    before_booked = _slot().booked
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 22, 2, 30, tzinfo=UTC))  # 09:30 WIB: too early
    assert booking_expire_no_shows() == 0
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 22, 3, 1, tzinfo=UTC))  # 10:01 WIB: 09:00 + 60 min grace
    assert booking_expire_no_shows() == 1
    assert Booking.objects.get(pk=idle.booking.pk).status == "EXPIRED"
    assert Claim.objects.get(pk=idle.claim.pk).state == "EXPIRED"
    assert Booking.objects.get(pk=progressed.booking.pk).status == "COMPLETED"
    assert Booking.objects.get(pk=future.booking.pk).status == "ACTIVE"
    assert _slot().booked == before_booked  # the session is over: seats stay counted
    # The NIK may book again after expiry.
    from lapakasik.registry.models import DemoParticipant

    again = payload(DemoParticipant.objects.get(nik=idle.claim.insured_nik), date="2026-12-23")
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    assert book(**again).booking.status == "ACTIVE"


def test_the_booking_follows_its_claim_whoever_moves_the_claim(payload: Callable[..., dict[str, Any]]) -> None:
    """A claim cancelled through claim_transition (the officer's console, not booking_cancel) cancels
    its booking and frees the seat in the same transaction; a move the booking does not follow leaves
    it alone; an illegal move changes neither."""
    from lapakasik.booking.models import Booking
    from lapakasik.booking.selectors import slot_counters_consistent
    from lapakasik.claims.services import Actor, claim_transition
    from lapakasik.core.errors import Conflict

    cancelled, going_on = book(**payload()), book(**payload())
    booked = _slot().booked
    claim_transition(claim=cancelled.claim, to="CANCELLED", actor=Actor.system("petugas"), reason="duplikat")
    row = Booking.objects.get(pk=cancelled.booking.pk)
    assert row.status == "CANCELLED" and row.cancelled_at is not None
    assert _slot().booked == booked - 1 and slot_counters_consistent() == []

    claim_transition(claim=going_on.claim, to="AWAITING_DOCUMENTS", actor=Actor.system())
    assert Booking.objects.get(pk=going_on.booking.pk).status == "ACTIVE"
    before = snapshot_counts()
    with pytest.raises(Conflict):
        claim_transition(claim=going_on.claim, to="PAID", actor=Actor.system())
    assert snapshot_counts() == before and Booking.objects.get(pk=going_on.booking.pk).status == "ACTIVE"


def test_booking_status_table_names_real_statuses() -> None:
    from lapakasik.booking.models import Booking
    from lapakasik.booking.policy import BOOKING_STATUS_FOR_CLAIM_STATE
    from lapakasik.claims.workflow import TERMINAL

    assert set(BOOKING_STATUS_FOR_CLAIM_STATE) <= TERMINAL
    assert set(BOOKING_STATUS_FOR_CLAIM_STATE.values()) <= set(Booking.Status.values) - {"ACTIVE"}


def test_participant_cannot_cancel_after_the_session_started(payload: Callable[..., dict[str, Any]],
                                                             monkeypatch: pytest.MonkeyPatch, officers: None) -> None:
    from django.contrib.auth import get_user_model

    from lapakasik.booking.services import booking_cancel
    from lapakasik.claims.services import Actor
    from lapakasik.core import clock
    from lapakasik.core.errors import Conflict

    result = book(**payload())
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 22, 1, 30, tzinfo=UTC))
    before = snapshot_counts()
    with pytest.raises(Conflict) as exc:
        booking_cancel(booking=result.booking, actor=Actor.participant())
    assert exc.value.code == "session_started" and snapshot_counts() == before
    officer = get_user_model().objects.filter(is_staff=False).first() or get_user_model().objects.first()
    booking_cancel(booking=result.booking, actor=Actor.officer(officer), reason="peserta menelepon 175")
    assert _slot().booked == 0


def test_broker_signal_flags_shared_contacts(payload: Callable[..., dict[str, Any]], settings: Any) -> None:
    from lapakasik.booking.models import Booking, BrokerSignal

    settings.LAPAKASIK = {**settings.LAPAKASIK, "BROKER_THRESHOLD": 3, "RATE_LIMIT_PHONE_PER_MINUTE": 0}
    phone = "081355554444"
    first = book(**payload(phone=phone))
    second = book(**payload(phone=phone, session_start="09:00"))
    assert not BrokerSignal.objects.exists() and not Booking.objects.filter(broker_flag=True).exists()
    third = book(**payload(phone=phone, session_start="10:00"))
    signal = BrokerSignal.objects.get(kind="phone")
    assert signal.value == "+6281355554444" and signal.nik_count == 3
    flagged = set(Booking.objects.filter(broker_flag=True).values_list("code", flat=True))
    assert flagged == {first.code, second.code, third.code}
    book(**payload(email="calo@contoh.id"))
    book(**payload(email="calo@contoh.id"))
    assert not BrokerSignal.objects.filter(kind="email").exists()
    book(**payload(email="CALO@contoh.id".lower()))
    assert BrokerSignal.objects.get(kind="email").nik_count == 3


def test_broker_check_counts_only_recent_claims_of_participants(payload: Callable[..., dict[str, Any]],
                                                                 settings: Any) -> None:
    """Claims older than 90 days, and claims an employer's officer applied for, do not make a broker."""
    from datetime import timedelta

    from lapakasik.booking.models import Booking, BrokerSignal
    from lapakasik.claims.models import ClaimParty

    settings.LAPAKASIK = {**settings.LAPAKASIK, "BROKER_THRESHOLD": 3, "RATE_LIMIT_PHONE_PER_MINUTE": 0}
    phone = "081355557777"
    old = book(**payload(phone=phone))
    ClaimParty.objects.filter(claim=old.claim).update(created_at=old.claim.created_at - timedelta(days=91))
    hr = book(**payload(phone=phone, session_start="09:00"))
    ClaimParty.objects.filter(claim=hr.claim).update(role="employer_officer")
    book(**payload(phone=phone, session_start="10:00"))
    assert not BrokerSignal.objects.exists() and not Booking.objects.filter(broker_flag=True).exists()
    book(**payload(phone=phone, session_start="11:00"))  # two participants' recent claims
    assert not BrokerSignal.objects.exists()
    ClaimParty.objects.filter(claim=old.claim).update(created_at=old.claim.created_at)  # back inside the 90 days
    book(**payload(phone=phone, session_start="08:00"))
    assert BrokerSignal.objects.get(kind="phone").nik_count == 4


def test_periodic_jobs_are_registered() -> None:
    from lapakasik.core.periodic import autodiscover

    jobs = autodiscover()
    names = {j.task.name if hasattr(j.task, "name") else n for n, j in jobs.items()}
    assert {"slots_generate", "booking_expire_no_shows", "waitlist_expire_offers"} <= {n.split(".")[-1] for n in names}


def test_eligibility_check_for_the_pages(person: Callable[..., Any]) -> None:
    from lapakasik.booking.services import booking_eligibility
    from lapakasik.core.errors import InvalidInput

    p = person("waiting_period")
    verdict = booking_eligibility(nik=p.nik, kpj=p.kpj, full_name=p.full_name.upper(), claim_type="JHT",
                                  claim_reason="RESIGNED")
    assert not verdict.eligible and verdict.rule == "waiting_period" and verdict.possible_from
    ok = person("eligible")
    assert booking_eligibility(nik=ok.nik, kpj=ok.kpj, full_name=ok.full_name, claim_type="JHT",
                               claim_reason="PHK").eligible
    with pytest.raises(InvalidInput) as exc:
        booking_eligibility(nik=ok.nik, kpj="00000000001", full_name=ok.full_name, claim_type="JHT",
                            claim_reason="PHK")
    assert exc.value.code == "registry_mismatch"
