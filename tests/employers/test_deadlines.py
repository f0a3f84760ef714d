"""The periodic job of the JKK report deadlines: a late report is flagged to the branch once (history and an
e-mail to its supervisors); a missing stage II is reminded to the company once. And the rules, pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from .conftest import FIXED_NOW, FORM3A_COMPANY, stage_one_form

pytestmark = pytest.mark.django_db


def _tick(at: datetime) -> int:
    from lapakasik.employers.services import reports_tick

    return reports_tick(now=at)


def test_a_late_report_is_flagged_to_the_branch_once(officers: None, registry: Any, now: Any,
                                                     hr_client: Client) -> None:
    from lapakasik.claims.models import ClaimEvent
    from lapakasik.employers.models import JkkReport
    from lapakasik.notifications.models import Notification
    from lapakasik.notifications.services import notification_render

    hr_client.post("/perusahaan/laporan-tahap-1/", stage_one_form(registry["own"], day=date(2026, 12, 15)))
    report = JkkReport.objects.get()
    assert report.stage1_late
    assert _tick(FIXED_NOW) == 1  # kepala.sudirman, the supervisor of JKT01
    told = Notification.objects.get(event="jkk_report_late")
    assert told.recipient == "kepala.sudirman@lapakasik.localhost" and told.claim_id == report.claim_id
    assert "terlambat" in notification_render(told).text
    assert ClaimEvent.objects.filter(claim=report.claim, kind="employer_report_late").count() == 1
    assert _tick(FIXED_NOW + timedelta(minutes=15)) == 0  # once
    assert Notification.objects.filter(event="jkk_report_late").count() == 1
    assert ClaimEvent.objects.filter(claim=report.claim, kind="employer_report_late").count() == 1


def test_an_on_time_report_is_not_flagged(officers: None, registry: Any, now: Any, hr_client: Client) -> None:
    from lapakasik.notifications.models import Notification

    hr_client.post("/perusahaan/laporan-tahap-1/", stage_one_form(registry["own"]))
    assert _tick(FIXED_NOW) == 0 and not Notification.objects.filter(event="jkk_report_late").exists()


def test_a_missing_stage_two_is_reminded_to_the_company_once(registry: Any, now: Any, hr_client: Client) -> None:
    from lapakasik.claims.models import ClaimEvent
    from lapakasik.employers.models import JkkReport
    from lapakasik.notifications.models import Notification

    hr_client.post("/perusahaan/laporan-tahap-1/", stage_one_form(registry["own"]))
    report = JkkReport.objects.get()
    assert _tick(FIXED_NOW + timedelta(days=13)) == 0  # not yet
    assert _tick(FIXED_NOW + timedelta(days=14)) == 1
    reminder = Notification.objects.get(event="jkk_stage2_reminder")
    assert reminder.recipient == "hrd@maju-bersama.contoh.id"
    assert f"/perusahaan/klaim/{report.claim.code}/tahap-2/" in str(reminder.context)
    assert _tick(FIXED_NOW + timedelta(days=20)) == 0  # once
    assert ClaimEvent.objects.filter(claim=report.claim, kind="employer_reminded").count() == 1


def test_no_reminder_after_stage_two(registry: Any, now: Any, hr_client: Client) -> None:
    from lapakasik.notifications.models import Notification

    hr_client.post("/perusahaan/laporan-tahap-1/", stage_one_form(registry["own"]))
    code = hr_client.get("/perusahaan/").content.decode().split("/perusahaan/klaim/")[1].split("/")[0]
    hr_client.post(f"/perusahaan/klaim/{code}/tahap-2/", {"outcome": "recovered", "outcome_on": "2026-12-21", **FORM3A_COMPANY})
    assert _tick(FIXED_NOW + timedelta(days=30)) == 0
    assert not Notification.objects.filter(event="jkk_stage2_reminder").exists()


def test_the_job_is_registered() -> None:
    from lapakasik.core.periodic import REGISTRY, autodiscover

    autodiscover()
    assert REGISTRY["employer_reports_tick"].every == timedelta(minutes=15)


# --- the rules, pure -------------------------------------------------------------------------------------

def test_deadlines() -> None:
    from lapakasik.employers.policy import late, stage1_due, stage2_due

    accident = datetime(2026, 12, 20, 1, 30, tzinfo=UTC)
    assert stage1_due(accident) == datetime(2026, 12, 22, 1, 30, tzinfo=UTC)
    assert not late(stage1_due(accident), stage1_due(accident))
    assert late(stage1_due(accident) + timedelta(seconds=1), stage1_due(accident))
    assert stage2_due(datetime(2026, 12, 21, tzinfo=UTC)) == datetime(2026, 12, 23, tzinfo=UTC)


def test_employed_on() -> None:
    from lapakasik.employers.policy import employed_on
    from lapakasik.registry.adapters import EmploymentPeriod

    periods = [EmploymentPeriod("31001001", date(2020, 1, 1), date(2025, 6, 30)),
               EmploymentPeriod("32002002", date(2025, 7, 1))]
    assert employed_on(periods, "31001001", date(2025, 6, 30))
    assert not employed_on(periods, "31001001", date(2025, 7, 1))
    assert not employed_on(periods, "31001001", date(2019, 12, 31))
    assert employed_on(periods, "32002002", date(2030, 1, 1))
    assert not employed_on([], "31001001", date(2025, 1, 1))


@pytest.mark.parametrize(("email", "listed", "ok"), [
    ("hrd@a.id", ["hrd@a.id"], True), ("HRD@A.ID", ["hrd@a.id"], True), ("hrd@a.id ", ["hrd@a.id"], True),
    ("hr@a.id", ["hrd@a.id"], False), ("", [""], False), ("hrd@a.id", [], False),
    ("hrd@a.id.evil.id", ["hrd@a.id"], False),
])
def test_may_invite(email: str, listed: list[str], ok: bool) -> None:
    from lapakasik.employers.policy import may_invite

    assert may_invite(email, listed) is ok


# --- the demo ---------------------------------------------------------------------------------------

def test_the_demo_employer_officer_belongs_to_a_demo_company_and_its_hr_address() -> None:
    from lapakasik.accounts.seed import DEMO_EMPLOYER_OFFICERS, DEMO_USERS
    from lapakasik.registry.seed import EMPLOYER_DETAILS, EMPLOYERS, employer

    companies = {row[0]: employer(k) for k, row in enumerate(EMPLOYER_DETAILS) if k < len(EMPLOYERS)}
    employer_users = [u[0] for u in DEMO_USERS if u[1] == "employer_officer"]
    assert employer_users and set(employer_users) == set(DEMO_EMPLOYER_OFFICERS)
    for npp, email in DEMO_EMPLOYER_OFFICERS.values():
        assert email in companies[npp]["hr_emails"]


def test_the_demo_employer_officer_is_seeded_and_reports_a_demo_accident(network: None) -> None:
    from django.contrib.auth import get_user_model

    from lapakasik.accounts.models import OfficerProfile
    from lapakasik.accounts.seed import seed_demo as accounts_seed
    from lapakasik.accounts.selectors import demo_logins
    from lapakasik.registry.models import DemoParticipant
    from lapakasik.registry.seed import seed_demo as registry_seed
    from tests.accounts.helpers import officer_login

    registry_seed(participants=60)
    accounts_seed()
    accounts_seed()  # idempotent
    profile = OfficerProfile.objects.get(user__username="hrd.majubersama")
    assert (profile.role, profile.npp) == ("employer_officer", "31001001")
    assert any(login.username == "hrd.majubersama" and login.secret for login in demo_logins())
    # a demo worker of the company can be reported from the demo alone
    worker = next(p for p in DemoParticipant.objects.filter(employer_npp="31001001", date_of_death__isnull=True)
                  if any(e["npp"] == "31001001" and e["end"] is None for e in p.employments))
    client = officer_login(Client(), get_user_model().objects.get(username="hrd.majubersama"))
    today = datetime.now(UTC).date()
    r = client.post("/perusahaan/laporan-tahap-1/", stage_one_form(
        {"nik": worker.nik, "kpj": worker.kpj}, day=today - timedelta(days=1), at="08:00"))
    assert r.status_code == 302, r.content.decode()[-2000:]
