"""Service levels: the promised payment date in the branch's working days, the queue's deadline and
"overdue" filter, the participant's page, and the daily list to the branch's supervisors."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lapakasik.core import clock

pytestmark = pytest.mark.django_db
JAKARTA = ZoneInfo("Asia/Jakarta")


def _verify_at(claim: Any, moment: datetime, monkeypatch: Any) -> None:
    from lapakasik.claims.services import Actor, claim_transition

    monkeypatch.setattr(clock, "now", lambda: moment)
    claim_transition(claim=claim, to="VERIFIED", actor=Actor.system("test"), notify=False)


@pytest.mark.parametrize("claim_type, reason, due", [("JHT", "RESIGNED", date(2027, 1, 4)),
                                                      ("JKM", "DEATH", date(2026, 12, 30))])
def test_the_promise_counts_the_branchs_working_days_without_holidays_and_closures(
        verified_claim: Any, branch: Any, monkeypatch: Any, claim_type: str, reason: str, due: date) -> None:
    from lapakasik.branches.models import Closure
    from lapakasik.payments.models import PaymentDue

    Closure.objects.create(date=date(2026, 12, 24), reason="Cuti bersama Natal")  # national
    claim = verified_claim(state="IN_REVIEW", claim_type=claim_type, claim_reason=reason)
    # Wednesday 23 December, 16:00 in Jakarta: Thu 24 closed, Fri 25 Christmas, Fri 1 January New Year.
    _verify_at(claim, datetime(2026, 12, 23, 16, 0, tzinfo=JAKARTA), monkeypatch)
    assert PaymentDue.objects.get(claim=claim).due_on == due


def test_a_service_level_row_overrides_the_default(verified_claim: Any, monkeypatch: Any) -> None:
    from lapakasik.payments.models import PaymentDue, ServiceLevel

    ServiceLevel.objects.create(claim_type="JHT", payment_days=1)
    claim = verified_claim(state="IN_REVIEW")
    _verify_at(claim, datetime(2026, 12, 7, 9, 0, tzinfo=JAKARTA), monkeypatch)  # a Monday
    assert PaymentDue.objects.get(claim=claim).due_on == date(2026, 12, 8)


def test_the_queue_shows_the_payment_deadline_and_overdue_claims(
        verified_claim: Any, branch: Any, staff: dict[str, Any], monkeypatch: Any) -> None:
    from lapakasik.casework.policy import QueueFilter
    from lapakasik.casework.selectors import work_queue

    late = verified_claim(state="IN_REVIEW", session_at=datetime(2026, 12, 7, 2, 0, tzinfo=ZoneInfo("UTC")))
    _verify_at(late, datetime(2026, 12, 7, 9, 0, tzinfo=JAKARTA), monkeypatch)  # due Mon 14 Dec
    on_time = verified_claim(state="IN_REVIEW", nik="3174010101900095",
                             session_at=datetime(2026, 12, 7, 2, 0, tzinfo=ZoneInfo("UTC")))
    _verify_at(on_time, datetime(2026, 12, 10, 9, 0, tzinfo=JAKARTA), monkeypatch)  # due Thu 17 Dec
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 15, 10, 0, tzinfo=JAKARTA))
    page = work_queue(branch_ids=[branch.pk], f=QueueFilter(), user_id=None, time_zone="Asia/Jakarta")
    rows = {r.code: r for r in page.rows}
    assert rows[late.code].overdue and rows[late.code].left.startswith("lewat")
    assert not rows[on_time.code].overdue
    assert rows[on_time.code].deadline == datetime(2026, 12, 18, 0, 0, tzinfo=JAKARTA)
    overdue = work_queue(branch_ids=[branch.pk], f=QueueFilter(overdue=True), user_id=None, time_zone="Asia/Jakarta")
    assert [r.code for r in overdue.rows] == [late.code]


def test_the_daily_escalation_lists_overdue_claims_to_the_supervisors_once_a_day(
        verified_claim: Any, branch: Any, staff: dict[str, Any], monkeypatch: Any) -> None:
    from lapakasik.claims.models import ClaimEvent
    from lapakasik.notifications.models import Notification
    from lapakasik.payments.sla import payment_overdue_escalate

    staff["supervisor"].email = "kepala@example.id"
    staff["supervisor"].save()
    zone = ZoneInfo(branch.time_zone)
    late = verified_claim(state="IN_REVIEW")
    _verify_at(late, datetime(2026, 12, 7, 9, 0, tzinfo=zone), monkeypatch)  # due 14 Dec
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 15, 6, 0, tzinfo=zone))
    assert payment_overdue_escalate() == 0  # before 07:00 branch time
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 15, 8, 0, tzinfo=zone))
    assert payment_overdue_escalate() == 1
    assert payment_overdue_escalate() == 0  # once a day
    (sent,) = Notification.objects.filter(event="payment_overdue")
    assert sent.recipient == "kepala@example.id" and sent.context["overdue_count"] == 1
    assert sent.context["overdue"][0]["code"] == late.code
    assert ClaimEvent.objects.filter(claim=late, kind="payment_escalated").count() == 1
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 16, 8, 0, tzinfo=zone))
    assert payment_overdue_escalate() == 1  # the next day, the list again
    assert Notification.objects.filter(event="payment_overdue").count() == 2


def test_a_claim_paid_or_on_time_is_not_escalated(
        payable: Any, verified_claim: Any, staff: dict[str, Any], monkeypatch: Any) -> None:
    from lapakasik.claims.models import Claim
    from lapakasik.notifications.models import Notification
    from lapakasik.payments.sla import payment_overdue_escalate

    staff["supervisor"].email = "kepala@example.id"
    staff["supervisor"].save()
    claim = verified_claim(state="IN_REVIEW")
    _verify_at(claim, datetime(2026, 12, 7, 9, 0, tzinfo=JAKARTA), monkeypatch)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 14, 20, 0, tzinfo=JAKARTA))  # the due day itself
    assert payment_overdue_escalate() == 0
    assert not Notification.objects.filter(event="payment_overdue").exists()
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 15, 8, 0, tzinfo=JAKARTA) + timedelta(days=30))
    Claim.objects.filter(pk=claim.pk).update(state="PAID")
    assert payment_overdue_escalate() == 0
