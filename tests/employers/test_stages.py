"""JKK stage I and stage II reports by a company's HR officer, through the pages: what the officer, the
worker and the branch see, and every refusal changing nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from tests.accounts.helpers import officer_login

from .conftest import FIXED_NOW, FORM3A_COMPANY, OTHER_NPP, stage_one_form

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    from lapakasik.claims.models import Claim, ClaimEvent
    from lapakasik.employers.models import JkkReport

    return Claim.objects.count(), JkkReport.objects.count(), ClaimEvent.objects.count()


def _report(client: Client, worker: dict[str, Any], **kw: Any) -> Any:
    return client.post("/perusahaan/laporan-tahap-1/", stage_one_form(worker, **kw))


def test_stage_one_opens_the_workers_jkk_claim_and_tells_the_worker(registry: Any, now: Any, hr_client: Client) -> None:
    from lapakasik.claims.models import ClaimEvent, ClaimParty
    from lapakasik.employers.models import JkkReport
    from lapakasik.notifications.models import Notification

    worker = registry["own"]
    r = _report(hr_client, worker)
    assert r.status_code == 302 and r["Location"] == "/perusahaan/"
    report = JkkReport.objects.get()
    claim = report.claim
    assert (claim.claim_type, claim.claim_reason, claim.opened_via) == ("JKK", "ACCIDENT", "employer_report")
    assert (claim.insured_nik, claim.insured_kpj, claim.state) == (worker["nik"], worker["kpj"], "AWAITING_DOCUMENTS")
    applicant = ClaimParty.objects.get(claim=claim, is_applicant=True)
    assert (applicant.role, applicant.nik, applicant.full_name) == ("participant", worker["nik"], worker["full_name"])
    company = ClaimParty.objects.get(claim=claim, is_applicant=False)
    assert (company.role, company.npp, company.email) == ("employer_officer", "31001001", "hrd@maju-bersama.contoh.id")
    # due 2 × 24 h after the accident (20 December 08:30 WIB), filed the next day: on time
    assert report.stage1_due_at == report.occurred_at + timedelta(hours=48) and not report.stage1_late
    first = ClaimEvent.objects.get(claim=claim, seq=1)
    assert first.actor_kind == "employer" and first.data["npp"] == "31001001" and first.data["late"] is False
    # the worker is told, in their language, on the channels the company gave, with the upload link
    told = Notification.objects.filter(claim=claim, event="jkk_claim_started")
    assert {n.channel for n in told} == {"email", "whatsapp"}
    assert {n.recipient for n in told} == {"pekerja@contoh.id", "+6281234567890"}
    page = hr_client.get("/perusahaan/").content.decode()
    assert claim.code in page and "Kirim laporan tahap II" in page
    assert worker["nik"] not in page  # no NIK on the list


def test_the_workers_message_reads_in_both_languages(registry: Any, now: Any, hr_client: Client) -> None:
    from lapakasik.notifications.models import Notification
    from lapakasik.notifications.services import notification_render

    _report(hr_client, registry["own"], worker_language="en", worker_phone="")
    row = Notification.objects.get(event="jkk_claim_started")
    text = notification_render(row).text
    assert "PT Maju Bersama has reported your work accident" in text and "/unggah/" in text
    _report(hr_client, registry["own2"])
    row = Notification.objects.filter(event="jkk_claim_started", language="id").first()
    assert row is not None and "telah melaporkan kecelakaan kerja Anda" in notification_render(row).text


def test_a_late_stage_one_is_accepted_and_flagged_late(registry: Any, now: Any, hr_client: Client) -> None:
    from lapakasik.employers.models import JkkReport

    r = _report(hr_client, registry["own"], day=date(2026, 12, 18), at="09:59")  # 72 h before
    assert r.status_code == 302
    report = JkkReport.objects.get()
    assert report.stage1_late and report.claim.state == "AWAITING_DOCUMENTS"
    page = hr_client.get("/perusahaan/").content.decode()
    assert "tahap I terlambat" in page and "ditandai terlambat" in page


def test_just_within_two_days_is_on_time(registry: Any, now: Any, hr_client: Client) -> None:
    from lapakasik.employers.models import JkkReport

    _report(hr_client, registry["own"], day=date(2026, 12, 19), at="10:00")  # exactly 48 h before, WIB
    assert not JkkReport.objects.get().stage1_late


@pytest.mark.parametrize("who", ["other", "left"])
def test_a_worker_the_company_did_not_employ_on_the_day_is_refused(registry: Any, now: Any, hr_client: Client,
                                                                    who: str) -> None:
    before = _counts()
    r = _report(hr_client, registry[who])
    assert r.status_code == 200 and "tidak bekerja di perusahaan Anda pada tanggal kejadian" in r.content.decode()
    assert _counts() == before


def test_a_former_worker_is_reported_for_an_accident_while_employed(registry: Any, now: Any, hr_client: Client) -> None:
    r = _report(hr_client, registry["left"], day=date(2025, 6, 30))  # their last day at the company
    assert r.status_code == 302


def test_an_unknown_worker_gets_the_same_answer_as_another_companys(registry: Any, now: Any, hr_client: Client) -> None:
    worker = {**registry["own"], "kpj": "99999999999"}
    r = _report(hr_client, worker)
    assert "tidak bekerja di perusahaan Anda pada tanggal kejadian" in r.content.decode()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("nik", "12345", "NIK"), ("nik", "", ""), ("kpj", "abc", ""), ("kind", "fire", ""), ("branch", "ZZZ99", "cabang"),
    ("occurred_on", "2026-02-30", "Tanggal tidak valid"), ("occurred_on", "2026-12-22", "masa depan"),
    ("occurred_time", "25:00", "Jam tidak valid"), ("place", "", ""), ("description", "jatuh", "10–2000"),
    ("description", "x" * 2001, ""), ("worker_phone", "12ab", ""), ("worker_email", "bukan-email", ""),
    ("worker_language", "fr", ""), ("nik", "3174\x00010101900003", ""),
])
def test_malformed_stage_one_is_refused_and_changes_nothing(registry: Any, now: Any, hr_client: Client, field: str,
                                                            value: str, message: str) -> None:
    before = _counts()
    r = _report(hr_client, registry["own"], **{field: value})
    assert r.status_code in (200, 400), r.status_code
    if r.status_code == 200:
        page = r.content.decode()
        assert "Belum terkirim" in page and message in page
    assert _counts() == before


def test_a_stage_one_without_any_contact_of_the_worker_is_refused(registry: Any, now: Any, hr_client: Client) -> None:
    before = _counts()
    r = _report(hr_client, registry["own"], worker_phone="", worker_email="")
    assert r.status_code == 200 and "Belum terkirim" in r.content.decode()
    assert _counts() == before


def test_a_double_submit_opens_one_claim(registry: Any, now: Any, hr_client: Client) -> None:
    first = _report(hr_client, registry["own"])
    before = _counts()
    again = _report(hr_client, registry["own"])
    assert first.status_code == 302 and again.status_code == 200
    assert "sudah punya klaim JKK yang sedang berjalan" in again.content.decode()
    assert _counts() == before


# --- stage II ------------------------------------------------------------------------------------------

def _stage_two(client: Client, code: str, **kw: Any) -> Any:
    return client.post(f"/perusahaan/klaim/{code}/tahap-2/",
                       {"outcome": "recovered", "outcome_on": "2026-12-21", "description": "Sudah bekerja lagi.",
                        **FORM3A_COMPANY, **kw})


@pytest.fixture
def opened(registry: Any, now: Any, hr_client: Client) -> Any:
    from lapakasik.employers.models import JkkReport

    assert _report(hr_client, registry["own"]).status_code == 302
    return JkkReport.objects.get().claim


def test_stage_two_after_stage_one(opened: Any, hr_client: Client) -> None:
    from lapakasik.claims.models import ClaimEvent
    from lapakasik.employers.models import JkkReport

    assert hr_client.get(f"/perusahaan/klaim/{opened.code}/tahap-2/").status_code == 200
    r = _stage_two(hr_client, opened.code)
    assert r.status_code == 302
    report = JkkReport.objects.get()
    assert (report.outcome, report.outcome_on, report.stage2_late) == ("recovered", date(2026, 12, 21), False)
    event = ClaimEvent.objects.filter(claim=opened).order_by("-seq").first()
    assert event is not None and event.kind == "employer_report_filed" and event.data["stage"] == 2
    page = hr_client.get("/perusahaan/").content.decode()
    assert "Tidak ada klaim yang menunggu" in page and "Sembuh" in page


def test_stage_two_twice_is_refused(opened: Any, hr_client: Client) -> None:
    _stage_two(hr_client, opened.code)
    before = _counts()
    again = _stage_two(hr_client, opened.code, outcome="death")
    assert again.status_code == 200 and "sudah dikirim" in again.content.decode()
    assert _counts() == before


def test_a_late_stage_two_is_accepted_and_flagged(opened: Any, hr_client: Client, monkeypatch: Any) -> None:
    from lapakasik.core import clock
    from lapakasik.employers.models import JkkReport

    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW + timedelta(days=10))
    assert _stage_two(hr_client, opened.code, outcome="partial_disability").status_code == 302
    assert JkkReport.objects.get().stage2_late


@pytest.mark.parametrize(("field", "value"), [
    ("outcome", "better"), ("outcome", ""), ("outcome_on", "2026-12-19"), ("outcome_on", "2026-12-22"),
    ("outcome_on", "kemarin"), ("description", "x" * 2001),
])
def test_malformed_stage_two_is_refused(opened: Any, hr_client: Client, field: str, value: str) -> None:
    from lapakasik.employers.models import JkkReport

    r = _stage_two(hr_client, opened.code, **{field: value})
    assert r.status_code == 200 and "Belum terkirim" in r.content.decode()
    assert JkkReport.objects.get().stage2_at is None


def test_another_companys_claim_is_not_found(opened: Any, other_hr: Any) -> None:
    client = officer_login(Client(), other_hr)
    assert client.get(f"/perusahaan/klaim/{opened.code}/tahap-2/").status_code == 404
    assert _stage_two(client, opened.code).status_code == 404
    assert opened.code not in client.get("/perusahaan/").content.decode()
    from lapakasik.employers.models import JkkReport

    assert JkkReport.objects.get().stage2_at is None


def test_stage_two_before_stage_one_is_not_found(registry: Any, now: Any, hr_client: Client) -> None:
    """A JKK claim the company is a party of, without its stage I report (opened another way): stage II
    cannot come first."""
    from lapakasik.claims.parties import Applicant, Role
    from tests.claims.factories import open_claim

    claim = open_claim(claim_type="JKK", claim_reason="ACCIDENT", nik=registry["own"]["nik"])
    from lapakasik.claims.models import ClaimParty

    company = Applicant(full_name="Rina", email="hrd@maju-bersama.contoh.id", role=Role.EMPLOYER_OFFICER,
                        npp="31001001")
    ClaimParty.objects.create(claim=claim, role=company.role, npp=company.npp, full_name=company.full_name,
                              email=company.email, channels=["email"])
    before = _counts()
    assert hr_client.get(f"/perusahaan/klaim/{claim.code}/tahap-2/").status_code == 404
    assert _stage_two(hr_client, claim.code).status_code == 404
    assert _counts() == before


def test_a_claim_that_is_not_jkk_is_not_found(registry: Any, now: Any, hr_client: Client) -> None:
    """Even a JHT claim the company is a party of: the JKK report is for JKK claims only."""
    from lapakasik.claims.models import ClaimParty
    from tests.claims.factories import open_claim

    claim = open_claim(claim_type="JHT", claim_reason="RESIGNED", nik=registry["own"]["nik"])
    ClaimParty.objects.create(claim=claim, role="employer_officer", npp="31001001", full_name="Rina",
                              email="hrd@maju-bersama.contoh.id", channels=["email"])
    assert hr_client.get(f"/perusahaan/klaim/{claim.code}/tahap-2/").status_code == 404
    assert _stage_two(hr_client, claim.code).status_code == 404
    assert hr_client.get("/perusahaan/klaim/ZZZZZZZZ/tahap-2/").status_code == 404  # the same as unknown


def test_agency_officers_cannot_file_a_companys_report(opened: Any, officers: None) -> None:
    from django.contrib.auth import get_user_model

    client = officer_login(Client(), get_user_model().objects.get(username="kepala.sudirman"))
    assert client.get(f"/perusahaan/klaim/{opened.code}/tahap-2/").status_code == 403
    assert client.post("/perusahaan/laporan-tahap-1/", {}).status_code == 403


def test_the_other_company_sees_none_of_it(opened: Any, other_hr: Any) -> None:
    assert OTHER_NPP != "31001001"
    page = officer_login(Client(), other_hr).get("/perusahaan/").content.decode()
    assert "Tidak ada klaim yang menunggu" in page


def test_the_company_pages_read_in_english(opened: Any, hr_client: Client) -> None:
    en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    form = hr_client.get("/perusahaan/laporan-tahap-1/", **en).content.decode()  # type: ignore[arg-type]
    assert "Work accident report, stage I" in form and "Worker&#x27;s NIK" in form
    home = hr_client.get("/perusahaan/", **en).content.decode()  # type: ignore[arg-type]
    assert "Waiting for the stage II report" in home and "Accident at the workplace or on duty" in home
    assert "December 2026" in home  # the accident's moment in the one long format, in English
    two = hr_client.get(f"/perusahaan/klaim/{opened.code}/tahap-2/", **en).content.decode()  # type: ignore[arg-type]
    assert "Recovered" in two and "Date of the doctor&#x27;s statement" in two
