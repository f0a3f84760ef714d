"""The JKM heir statement (Formulir 4, version 2026.2): the heirs listed from the registry's family data,
the representative required when several heirs of the same place are alive (and the power of attorney on the
checklist then), and a will declared by the heir — the will becomes a required document and the officer
reads the declaration on the claim page as the heir's word, to verify. Bad input changes nothing."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from lapakasik.forms.models import FormResponse
from lapakasik.intake.catalogue import claim_checklist
from tests.casework.conftest import branch, other_branch, staff  # noqa: F401 - fixtures re-used

from .conftest import KPJ, NIK, form_url, sign

pytestmark = pytest.mark.django_db

WIDOW = {"relation": "spouse", "nik": "3174014402780002", "full_name": "Sri Lestari", "birth_date": "1978-02-04"}
CHILD_1 = {"relation": "child", "nik": "3174011003050003", "full_name": "Andi Santoso", "birth_date": "2005-03-10"}
CHILD_2 = {"relation": "child", "nik": "3174014707080004", "full_name": "Dewi Santoso", "birth_date": "2008-07-07"}
PARENT = {"relation": "parent", "nik": "3174010101500005", "full_name": "Slamet", "birth_date": "1950-01-01"}
GONE = "2025-01-01"


@pytest.fixture
def deceased(settings: Any, registry: dict[str, Any]) -> Any:
    """Set the insured worker's family (the worker died 30 days ago)."""
    def put(*family: dict[str, Any]) -> None:
        row = {**registry, "date_of_death": "2026-11-01", "family": [dict(m) for m in family]}
        settings.REGISTRY_STATIC_RECORDS = [row]
    return put


def jkm(make_claim: Any, heir: dict[str, Any], **kw: Any) -> Any:
    from tests.claims.factories import Insured

    return make_claim(claim_type="JKM", claim_reason="DEATH", role="heir", nik=heir["nik"], kpj="",
                      full_name=heir["full_name"], insured=Insured(nik=NIK, kpj=KPJ), **kw)


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def heirs_answers(*people: dict[str, Any], **extra: str) -> dict[str, str]:
    data = {"wasiat": "tidak"}
    for n, p in enumerate(people, start=1):
        data.update({f"nama_ahli_waris_{n}": p["full_name"], f"nik_ahli_waris_{n}": p["nik"],
                     f"hubungan_ahli_waris_{n}": p["relation"]})
    return {**data, **extra}


def rows(claim: Any) -> dict[str, bool]:
    return {i.code: i.required for i in claim_checklist(claim).items}


def test_the_heirs_are_listed_from_the_family_data_in_the_heir_order(client: Any, make_claim: Any,
                                                                     deceased: Any) -> None:
    deceased(CHILD_2, PARENT, WIDOW, CHILD_1)
    claim = jkm(make_claim, WIDOW)
    page = text(client.get(form_url(claim, "formulir_4", "daftar_ahli_waris")))
    names = [re.search(rf'id="id_nama_ahli_waris_{n}"[^>]*value="([^"]*)"', page).group(1)  # type: ignore[union-attr]
             for n in range(1, 5)]
    assert names == ["Sri Lestari", "Andi Santoso", "Dewi Santoso", ""]  # the household; a parent comes after
    assert f'value="{CHILD_1["nik"]}"' in page
    # one widow: nobody to represent, so the representative is not asked for and the power of attorney not due
    assert re.search(r'Nama wakil ahli waris \(penerima kuasa\) <small>\(tidak wajib\)', page)
    assert "surat_kuasa" not in rows(claim)


def test_two_children_name_their_representative_and_hand_in_the_power_of_attorney(
        client: Any, make_claim: Any, deceased: Any) -> None:
    deceased({**WIDOW, "date_of_death": GONE}, CHILD_1, CHILD_2)
    claim = jkm(make_claim, CHILD_1)
    assert rows(claim)["surat_kuasa"] is True
    item = claim_checklist(claim).item("surat_kuasa")
    assert item is not None and "ditandatangani ahli waris lainnya" in item.label
    page = text(client.get(form_url(claim, "formulir_4", "daftar_ahli_waris")))
    assert re.search(r'id="id_nama_ahli_waris_1"[^>]*value="Andi Santoso"', page)  # the widow is gone
    assert not re.search(r'Nama wakil ahli waris \(penerima kuasa\) <small>', page)  # required here

    refused = sign(client, claim, "formulir_4", "daftar_ahli_waris", heirs_answers(CHILD_1, CHILD_2),
                   name="Andi Santoso")
    assert refused.status_code == 422
    assert re.search(r'id="field-nama_wakil">.*?Wajib diisi', text(refused))
    assert "daftar_ahli_waris" not in (FormResponse.objects.filter(claim=claim).first() or FormResponse()).signatures

    ok = sign(client, claim, "formulir_4", "daftar_ahli_waris",
              heirs_answers(CHILD_1, CHILD_2, nama_wakil="Andi Santoso", nik_wakil=CHILD_1["nik"]), name="Andi Santoso")
    assert ok.status_code == 302
    response = FormResponse.objects.get(claim=claim)
    assert response.version == "2026.2" and response.answers["daftar_ahli_waris"]["nama_wakil"] == "Andi Santoso"


def test_a_registry_that_does_not_know_the_worker_leaves_the_power_of_attorney_optional(
        make_claim: Any, deceased: Any, settings: Any) -> None:
    deceased({**WIDOW, "date_of_death": GONE}, CHILD_1, CHILD_2)
    settings.REGISTRY_STATIC_RECORDS = []
    assert rows(jkm(make_claim, CHILD_1))["surat_kuasa"] is False  # "bila berlaku", with its condition


def test_a_declared_will_makes_the_will_required_and_the_officer_reads_it_as_declared(
        client: Any, make_claim: Any, deceased: Any, branch: Any,  # noqa: F811 - the imported fixtures
        staff: dict[str, Any]) -> None:  # noqa: F811
    from tests.casework.conftest import login

    deceased(WIDOW, CHILD_1)
    claim = jkm(make_claim, WIDOW, branch=branch)
    assert rows(claim)["surat_wasiat"] is False  # not answered yet: "bila berlaku"
    url = form_url(claim, "formulir_4", "daftar_ahli_waris")
    # a will without the beneficiary's name cannot be signed
    refused = sign(client, claim, "formulir_4", "daftar_ahli_waris", heirs_answers(WIDOW, CHILD_1, wasiat="ya"),
                   name="Sri Lestari")
    assert refused.status_code == 422 and re.search(r'id="field-nama_penerima_wasiat">.*?Wajib diisi', text(refused))
    assert client.post(url, {**heirs_answers(WIDOW, CHILD_1, wasiat="ya", nama_penerima_wasiat="Joko Susilo"),
                             "action": "save"}).status_code == 302
    item = claim_checklist(claim).item("surat_wasiat")
    assert item is not None and item.required and "dokumen diperiksa petugas" in item.condition_note

    officer = staff["officer"]
    desk = client.__class__()
    login(desk, officer)
    page = text(desk.get(f"/petugas/klaim/{claim.code}/"))
    assert "Pernyataan ahli waris (Formulir 4)" in page and "draf, belum ditandatangani" in page
    assert re.search(r'id="heir-will">Dinyatakan ahli waris \(penerima: Joko Susilo\); dokumen diperiksa petugas', page)
    assert "Sri Lestari — Suami / istri" in page and "3174********0002" in page and WIDOW["nik"] not in page
    assert re.search(r'id="chk-surat_wasiat">.*?Dinyatakan ahli waris pada Formulir 4', page)

    # the heir changes the answer: no will, no row
    client.post(url, {**heirs_answers(WIDOW, CHILD_1), "action": "save"})
    assert "surat_wasiat" not in rows(claim)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("nik_ahli_waris_2", "1234", "16"),
    ("hubungan_ahli_waris_2", "cousin", ""),
    ("wasiat", "maybe", ""),
    ("nama_wakil", "Andi\x00Santoso", ""),
    ("nik_wakil", "3174011003050003; DROP TABLE", ""),
])
def test_malformed_heir_answers_change_nothing(client: Any, make_claim: Any, deceased: Any, field: str, value: str,
                                               message: str) -> None:
    deceased(WIDOW, CHILD_1)
    claim = jkm(make_claim, WIDOW)
    r = client.post(form_url(claim, "formulir_4", "daftar_ahli_waris"),
                    {**heirs_answers(WIDOW, CHILD_1), field: value, "action": "save"})
    assert r.status_code == 422
    block = re.search(rf'id="field-{field}">(.*?)</div>', text(r))
    assert block is not None and 'class="error"' in block.group(1) and message in block.group(1)
    assert not FormResponse.objects.filter(claim=claim).exists()


def test_the_earlier_version_keeps_its_sections() -> None:
    from lapakasik.forms.definitions import FORMS, definition_current

    assert [d.version for d in FORMS["formulir_4"]] == ["2026.1", "2026.2"]
    assert definition_current("formulir_4", date(2026, 12, 2)).version == "2026.1"  # type: ignore[union-attr]
    assert [s.code for s in FORMS["formulir_4"][1].sections] == ["ahli_waris", "almarhum", "daftar_ahli_waris",
                                                                 "perusahaan"]


def test_the_signed_heir_statement_is_printed_in_the_pdf(client: Any, make_claim: Any, deceased: Any) -> None:
    from .test_pages import pdf_text, stored_pdf

    deceased(WIDOW, CHILD_1, CHILD_2)
    claim = jkm(make_claim, WIDOW)
    assert sign(client, claim, "formulir_4", "ahli_waris", {
        "nama_ahli_waris": "Sri Lestari", "nik_ahli_waris": WIDOW["nik"], "hubungan": "spouse",
        "alamat": "Jl. Melati 3", "telepon": "081298765432", "bank": "BNI", "nomor_rekening": "9876543210",
        "nama_rekening": "Sri Lestari"}, name="Sri Lestari").status_code == 302
    assert sign(client, claim, "formulir_4", "almarhum", {
        "nama_peserta": "Budi Santoso", "nik_peserta": NIK, "kpj": KPJ, "tanggal_meninggal": "2026-11-01",
        "tempat_meninggal": "Jakarta", "sebab": "illness"}, name="Sri Lestari").status_code == 302
    assert sign(client, claim, "formulir_4", "daftar_ahli_waris", heirs_answers(WIDOW, CHILD_1, CHILD_2),
                name="Sri Lestari").status_code == 302
    from lapakasik.claims.services import Actor
    from lapakasik.forms.services import claim_form, form_section_sign

    form_section_sign(claim=claim, definition=claim_form(claim, "formulir_4"), section_code="perusahaan",
                      party="employer_officer", data={"nama_perusahaan": "PT Maju Bersama", "npp": "31001001",
                                                      "upah_terakhir": "5000000", "nama_petugas": "Hadi Wijaya",
                                                      "jabatan_petugas": "HRD"},
                      typed_name="Hadi Wijaya", confirmed=True, signer_name="Hadi Wijaya",
                      actor=Actor(kind="system", label="petugas perusahaan"))
    response = FormResponse.objects.get(claim=claim)
    assert response.status == "SUBMITTED" and response.version == "2026.2"
    printed = " ".join(pdf_text(stored_pdf(response.document)).split())  # type: ignore[arg-type]
    assert "3. Daftar ahli waris, wakil dan wasiat" in printed
    assert "Ahli waris 3: hubungan dengan almarhum/almarhumah: Anak" in printed
    assert "Andi Santoso" in printed and "Dewi Santoso" in printed and "Tidak ada surat wasiat" in printed
    assert claim_checklist(claim).item("formulir_4").status == "received"  # type: ignore[union-attr]


def test_the_migration_moves_the_shipped_power_of_attorney_row_and_adds_the_will(db: Any) -> None:
    import importlib

    from django.apps import apps

    from lapakasik.intake.models import Requirement

    migration = importlib.import_module("lapakasik.intake.migrations.0007_heir_conditions")
    Requirement.objects.filter(claim_type="JKM", code="surat_wasiat").delete()
    Requirement.objects.filter(claim_type="JKM", code="surat_kuasa").update(condition="always",
                                                                           label_id="Surat kuasa ahli waris")
    edited = Requirement.objects.get(claim_type="JKM", code="ktp_ahli_waris")
    migration.heir_rows(apps, None)
    kuasa = Requirement.objects.get(claim_type="JKM", code="surat_kuasa")
    assert kuasa.condition == "co_heirs" and "ditandatangani ahli waris lainnya" in kuasa.label_id
    assert Requirement.objects.get(claim_type="JKM", code="surat_wasiat").condition == "will_declared"
    assert Requirement.objects.get(pk=edited.pk).condition == edited.condition
    # an admin's own condition is theirs: a second run changes nothing
    Requirement.objects.filter(pk=kuasa.pk).update(condition="death")
    migration.heir_rows(apps, None)
    assert Requirement.objects.get(pk=kuasa.pk).condition == "death"
