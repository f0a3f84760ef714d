"""Reads for the front desk's pages: a booking by the code a visitor shows, today's counts and last
records, the counts per day for the branch head, the next open sessions to offer a visitor sent home."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet

from lapakasik.accounts.policy import Action
from lapakasik.accounts.selectors import branches_visible_to
from lapakasik.booking import selectors as booking_selectors
from lapakasik.booking.models import Booking
from lapakasik.branches.models import Branch
from lapakasik.claims import workflow
from lapakasik.core import clock
from lapakasik.core.codes import normalize_code
from lapakasik.core.errors import NotFound

from . import policy
from .models import ScreeningDay, ScreeningRecord

#: Days the branch head's page shows (the counts outlive the records: they hold nobody).
COUNT_DAYS = 31


def threshold() -> Decimal:
    """``SCREENING_FEVER_THRESHOLD_C`` (default 37.3 °C); a value that is not a °C reading is a configuration
    error (``ValueError``), not a silent default."""
    return policy.threshold_parse(settings.LAPAKASIK.get("SCREENING_FEVER_THRESHOLD_C",
                                                        str(policy.DEFAULT_THRESHOLD_C)))


def retention_days() -> int:
    value: Any = settings.LAPAKASIK.get("SCREENING_RETENTION_DAYS", policy.DEFAULT_RETENTION_DAYS)
    return int(value)


def local_day(branch: Branch, at: datetime | None = None) -> date:
    return (at or clock.now()).astimezone(ZoneInfo(branch.time_zone or "Asia/Jakarta")).date()


def booking_by_code(code: str) -> Booking | None:
    """The booking a visitor shows (any branch; the caller compares), or None."""
    cleaned = normalize_code(code)[:16]
    if not cleaned:
        return None
    return Booking.objects.select_related("slot", "slot__branch", "claim").filter(code=cleaned).first()


def record_get(pk: int) -> ScreeningRecord:
    record = ScreeningRecord.objects.select_related("branch", "booking", "booking__claim").filter(pk=pk).first()
    if record is None:
        raise NotFound
    return record


def record_by_form(form_id: str) -> ScreeningRecord | None:
    return ScreeningRecord.objects.filter(form_id=form_id).first()


def day_counts(branch: Branch, day: date) -> policy.Counts:
    row = ScreeningDay.objects.filter(branch=branch, day=day).first()
    return policy.Counts(admitted=row.admitted, sent_home=row.sent_home) if row else policy.Counts()


def counts_per_day(branch: Branch, last: date, days: int = COUNT_DAYS) -> list[tuple[date, policy.Counts]]:
    """Every day from ``last`` back ``days`` days, newest first, zero where nobody was screened."""
    first = last - timedelta(days=days - 1)
    rows = {r.day: r for r in ScreeningDay.objects.filter(branch=branch, day__gte=first, day__lte=last)}
    out = []
    for n in range(days):
        d = last - timedelta(days=n)
        r = rows.get(d)
        out.append((d, policy.Counts(admitted=r.admitted, sent_home=r.sent_home) if r else policy.Counts()))
    return out


def total(rows: list[tuple[date, policy.Counts]]) -> policy.Counts:
    return policy.Counts(admitted=sum(c.admitted for _, c in rows), sent_home=sum(c.sent_home for _, c in rows))


def recent_records(branch: Branch, day: date, limit: int = 10) -> QuerySet[ScreeningRecord]:
    return ScreeningRecord.objects.select_related("booking").filter(branch=branch, day=day).order_by(
        "-screened_at", "-pk")[:limit]


def branches_for_counts(user: Any) -> QuerySet[Branch]:
    return branches_visible_to(user, Action.VIEW_SCREENING_COUNTS).select_related("region").order_by("code")


def next_sessions(branch: Branch, limit: int = 3) -> list[booking_selectors.SessionAvailability]:
    """The next sessions of the branch with seats left (from tomorrow: the booking window)."""
    try:
        availability = booking_selectors.availability_for_branch(branch=branch.code)
    except NotFound:
        return []
    found = []
    for day in availability.days:
        for session in day.sessions:
            if session.status == booking_selectors.OPEN and session.remaining > 0:
                found.append(session)
                if len(found) >= limit:
                    return found
    return found


def active_booking(record: ScreeningRecord) -> Booking | None:
    booking = record.booking
    if booking is None or booking.status != Booking.Status.ACTIVE:
        return None
    return booking


def documents_online(record: ScreeningRecord) -> bool:
    booking = record.booking
    return booking is not None and booking.claim.state in workflow.ACCEPTS_DOCUMENTS
