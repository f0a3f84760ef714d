"""A JKK claim opened by the employer's stage I report, with no accident in the registry: the officer's trace
takes the employer's report as the accident report (and says so), and the benefit — treatment costs and
STMB — comes from the stage II report's figures, through to the payment instruction. Hostile figures in the
stage II report are refused on the employer's page and change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.casework.conftest import login, other_branch, staff  # noqa: F401 - fixtures re-used
from tests.employers.conftest import FORM3A_COMPANY, branch, hr, hr_client, now, registry, stage_one_form  # noqa: F401

pytestmark = pytest.mark.django_db

STAGE_TWO = {"outcome": "recovered", "outcome_on": "2026-12-21", "description": "Sudah bekerja lagi.", **FORM3A_COMPANY,
             "hari_tidak_bekerja": "", "biaya_pengobatan": "", "upah": ""}


@pytest.fixture
def opened(registry: Any, now: Any, hr_client: Client) -> Any:  # noqa: F811
    from lapakasik.employers.models import JkkReport

    assert not registry["own"]["accidents"]  # the registry knows of no accident
    assert hr_client.post("/perusahaan/laporan-tahap-1/", stage_one_form(registry["own"])).status_code == 302
    return JkkReport.objects.get()


def _verified(report: Any, officer: Any) -> Any:
    from lapakasik.claims.models import Claim

    Claim.objects.filter(pk=report.claim_id).update(state="VERIFIED", assignee=officer)
    return Claim.objects.get(pk=report.claim_id)


def test_the_trace_takes_the_employer_s_stage_one_report_and_the_benefit_its_stage_two_figures(
        client: Client, opened: Any, hr_client: Client, staff: Any, defaults: None) -> None:  # noqa: F811
    from lapakasik.benefits.models import Decision
    from lapakasik.payments.models import PaymentInstruction

    r = hr_client.post(f"/perusahaan/klaim/{opened.claim.code}/tahap-2/",
                       {**STAGE_TWO, "biaya_pengobatan": "2500000", "hari_tidak_bekerja": "2", "upah": "6000000"})
    assert r.status_code == 302
    opened.refresh_from_db()
    assert (opened.treatment_cost, opened.days_unable, opened.monthly_wage) == (2_500_000, 2, 6_000_000)

    claim = _verified(opened, staff["officer"])
    login(client, staff["officer"])
    page = client.get(f"/petugas/klaim/{claim.code}/?kepesertaan=1").content.decode()
    for text in ("Sumber laporan kecelakaan: <strong>laporan tahap I perusahaan (Formulir 3)</strong>",
                 "NPP perusahaan pelapor: <strong>31001001</strong>", "kecelakaan di tempat kerja",
                 "Tercatat bekerja di sana pada hari itu: <strong>ya</strong>",
                 'class="component-jkk_treatment"', "Biaya pengobatan: <strong>Rp 2.500.000</strong>",
                 "(laporan tahap II perusahaan)", 'class="component-jkk_stmb"',
                 "100% × Rp 6.000.000 × 2/30 = Rp 400.000", "tidak dipotong pajak",
                 "Dibayar sekarang (neto)</th><td><strong>Rp 2.900.000</strong>", "Setujui klaim"):
        assert text in page, text
    assert "Belum ada laporan kecelakaan" not in page and "Pajak final" not in page

    assert client.post(f"/petugas/putusan/{claim.code}/setujui/", {}).status_code == 302
    claim.refresh_from_db()
    assert claim.state == "APPROVED"
    assert Decision.objects.get(claim=claim).net == 2_900_000
    assert PaymentInstruction.objects.get(claim=claim).amount == 2_900_000


def test_without_the_stage_two_figures_the_claim_cannot_be_approved(client: Client, opened: Any, staff: Any,  # noqa: F811
                                                                    defaults: None) -> None:
    claim = _verified(opened, staff["officer"])
    login(client, staff["officer"])
    page = client.get(f"/petugas/klaim/{claim.code}/?kepesertaan=1").content.decode()
    assert "laporan tahap I perusahaan (Formulir 3)" in page  # the rules pass on the employer's report
    assert "Laporan tahap II perusahaan (Formulir 3a) belum ada" in page and "Setujui klaim" not in page


def test_absurd_figures_stored_by_another_way_are_refused_by_the_calculation(
        opened: Any, hr_client: Client, staff: Any, defaults: None) -> None:  # noqa: F811
    from lapakasik.benefits.services import claim_approve
    from lapakasik.core.errors import Conflict
    from lapakasik.employers.models import JkkReport

    assert hr_client.post(f"/perusahaan/klaim/{opened.claim.code}/tahap-2/",
                          {**STAGE_TWO, "biaya_pengobatan": "1000", "hari_tidak_bekerja": "1",
                           "upah": "5000000"}).status_code == 302
    JkkReport.objects.filter(pk=opened.pk).update(monthly_wage=10**13)  # not through the employer's page
    claim = _verified(opened, staff["officer"])
    with pytest.raises(Conflict) as refused:
        claim_approve(user=staff["officer"], claim=claim)
    assert refused.value.code == "benefit_not_computable"
    assert "Upah sebulan dalam laporan perusahaan tidak masuk akal (10000000000000)" in str(refused.value.message)
    claim.refresh_from_db()
    assert claim.state == "VERIFIED"


@pytest.mark.parametrize(("figures", "message"), [
    ({"biaya_pengobatan": "-5"}, "Biaya pengobatan harus antara Rp 0 dan Rp 10.000.000.000."),
    ({"biaya_pengobatan": "99999999999999"}, "Biaya pengobatan harus antara Rp 0 dan Rp 10.000.000.000."),
    ({"upah": "-1"}, "Upah sebulan harus antara Rp 0 dan Rp 1.000.000.000."),
    ({"upah": "lima juta"}, "Upah sebulan harus antara Rp 0 dan Rp 1.000.000.000."),
    ({"hari_tidak_bekerja": "-3"}, "Hari tidak mampu bekerja harus antara 0 dan 3660."),
    ({"hari_tidak_bekerja": "3"}, "Hari tidak mampu bekerja lebih banyak dari hari sejak kejadian sampai keterangan dokter."),
])
def test_hostile_stage_two_figures_are_refused_and_change_nothing(opened: Any, hr_client: Client,  # noqa: F811
                                                                   figures: dict[str, str], message: str) -> None:
    from lapakasik.claims.models import ClaimEvent

    events = ClaimEvent.objects.filter(claim_id=opened.claim_id).count()
    r = hr_client.post(f"/perusahaan/klaim/{opened.claim.code}/tahap-2/", {**STAGE_TWO, **figures})
    assert r.status_code == 200
    page = r.content.decode()
    assert "Belum terkirim" in page and message in page
    opened.refresh_from_db()
    assert opened.stage2_at is None and opened.treatment_cost is None and opened.monthly_wage is None
    assert ClaimEvent.objects.filter(claim_id=opened.claim_id).count() == events
