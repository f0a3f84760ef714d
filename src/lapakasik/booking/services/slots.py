"""The seats: creating slot rows (the generation job and on demand), taking a seat with one guarded
UPDATE, the session facts every message and event carries, and the retry of a deadlocked transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db import OperationalError
from django.db.models import F

from lapakasik.booking import cache, policy, selectors
from lapakasik.booking.models import SlotQuota
from lapakasik.booking.selectors import BranchInfo, SessionAvailability
from lapakasik.branches.models import Branch
from lapakasik.branches.selectors import sessions_for
from lapakasik.core import clock

from .validation import SlotFull

T = TypeVar("T")


def retrying(fn: Callable[[], T], attempts: int = 4) -> T:
    """Run a transaction, retrying PostgreSQL deadlocks / serialisation failures (never seen with the
    lock order used here, but cheap insurance)."""
    for i in range(attempts):
        try:
            return fn()
        except OperationalError as exc:
            sqlstate = getattr(getattr(exc, "__cause__", None), "sqlstate", None)
            if sqlstate not in ("40P01", "40001") or i == attempts - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def slot_full(branch: BranchInfo, session: SessionAvailability) -> SlotFull:
    return SlotFull(extra={"alternatives": selectors.alternatives_for(
        branch=branch, day=session.date, start=session.start)})


def ensure_slot(branch: BranchInfo, session: SessionAvailability) -> int:
    """The SlotQuota id for a valid session, creating the row if the generation job has not yet."""
    if session.slot_id is not None:
        return session.slot_id
    start = policy.parse_session_start(session.start)
    end = policy.parse_session_start(session.end)
    assert start is not None and end is not None
    starts, ends = policy.slot_bounds(session.date, start, end, branch.time_zone)
    slot, _created = SlotQuota.objects.get_or_create(
        branch_id=branch.id, date=session.date, session_start=start,
        defaults={"session_end": end, "starts_at": starts, "ends_at": ends, "capacity": session.capacity})
    cache.invalidate_now(branch.id)
    return slot.id


def take_seat(slot_id: int) -> bool:
    return SlotQuota.objects.filter(id=slot_id, booked__lt=F("capacity") - F("held"), closed=False).update(
        booked=F("booked") + 1) == 1


def slot_context(slot: SlotQuota, branch: BranchInfo) -> dict[str, Any]:
    return times_context(slot.starts_at, slot.ends_at, branch)


def times_context(starts_at: datetime, ends_at: datetime, branch: BranchInfo) -> dict[str, Any]:
    tz = ZoneInfo(branch.time_zone)
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    return {"branch_code": branch.code, "branch_name": branch.name, "branch_address": branch.address,
            "date": start.date().isoformat(), "start": f"{start:%H:%M}", "end": f"{end:%H:%M}",
            "time_zone": branch.tz_abbreviation,
            "documents_due": policy.documents_due(start).isoformat()}


def ctx_for(slot: SlotQuota) -> dict[str, Any]:
    info = selectors.branch_info(slot.branch.code)
    return slot_context(slot, info) if info else {}


def ticket_urls(code: str) -> tuple[str, str]:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("booking:ticket_pdf", args=[code]), reverse("booking:ticket_ics", args=[code])
    except NoReverseMatch:
        return f"/antrean/tiket/{code}.pdf", f"/antrean/tiket/{code}.ics"


def slots_generate(*, now: datetime | None = None, branch_codes: list[str] | None = None) -> int:
    """Create the SlotQuota rows of every active branch's booking window (idempotent: existing rows are
    left alone) and mark rows of days closed since as closed. Returns rows created."""
    now = now or clock.now()
    created = 0
    qs = Branch.objects.select_related("region").filter(is_active=True)
    if branch_codes:
        qs = qs.filter(code__in=branch_codes)
    for b in qs:
        info = selectors._info(b)
        today, days, closures = selectors.branch_window(info, now)
        templates = sessions_for(b)
        rows = []
        for day in days:
            for t in templates:
                starts, ends = policy.slot_bounds(day, t.start, t.end, b.time_zone)
                rows.append(SlotQuota(branch=b, date=day, session_start=t.start, session_end=t.end, starts_at=starts,
                                      ends_at=ends, capacity=b.session_capacity or t.capacity))
        before = SlotQuota.objects.filter(branch=b, date__in=days).count()
        SlotQuota.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        created += SlotQuota.objects.filter(branch=b, date__in=days).count() - before
        closed_days = [d for d in closures if d > today]
        if closed_days:
            SlotQuota.objects.filter(branch=b, date__in=closed_days, closed=False).update(closed=True)
        cache.invalidate_now(b.id)
    return created
