"""The gateway as an MTA sees it: real SMTP/LMTP conversations with smtplib."""

from __future__ import annotations

import smtplib
from typing import Any

import pytest

from lapakasik.intake.models import Document
from lapakasik.mailgateway.models import InboundMessage

from .conftest import address_of, jpeg_bytes, mail, run_worker, smtp_send


def test_unknown_recipient_is_refused_at_rcpt_with_a_clear_text(gateway: Any, claim: Any) -> None:
    client = smtplib.SMTP(gateway.hostname, gateway.port, timeout=30)
    client.ehlo("client.example.id")
    client.mail("siti@example.id")
    code, text = client.rcpt("tidakada@dokumen.lapakasik.local")
    assert code == 550
    assert b"tidak dikenal" in text and b"Unknown or revoked intake address" in text
    code, _ = client.rcpt(address_of(claim))
    assert code == 250
    client.quit()
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        smtp_send(gateway, mail(to="x@y"), to=["nobody@dokumen.lapakasik.local"])
    assert InboundMessage.objects.count() == 0


def test_message_is_stored_then_processed_into_documents(gateway: Any, claim: Any) -> None:
    to = address_of(claim)
    msg = mail(to=to, attachments=[(jpeg_bytes(), "KTP.JPG", "image/jpeg")])
    assert smtp_send(gateway, msg, to=[to]) == {}
    row = InboundMessage.objects.get()
    assert row.status == "STORED" and row.claim_id == claim.pk
    run_worker()
    row.refresh_from_db()
    assert row.status == "PROCESSED", row.error
    doc = Document.objects.get(claim=claim)
    assert doc.status == "RECEIVED" and doc.requirement.code == "ktp" and doc.source == "EMAIL"
