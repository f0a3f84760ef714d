"""E-mail through Django's SMTP backend to a real SMTP server (aiosmtpd): HTML + text, the verification
code, Message-ID from the idempotency key, replies in the participant's thread, refusals."""

from __future__ import annotations

from typing import Any

import pytest

from tests.claims.factories import applicant

from .conftest import enqueue, make_due, run_queue

pytestmark = pytest.mark.django_db(transaction=True)


def test_email_has_text_and_html_with_the_verification_code(claim: Any, templates: None, smtp_sink: Any) -> None:
    from lapakasik.notifications.models import Notification

    [row] = enqueue(event="booking_confirmed", claim=claim, context={
        "session_date": "Rabu, 2 Desember 2026", "session_time": "09:00–10:00 WIB",
        "upload_url": "http://127.0.0.1:8000/unggah/abc/", "email_address": "k-abc@dokumen.lapakasik.local"})
    assert run_queue() == ["sent"]
    row = Notification.objects.get(pk=row.pk)
    [msg] = smtp_sink.messages
    assert smtp_sink.envelopes[0].rcpt_tos == ["siti@example.id"]
    assert msg["Subject"] == f"Antrean klaim {claim.code} terdaftar"
    assert msg["Message-ID"] == row.provider_message_id and row.idempotency_key in msg["Message-ID"]
    assert msg["X-Lapakasik-Verification"] == row.verification_code
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    code = f"{row.verification_code[:4]}-{row.verification_code[4:]}"
    for part in (text, html):
        assert "Siti Rahayu" in part and "Rabu, 2 Desember 2026" in part and code in part
        assert "/cek-pesan/" in part
    assert '<a href="http://127.0.0.1:8000/unggah/abc/"' in html
    assert "In-Reply-To" not in msg


def test_intake_ack_replies_in_the_participants_thread(claim: Any, templates: None, smtp_sink: Any) -> None:
    enqueue(event="intake_ack", claim=claim, context={
        "reply_to_message_id": "<CAF=abc123@mail.example.id>", "complete": False,
        "received": [{"filename": "ktp.jpg", "requirement": "e-KTP"}],
        "refused": [{"filename": "kk.pdf", "reason": "PDF terenkripsi"}],
        "missing": [{"code": "KK", "label": "Kartu Keluarga"}], "documents_due_local": "2026-12-01 23:59 WIB"})
    assert run_queue() == ["sent"]
    [msg] = smtp_sink.messages
    assert msg["In-Reply-To"] == "<CAF=abc123@mail.example.id>"
    assert msg["References"] == "<CAF=abc123@mail.example.id>"
    text = msg.get_body(preferencelist=("plain",)).get_content()
    assert "ktp.jpg (e-KTP)" in text and "kk.pdf: PDF terenkripsi" in text and "Kartu Keluarga" in text
    assert "2026-12-01 23:59 WIB" in text


def test_english_participant_gets_english(make_claim: Any, templates: None, smtp_sink: Any) -> None:
    claim = make_claim(language="en")
    enqueue(event="claim_rejected", claim=claim, context={"reason": "Waiting period not over"})
    run_queue()
    [msg] = smtp_sink.messages
    assert msg["Subject"] == f"Claim {claim.code} rejected"
    assert "Message verification code" in msg.get_body(preferencelist=("plain",)).get_content()


def test_refused_recipient_is_permanent_and_falls_back(make_claim: Any, templates: None, smtp_sink: Any) -> None:
    from lapakasik.notifications.models import Notification, SimulatedMessage

    claim = make_claim(email="nobody@example.id", channels=["email"])
    smtp_sink.refuse["nobody@example.id"] = "550 5.1.1 No such user"
    [row] = enqueue(event="claim_verified", claim=claim)
    assert run_queue() == ["failed", "sent"]
    failed = Notification.objects.get(pk=row.pk)
    assert failed.status == "FAILED" and "550" in failed.last_error
    fallback = Notification.objects.get(fallback_of=failed)
    assert fallback.channel == "whatsapp" and fallback.status == "SENT"  # chain: whatsapp (simulator here)
    assert SimulatedMessage.objects.filter(channel="whatsapp", recipient=applicant(claim).phone).count() == 1


def test_deferred_recipient_and_server_down_are_retried(claim: Any, templates: None, smtp_sink: Any,
                                                        settings: Any) -> None:
    from lapakasik.notifications.models import Notification

    smtp_sink.refuse["siti@example.id"] = "450 4.2.0 Mailbox busy"
    [row] = enqueue(event="claim_verified", claim=claim)
    assert run_queue() == ["retry"]
    del smtp_sink.refuse["siti@example.id"]
    settings.EMAIL_PORT = 1  # nothing listens there
    make_due(row)
    assert run_queue() == ["retry"]
    settings.EMAIL_PORT = smtp_sink.port
    make_due(row)
    assert run_queue() == ["sent"]
    assert Notification.objects.get(pk=row.pk).attempts == 3
    assert len(smtp_sink.messages) == 1
