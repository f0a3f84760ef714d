"""Participant upload pages (plain multipart form, no JS), failure path, cover sheet, officer download."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lapakasik.intake.models import Document, IntakeAccess
from tests.accounts.factories import make_officer
from tests.accounts.helpers import officer_login

from .conftest import jpeg_bytes, print_sheet, stored_files

pytestmark = pytest.mark.django_db


def upload_url(claim: Any) -> str:
    token = IntakeAccess.objects.get(claim=claim, kind="upload", revoked_at__isnull=True).token
    return f"/unggah/{token}/"


def test_upload_page_lists_requirements_without_pii_in_url(client: Any, claim: Any) -> None:
    url = upload_url(claim)
    assert claim.insured_nik not in url
    r = client.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Kartu Keluarga" in html and 'accept="image/*,application/pdf"' in html and "capture" in html
    assert "Saya tidak bisa mengunggah" in html


def test_unknown_token_404(client: Any, claim: Any) -> None:
    assert client.get("/unggah/nope/").status_code == 404


def test_plain_form_upload_then_checklist_updates(client: Any, claim: Any) -> None:
    url = upload_url(claim)
    f = SimpleUploadedFile("kk depan.jpg", jpeg_bytes(), content_type="image/jpeg")
    r = client.post(url, {"file": [f], "requirement": "kk"}, follow=True)
    assert r.status_code == 200
    html = r.content.decode()
    assert "kk depan.jpg diterima" in html
    assert 'id="req-kk" data-status="received"' in html
    bad = SimpleUploadedFile("ktp.jpg", b"MZ\x90\x00", content_type="image/jpeg")
    r = client.post(url, {"file": [bad], "requirement": "ktp"}, follow=True)
    html = r.content.decode()
    assert "ktp.jpg ditolak" in html and 'id="req-ktp" data-status="refused"' in html


def test_json_upload_for_the_script(client: Any, claim: Any) -> None:
    f = SimpleUploadedFile("ktp.jpg", jpeg_bytes(), content_type="image/jpeg")
    r = client.post(upload_url(claim), {"file": f, "requirement": "ktp"}, HTTP_ACCEPT="application/json")
    assert r.status_code == 201 and r.json()["results"][0]["outcome"] == "received"


def test_oversized_page_post_is_413(client: Any, claim: Any, settings: Any) -> None:
    settings.INTAKE_MAX_REQUEST_BYTES = 10_000
    f = SimpleUploadedFile("ktp.jpg", b"\xff\xd8\xff" + b"\x00" * 20_000, content_type="image/jpeg")
    r = client.post(upload_url(claim), {"file": f})
    assert r.status_code == 413 and Document.objects.count() == 0 and stored_files() == []


def test_cannot_upload_with_dropbox_gives_cover_sheet(client: Any, claim: Any) -> None:
    from pypdf import PdfReader

    url = upload_url(claim)
    r = client.post(url + "tidak-bisa/", {"masalah": "connection", "konfirmasi": "ya"}, follow=True)
    assert r.status_code == 200
    claim.refresh_from_db()
    assert claim.state == "UPLOAD_FAILED"
    html = r.content.decode()
    assert "dropbox" in html.lower() and f"{url}dropbox/" in html  # the choice of dropbox and day
    before = client.get(url + "lembar-sampul.pdf")  # the message's link leads to that choice first
    assert before.status_code == 302 and before["Location"].endswith("/bantuan/#dropbox")
    print_sheet(client, claim)
    assert claim.state == "DROPBOX_EXPECTED"
    pdf = client.get(url + "lembar-sampul.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment")
    import io

    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert claim.code in text and "e-KTP" in text
    from lapakasik.notifications.models import Notification

    row = Notification.objects.get(claim=claim, event="upload_failed")
    assert row.context["dropbox_allowed"] is True
    from lapakasik.notifications.services import notification_render

    message = notification_render(row).text  # the participant's message links the printable cover sheet
    assert f"http://127.0.0.1:8000{url}lembar-sampul.pdf" in message and "dropbox" in message


def test_cannot_upload_online_only_shows_alternatives(client: Any, make_claim: Any) -> None:
    from lapakasik.branches.models import Branch

    dki = Branch.objects.filter(region__code="DKI").order_by("code").first()
    claim = make_claim(branch=dki)
    url = upload_url(claim)
    r = client.post(url + "tidak-bisa/", {"masalah": "refused", "konfirmasi": "ya"}, follow=True)
    html = r.content.decode()
    assert "175" in html and "Coba unggah lagi" in html and "lembar-sampul" not in html
    assert client.get(url + "lembar-sampul.pdf").status_code == 404
    from lapakasik.notifications.models import Notification

    ctx = Notification.objects.get(claim=claim, event="upload_failed").context
    # DKI Jakarta serves online only: no dropbox anywhere, and never one in another province
    assert ctx["dropbox_allowed"] is False and "nearest_dropbox_branch" not in ctx
    assert "Tangerang" not in html


def test_deadline_passed_incomplete_goes_upload_failed(claim: Any) -> None:
    from datetime import timedelta

    from lapakasik.core import clock
    from lapakasik.intake.services import intake_deadline_check

    claim.documents_due_at = clock.now() - timedelta(hours=1)
    claim.save()
    assert intake_deadline_check() == 1
    claim.refresh_from_db()
    assert claim.state == "UPLOAD_FAILED"
    assert intake_deadline_check() == 0


def test_officer_download_scoped_and_safe(client: Any, claim: Any, officers: Any) -> None:
    from django.contrib.auth import get_user_model

    from lapakasik.claims.models import ClaimEvent

    f = SimpleUploadedFile("ktp <script>.jpg", jpeg_bytes(), content_type="image/jpeg")
    client.post(upload_url(claim), {"file": f, "requirement": "ktp"})
    doc = Document.objects.get(claim=claim)
    dl = f"/petugas/dokumen/{doc.pk}/unduh/"
    assert client.get(dl).status_code == 302  # login first
    mine = make_officer("cso.claim", "officer", branch=claim.branch)
    other = get_user_model().objects.get(username="petugas.makassar")
    assert other.officer.branch != claim.branch
    officer_login(client, other)
    assert client.get(dl).status_code == 404
    front_desk = make_officer("satpam.claim", "front_desk", branch=claim.branch)
    officer_login(client, front_desk)
    assert client.get(dl).status_code == 403  # the front desk never opens documents, even of its branch
    officer_login(client, mine)
    r = client.get(dl)
    assert r.status_code == 200
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Disposition"] == f'attachment; filename="{claim.code}-ktp-{doc.pk}.jpg"'
    assert b"".join(r.streaming_content)[:3] == b"\xff\xd8\xff"
    assert ClaimEvent.objects.filter(claim=claim, kind="document_opened").count() == 1


def test_malformed_multipart_page_post_is_400(client: Any, claim: Any) -> None:
    r = client.generic("POST", upload_url(claim), b"--X\r\ngarbage", content_type="multipart/form-data; boundary=")
    assert r.status_code == 400 and "multipart" in r.content.decode()
    assert Document.objects.count() == 0


def test_reminder_once_when_deadline_near_and_incomplete(make_claim: Any) -> None:
    from datetime import timedelta

    from lapakasik.core import clock
    from lapakasik.intake.services import intake_reminders_send
    from lapakasik.notifications.models import Notification

    near = make_claim(documents_due_at=clock.now() + timedelta(hours=5))
    make_claim(documents_due_at=clock.now() + timedelta(days=3))  # not yet
    assert intake_reminders_send() == 1
    assert intake_reminders_send() == 0  # once
    note = Notification.objects.get(event="documents_incomplete_reminder")
    assert note.claim_id == near.pk
    assert any(m["code"] == "ktp" for m in note.context["missing"]) and note.context["upload_url"]


def test_admin_requirement_form_validates_reasons(db: Any) -> None:
    from lapakasik.intake.admin import RequirementForm

    base = {"claim_type": "JHT", "code": "baru", "label_id": "Baru", "label_en": "New", "min_files": 1,
            "max_files": 2, "condition": "always", "keywords": "[]", "order": 5, "is_active": True,
            "unconditional_reasons": "[]", "help_id": "", "help_en": ""}
    assert RequirementForm(data={**base, "reasons": '["RESIGNED"]'}).is_valid()
    bad = RequirementForm(data={**base, "reasons": '["NOPE"]'})
    assert not bad.is_valid() and "reasons" in bad.errors


def test_officer_documents_page_assign_and_accept(client: Any, claim: Any, officers: Any) -> None:
    from django.contrib.auth import get_user_model

    from lapakasik.intake.catalogue import claim_checklist

    client.post(upload_url(claim), {"file": SimpleUploadedFile("IMG_1.jpg", jpeg_bytes(), "image/jpeg")})
    doc = Document.objects.get(claim=claim)
    assert doc.requirement is None  # unmatched: waits for an officer
    page = f"/petugas/klaim/{claim.code}/dokumen/"
    other = get_user_model().objects.get(username="petugas.makassar")
    assert other.officer.branch != claim.branch
    officer_login(client, other)
    assert client.get(page).status_code == 404
    mine = make_officer("cso.claim", "officer", branch=claim.branch)
    officer_login(client, mine)
    r = client.get(page)
    assert r.status_code == 200 and "IMG_1.jpg" in r.content.decode()
    client.post(page, {"document": doc.pk, "action": "assign", "requirement": "ktp"})
    doc.refresh_from_db()
    assert doc.requirement is not None and doc.requirement.code == "ktp" and doc.status == "RECEIVED"
    client.post(page, {"document": doc.pk, "action": "accept", "requirement": "ktp"})
    doc.refresh_from_db()
    assert doc.status == "ACCEPTED"
    item = next(i for i in claim_checklist(claim).items if i.code == "ktp")
    assert item.status == "accepted"
    assert claim.events.filter(kind="document_reviewed").count() == 1


def test_front_desk_cannot_review_or_open_its_own_branchs_documents(client: Any, make_claim: Any,
                                                                     officers: Any) -> None:
    """Regression: ``satpam.bandung`` (front desk at BDG01) could open ``/petugas/klaim/<code>/dokumen/`` of
    a Bandung claim, accept or refuse its files and download them. Now 403 on every one, nothing written."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from lapakasik.branches.models import Branch
    from lapakasik.claims.models import ClaimEvent

    claim = make_claim(branch=Branch.objects.get(code="BDG01"))
    client.post(upload_url(claim), {"file": SimpleUploadedFile("ktp.jpg", jpeg_bytes(), "image/jpeg"),
                                    "requirement": "ktp"})
    doc = Document.objects.get(claim=claim)
    events = ClaimEvent.objects.filter(claim=claim).count()
    satpam = get_user_model().objects.get(username="satpam.bandung")
    assert satpam.officer.branch == claim.branch
    client = Client()  # a fresh session (no flash message of the upload)
    officer_login(client, satpam)
    page = f"/petugas/klaim/{claim.code}/dokumen/"
    denied = client.get(page)
    assert denied.status_code == 403 and "Akses ditolak" in denied.content.decode()
    assert "ktp.jpg" not in denied.content.decode()
    assert "Access denied" in client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for action in ("accept", "refuse", "assign"):
        assert client.post(page, {"document": doc.pk, "action": action, "requirement": "ktp"}).status_code == 403
    assert client.get(f"/petugas/dokumen/{doc.pk}/unduh/").status_code == 403
    doc.refresh_from_db()
    assert doc.status == "RECEIVED" and ClaimEvent.objects.filter(claim=claim).count() == events
    bandung = make_officer("cso.bandung", "officer", branch=claim.branch)
    officer_login(client, bandung)
    assert client.get(page).status_code == 200
    assert client.post(page, {"document": doc.pk, "action": "accept", "requirement": "ktp"}).status_code == 302
    doc.refresh_from_db()
    assert doc.status == "ACCEPTED"
