"""The gateway as an MTA sees it: real SMTP/LMTP conversations (smtplib, raw sockets) against the
gateway on a free port, then the worker's processing."""

from __future__ import annotations

import hashlib
import os
import smtplib
import socket
from typing import Any

import pytest

from lapakasik.intake.models import Document
from lapakasik.mailgateway.models import InboundMessage

from . import messages as m
from .conftest import address_of, jpeg_bytes, mail, run_worker, smtp_send


def spool_files(settings: Any) -> list[str]:
    return os.listdir(settings.MAILGATEWAY_SPOOL_DIR) if os.path.isdir(settings.MAILGATEWAY_SPOOL_DIR) else []


def test_unknown_recipient_is_refused_at_rcpt_with_a_clear_text(gateway: Any, claim: Any) -> None:
    client = smtplib.SMTP(gateway.hostname, gateway.port, timeout=30)
    client.ehlo("client.example.id")
    client.mail("siti@example.id")
    code, text = client.rcpt("tidakada@dokumen.lapakasik.local")
    assert code == 550
    assert b"tidak dikenal" in text and b"Unknown or revoked intake address" in text
    code, _ = client.rcpt("tidakada@domain-lain.example")
    assert code == 550
    code, _ = client.rcpt(address_of(claim))
    assert code == 250
    client.quit()
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        smtp_send(gateway, mail(to="x@y"), to=["nobody@dokumen.lapakasik.local"])
    assert InboundMessage.objects.count() == 0


def test_revoked_address_is_refused(gateway: Any, claim: Any) -> None:
    from lapakasik.claims.services import Actor
    from lapakasik.intake.services import intake_revoke

    old = address_of(claim)
    intake_revoke(claim=claim, actor=Actor.system())
    with pytest.raises(smtplib.SMTPRecipientsRefused) as exc:
        smtp_send(gateway, mail(to=old), to=[old])
    assert exc.value.recipients[old][0] == 550


def test_size_is_advertised_and_enforced(gateway_factory: Any, claim: Any, settings: Any) -> None:
    gw = gateway_factory(max_message_bytes=60_000)
    to = address_of(claim)
    client = smtplib.SMTP(gw.hostname, gw.port, timeout=30)
    client.ehlo("client.example.id")
    assert client.has_extn("size") and client.esmtp_features["size"] == "60000"
    # declared too big: refused at MAIL FROM
    code, _ = client.mail("siti@example.id", options=["SIZE=70000"])
    assert code == 552
    client.rset()
    # not declared, too big: refused after DATA, nothing kept
    big = mail(to=to, attachments=[(os.urandom(80_000), "ktp.jpg", "image/jpeg")])
    assert client.mail("siti@example.id")[0] == 250  # an MTA that does not declare SIZE
    assert client.rcpt(to)[0] == 250
    code, text = client.data(big.as_bytes(policy=__import__("email.policy").policy.SMTP))
    assert code == 552 and b"batas ukuran" in text and b"size limit" in text
    client.quit()
    assert InboundMessage.objects.count() == 0 and spool_files(settings) == []


def test_message_is_stored_durably_before_250_then_processed(gateway: Any, claim: Any, settings: Any) -> None:
    from lapakasik.mailgateway.conf import storage

    to = address_of(claim)
    msg = mail(to=to, attachments=[(jpeg_bytes(), "KTP.JPG", "image/jpeg")])
    data = msg.as_bytes(policy=__import__("email.policy").policy.SMTP)
    assert smtp_send(gateway, msg, to=[to]) == {}
    # the moment 250 arrived: row committed, raw message in storage, task queued — no worker yet
    row = InboundMessage.objects.get()
    assert row.status == "STORED" and row.claim_id == claim.pk and row.recipient == to
    assert row.message_id == msg["Message-ID"].strip("<>") and row.header_from == "siti@example.id"
    with storage().open(row.raw_file) as fh:
        kept = fh.read()
    assert kept == data and row.sha256 == hashlib.sha256(data).hexdigest() and row.size == len(data)
    assert spool_files(settings) == []
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path__endswith="inbound_message_process").count() == 1
    run_worker()
    row.refresh_from_db()
    assert row.status == "PROCESSED", row.error
    doc = Document.objects.get(claim=claim)
    assert doc.status == "RECEIVED" and doc.requirement.code == "ktp" and doc.source == "EMAIL"
    assert doc.inbound_ref == row.message_id


def test_storage_failure_answers_451_and_keeps_nothing(gateway: Any, claim: Any, settings: Any,
                                                       monkeypatch: Any) -> None:
    from django.core.files.storage import FileSystemStorage

    def broken(*a: Any, **kw: Any) -> Any:
        raise OSError("disk full")

    monkeypatch.setattr(FileSystemStorage, "save", broken)
    to = address_of(claim)
    with pytest.raises(smtplib.SMTPDataError) as exc:
        smtp_send(gateway, mail(to=to, attachments=[(jpeg_bytes(), "ktp.jpg", "image/jpeg")]), to=[to])
    assert exc.value.smtp_code == 451
    assert InboundMessage.objects.count() == 0 and spool_files(settings) == []


def test_same_message_delivered_twice_is_kept_and_processed_once(gateway: Any, claim: Any) -> None:
    from lapakasik.notifications.models import Notification

    to = address_of(claim)
    msg = mail(to=to, attachments=[(jpeg_bytes(), "ktp.jpg", "image/jpeg")], message_id="<dua-kali@example.id>")
    smtp_send(gateway, msg, to=[to])
    smtp_send(gateway, msg, to=[to])  # the MTA did not see our 250 and retried
    row = InboundMessage.objects.get()
    assert row.deliveries == 2
    run_worker()
    smtp_send(gateway, msg, to=[to])  # and once more after processing
    run_worker()
    row.refresh_from_db()
    assert (row.deliveries, row.status) == (3, "PROCESSED")
    assert Document.objects.filter(claim=claim).count() == 1
    assert Notification.objects.filter(claim=claim, event="intake_ack").count() == 1
    from lapakasik.mailgateway.conf import storage

    assert len(storage().listdir(os.path.dirname(row.raw_file))[1]) == 1


def test_message_to_two_claims_is_processed_for_each(gateway: Any, make_claim: Any) -> None:
    a, b = make_claim(), make_claim(email="budi@example.id")
    msg = mail(to=f"{address_of(a)}, {address_of(b)}", attachments=[(jpeg_bytes(), "ktp.jpg", "image/jpeg")])
    smtp_send(gateway, msg, to=[address_of(a), address_of(b)])
    rows = list(InboundMessage.objects.order_by("claim_id"))
    assert [r.claim_id for r in rows] == sorted([a.pk, b.pk]) and rows[0].raw_file == rows[1].raw_file
    run_worker()
    assert Document.objects.get(claim=a).status == "RECEIVED"
    assert Document.objects.get(claim=b).status == "HELD"  # siti@ wrote to budi's address


def _converse(sock: socket.socket, line: bytes, expect: int = 1) -> list[bytes]:
    sock.sendall(line)
    replies: list[bytes] = []
    buf = b""
    while len(replies) < expect:
        chunk = sock.recv(65536)
        if not chunk:
            break
        buf += chunk
        while b"\r\n" in buf:
            reply, buf = buf.split(b"\r\n", 1)
            if reply[3:4] != b"-":
                replies.append(reply)
    return replies


def test_lmtp_answers_once_per_recipient(gateway_factory: Any, make_claim: Any) -> None:
    gw = gateway_factory(lmtp=True)
    a, b = make_claim(), make_claim()
    sock = socket.create_connection((gw.hostname, gw.port), timeout=30)
    try:
        assert sock.recv(1024).startswith(b"220")
        assert _converse(sock, b"EHLO x\r\n")[0].startswith(b"500")  # LMTP speaks LHLO
        assert _converse(sock, b"LHLO mta.example.id\r\n")[0].startswith(b"250")
        assert _converse(sock, b"MAIL FROM:<siti@example.id>\r\n")[0].startswith(b"250")
        assert _converse(sock, f"RCPT TO:<{address_of(a)}>\r\n".encode())[0].startswith(b"250")
        assert _converse(sock, b"RCPT TO:<tidakada@dokumen.lapakasik.local>\r\n")[0].startswith(b"550")
        assert _converse(sock, f"RCPT TO:<{address_of(b)}>\r\n".encode())[0].startswith(b"250")
        assert _converse(sock, b"DATA\r\n")[0].startswith(b"354")
        body = mail(to=address_of(a), body="..titik di awal baris\r\n.").as_bytes(
            policy=__import__("email.policy").policy.SMTP)
        stuffed = body.replace(b"\r\n.", b"\r\n..")
        replies = _converse(sock, stuffed + b".\r\n", expect=2)
        assert len(replies) == 2 and all(r.startswith(b"250") for r in replies)
        assert address_of(a).encode() in replies[0] and address_of(b).encode() in replies[1]
        _converse(sock, b"QUIT\r\n")
    finally:
        sock.close()
    assert InboundMessage.objects.filter(protocol="lmtp").count() == 2
    from lapakasik.mailgateway.conf import storage

    with storage().open(InboundMessage.objects.first().raw_file) as fh:  # type: ignore[union-attr]
        assert fh.read() == body  # dot-unstuffed


def test_smtplib_lmtp_client(gateway_factory: Any, claim: Any) -> None:
    gw = gateway_factory(lmtp=True)
    to = address_of(claim)
    assert smtp_send(gw, mail(to=to, attachments=[(jpeg_bytes(), "kk.jpg", "image/jpeg")]), to=[to], lmtp=True) == {}
    run_worker()
    assert Document.objects.get(claim=claim).requirement.code == "kk"


def test_gateway_survives_malformed_mime_and_keeps_serving(gateway: Any, claim: Any) -> None:
    to = address_of(claim)
    broken = (b"From: siti@example.id\r\nSubject: rusak\r\nMessage-ID: <rusak@example.id>\r\n"
              b"Content-Type: multipart/mixed; boundary=\"abc\"\r\n\r\n--abc\r\nContent-Type: multipart/related;"
              b" boundary=\"\"\r\n\r\n--\r\n--abc\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n"
              b"Content-Disposition: attachment; filename*0*=zz'%%%\r\n\r\n////\r\n")  # never closed
    smtp_send(gateway, broken, to=[to])
    smtp_send(gateway, mail(to=to, attachments=[(jpeg_bytes(), "ktp.jpg", "image/jpeg")]), to=[to])
    run_worker()
    rows = list(InboundMessage.objects.order_by("id"))
    assert [r.status for r in rows] == ["PROCESSED", "PROCESSED"], [r.error for r in rows]
    assert rows[0].outcome["defects"]
    assert Document.objects.filter(claim=claim, status="RECEIVED").count() == 1


def test_bare_lf_and_long_lines_are_accepted_and_no_smuggling(gateway: Any, claim: Any) -> None:
    """Long lines and bare LFs (sloppy clients) are kept as they came; only CRLF.CRLF ends the data,
    so a bare-LF "dot line" cannot smuggle a second message in (SMTP smuggling)."""
    from lapakasik.mailgateway.conf import storage

    to = address_of(claim)
    client = smtplib.SMTP(gateway.hostname, gateway.port, timeout=30)
    client.ehlo("x")
    client.mail("siti@example.id")
    client.rcpt(to)
    smuggled = (b"Subject: x\nMessage-ID: <lf@example.id>\n\n" + b"A" * 5000 + b"\n.\nMAIL FROM:<evil@x>\r\n"
                b"RCPT TO:<" + to.encode() + b">\r\nDATA\r\n\r\n.\nQUIT\r\n")
    code, _ = client.data(smuggled)
    assert code == 250
    assert client.noop()[0] == 250  # the session goes on
    client.quit()
    row = InboundMessage.objects.get()
    with storage().open(row.raw_file) as fh:
        kept = fh.read()
    # one message with everything inside it (smtplib also doubles a dot after a bare LF; only dots
    # after CRLF are line starts, so that one stays doubled)
    assert kept.startswith(b"Subject: x\n") and b"MAIL FROM:<evil@x>" in kept and kept.endswith(b"QUIT\r\n")


def test_iphone_message_end_to_end(gateway: Any, claim: Any) -> None:
    to = address_of(claim)
    raw = m.iphone(to=to, subject="KTP", photos=[(jpeg_bytes(seed=1), "IMG_0001.JPG", "image/jpeg"),
                                                (jpeg_bytes(seed=2), "IMG_0002.JPG", "image/jpeg")])
    smtp_send(gateway, raw, to=[to])
    run_worker()
    docs = list(Document.objects.filter(claim=claim).order_by("id"))
    # no name says what they are; the subject says KTP and KTP takes two files (front and back)
    assert [(d.status, d.requirement.code if d.requirement else None) for d in docs] == [
        ("RECEIVED", "ktp"), ("RECEIVED", "ktp")]
    assert [d.original_name for d in docs] == ["IMG_0001.JPG", "IMG_0002.JPG"]


def test_database_down_at_rcpt_answers_451_and_the_gateway_stays_up(gateway: Any, claim: Any,
                                                                    monkeypatch: Any) -> None:
    from lapakasik.mailgateway import services

    def down(address: str) -> Any:
        raise services.IntegrityError("database unavailable")  # any database error

    monkeypatch.setattr(services, "recipient_resolve", down)
    client = smtplib.SMTP(gateway.hostname, gateway.port, timeout=30)
    client.ehlo("x")
    client.mail("siti@example.id")
    code, text = client.rcpt(address_of(claim))
    assert code == 451 and b"coba lagi" in text
    client.quit()
    monkeypatch.undo()
    assert smtp_send(gateway, mail(to=address_of(claim)), to=[address_of(claim)]) == {}


def test_command_reprocess(gateway: Any, claim: Any) -> None:
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    smtp_send(gateway, mail(to=address_of(claim), attachments=[(jpeg_bytes(), "ktp.jpg", "image/jpeg")]),
              to=[address_of(claim)])
    row = InboundMessage.objects.get()
    out = io.StringIO()
    call_command("mailgateway", reprocess=row.pk, stdout=out)
    assert f"inbound message {row.pk}: PROCESSED" in out.getvalue()
    assert Document.objects.filter(claim=claim).count() == 1
    with pytest.raises(CommandError):
        call_command("mailgateway", reprocess=999999)


def test_flood_to_one_address_is_deferred(gateway: Any, make_claim: Any, settings: Any) -> None:
    settings.MAILGATEWAY_MAX_MESSAGES_PER_CLAIM_HOUR = 2
    a, b = make_claim(), make_claim()
    for n in range(2):
        smtp_send(gateway, mail(to=address_of(a), subject=f"pesan {n}"), to=[address_of(a)])
    with pytest.raises(smtplib.SMTPRecipientsRefused) as exc:
        smtp_send(gateway, mail(to=address_of(a), subject="pesan 3"), to=[address_of(a)])
    code, text = exc.value.recipients[address_of(a)]
    assert code == 450 and b"coba lagi nanti" in text
    assert smtp_send(gateway, mail(to=address_of(b)), to=[address_of(b)]) == {}  # others are not affected
    assert InboundMessage.objects.filter(claim=a).count() == 2
