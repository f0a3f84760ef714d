"""Service levels: the promised payment date of a claim and the daily list of overdue payments sent to
each branch's supervisors (``tasks.payment_overdue_escalations``)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import translation

from lapakasik.accounts.models import OfficerProfile, Role
from lapakasik.branches.models import Branch
from lapakasik.claims import workflow
from lapakasik.claims.models import ClaimEvent, ClaimType
from lapakasik.claims.services import Actor, claim_event_record, claim_lock
from lapakasik.core import clock
from lapakasik.core.dates import long_date
from lapakasik.notifications.recipients import Recipient
from lapakasik.notifications.services import notification_enqueue

from .models import PaymentDue

S = workflow.State
#: A payment is owed while the claim is in these states (the promise runs from VERIFIED to PAID).
PAYMENT_OWED = (S.VERIFIED, S.APPROVED)
ESCALATE_FROM = time(7, 0)  # the branch's local time from which the day's list goes out
MAX_LISTED = 100


def due_end(due_on: date, time_zone: str) -> datetime:
    """The end of the promised day in the branch's zone (an aware moment: the queue's deadline)."""
    return datetime.combine(due_on + timedelta(days=1), time.min, ZoneInfo(time_zone or "Asia/Jakarta"))


def overdue_rows(branch: Branch, today: date) -> list[PaymentDue]:
    return list(PaymentDue.objects.filter(claim__branch=branch, claim__state__in=PAYMENT_OWED, due_on__lt=today)
                .select_related("claim").order_by("due_on", "claim_id"))


def payment_overdue_escalate() -> int:
    """Once a day per branch (from 07:00 branch time), tell the branch's supervisors which claims are past
    their promised payment date — the whole list, whether or not it was sent yesterday. Returns the
    number of branches told. Supervisors without an e-mail address are skipped (the queue shows the same
    list under "Lewat batas")."""
    now = clock.now()
    told = 0
    branch_ids = (PaymentDue.objects.filter(claim__state__in=PAYMENT_OWED, due_on__lt=now.date() + timedelta(days=1))
                  .values_list("claim__branch_id", flat=True).distinct())
    for branch in Branch.objects.filter(pk__in=list(branch_ids)).order_by("pk"):
        local = now.astimezone(ZoneInfo(branch.time_zone or "Asia/Jakarta"))
        if local.time() < ESCALATE_FROM:
            continue
        with transaction.atomic():
            rows = overdue_rows(branch, local.date())
            if not rows or all(r.escalated_on == local.date() for r in rows):
                continue
            if _tell_supervisors(branch, rows):
                told += 1
            actor = Actor.system("service_level")
            for row in rows:
                if row.escalated_on != local.date():
                    claim_event_record(claim=claim_lock(row.claim), kind=ClaimEvent.Kind.PAYMENT_ESCALATED,
                                       actor=actor, data={"due_on": row.due_on.isoformat()})
            PaymentDue.objects.filter(pk__in=[r.pk for r in rows]).update(escalated_on=local.date())
    return told


def _tell_supervisors(branch: Branch, rows: list[PaymentDue]) -> bool:
    supervisors = (OfficerProfile.objects.filter(role=Role.SUPERVISOR, branch=branch, user__is_active=True)
                   .exclude(user__email="").select_related("user"))
    sent = False
    for profile in supervisors:
        user = profile.user
        with translation.override("id"):
            listed = [{"code": r.claim.code, "type": str(ClaimType(r.claim.claim_type).label) if r.claim.claim_type
                       in ClaimType.values else r.claim.claim_type, "state": str(S(r.claim.state).label),
                       "due": long_date(r.due_on, "id"), "reason": ""} for r in rows[:MAX_LISTED]]
        notification_enqueue(
            event="payment_overdue", to=Recipient(name=user.get_full_name() or user.get_username(),
                                                  email=user.email, channels=("email",)),
            context={"overdue": listed, "overdue_count": len(rows), "branch": str(branch)}, channels=["email"])
        sent = True
    return sent
