"""POST/GET /api/v1/claims/{code}/documents: real multipart through the Django test client."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lapakasik.intake.models import Document
from tests.conftest import error_of

from .conftest import jpeg_bytes, pdf_bytes, stored_files

pytestmark = pytest.mark.django_db


def url(claim: Any) -> str:
    return f"/api/v1/claims/{claim.code}/documents"


def auth(claim: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {claim.test_token}"}


def test_upload_and_checklist(client: Any, claim: Any) -> None:
    f1 = SimpleUploadedFile("ktp.jpg", jpeg_bytes(), content_type="image/jpeg")
    r = client.post(url(claim), {"file": [f1], "requirement": "ktp"}, **auth(claim))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["results"][0]["outcome"] == "received"
    ktp = next(i for i in body["checklist"]["requirements"] if i["code"] == "ktp")
    assert ktp["status"] == "received" and ktp["documents"][0]["filename"] == "ktp.jpg"
    g = client.get(url(claim), **auth(claim))
    assert g.status_code == 200
    data = g.json()
    assert data["claim_code"] == claim.code and not data["complete"]
    assert {i["code"] for i in data["requirements"]} >= {"ktp", "kk", "buku_tabungan", "paklaring", "npwp"}
    npwp = next(i for i in data["requirements"] if i["code"] == "npwp")
    assert npwp["required"] is False and npwp["condition_note"]
    assert data["email_address"].endswith("@dokumen.lapakasik.local")
    from lapakasik.intake.services import intake_ack_send_pending
    from lapakasik.notifications.models import Notification

    assert not Notification.objects.filter(claim=claim, event="intake_ack").exists()  # coalesced, comes later
    assert intake_ack_send_pending(claim_id=claim.pk) == 1
    ack = Notification.objects.get(claim=claim, event="intake_ack")
    assert ack.context["received"][0]["filename"] == "ktp.jpg"
    assert any(m["code"] == "kk" for m in ack.context["missing"])


def test_refused_file_gives_error_shape_and_reason(client: Any, claim: Any) -> None:
    bad = SimpleUploadedFile("ktp.jpg", b"<html><script>x</script></html>", content_type="image/jpeg")
    r = client.post(url(claim), {"file": bad, "requirement": "ktp"}, **auth(claim))
    assert r.status_code == 422
    err = error_of(r)
    assert err["code"] == "file_type_mismatch" and "JPG" in err["message"]
    assert err["results"][0]["reason_code"] == "type_mismatch"
    assert stored_files() == []


def test_english_messages(client: Any, claim: Any) -> None:
    bad = SimpleUploadedFile("a.pdf", pdf_bytes(encrypt=True), content_type="application/pdf")
    r = client.post(url(claim), {"file": bad}, HTTP_ACCEPT_LANGUAGE="en", **auth(claim))
    assert r.status_code == 422
    assert "password" in error_of(r)["message"].lower()


@pytest.mark.parametrize("header", ["", "Bearer wrong", "Basic abc", "Bearer "])
def test_wrong_or_missing_token(client: Any, claim: Any, header: str) -> None:
    f = SimpleUploadedFile("ktp.jpg", jpeg_bytes(), content_type="image/jpeg")
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    r = client.post(url(claim), {"file": f}, **extra)
    assert r.status_code in {401, 404}
    error_of(r)
    assert client.get(url(claim), **extra).status_code in {401, 404}
    assert Document.objects.count() == 0 and stored_files() == []


def test_no_file(client: Any, claim: Any) -> None:
    r = client.post(url(claim), {"requirement": "ktp"}, **auth(claim))
    assert r.status_code == 422 and error_of(r)["code"] == "no_file"


def test_oversized_body_is_413(client: Any, claim: Any, settings: Any) -> None:
    settings.INTAKE_MAX_REQUEST_BYTES = 50_000
    f = SimpleUploadedFile("ktp.jpg", b"\xff\xd8\xff" + b"\x00" * 80_000, content_type="image/jpeg")
    r = client.post(url(claim), {"file": f}, **auth(claim))
    assert r.status_code == 413
    assert error_of(r)["code"] == "body_too_large"
    assert Document.objects.count() == 0 and stored_files() == []


def test_double_submit_stores_once(client: Any, claim: Any) -> None:
    data = jpeg_bytes()
    for _ in range(2):
        client.post(url(claim), {"file": SimpleUploadedFile("ktp.jpg", data, "image/jpeg"), "requirement": "ktp"},
                    **auth(claim))
    assert Document.objects.filter(claim=claim).count() == 1
    assert len(stored_files()) == 2


def test_malformed_multipart_is_400(client: Any, claim: Any) -> None:
    body = b"--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ktp.jpg\"\r\n\r\n\xff\xd8\xff"  # no end
    r = client.generic("POST", url(claim), body, content_type="multipart/form-data; boundary=", **auth(claim))
    assert r.status_code == 400 and error_of(r)["code"] == "malformed_multipart"
    assert Document.objects.count() == 0 and stored_files() == []


def test_too_many_files_is_400(client: Any, claim: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [SimpleUploadedFile(f"f{i}.jpg", jpeg_bytes(seed=i), "image/jpeg") for i in range(4)]
    r = client.post(url(claim), {"file": files}, **auth(claim))
    assert r.status_code == 400 and error_of(r)["code"] == "too_many_files"
    assert Document.objects.count() == 0 and stored_files() == []


def test_acknowledgement_is_one_per_burst(client: Any, claim: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from lapakasik.intake.services import intake_ack_send_pending
    from lapakasik.notifications.models import Notification

    for seed, name in ((1, "ktp.jpg"), (2, "kk.jpg")):
        client.post(url(claim), {"file": SimpleUploadedFile(name, jpeg_bytes(seed=seed), "image/jpeg")}, **auth(claim))
    client.post(url(claim), {"file": SimpleUploadedFile("x.jpg", b"<html>", "image/jpeg")}, **auth(claim))
    scheduled = DBTaskResult.objects.filter(task_path__endswith="intake_ack_send")
    from lapakasik.core import clock

    assert scheduled.count() == 1
    assert clock.now() < scheduled.get().run_after < clock.now() + timedelta(seconds=61)
    assert intake_ack_send_pending(claim_id=claim.pk) == 3
    ack = Notification.objects.get(claim=claim, event="intake_ack")
    assert [r["filename"] for r in ack.context["received"]] == ["ktp.jpg", "kk.jpg"]
    assert ack.context["refused"][0]["reason_code"] == "type_mismatch"
    assert intake_ack_send_pending(claim_id=claim.pk) == 0  # nothing new
    client.post(url(claim), {"file": SimpleUploadedFile("foto.jpg", jpeg_bytes(seed=3), "image/jpeg")}, **auth(claim))
    assert scheduled.count() == 2  # a new burst schedules a new acknowledgement
