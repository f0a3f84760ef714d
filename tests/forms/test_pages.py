"""The participant's and heir's form pages: prefill, drafts, per-field errors, signing, the PDF entering the
claim through intake and meeting the checklist row — and every way to misuse them."""

from __future__ import annotations

import io
from typing import Any

import pytest

from lapakasik.forms.models import FormResponse
from lapakasik.intake.catalogue import claim_checklist
from lapakasik.intake.models import Document, Source

from .conftest import F5_PEMOHON, F5_PESERTA, HEIR_NIK, KPJ, NIK, form_url, sign, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def jht(make_claim: Any, registry: dict[str, Any]) -> Any:
    return make_claim(nik=NIK, kpj=KPJ, full_name="Budi Santoso")


def pdf_text(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def stored_pdf(doc: Document) -> bytes:
    from lapakasik.intake.files import storage

    with storage().open(doc.file, "rb") as fh:
        return bytes(fh.read())


def test_the_upload_page_offers_the_form_beside_the_upload(client: Any, jht: Any) -> None:
    html = client.get(f"/unggah/{token_of(jht)}/").content.decode()
    assert form_url(jht, "formulir_5") in html and "Isi formulir online" in html
    assert 'name="requirement" value="formulir_5"' in html  # the paper scan can still be uploaded


def test_a_section_is_prefilled_from_the_claim_and_the_registry(client: Any, jht: Any) -> None:
    r = client.get(form_url(jht, "formulir_5", "peserta"))
    assert r.status_code == 200
    html = r.content.decode()
    for value in ("Budi Santoso", NIK, KPJ, "1980-05-15", "PT Maju Bersama", "2010-01-04", "2026-06-30"):
        assert value in html
    assert 'value="RESIGNED" selected' in html
    assert NIK not in r.request["PATH_INFO"]


def test_a_draft_is_saved_and_shown_again(client: Any, jht: Any) -> None:
    r = client.post(form_url(jht, "formulir_5", "pemohon"), {**F5_PEMOHON, "alamat": "", "action": "save"})
    assert r.status_code == 302
    response = FormResponse.objects.get(claim=jht)
    assert response.answers["pemohon"]["telepon"] == "+6281234567890"
    assert response.signatures == {} and response.status == "DRAFT"
    html = client.get(form_url(jht, "formulir_5", "pemohon")).content.decode()
    assert "+6281234567890" in html


@pytest.mark.parametrize(("field", "bad", "message"), [
    ("nik_pemohon", "3174019905800001", "NIK"),
    ("nik_pemohon", "<script>", "NIK"),
    ("telepon", "12", "Nomor HP"),
    ("hubungan", "boss", "Pilih salah satu"),
])
def test_a_malformed_answer_is_refused_by_field_and_changes_nothing(client: Any, jht: Any, field: str, bad: str,
                                                                     message: str) -> None:
    client.post(form_url(jht, "formulir_5", "pemohon"), {**F5_PEMOHON, "action": "save"})
    before = FormResponse.objects.get(claim=jht).answers
    r = client.post(form_url(jht, "formulir_5", "pemohon"), {**F5_PEMOHON, field: bad, "action": "save"})
    assert r.status_code == 422
    html = r.content.decode()
    assert f'id="error-{field}"' in html and message in html
    assert FormResponse.objects.get(claim=jht).answers == before


@pytest.mark.parametrize(("field", "bad"), [
    ("tanggal_lahir", "15/05/1980"), ("tanggal_lahir", "2099-01-01"), ("mulai_bekerja", "2026-13-01"),
    ("nomor_rekening", "12-ab"), ("kpj", "123"),
])
def test_malformed_dates_and_numbers_are_refused(client: Any, jht: Any, field: str, bad: str) -> None:
    r = sign(client, jht, "formulir_5", "peserta", {**F5_PESERTA, field: bad})
    assert r.status_code == 422
    assert f'id="error-{field}"' in r.content.decode()
    assert not FormResponse.objects.filter(claim=jht).exclude(signatures={}).exists()


def test_a_section_with_a_missing_mandatory_answer_cannot_be_signed(client: Any, jht: Any) -> None:
    r = sign(client, jht, "formulir_5", "pemohon", {**F5_PEMOHON, "alamat": ""})
    assert r.status_code == 422
    assert 'id="error-alamat"' in r.content.decode() and "Wajib diisi" in r.content.decode()
    assert not FormResponse.objects.filter(claim=jht).exclude(signatures={}).exists()


@pytest.mark.parametrize(("extra", "message"), [
    ({"konfirmasi": ""}, "Centang pernyataan"),
    ({"nama_tanda_tangan": ""}, "Ketik nama lengkap"),
    ({"nama_tanda_tangan": "Orang Lain"}, "harus sama dengan nama Anda"),
])
def test_a_signature_needs_the_confirmation_and_the_signers_own_name(client: Any, jht: Any, extra: dict[str, str],
                                                                     message: str) -> None:
    r = sign(client, jht, "formulir_5", "pemohon", F5_PEMOHON, **extra)
    assert r.status_code == 422 and message in r.content.decode()
    assert not FormResponse.objects.filter(claim=jht).exclude(signatures={}).exists()


def test_a_complete_form_enters_the_claim_as_a_pdf_and_meets_its_row(client: Any, jht: Any) -> None:
    assert claim_checklist(jht).item("formulir_5").status == "missing"  # type: ignore[union-attr]
    assert sign(client, jht, "formulir_5", "pemohon", F5_PEMOHON, name="budi  SANTOSO").status_code == 302
    response = FormResponse.objects.get(claim=jht)
    assert response.signatures["pemohon"]["party"] == "participant" and response.status == "DRAFT"
    assert not Document.objects.filter(claim=jht).exists()  # not before every section is signed
    assert sign(client, jht, "formulir_5", "peserta", F5_PESERTA).status_code == 302

    response.refresh_from_db()
    assert response.status == "SUBMITTED" and response.submitted_at is not None
    doc = response.document
    assert doc is not None and doc.source == Source.ONLINE_FORM and doc.status == "RECEIVED"
    assert doc.requirement.code == "formulir_5" and doc.kind == "pdf"
    assert claim_checklist(jht).item("formulir_5").status == "received"  # type: ignore[union-attr]
    from lapakasik.intake.models import IntakeProgress

    assert IntakeProgress.objects.get(claim=jht).ack_due_at is not None  # acknowledged like an upload
    from lapakasik.intake.services import intake_ack_send_pending
    from lapakasik.notifications.models import Notification

    assert intake_ack_send_pending(claim_id=jht.pk) == 1
    assert Notification.objects.filter(claim=jht, event="intake_ack").exists()

    text = pdf_text(stored_pdf(doc))
    for answer in ("Formulir 5", jht.code, "Budi Santoso", NIK, KPJ, "Jl. Melati 3, Jakarta Timur", "+6281234567890",
                   "Aminah", "Bandung", "15 Mei 1980", "Mengundurkan diri", "Bank BRI", "012345678901",
                   "Ditandatangani secara elektronik oleh budi SANTOSO (Peserta)", "2026.1"):
        assert answer in text, answer
    page = client.get(form_url(jht, "formulir_5")).content.decode()
    assert 'id="form-submitted"' in page


def test_a_signed_section_and_a_submitted_form_cannot_be_signed_again(client: Any, jht: Any) -> None:
    from lapakasik.claims.services import Actor
    from lapakasik.core.errors import Conflict
    from lapakasik.forms.definitions import FORMS
    from lapakasik.forms.services import form_submit

    sign(client, jht, "formulir_5", "pemohon", F5_PEMOHON)
    r = sign(client, jht, "formulir_5", "pemohon", {**F5_PEMOHON, "alamat": "Alamat lain"})
    assert r.status_code == 409
    assert FormResponse.objects.get(claim=jht).answers["pemohon"]["alamat"] == F5_PEMOHON["alamat"]
    with pytest.raises(Conflict):  # not every section signed yet
        form_submit(claim=jht, definition=FORMS["formulir_5"][0], actor=Actor.participant())
    sign(client, jht, "formulir_5", "peserta", F5_PESERTA)
    assert sign(client, jht, "formulir_5", "peserta", F5_PESERTA).status_code == 409
    assert client.post(form_url(jht, "formulir_5", "pemohon"), {**F5_PEMOHON, "action": "save"}).status_code == 409
    with pytest.raises(Conflict):
        form_submit(claim=jht, definition=FORMS["formulir_5"][0], actor=Actor.participant())
    assert Document.objects.filter(claim=jht, source=Source.ONLINE_FORM).count() == 1


def test_another_programmes_form_an_unknown_section_or_token_is_404(client: Any, jht: Any) -> None:
    assert client.get(form_url(jht, "formulir_4")).status_code == 404  # JKM's form on a JHT claim
    assert client.post(form_url(jht, "formulir_4", "ahli_waris"), {"action": "save"}).status_code == 404
    assert client.get(form_url(jht, "formulir_5", "rahasia")).status_code == 404
    assert client.get("/formulir/tidak-ada/formulir_5/").status_code == 404
    assert not FormResponse.objects.exists()


def test_one_claims_link_never_reaches_another_claims_form(client: Any, jht: Any, make_claim: Any) -> None:
    other = make_claim(full_name="Rina Wati")
    sign(client, other, "formulir_5", "pemohon", {**F5_PEMOHON, "nama_pemohon": "Rina Wati", "alamat": "Jl. Rahasia 9"},
         name="Rina Wati")
    html = client.get(form_url(jht, "formulir_5", "pemohon")).content.decode()
    assert "Jl. Rahasia 9" not in html and "Rina Wati" not in html
    sign(client, jht, "formulir_5", "pemohon", F5_PEMOHON)
    assert FormResponse.objects.get(claim=other).answers["pemohon"]["alamat"] == "Jl. Rahasia 9"
    assert FormResponse.objects.get(claim=jht).answers["pemohon"]["alamat"] == F5_PEMOHON["alamat"]


def test_a_revoked_link_no_longer_opens_the_form(client: Any, jht: Any) -> None:
    from lapakasik.core import clock
    from lapakasik.intake.models import IntakeAccess

    url = form_url(jht, "formulir_5")
    IntakeAccess.objects.filter(claim=jht).update(revoked_at=clock.now())
    assert client.get(url).status_code == 404


def test_a_claim_no_longer_taking_documents_takes_no_form(client: Any, jht: Any) -> None:
    from lapakasik.claims.models import Claim

    Claim.objects.filter(pk=jht.pk).update(state="CANCELLED")
    r = client.post(form_url(jht, "formulir_5", "pemohon"), {**F5_PEMOHON, "action": "save"})
    assert r.status_code == 409
    assert not FormResponse.objects.exists()


# --- parties -------------------------------------------------------------------------------------------

@pytest.fixture
def jkk(make_claim: Any, registry: dict[str, Any]) -> Any:
    return make_claim(claim_type="JKK", claim_reason="ACCIDENT", nik=NIK, kpj=KPJ, full_name="Budi Santoso")


F3_PEKERJA = {"nama_pekerja": "Budi Santoso", "nik_pekerja": NIK, "kpj": KPJ, "alamat": "Jl. Melati 3",
              "telepon": "081234567890", "keterangan": "Terpeleset di gudang."}
F3_LAPORAN = {"nama_perusahaan": "PT Maju Bersama", "npp": "31001001", "tanggal_kecelakaan": "2026-11-30",
              "jam_kecelakaan": "09:15", "jenis": "workplace", "tempat": "Gudang B", "uraian": "Jatuh dari tangga.",
              "saksi_1": "Agus", "saksi_2": "Dewi", "upah": "Rp 5.000.000", "nama_petugas": "Hadi Wijaya",
              "jabatan_petugas": "HRD"}


def test_a_section_of_another_party_is_shown_read_only_and_refused(client: Any, jkk: Any) -> None:
    r = client.get(form_url(jkk, "formulir_3", "laporan"))
    assert r.status_code == 200 and 'id="other-party"' in r.content.decode() and "<form method" not in r.content.decode()
    r = sign(client, jkk, "formulir_3", "laporan", F3_LAPORAN)
    assert r.status_code == 403 and "pihak lain" in r.content.decode()
    assert client.post(form_url(jkk, "formulir_3", "laporan"), {**F3_LAPORAN, "action": "save"}).status_code == 403
    assert not FormResponse.objects.exists()


def test_the_employer_hook_lists_its_sections_and_its_signature_completes_the_form(client: Any, jkk: Any) -> None:
    from lapakasik.claims.services import Actor
    from lapakasik.core.errors import PermissionDenied
    from lapakasik.forms.services import claim_form, form_section_sign, party_sections

    work = party_sections(jkk, "employer_officer")
    assert [(p.form.code, p.section.code, p.signed) for p in work] == [
        ("formulir_3", "laporan", False), ("formulir_3a", "laporan", False), ("formulir_3b", "dokter", False)]
    assert [(p.form.code, p.section.code) for p in party_sections(jkk, "participant")] == [
        ("formulir_3", "pekerja"), ("formulir_3a", "penerima"), ("formulir_3b", "pekerja")]
    assert sign(client, jkk, "formulir_3", "pekerja", F3_PEKERJA).status_code == 302
    form = claim_form(jkk, "formulir_3")
    employer = Actor(kind="system", label="petugas perusahaan")
    with pytest.raises(PermissionDenied):  # the employer cannot sign the worker's section
        form_section_sign(claim=jkk, definition=form, section_code="pekerja", party="employer_officer",
                          data=F3_PEKERJA, typed_name="Hadi Wijaya", confirmed=True, signer_name="Hadi Wijaya",
                          actor=employer)
    form_section_sign(claim=jkk, definition=form, section_code="laporan", party="employer_officer", data=F3_LAPORAN,
                      typed_name="Hadi Wijaya", confirmed=True, signer_name="Hadi Wijaya", actor=employer)
    response = FormResponse.objects.get(claim=jkk, form_code="formulir_3")
    assert response.status == "SUBMITTED"
    assert party_sections(jkk, "employer_officer")[0].signed is True
    text = pdf_text(stored_pdf(response.document))  # type: ignore[arg-type]
    assert "Rp 5.000.000" in text and "Jatuh dari tangga." in text and "(Petugas perusahaan)" in text
    assert "Terpeleset di gudang." in text and "(Peserta)" in text
    assert claim_checklist(jkk).item("formulir_3").status == "received"  # type: ignore[union-attr]


@pytest.fixture
def jkm(make_claim: Any, registry: dict[str, Any]) -> Any:
    from tests.claims.factories import Insured

    return make_claim(claim_type="JKM", claim_reason="DEATH", role="heir", nik=HEIR_NIK, kpj="",
                      full_name="Sri Lestari", insured=Insured(nik=NIK, kpj=KPJ))


def test_the_heir_fills_the_heir_sections_prefilled_from_the_family_data(client: Any, jkm: Any) -> None:
    html = client.get(form_url(jkm, "formulir_4", "ahli_waris")).content.decode()
    assert "Sri Lestari" in html and HEIR_NIK in html and 'value="spouse" selected' in html
    html = client.get(form_url(jkm, "formulir_4", "almarhum")).content.decode()
    assert "Budi Santoso" in html and NIK in html
    data = {"nama_ahli_waris": "Sri Lestari", "nik_ahli_waris": HEIR_NIK, "hubungan": "spouse", "alamat": "Jl. Melati 3",
            "telepon": "081298765432", "bank": "BNI", "nomor_rekening": "9876543210", "nama_rekening": "Sri Lestari"}
    assert sign(client, jkm, "formulir_4", "ahli_waris", data, name="Sri Lestari").status_code == 302
    assert FormResponse.objects.get(claim=jkm).signatures["ahli_waris"]["party"] == "heir"
    assert sign(client, jkm, "formulir_4", "perusahaan", {"nama_perusahaan": "PT X", "npp": "31001001",
                "upah_terakhir": "5000000", "nama_petugas": "Sri Lestari", "jabatan_petugas": "HRD"},
                name="Sri Lestari").status_code == 403
    assert "perusahaan" not in FormResponse.objects.get(claim=jkm).answers


def test_the_booking_page_panel_lists_the_forms_and_what_is_left(client: Any, jht: Any) -> None:
    from django.template.loader import render_to_string

    from lapakasik.forms.views import participant_panel

    panel = participant_panel(jht)
    assert panel is not None
    html = render_to_string(panel.template, {"panel": panel.context})
    assert form_url(jht, "formulir_5") in html and "Data pemohon" in html
    sign(client, jht, "formulir_5", "pemohon", F5_PEMOHON)
    sign(client, jht, "formulir_5", "peserta", F5_PESERTA)
    panel = participant_panel(jht)
    assert panel is not None and panel.context["forms"][0]["submitted"] is True


def test_the_pages_speak_english_too(client: Any, jht: Any) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(form_url(jht, "formulir_5", "peserta")).content.decode()
    assert "Mother&#x27;s maiden name" in html and "Sign this section" in html
    r = client.post(form_url(jht, "formulir_5", "pemohon"), {**F5_PEMOHON, "tanggal": "x", "nik_pemohon": "1",
                                                             "action": "save"})
    assert r.status_code == 422 and "Check the marked answers" in r.content.decode()


def test_booking_saya_links_the_form_with_the_same_grant_as_the_upload_page(client: Any, settings: Any,
                                                                            booking_world: dict[str, Any]) -> None:
    import re

    from django.urls import reverse

    from tests.booking.pages_support import book

    settings.INTAKE_PUBLIC_BASE_URL = ""
    code = book(client, booking_world)
    page = client.get(reverse("booking:manage", kwargs={"code": code})).content.decode()
    upload = re.search(r'href="/unggah/([^/"]+)/" id="upload-link"', page)
    assert upload is not None
    assert f'href="/formulir/{upload.group(1)}/formulir_5/"' in page and 'id="online-forms"' in page
    assert client.get(f"/formulir/{upload.group(1)}/formulir_5/").status_code == 200


def test_a_pdf_the_pipeline_refuses_keeps_nothing_not_even_the_signature(client: Any, jht: Any) -> None:
    from lapakasik.intake.models import Requirement

    sign(client, jht, "formulir_5", "pemohon", F5_PEMOHON)
    Requirement.objects.filter(claim_type="JHT", code="formulir_5").update(min_files=1, max_files=1)  # the scan below fills the row
    client.post(f"/unggah/{token_of(jht)}/", {"requirement": "formulir_5", "file": _scan()})
    r = sign(client, jht, "formulir_5", "peserta", F5_PESERTA)
    assert r.status_code == 409 and 'id="form-error"' in r.content.decode()
    response = FormResponse.objects.get(claim=jht)
    assert response.status == "DRAFT" and "peserta" not in response.signatures
    assert not Document.objects.filter(claim=jht, source=Source.ONLINE_FORM).exists()


def _scan() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.intake.conftest import jpeg_bytes

    return SimpleUploadedFile("formulir 5.jpg", jpeg_bytes(), content_type="image/jpeg")


def test_markup_in_an_answer_is_kept_as_text_and_never_runs(client: Any, jht: Any) -> None:
    hostile = '<script>alert("x")</script> Jl. Melati'
    assert client.post(form_url(jht, "formulir_5", "pemohon"),
                       {**F5_PEMOHON, "alamat": hostile, "action": "save"}).status_code == 302
    html = client.get(form_url(jht, "formulir_5", "pemohon")).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_an_unknown_action_only_saves_a_draft(client: Any, jht: Any) -> None:
    r = client.post(form_url(jht, "formulir_5", "pemohon"),
                    {**F5_PEMOHON, "action": "submit-everything", "konfirmasi": "ya", "nama_tanda_tangan": "Budi Santoso"})
    assert r.status_code == 302
    assert FormResponse.objects.get(claim=jht).signatures == {}
