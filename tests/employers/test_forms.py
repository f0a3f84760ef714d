"""Stage I and stage II ARE the company's sections of Formulir 3 and 3a: one entry, signed by the HR officer;
the worker signs their part on their own form pages; the completed form's PDF enters the claim through
intake's pipeline (ONLINE_FORM) and meets its row. Refusals change nothing: another company's claim, a
claim of another type, the worker's section, a bad signature or a bad answer."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.accounts.helpers import officer_login
from tests.intake.conftest import _fresh_rate_limits, _private_storage  # noqa: F401 - fixtures re-used

from .conftest import FORM3A_COMPANY, stage_one_form

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    from lapakasik.claims.models import Claim, ClaimEvent
    from lapakasik.employers.models import JkkReport
    from lapakasik.forms.models import FormResponse
    from lapakasik.intake.models import Document

    return (Claim.objects.count(), JkkReport.objects.count(), ClaimEvent.objects.count(),
            FormResponse.objects.count(), Document.objects.count())


def _worker_signs(claim: Any, worker: dict[str, Any], code: str, section: str, data: dict[str, str]) -> Any:
    from lapakasik.intake.models import IntakeAccess

    token = IntakeAccess.objects.get(claim=claim, kind="upload", revoked_at__isnull=True).token
    return Client().post(f"/formulir/{token}/{code}/{section}/", {
        **data, "action": "sign", "konfirmasi": "ya", "nama_tanda_tangan": worker["full_name"]})


def _worker_part(worker: dict[str, Any]) -> dict[str, str]:
    return {"nama_pekerja": worker["full_name"], "nik_pekerja": worker["nik"], "kpj": worker["kpj"],
            "alamat": "Jl. Melati 3, Jakarta Timur", "telepon": "0812 3456 7890", "keterangan": ""}


@pytest.fixture
def opened(registry: Any, now: Any, hr_client: Client) -> Any:
    from lapakasik.employers.models import JkkReport

    r = hr_client.post("/perusahaan/laporan-tahap-1/", stage_one_form(registry["own"]))
    assert r.status_code == 302, r.content.decode()[-1500:]
    return JkkReport.objects.get().claim


def test_stage_one_is_formulir_3s_company_section_signed_once(opened: Any, hr_client: Client) -> None:
    from lapakasik.forms.models import FormResponse
    from lapakasik.forms.services import party_sections

    form = FormResponse.objects.get(claim=opened, form_code="formulir_3")
    answers = form.answers["laporan"]
    # the report's facts, asked once, are the form's answers
    assert (answers["tanggal_kecelakaan"], answers["jam_kecelakaan"], answers["jenis"]) == ("2026-12-20", "08:30",
                                                                                         "workplace")
    assert answers["tempat"] == "Gudang B, lantai 2" and answers["uraian"].startswith("Terjatuh dari tangga")
    assert (answers["npp"], answers["nama_perusahaan"], answers["upah"]) == ("31001001", "PT Maju Bersama", "5500000")
    assert (answers["saksi_1"], answers["nama_petugas"]) == ("Agus Salim", "Rina Personalia")
    assert form.signatures["laporan"]["party"] == "employer_officer"
    assert form.signatures["laporan"]["name"] == "Rina Personalia"
    assert form.status == "DRAFT" and form.document is None  # the worker's part is still to sign
    signed = {(p.form.code, p.section.code): p.signed for p in party_sections(opened, "employer_officer")}
    assert signed[("formulir_3", "laporan")] is True and signed[("formulir_3a", "laporan")] is False
    page = hr_client.get(f"/perusahaan/klaim/{opened.code}/").content.decode()
    assert 'id="part-formulir_3-laporan" data-signed="yes"' in page
    assert 'id="part-formulir_3a-laporan" data-signed="no"' in page


def test_the_worker_signs_last_and_formulir_3_enters_the_claim(opened: Any, registry: Any) -> None:
    from lapakasik.forms.models import FormResponse
    from lapakasik.intake.catalogue import claim_checklist

    r = _worker_signs(opened, registry["own"], "formulir_3", "pekerja", _worker_part(registry["own"]))
    assert r.status_code == 302
    form = FormResponse.objects.get(claim=opened, form_code="formulir_3")
    assert form.status == "SUBMITTED" and form.document is not None
    assert (form.document.source, form.document.requirement.code) == ("ONLINE_FORM", "formulir_3")
    row = next(i for i in claim_checklist(opened).items if i.requirement.code == "formulir_3")
    assert row.status == "received"


def test_stage_two_signs_3a_and_submits_it_when_the_worker_signed_first(opened: Any, registry: Any,
                                                                         hr_client: Client) -> None:
    from lapakasik.employers.models import JkkReport
    from lapakasik.forms.models import FormResponse

    worker = registry["own"]
    penerima = {"nama_penerima": worker["full_name"], "nik_penerima": worker["nik"], "telepon": "0812 3456 7890",
                "bank": "BRI", "nomor_rekening": "0123 4567 8901", "nama_rekening": worker["full_name"]}
    assert _worker_signs(opened, worker, "formulir_3a", "penerima", penerima).status_code == 302
    r = hr_client.post(f"/perusahaan/klaim/{opened.code}/tahap-2/", {
        "outcome": "partial_disability", "outcome_on": "2026-12-21", "description": "", **FORM3A_COMPANY})
    assert r.status_code == 302, r.content.decode()[-1500:]
    report = JkkReport.objects.get()
    assert report.outcome == "disability"  # 3a's partial disability is the report's disability
    form = FormResponse.objects.get(claim=opened, form_code="formulir_3a")
    assert form.answers["laporan"]["akibat"] == "partial_disability"
    assert form.answers["laporan"]["tanggal_kecelakaan"] == "2026-12-20"
    assert form.status == "SUBMITTED" and form.document.source == "ONLINE_FORM"
    assert form.document.requirement.code == "formulir_3a"


@pytest.mark.parametrize(("changes", "field"), [
    ({"nama_tanda_tangan": "Orang Lain"}, "nama_tanda_tangan"),
    ({"nama_tanda_tangan": ""}, "nama_tanda_tangan"),
    ({"konfirmasi": ""}, "konfirmasi"),
    ({"upah": "lima juta"}, "upah"),
    ({"upah": "-5000"}, "upah"),
    ({"saksi_1": ""}, "saksi_1"),
    ({"jabatan_petugas": "Staf \U0001F600"}, "jabatan_petugas"),
    ({"description": "x" * 1600}, "description"),  # the form's 1500 letters
])
def test_a_bad_signature_or_answer_opens_nothing(registry: Any, now: Any, hr_client: Client,
                                                 changes: dict[str, str], field: str) -> None:
    before = _counts()
    data = {k: v for k, v in stage_one_form(registry["own"], **changes).items() if v != ""}
    r = hr_client.post("/perusahaan/laporan-tahap-1/", data)
    assert r.status_code == 200
    page = r.content.decode()
    assert "Belum terkirim" in page and f'id="err-{field}"' in page
    assert _counts() == before


def test_the_reports_and_the_forms_problems_are_told_together(registry: Any, now: Any, hr_client: Client) -> None:
    before = _counts()
    r = hr_client.post("/perusahaan/laporan-tahap-1/", stage_one_form(registry["own"], nik="123",
                                                                      nama_tanda_tangan="Orang Lain"))
    page = r.content.decode()
    assert 'id="err-nik"' in page and 'id="err-nama_tanda_tangan"' in page
    assert _counts() == before


def test_a_bad_stage_two_signature_changes_nothing(opened: Any, hr_client: Client) -> None:
    from lapakasik.employers.models import JkkReport

    before = _counts()
    r = hr_client.post(f"/perusahaan/klaim/{opened.code}/tahap-2/", {
        "outcome": "recovered", "outcome_on": "2026-12-21", **FORM3A_COMPANY, "nama_tanda_tangan": "Budi",
        "biaya_pengobatan": "satu juta"})
    page = r.content.decode()
    assert r.status_code == 200 and 'id="err-nama_tanda_tangan"' in page and 'id="err-biaya_pengobatan"' in page
    assert JkkReport.objects.get().stage2_at is None and _counts() == before


def test_the_company_may_not_read_or_sign_the_workers_section(opened: Any, registry: Any,
                                                               hr_client: Client) -> None:
    url = f"/perusahaan/klaim/{opened.code}/formulir/formulir_3/pekerja/"
    before = _counts()
    assert hr_client.get(url).status_code == 403
    r = hr_client.post(url, {**_worker_part(registry["own"]), "action": "sign", "konfirmasi": "ya",
                             "nama_tanda_tangan": "Rina Personalia"})
    assert r.status_code == 403 and _counts() == before


def test_the_doctors_statement_3b_is_filled_and_signed_on_the_company_pages(opened: Any, hr_client: Client) -> None:
    from lapakasik.forms.models import FormResponse

    url = f"/perusahaan/klaim/{opened.code}/formulir/formulir_3b/dokter/"
    page = hr_client.get(url)
    assert page.status_code == 200 and 'name="nama_dokter"' in page.content.decode()
    data = {"nama_dokter": "dr. Sari Wulandari", "fasilitas": "RS Umum Daerah", "diagnosa": "Patah tulang kaki kiri",
            "mulai_rawat": "2026-12-20", "selesai_rawat": "", "persen_cacat": "5", "nama_petugas": "Rina Personalia",
            "jabatan_petugas": "Staf Personalia"}
    bad = hr_client.post(url, {**data, "persen_cacat": "150", "action": "sign", "konfirmasi": "ya",
                               "nama_tanda_tangan": "Rina Personalia"})
    assert bad.status_code == 422 and 'id="error-persen_cacat"' in bad.content.decode()
    assert not FormResponse.objects.filter(claim=opened, form_code="formulir_3b", signatures__has_key="dokter").exists()
    r = hr_client.post(url, {**data, "action": "sign", "konfirmasi": "ya", "nama_tanda_tangan": "Rina Personalia"})
    assert r.status_code == 302
    form = FormResponse.objects.get(claim=opened, form_code="formulir_3b")
    assert form.signatures["dokter"]["party"] == "employer_officer"
    again = hr_client.post(url, {**data, "action": "save"})
    assert again.status_code == 409  # a signed section is read-only


def test_another_company_and_unknown_codes_get_the_same_404(opened: Any, other_hr: Any) -> None:
    client = officer_login(Client(), other_hr)
    before = _counts()
    for url in (f"/perusahaan/klaim/{opened.code}/", f"/perusahaan/klaim/{opened.code}/formulir/formulir_3b/dokter/",
                "/perusahaan/klaim/ZZZZZZZZ/", "/perusahaan/klaim/ZZZZZZZZ/formulir/formulir_3b/dokter/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/perusahaan/klaim/{opened.code}/formulir/formulir_3b/dokter/",
                       {"action": "save"}).status_code == 404
    assert _counts() == before


def test_a_non_jkk_claim_of_the_company_is_not_found(registry: Any, now: Any, hr_client: Client) -> None:
    from lapakasik.claims.models import ClaimParty
    from tests.claims.factories import open_claim

    claim = open_claim(claim_type="JKM", claim_reason="DEATH", nik=registry["own"]["nik"])
    ClaimParty.objects.create(claim=claim, role="employer_officer", npp="31001001", full_name="Rina",
                              email="hrd@maju-bersama.contoh.id", channels=["email"])
    assert hr_client.get(f"/perusahaan/klaim/{claim.code}/").status_code == 404
    assert hr_client.get(f"/perusahaan/klaim/{claim.code}/formulir/formulir_4/perusahaan/").status_code == 404


def test_3a_before_stage_two_is_the_stage_two_page(opened: Any, hr_client: Client) -> None:
    r = hr_client.get(f"/perusahaan/klaim/{opened.code}/formulir/formulir_3a/laporan/")
    assert r.status_code == 302 and r["Location"].endswith(f"/perusahaan/klaim/{opened.code}/tahap-2/")


def test_a_late_stage_one_is_still_the_signed_form(registry: Any, now: Any, hr_client: Client) -> None:
    from datetime import date

    from lapakasik.employers.models import JkkReport
    from lapakasik.forms.models import FormResponse

    r = hr_client.post("/perusahaan/laporan-tahap-1/", stage_one_form(registry["own"], day=date(2026, 12, 18)))
    assert r.status_code == 302
    report = JkkReport.objects.get()
    assert report.stage1_late
    assert "laporan" in FormResponse.objects.get(claim=report.claim, form_code="formulir_3").signatures
