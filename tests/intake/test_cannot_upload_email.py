"""After "Saya tidak bisa mengunggah", documents sent by real e-mail (SMTP → gateway → worker) end UPLOAD_FAILED:
from the registered address at once; from another address (held) when an officer accepts them."""

from __future__ import annotations

from typing import Any

from lapakasik.intake.models import Document, IntakeAccess
from tests.accounts.factories import make_officer
from tests.accounts.helpers import officer_login
from tests.mailgateway import conftest as mailgateway
from tests.mailgateway.conftest import address_of, mail, run_worker, smtp_send

from .conftest import jpeg_bytes

# the mail gateway's fixtures: the real gateway on a free port, in a thread
gateway_factory = mailgateway.gateway_factory
gateway = mailgateway.gateway


def report(client: Any, claim: Any) -> None:
    token = IntakeAccess.objects.get(claim=claim, kind="upload", revoked_at__isnull=True).token
    r = client.post(f"/unggah/{token}/tidak-bisa/", {"masalah": "connection", "konfirmasi": "ya"})
    assert r.status_code == 302
    claim.refresh_from_db()
    assert claim.state == "UPLOAD_FAILED"


def test_email_from_the_registered_address_leaves_upload_failed(client: Any, gateway: Any, make_claim: Any) -> None:
    claim = make_claim()
    report(client, claim)
    raw = mail(to=address_of(claim), attachments=[(jpeg_bytes(), "ktp.jpg", "image/jpeg")])
    smtp_send(gateway, raw, to=[address_of(claim)])
    run_worker()
    claim.refresh_from_db()
    assert claim.state == "AWAITING_DOCUMENTS"
    assert claim.events.filter(kind="state_changed", reason="upload_recovered").exists()


def test_held_email_accepted_by_the_officer_leaves_upload_failed(
        client: Any, gateway: Any, make_claim: Any, officers: Any) -> None:
    claim = make_claim()
    report(client, claim)
    raw = mail(to=address_of(claim), sender="Adik <adik@example.id>",
               attachments=[(jpeg_bytes(), "ktp.jpg", "image/jpeg")])
    smtp_send(gateway, raw, to=[address_of(claim)], sender="adik@example.id")
    run_worker()
    doc = Document.objects.get(claim=claim)
    claim.refresh_from_db()
    assert doc.status == "HELD" and claim.state == "UPLOAD_FAILED"
    officer_login(client, make_officer("cso.held", "officer", branch=claim.branch))
    client.post(f"/petugas/klaim/{claim.code}/dokumen/", {"document": doc.pk, "action": "accept"})
    doc.refresh_from_db()
    claim.refresh_from_db()
    assert doc.status == "ACCEPTED" and claim.state == "AWAITING_DOCUMENTS"
