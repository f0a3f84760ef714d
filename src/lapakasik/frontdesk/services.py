"""Writes of the front desk: a visitor screened at the door, and the retention job for those records.

``screening_record`` writes the record and adds it to the branch's day in ``ScreeningDay`` in one
transaction. A form is recorded once: its ``form_id`` (made when the page was drawn) is unique, so a double
tap, a reload of the POST or two requests at the same moment give the one record that the first made.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from lapakasik.branches.models import Branch
from lapakasik.core import clock
from lapakasik.core.codes import new_token
from lapakasik.core.errors import Conflict, InvalidInput

from . import policy, selectors
from .models import Outcome, ScreeningDay, ScreeningRecord

log = logging.getLogger(__name__)

_FORM_ID = re.compile(r"^[A-Za-z0-9_-]{16,40}$")
PURGE_BATCH = 1000


def form_id_new() -> str:
    return new_token(18)


@dataclass(frozen=True)
class Recorded:
    record: ScreeningRecord
    created: bool  # False: this form had been recorded already (double submit)


def screening_record(*, branch: Branch, user: Any, temperature: Decimal, form_id: str, booking_code: str = "",
                     visitor_name: str = "", now: datetime | None = None) -> Recorded:
    """Record one visitor at ``branch``: admitted below the threshold, sent home at or above it. Refused
    (``InvalidInput``, nothing written): a temperature outside 30–45 °C, an unknown booking code or one of
    another branch, a malformed form id. A form already recorded answers with its record."""
    if not _FORM_ID.match(str(form_id or "")):
        raise InvalidInput(_("Formulir ini sudah tidak berlaku. Isi lagi formulir yang baru."), code="form_expired",
                           fields={"form_id": _("Formulir tidak dikenal.")})
    earlier = selectors.record_by_form(form_id)
    if earlier is not None:
        return _same_form(earlier, branch, temperature, booking_code, visitor_name)
    if (not isinstance(temperature, Decimal) or not temperature.is_finite()
            or not policy.MIN_C <= temperature <= policy.MAX_C):
        raise InvalidInput(fields={"temperature": _("Suhu harus antara 30,0 dan 45,0 °C.")})
    temperature = temperature.quantize(policy.ONE_DECIMAL)
    try:
        name = policy.visitor_name_clean(visitor_name)
    except ValueError as exc:
        raise InvalidInput(fields={"visitor_name": str(exc)}) from None
    booking = None
    if str(booking_code or "").strip():
        booking = selectors.booking_by_code(booking_code)
        if booking is None:
            raise InvalidInput(code="booking_not_found", fields={"booking_code": _(
                "Kode booking tidak ditemukan. Periksa kodenya di tiket, atau kosongkan dan tulis namanya saja.")})
        if booking.slot.branch_id != branch.pk:
            raise InvalidInput(code="booking_other_branch", fields={"booking_code": _(
                "Booking ini untuk %(branch)s, bukan cabang ini. Periksa kodenya, atau kosongkan dan tulis "
                "namanya saja.") % {"branch": booking.slot.branch.name}})
    threshold = selectors.threshold()
    at = now or clock.now()
    outcome = policy.outcome_for(temperature, threshold)
    day = selectors.local_day(branch, at)
    try:
        with transaction.atomic():
            record = ScreeningRecord.objects.create(
                branch=branch, screened_at=at, day=day, temperature=temperature, threshold=threshold,
                outcome=outcome, booking=booking, visitor_name=name, screened_by_id=getattr(user, "pk", None),
                form_id=form_id)
            counter, _created = ScreeningDay.objects.get_or_create(branch=branch, day=day)
            field = "admitted" if outcome == Outcome.ADMITTED else "sent_home"
            ScreeningDay.objects.filter(pk=counter.pk).update(**{field: F(field) + 1})
    except IntegrityError:
        earlier = selectors.record_by_form(form_id)  # the twin request committed first
        if earlier is None:
            raise
        return _same_form(earlier, branch, temperature, booking_code, visitor_name)
    log.info("screening recorded: branch=%s outcome=%s", branch.code, outcome)
    return Recorded(record=record, created=True)


def _same_form(record: ScreeningRecord, branch: Branch, temperature: Any, booking_code: str,
               visitor_name: str) -> Recorded:
    """A form sent again: the same entries are the same visitor (a double tap, a reload) and get the record
    already made; other entries on a used form (the page was reopened with the back button for the next
    visitor) are refused, so that nobody's reading is lost or taken for another's."""
    try:
        name = policy.visitor_name_clean(visitor_name)
    except ValueError:
        name = None
    code = selectors.booking_by_code(booking_code) if str(booking_code or "").strip() else None
    same = (record.branch_id == branch.pk and isinstance(temperature, Decimal) and temperature.is_finite()
            and record.temperature == temperature.quantize(policy.ONE_DECIMAL) and record.visitor_name == name
            and record.booking_id == (code.pk if code else None)
            and bool(str(booking_code or "").strip()) == (record.booking_id is not None))
    if not same:
        raise Conflict(_("Formulir ini sudah dipakai untuk pengunjung sebelumnya. Periksa isian lalu kirim lagi."),
                       code="form_used")
    return Recorded(record=record, created=False)


def screening_records_purge(now: datetime | None = None) -> int:
    """Delete the screening records older than ``SCREENING_RETENTION_DAYS`` (personal health data); the
    counts per day stay. In batches, each its own short transaction. Returns how many were deleted."""
    cutoff = policy.purge_before(now or clock.now(), selectors.retention_days())
    deleted = 0
    while True:
        ids = list(ScreeningRecord.objects.filter(screened_at__lt=cutoff).order_by("pk")
                   .values_list("pk", flat=True)[:PURGE_BATCH])
        if not ids:
            break
        with transaction.atomic():
            n, _per_model = ScreeningRecord.objects.filter(pk__in=ids).delete()
        deleted += n
    if deleted:
        log.info("screening records purged: %d (older than %s)", deleted, cutoff.isoformat())
    return deleted
