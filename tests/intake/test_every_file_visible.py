"""Every file the participant sent is visible with its outcome: refused files not matched to a requirement on the
upload page and in ``GET /api/v1/claims/{code}/documents``, Word/Excel files with their own reason, and a camera
file name that matches nothing as "diterima — dokumen apa ini?" with a one-tap choice of requirement."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lapakasik.intake.models import Document, IntakeAccess

from .conftest import jpeg_bytes, stored_files

pytestmark = pytest.mark.django_db

CAMERA_NAME = "IMG_20261202_101500.jpg"


def page_url(claim: Any) -> str:
    token = IntakeAccess.objects.get(claim=claim, kind="upload", revoked_at__isnull=True).token
    return f"/unggah/{token}/"


def api_url(claim: Any) -> str:
    return f"/api/v1/claims/{claim.code}/documents"


def auth(claim: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {claim.test_token}"}


def office_zip(kind: str) -> bytes:
    """A minimal Office Open XML package as Word and Excel write it ([Content_Types].xml first)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                                          'package/2006/content-types"/>')
        z.writestr("_rels/.rels", "<Relationships/>")
        if kind == "docx":
            z.writestr("word/document.xml", "<w:document/>")
        else:
            z.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


def plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("ktp.jpg", jpeg_bytes())
    return buf.getvalue()


def all_files(checklist: dict[str, Any]) -> list[dict[str, Any]]:
    """Every file the API's checklist lists, in a requirement or not."""
    return [*[d for r in checklist["requirements"] for d in r["documents"]], *checklist["unassigned"]]


def upload(client: Any, claim: Any, name: str, data: bytes, requirement: str = "") -> Any:
    payload: dict[str, Any] = {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")}
    if requirement:
        payload["requirement"] = requirement
    return client.post(page_url(claim), payload, follow=True)


# --- refused files stay visible, with their reason ---------------------------------------------------


def test_refused_unmatched_files_are_listed_on_the_page_and_in_the_api(client: Any, claim: Any) -> None:
    upload(client, claim, "dokumen.zip", plain_zip())
    html = client.get(page_url(claim)).content.decode()
    doc = Document.objects.get(claim=claim, original_name="dokumen.zip")
    assert doc.status == "REFUSED" and doc.requirement is None and doc.reason_code == "archive"
    assert f'id="file-{doc.pk}"' in html and "Arsip (ZIP/RAR/winmail.dat) tidak diterima" in html
    body = client.get(api_url(claim), **auth(claim)).json()
    listed = {d["filename"]: d for d in body["unassigned"]}
    assert listed["dokumen.zip"]["status"] == "REFUSED" and listed["dokumen.zip"]["reason_code"] == "archive"
    assert "ZIP" in listed["dokumen.zip"]["reason"] and listed["dokumen.zip"]["unmatched"] is False
    english = client.get(api_url(claim), HTTP_ACCEPT_LANGUAGE="en", **auth(claim)).json()
    assert "Archives" in english["unassigned"][0]["reason"]


def test_refused_file_of_a_requirement_stays_in_its_card(client: Any, claim: Any) -> None:
    upload(client, claim, "ktp.pdf", b"<html>not a pdf</html>", requirement="ktp")
    html = client.get(page_url(claim)).content.decode()
    card = html[html.index('id="req-ktp"'):html.index("</li>", html.index('id="req-ktp"'))]
    assert "ktp.pdf" in card and "Isi berkas tidak sesuai" in card


# --- Word and Excel get their own reason ----------------------------------------------------------


@pytest.mark.parametrize(("name", "data"), [
    ("Formulir 5.docx", office_zip("docx")),
    ("rekap saldo.xlsx", office_zip("xlsx")),
    ("surat lama.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
    ("tabel lama.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
    ("paklaring.odt", b"PK\x03\x04" + b"\x00" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.text" + b"\x00" * 200),
    ("berkas-tanpa-nama-jelas.zip", office_zip("docx")),   # a Word file whatever its name
    ("surat.rtf", b"{\\rtf1\\ansi Surat keterangan}"),
])
def test_word_and_excel_files_are_told_to_save_as_pdf(client: Any, claim: Any, name: str, data: bytes) -> None:
    upload(client, claim, name, data)
    doc = Document.objects.get(claim=claim)
    assert doc.status == "REFUSED" and doc.reason_code == "office_document" and not doc.file
    html = client.get(page_url(claim)).content.decode()
    assert "simpan sebagai PDF" in html and "Arsip" not in html
    english = client.get(api_url(claim), HTTP_ACCEPT_LANGUAGE="en", **auth(claim)).json()
    (entry,) = all_files(english)  # matched by its name (Formulir 5, paklaring) or not: listed with its reason
    assert entry["filename"] == name and "save it as PDF" in entry["reason"]
    assert stored_files() == []


def test_real_archives_and_renamed_images_keep_their_reasons(client: Any, claim: Any) -> None:
    upload(client, claim, "semua.zip", plain_zip())
    upload(client, claim, "foto.docx", jpeg_bytes())  # a JPEG named .docx: the name lies, not a Word file
    reasons = dict(Document.objects.filter(claim=claim).values_list("original_name", "reason_code"))
    assert reasons == {"semua.zip": "archive", "foto.docx": "type_mismatch"}


def test_word_file_by_email_is_refused_with_the_same_reason(claim: Any) -> None:
    from lapakasik.claims.services import Actor
    from lapakasik.intake.receive import document_receive

    result = document_receive(claim=claim, fileobj=io.BytesIO(office_zip("docx")), filename="KTP.docx",
                              declared_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                              source="EMAIL", actor=Actor.system("e-mail"))
    assert result.outcome == "refused" and result.reason_code == "office_document"
    assert "simpan sebagai PDF" in result.message and "save it as PDF" in result.message_en


# --- "diterima — dokumen apa ini?" ------------------------------------------------------------------


def test_unmatched_camera_file_asks_which_document_and_is_not_also_received(client: Any, claim: Any) -> None:
    upload(client, claim, CAMERA_NAME, jpeg_bytes())
    doc = Document.objects.get(claim=claim)
    assert doc.status == "RECEIVED" and doc.requirement is None
    html = client.get(page_url(claim)).content.decode()
    row = html[html.index(f'id="file-{doc.pk}"'):html.index("</li>", html.index(f'id="file-{doc.pk}"'))]
    assert "Diterima — dokumen apa ini?" in row
    assert 'name="requirement" value="ktp"' in row and 'name="dokumen"' in row and "csrfmiddlewaretoken" in row
    assert "Diterima, menunggu pemeriksaan" not in html  # no card claims a received file
    api = client.get(api_url(claim), HTTP_ACCEPT_LANGUAGE="en", **auth(claim)).json()
    entry = api["unassigned"][0]
    assert entry["unmatched"] is True and entry["status_label"] == "Received — which document is this?"


def test_one_tap_assigns_the_file_and_the_card_shows_it(client: Any, claim: Any) -> None:
    upload(client, claim, CAMERA_NAME, jpeg_bytes())
    doc = Document.objects.get(claim=claim)
    r = client.post(page_url(claim) + "dokumen-apa/", {"dokumen": doc.pk, "requirement": "ktp"}, follow=True)
    assert r.status_code == 200
    html = r.content.decode()
    assert f"{CAMERA_NAME} dicatat sebagai e-KTP" in html
    assert 'id="req-ktp" data-status="received"' in html and f'id="file-{doc.pk}"' not in html
    doc.refresh_from_db()
    assert doc.requirement is not None and doc.requirement.code == "ktp" and doc.status == "RECEIVED"
    event = claim.events.get(kind="document_assigned")
    assert event.data == {"document": doc.pk, "requirement": "ktp", "by": "participant"}
    # the same tap again (a double submit) changes nothing more
    client.post(page_url(claim) + "dokumen-apa/", {"dokumen": doc.pk, "requirement": "ktp"})
    assert claim.events.filter(kind="document_assigned").count() == 1


def test_assigning_the_last_missing_document_completes_the_checklist(client: Any, claim: Any) -> None:
    from lapakasik.intake.catalogue import claim_checklist

    missing = [i.code for i in claim_checklist(claim).missing]
    for n, code in enumerate(missing[:-1]):
        upload(client, claim, f"{code}.jpg", jpeg_bytes(seed=n), requirement=code)
    upload(client, claim, CAMERA_NAME, jpeg_bytes(seed=99))
    claim.refresh_from_db()
    assert claim.state == "AWAITING_DOCUMENTS"
    doc = Document.objects.get(claim=claim, original_name=CAMERA_NAME)
    client.post(page_url(claim) + "dokumen-apa/", {"dokumen": doc.pk, "requirement": missing[-1]})
    claim.refresh_from_db()
    assert claim.state == "DOCUMENTS_RECEIVED"


@pytest.mark.parametrize("requirement", [
    "paspor",          # a JHT requirement, but only for leaving Indonesia (this claim: resigned)
    "formulir_3",      # another claim type's requirement
    "tidak_ada",
    "",
    "KTP",
    "ktp'; DROP TABLE intake_document;--",
    "x" * 500,
])
def test_a_requirement_that_is_not_this_claims_is_refused(client: Any, claim: Any, requirement: str) -> None:
    upload(client, claim, CAMERA_NAME, jpeg_bytes())
    doc = Document.objects.get(claim=claim)
    r = client.post(page_url(claim) + "dokumen-apa/", {"dokumen": doc.pk, "requirement": requirement},
                    HTTP_ACCEPT="application/json")
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_requirement"
    doc.refresh_from_db()
    assert doc.requirement is None and not claim.events.filter(kind="document_assigned").exists()


def test_another_claims_file_or_a_refused_one_cannot_be_assigned(client: Any, make_claim: Any) -> None:
    mine, other = make_claim(), make_claim(nik="3174010101900099")
    upload(client, other, CAMERA_NAME, jpeg_bytes())
    upload(client, mine, "dokumen.zip", plain_zip())
    theirs = Document.objects.get(claim=other)
    refused = Document.objects.get(claim=mine)
    for doc_id in (theirs.pk, refused.pk, 0, -1, "abc", "1 OR 1=1", "9" * 40):
        r = client.post(page_url(mine) + "dokumen-apa/", {"dokumen": doc_id, "requirement": "ktp"},
                        HTTP_ACCEPT="application/json")
        assert r.status_code == 404, doc_id
    theirs.refresh_from_db()
    assert theirs.requirement is None and not Document.objects.filter(requirement__isnull=False).exists()


def test_a_matched_file_is_not_moved_and_a_full_requirement_is_refused(client: Any, claim: Any) -> None:
    upload(client, claim, "ktp.jpg", jpeg_bytes(seed=1), requirement="foto")  # foto takes one file
    upload(client, claim, CAMERA_NAME, jpeg_bytes(seed=2))
    matched = Document.objects.get(claim=claim, original_name="ktp.jpg")
    unmatched = Document.objects.get(claim=claim, original_name=CAMERA_NAME)
    r = client.post(page_url(claim) + "dokumen-apa/", {"dokumen": matched.pk, "requirement": "kk"},
                    HTTP_ACCEPT="application/json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "document_already_assigned"
    r = client.post(page_url(claim) + "dokumen-apa/", {"dokumen": unmatched.pk, "requirement": "foto"},
                    HTTP_ACCEPT="application/json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "requirement_full"
    matched.refresh_from_db()
    unmatched.refresh_from_db()
    assert matched.requirement.code == "foto" and unmatched.requirement is None


def test_assignment_needs_post_csrf_and_a_live_token(client: Any, claim: Any) -> None:
    upload(client, claim, CAMERA_NAME, jpeg_bytes())
    doc = Document.objects.get(claim=claim)
    data = {"dokumen": doc.pk, "requirement": "ktp"}
    assert client.get(page_url(claim) + "dokumen-apa/", data).status_code == 405
    assert Client(enforce_csrf_checks=True).post(page_url(claim) + "dokumen-apa/", data).status_code == 403
    assert client.post("/unggah/forged-token-123/dokumen-apa/", data).status_code == 404
    doc.refresh_from_db()
    assert doc.requirement is None


def test_no_choice_once_the_claim_no_longer_accepts_documents(client: Any, claim: Any) -> None:
    from lapakasik.claims.models import Claim

    upload(client, claim, CAMERA_NAME, jpeg_bytes())
    Claim.objects.filter(pk=claim.pk).update(state="IN_REVIEW")
    html = client.get(page_url(claim)).content.decode()
    assert CAMERA_NAME in html and 'name="dokumen"' not in html
