"""Opening a booking inside the transaction that takes (or took) its seat: the claim with its applicant
party and first event (``claims.services.claim_open``), the Booking (the seat only), the intake links,
the stored "booking confirmed" notification and the broker check. Shared by booking and accepting a
waitlist offer."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

from lapakasik.booking import cache, policy
from lapakasik.booking.models import Booking, BrokerSignal
from lapakasik.claims.models import Claim, ClaimEvent, ClaimParty
from lapakasik.claims.parties import Role
from lapakasik.claims.services import Actor, applicant_recipient, claim_open
from lapakasik.claims.workflow import State
from lapakasik.core.codes import new_code
from lapakasik.intake.services import intake_open
from lapakasik.notifications.services import notification_enqueue

from .slots import ticket_urls, times_context
from .validation import BookingRequest, setting

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BookingResult:
    booking: Booking
    claim: Claim
    access_token: str
    intake: Any  # lapakasik.intake.services.IntakeLinks
    request: BookingRequest  # the branch and session booked (no re-read needed to answer)

    @property
    def code(self) -> str:
        return self.booking.code


@lru_cache(maxsize=1)
def _broker_sql() -> str:
    """The broker check's query, built once from the models' names: on every booking, the ORM's compiling
    of this join cost more CPU than the rest of the check (docs/benchmarks.md, "Booking CPU")."""
    q = connection.ops.quote_name
    party, claim = ClaimParty._meta, Claim._meta
    col = {f.name: q(f.column) for f in party.concrete_fields}
    return (f"SELECT c.{q(Claim._meta.get_field('insured_nik').column)}, p.{col['phone']}, p.{col['email']} "  # noqa: S608 - names from the models
            f"FROM {q(party.db_table)} p JOIN {q(claim.db_table)} c ON c.{q(claim.pk.column)} = p.{col['claim']} "
            f"WHERE (p.{col['phone']} = %s OR p.{col['email']} = %s) AND p.{col['is_applicant']} "
            f"AND p.{col['created_at']} >= %s AND p.{col['role']} <> %s LIMIT 1000")


def broker_check(*, email: str, phone: str, now: datetime) -> bool:
    """One query: the insured NIKs of recent claims whose applicant shares this phone or this e-mail (a
    handful of rows). An employer's officer applies for many workers by design and is not counted."""
    threshold = int(setting("BROKER_THRESHOLD", 3))
    if threshold <= 0:
        return False
    with connection.cursor() as cursor:
        since = connection.ops.adapt_datetimefield_value(now - timedelta(days=90))
        cursor.execute(_broker_sql(), [phone, email, since, Role.EMPLOYER_OFFICER])
        rows = cursor.fetchall()
    flagged = False
    for kind, column, value in (("phone", "phone", phone), ("email", "email", email)):
        count = len({nik for nik, p, e in rows if (p if column == "phone" else e) == value})
        if policy.is_broker(count, threshold):
            flagged = True
            signal, created = BrokerSignal.objects.get_or_create(kind=kind, value=value,
                                                                 defaults={"nik_count": count})
            if not created and signal.nik_count != count:
                BrokerSignal.objects.filter(pk=signal.pk).update(nik_count=count, last_seen_at=now)
            Booking.objects.filter(**{f"claim__parties__{column}": value}, claim__parties__is_applicant=True,
                                   status=Booking.Status.ACTIVE, broker_flag=False).update(broker_flag=True)
    return flagged


def open_booking(*, slot_id: int, req: BookingRequest, actor: Actor, now: datetime,
                 event_data: dict[str, Any] | None = None) -> BookingResult:
    """Inside the transaction that takes (or took) the seat: the claim, booking, event, intake links and
    notification. A new claim: no reads of its (empty) event chain or intake links, and no savepoints —
    the caller retries the whole transaction on an IntegrityError (the one-open-claim index, a code
    collision)."""
    code = new_code(8)
    tz = ZoneInfo(req.branch.time_zone)
    context = times_context(req.session.starts_at, req.session.ends_at, req.branch)
    asked = {"benefit_form": req.benefit_form} if req.benefit_form else {}
    opened = claim_open(
        applicant=req.applicant, insured=req.insured, claim_type=req.claim_type, claim_reason=req.claim_reason, branch=req.branch,
        channel="booking", actor=actor, code=code, state=State.BOOKED, first_event_kind=ClaimEvent.Kind.BOOKING_CREATED,
        documents_due_at=policy.documents_due(req.session.starts_at.astimezone(tz)), session_at=req.session.starts_at,
        first_event_data={**context, **asked, **(event_data or {})})
    claim = opened.claim
    booking = Booking.objects.create(code=code, claim=claim, slot_id=slot_id)
    links = intake_open(claim=claim, new_claim=True)
    pdf_url, ics_url = ticket_urls(code)
    notification_enqueue(event="booking_confirmed", claim=claim, to=applicant_recipient(claim), savepoint=False,
                         context={**context, "code": code, "claim_type": req.claim_type,
                                  "claim_reason": req.claim_reason, "intake_email": links.email_address,
                                  "upload_url": links.upload_url, "ticket_pdf_url": pdf_url,
                                  "calendar_ics_url": ics_url})
    if broker_check(email=req.applicant.email, phone=req.applicant.phone, now=now):
        booking.broker_flag = True
        log.warning("broker signal: booking %s shares contact with other NIKs", code)
    cache.invalidate_on_commit(req.branch.id, [slot_id], seats_taken_only=True)
    return BookingResult(booking=booking, claim=claim, access_token=opened.access_token, intake=links, request=req)
