"""What the participant meets: messages as real clients send them, over SMTP, through the worker into
documents, refusals with reasons, held files and the acknowledgement in the same thread."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from typing import Any

import pytest

from lapakasik.intake.models import Document
from lapakasik.mailgateway.models import InboundMessage
from lapakasik.notifications.models import Notification
from tests.claims.factories import applicant

from . import messages as m
from .conftest import address_of, jpeg_bytes, mail, pdf_bytes, png_bytes, run_worker, smtp_send


def deliver(gw: Any, claim: Any, raw: bytes | EmailMessage, sender: str = "siti@example.id") -> InboundMessage:
    smtp_send(gw, raw, to=[address_of(claim)], sender=sender)
    run_worker()
    row = InboundMessage.objects.order_by("-id").first()
    assert row is not None and row.status == "PROCESSED", row and row.error
    return row


def docs(claim: Any) -> list[tuple[str, str | None, str, str]]:
    return [(d.original_name, d.requirement.code if d.requirement else None, d.status, d.reason_code)
            for d in Document.objects.filter(claim=claim).order_by("id")]


def ack(claim: Any, recipient: str | None = None) -> Notification:
    qs = Notification.objects.filter(claim=claim, event="intake_ack", channel="email")
    if recipient:
        qs = qs.filter(recipient=recipient)
    return qs.order_by("-id").first()  # type: ignore[return-value]


def test_outlook_message_with_logo_and_encoded_name(gateway: Any, claim: Any) -> None:
    raw = m.outlook(to=address_of(claim), attachment=(pdf_bytes(), "Kartu Keluarga Bu Sri Rahàyu.PDF", "application/pdf"),
                    logo=png_bytes((120, 40)))
    row = deliver(gateway, claim, raw)
    assert docs(claim) == [("Kartu Keluarga Bu Sri Rahàyu.PDF", "kk", "RECEIVED", "")]
    assert row.outcome["skipped"] == [{"filename": "image001.png", "content_type": "image/png",
                                       "reason": "embedded_image"}]
    note = ack(claim)
    assert note.context["reply_to_message_id"] == row.message_id
    assert note.context["received"][0]["requirement_code"] == "kk"


def test_iphone_heic_photo(gateway: Any, claim: Any, monkeypatch: Any) -> None:
    import io

    import pillow_heif
    from PIL import Image

    buf = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (800, 600), (120, 90, 60))).save(buf, quality=60)
    heic = buf.getvalue()
    raw = m.iphone(to=address_of(claim), subject="KTP saya", photos=[(heic, "IMG_4032.HEIC", "image/heic")])
    deliver(gateway, claim, raw)
    assert docs(claim) == [("IMG_4032.HEIC", "ktp", "RECEIVED", "")]
    assert Document.objects.get(claim=claim).kind == "jpeg"  # converted

    # where no HEIC decoder is installed: a clear "send it as JPG" refusal
    from lapakasik.intake import pipeline

    monkeypatch.setattr(pipeline, "_heif_available", lambda: False)
    raw = m.iphone(to=address_of(claim), subject="KK", message_id="<heic-2@example.id>",
                   photos=[(heic[:-10] + b"0123456789", "IMG_4033.HEIC", "image/heic")])
    deliver(gateway, claim, raw)
    assert docs(claim)[-1] == ("IMG_4033.HEIC", "kk", "REFUSED", "heic_unsupported")
    refused = ack(claim).context["refused"]
    assert refused[0]["filename"] == "IMG_4033.HEIC" and "JPG" in refused[0]["reason"]


def test_forwarded_message_attachment_classified_from_its_subject(gateway: Any, claim: Any) -> None:
    inner = EmailMessage()
    inner["From"] = "hrd@pt-maju.co.id"
    inner["Subject"] = "Paklaring a.n. Siti Rahayu"
    inner["Message-ID"] = "<hrd-1@pt-maju.co.id>"
    inner.set_content("Terlampir.")
    inner.add_attachment(pdf_bytes(), maintype="application", subtype="pdf", filename="scan_0001.pdf")
    deliver(gateway, claim, m.forwarded(to=address_of(claim), inner=inner.as_bytes(policy=policy.SMTP)))
    assert docs(claim) == [("scan_0001.pdf", "paklaring", "RECEIVED", "")]


@pytest.mark.parametrize(("data", "filename", "ctype", "reason"), [
    (b"\x78\x9f\x3e\x22\x00\x00" + b"\x01" * 300, "winmail.dat", "application/ms-tnef", "archive"),
    (b"PK\x03\x04" + b"\x00" * 300, "dokumen.zip", "application/zip", "archive"),
    (b"Rar!\x1a\x07\x00" + b"\x00" * 300, "dokumen.RAR", "application/x-rar", "archive"),
    (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "ktp.jpg", "image/jpeg", "type_mismatch"),
    (b"MZ\x90\x00" + b"\x00" * 300, "KTP.JPG", "application/octet-stream", "type_mismatch"),
    (None, "formulir5.pdf", "application/pdf", "pdf_active_content"),
    (b"", "ktp.jpg", "image/jpeg", "empty"),
], ids=["tnef_winmail_dat", "zip", "rar_upper_case", "html_renamed_jpg", "exe_renamed_jpg", "pdf_javascript",
        "zero_bytes"])
def test_hostile_or_unusable_attachments_are_refused_with_reasons(
        gateway: Any, claim: Any, data: bytes | None, filename: str, ctype: str, reason: str) -> None:
    if data is None:
        data = pdf_bytes(javascript=True)
    raw = m.simple(to=address_of(claim), message_id=f"<{reason}-{filename}@example.id>",
                   parts=[m.attachment_part(data, filename_header=f'filename="{filename}"', ctype=ctype)])
    deliver(gateway, claim, raw)
    assert docs(claim) == [(filename, docs(claim)[0][1], "REFUSED", reason)]
    from lapakasik.intake.files import storage

    assert storage().listdir("documents")[0] == [] if storage().exists("documents") else True
    refused = ack(claim).context["refused"]
    assert refused[0]["reason_code"] == reason and len(refused[0]["reason"]) > 30


def test_jpeg_with_zip_appended_is_stored_without_the_zip(gateway: Any, claim: Any) -> None:
    from lapakasik.intake.files import storage

    polyglot = jpeg_bytes() + b"PK\x03\x04" + b"evil.exe" + b"\x00" * 200
    deliver(gateway, claim, mail(to=address_of(claim), attachments=[(polyglot, "ktp.jpg", "image/jpeg")]))
    doc = Document.objects.get(claim=claim)
    with storage().open(doc.file) as fh:
        stored = fh.read()
    assert doc.status == "RECEIVED" and b"PK\x03\x04" not in stored and stored.endswith(b"\xff\xd9")


def test_nameless_octet_stream_part_is_typed_by_content(gateway: Any, claim: Any) -> None:
    raw = m.simple(to=address_of(claim), subject="npwp",
                   parts=[m.attachment_part(jpeg_bytes(), ctype="application/octet-stream")])
    deliver(gateway, claim, raw)
    assert docs(claim) == [("lampiran-1", "npwp", "RECEIVED", "")]
    assert Document.objects.get(claim=claim).kind == "jpeg"


def test_quoted_printable_pdf_attachment(gateway: Any, claim: Any) -> None:
    """Quoted-printable is decoded (name and requirement are right), but its line breaks arrive as CRLF:
    the PDF's cross-reference offsets no longer match, and a PDF that needs repair is refused with a
    clear reason (a viewer's repair may see other objects than ours did)."""
    raw = m.simple(to=address_of(claim), parts=[m.attachment_part(
        pdf_bytes(), filename_header="filename*=UTF-8''Formulir%205%20Siti.PDF", ctype="application/pdf",
        encoding="quoted-printable")])
    deliver(gateway, claim, raw)
    assert docs(claim) == [("Formulir 5 Siti.PDF", "formulir_5", "REFUSED", "pdf_uninspectable")]
    assert "PDF" in ack(claim).context["refused"][0]["reason"]


def test_message_without_attachment_gets_a_reply_explaining(gateway: Any, claim: Any) -> None:
    row = deliver(gateway, claim, mail(to=address_of(claim), subject="Tanya syarat", body="Apa saja syaratnya?"))
    assert Document.objects.filter(claim=claim).count() == 0
    note = ack(claim)
    assert note.recipient == applicant(claim).email and note.context["reply_to_message_id"] == row.message_id
    assert note.context["no_attachment"] is True
    assert "tidak berisi lampiran" in note.context["refused"][0]["reason"]
    assert [x["code"] for x in note.context["missing"]][:2] == ["kartu_peserta", "ktp"]


def test_mail_from_another_address_is_held_and_both_are_told(gateway: Any, claim: Any) -> None:
    raw = mail(to=address_of(claim), sender="Anak Siti <anak.siti@example.id>",
               attachments=[(jpeg_bytes(), "ktp ibu.jpg", "image/jpeg")])
    row = deliver(gateway, claim, raw, sender="anak.siti@example.id")
    assert row.sender_matches is False
    assert docs(claim) == [("ktp ibu.jpg", "ktp", "HELD", "")]
    # neither gets the acknowledgement (it names the participant, the claim, the deadline, the checklist)
    assert not Notification.objects.filter(event="intake_ack").exists()
    notice = Notification.objects.get(event="intake_held_notice")
    assert notice.recipient == applicant(claim).email and notice.context["held_count"] == 1
    assert notice.context["sender_masked"] == "a***@example.id"
    reply = Notification.objects.get(event="intake_unverified_reply")
    assert reply.recipient == "anak.siti@example.id" and reply.claim is None
    assert reply.context == {"reply_to_message_id": row.message_id}
    from lapakasik.intake.catalogue import claim_checklist

    assert claim_checklist(claim).item("ktp").status == "missing"  # held files do not count yet


def test_sender_address_compared_case_insensitively(gateway: Any, claim: Any) -> None:
    raw = mail(to=address_of(claim), sender="SITI RAHAYU <Siti@EXAMPLE.id>",
               attachments=[(jpeg_bytes(), "ktp.jpg", "image/jpeg")])
    assert deliver(gateway, claim, raw).sender_matches is True
    assert docs(claim)[0][2] == "RECEIVED"


def test_acknowledgement_lists_received_refused_missing_in_the_thread(gateway: Any, claim: Any) -> None:
    raw = mail(to=address_of(claim), subject="Dokumen klaim JHT", attachments=[
        (jpeg_bytes(seed=1), "KTP.jpg", "image/jpeg"),
        (jpeg_bytes(seed=2), "Buku Tabungan.JPG", "image/jpeg"),
        (b"PK\x03\x04" + b"\x00" * 100, "semua.zip", "application/zip"),
    ], message_id="<thread-1@mail.example.id>")
    deliver(gateway, claim, raw)
    notes = Notification.objects.filter(claim=claim, event="intake_ack")
    assert notes.count() == 1
    ctx = notes.get().context
    assert ctx["reply_to_message_id"] == "thread-1@mail.example.id"
    assert [(r["filename"], r["requirement_code"]) for r in ctx["received"]] == [
        ("KTP.jpg", "ktp"), ("Buku Tabungan.JPG", "buku_tabungan")]
    assert [(r["filename"], r["reason_code"]) for r in ctx["refused"]] == [("semua.zip", "archive")]
    assert "ZIP" in ctx["refused"][0]["reason"]
    missing = [x["code"] for x in ctx["missing"]]
    assert "ktp" not in missing and "buku_tabungan" not in missing and "kk" in missing
    assert ctx["complete"] is False and ctx["documents_due_local"]
    claim.refresh_from_db()
    assert claim.state == "AWAITING_DOCUMENTS"


def test_acknowledgement_email_is_a_reply_in_the_thread(gateway: Any, claim: Any, settings: Any) -> None:
    """The notification app sends the acknowledgement as a reply: In-Reply-To/References = the
    participant's Message-ID, listing what arrived and what was refused."""
    from django.core import mail as outbox
    from django.core.management import call_command

    from lapakasik.notifications.services import template_defaults_install

    template_defaults_install()  # transactional tests flush the data migration's rows
    settings.NOTIFY_EMAIL_PROVIDER = "smtp"  # Django's e-mail backend (locmem in tests)
    deliver(gateway, claim, mail(to=address_of(claim), message_id="<thread-2@mail.example.id>", attachments=[
        (jpeg_bytes(), "ktp.jpg", "image/jpeg"), (b"PK\x03\x04" + b"\x00" * 100, "semua.zip", "application/zip")]))
    call_command("db_worker", batch=True, queue_name="notifications", startup_delay=False, verbosity=0)
    sent = [e for e in outbox.outbox if applicant(claim).email in e.to]
    assert len(sent) == 1, [(n.status, n.last_error, n.next_attempt_at) for n in Notification.objects.all()]
    reply = sent[0].message()
    assert reply["In-Reply-To"] == "<thread-2@mail.example.id>"
    assert reply["References"] == "<thread-2@mail.example.id>"
    body = sent[0].body
    assert "ktp.jpg" in body and "semua.zip" in body and "ZIP" in body


def test_claim_that_no_longer_accepts_documents(gateway: Any, claim: Any) -> None:
    from lapakasik.claims.models import Claim

    smtp_send(gateway, mail(to=address_of(claim), attachments=[(jpeg_bytes(), "ktp.jpg", "image/jpeg")]),
              to=[address_of(claim)])
    Claim.objects.filter(pk=claim.pk).update(state="PAID")
    run_worker()
    row = InboundMessage.objects.get()
    assert row.status == "PROCESSED" and row.outcome["not_accepting"] is True
    assert Document.objects.filter(claim=claim).count() == 0
    assert ack(claim).context["not_accepting"] is True


def test_too_many_attachments_are_not_processed_but_listed(gateway: Any, claim: Any, monkeypatch: Any) -> None:
    from lapakasik.mailgateway import parser

    monkeypatch.setattr(parser, "MAX_PARTS", 2)
    raw = mail(to=address_of(claim), attachments=[(jpeg_bytes(seed=i), f"foto{i}.jpg", "image/jpeg") for i in range(4)])
    deliver(gateway, claim, raw)
    assert Document.objects.filter(claim=claim).count() == 2
    refused = ack(claim).context["refused"]
    assert refused[-1]["reason_code"] == "too_many_attachments" and "foto2.jpg" in refused[-1]["filename"]


def test_processing_twice_does_nothing_more(gateway: Any, claim: Any) -> None:
    from lapakasik.mailgateway.processing import inbound_message_process

    row = deliver(gateway, claim, mail(to=address_of(claim), attachments=[(jpeg_bytes(), "ktp.jpg", "image/jpeg")]))
    inbound_message_process(message=row)
    assert Document.objects.filter(claim=claim).count() == 1
    assert Notification.objects.filter(claim=claim, event="intake_ack").count() == 1


def test_reply_in_english_for_an_english_speaking_participant(gateway: Any, make_claim: Any) -> None:
    claim = make_claim(language="en")
    deliver(gateway, claim, mail(to=address_of(claim), subject="Question", body="Which documents?"))
    refused = ack(claim).context["refused"][0]
    assert refused["reason"].startswith("Your e-mail has no document attached")


def test_failed_and_stuck_messages_are_retried(gateway: Any, claim: Any, monkeypatch: Any) -> None:
    from datetime import timedelta

    from lapakasik.core import clock
    from lapakasik.mailgateway import parser, tasks

    smtp_send(gateway, mail(to=address_of(claim), attachments=[(jpeg_bytes(), "ktp.jpg", "image/jpeg")]),
              to=[address_of(claim)])
    original = parser.parse

    def crash(*a: Any, **kw: Any) -> Any:
        raise RuntimeError("worker crashed")

    monkeypatch.setattr(parser, "parse", crash)
    run_worker()
    row = InboundMessage.objects.get()
    assert (row.status, row.attempts) == ("FAILED", 1) and "worker crashed" in row.error
    assert Document.objects.count() == 0
    monkeypatch.setattr(parser, "parse", original)
    assert tasks.inbound_messages_requeue() == 1
    run_worker()
    row.refresh_from_db()
    assert row.status == "PROCESSED" and Document.objects.filter(claim=claim).count() == 1
    # a message whose task got lost stays STORED: picked up once it is older than the grace period
    InboundMessage.objects.filter(pk=row.pk).update(status="STORED", attempts=1)
    assert tasks.inbound_messages_requeue() == 0
    assert tasks.inbound_messages_requeue(now=clock.now() + timedelta(hours=1)) == 1
    run_worker()
    row.refresh_from_db()
    assert row.status == "PROCESSED" and Document.objects.filter(claim=claim).count() == 1


def test_raw_messages_are_purged_after_the_retention_period(gateway: Any, make_claim: Any) -> None:
    from datetime import timedelta

    from lapakasik.core import clock
    from lapakasik.mailgateway.conf import storage
    from lapakasik.mailgateway.processing import inbound_raw_purge

    a, b = make_claim(), make_claim()
    smtp_send(gateway, mail(to=address_of(a), attachments=[(jpeg_bytes(), "ktp.jpg", "image/jpeg")]),
              to=[address_of(a), address_of(b)])
    run_worker()
    name = InboundMessage.objects.first().raw_file  # type: ignore[union-attr]
    assert inbound_raw_purge() == 0  # keep for ever by default
    assert inbound_raw_purge(days=30) == 0  # too recent
    InboundMessage.objects.filter(claim=b).update(status="FAILED")  # one claim still needs it
    assert inbound_raw_purge(days=30, now=clock.now() + timedelta(days=31)) == 0
    InboundMessage.objects.filter(claim=b).update(status="PROCESSED")
    assert inbound_raw_purge(days=30, now=clock.now() + timedelta(days=31)) == 1
    assert not storage().exists(name)
    assert list(InboundMessage.objects.values_list("raw_file", flat=True)) == ["", ""]
    assert Document.objects.filter(claim=a).count() == 1  # the documents stay


@pytest.mark.parametrize(("headers", "envelope_from"), [
    ({"Auto-Submitted": "auto-replied"}, "siti@example.id"),
    ({"Precedence": "bulk"}, "siti@example.id"),
    ({"X-Autoreply": "yes"}, "siti@example.id"),
    ({}, ""),  # a bounce: null reverse-path
], ids=["auto_submitted", "precedence_bulk", "x_autoreply", "null_sender"])
def test_auto_replies_and_bounces_are_never_answered(gateway: Any, claim: Any, headers: dict[str, str],
                                                     envelope_from: str) -> None:
    msg = mail(to=address_of(claim), subject="Out of office / Sedang cuti", body="Saya sedang cuti.")
    for key, value in headers.items():
        msg[key] = value
    row = deliver(gateway, claim, msg, sender=envelope_from)
    assert row.outcome["automatic"] is True
    assert not Notification.objects.filter(claim=claim, event="intake_ack").exists()


def test_apple_mail_html_variant_photo_inside_related_is_a_document(gateway: Any, claim: Any) -> None:
    """Apple Mail with formatting: alternative > related > (html, photo with Content-ID)."""
    photo = jpeg_bytes((1600, 1200), seed=7)
    boundary_alt, boundary_rel = "Apple-Mail=_ALT", "Apple-Mail=_REL"
    raw = m.crlf(f"""From: Siti <siti@example.id>
To: {address_of(claim)}
Subject: Kartu Keluarga
Message-Id: <apple-html@example.id>
Mime-Version: 1.0 (Mac OS X Mail 16.0)
Content-Type: multipart/alternative; boundary="{boundary_alt}"

--{boundary_alt}
Content-Transfer-Encoding: 7bit
Content-Type: text/plain; charset=us-ascii

Berikut KK saya

--{boundary_alt}
Content-Type: multipart/related; type="text/html"; boundary="{boundary_rel}"

--{boundary_rel}
Content-Transfer-Encoding: 7bit
Content-Type: text/html; charset=us-ascii

<html><body>Berikut KK saya<br><img src="cid:F1E2D3C4-1111@home"></body></html>
--{boundary_rel}
Content-Transfer-Encoding: base64
Content-Disposition: inline; filename=IMG_5501.jpeg
Content-Type: image/jpeg; x-unix-mode=0644; name="IMG_5501.jpeg"
Content-Id: <F1E2D3C4-1111@home>

{m.b64(photo)}
--{boundary_rel}--

--{boundary_alt}--
""")
    deliver(gateway, claim, raw)
    assert docs(claim) == [("IMG_5501.jpeg", "kk", "RECEIVED", "")]


def test_a_duplicate_task_does_not_process_a_message_another_worker_is_on(gateway: Any, claim: Any) -> None:
    from datetime import timedelta

    from lapakasik.core import clock
    from lapakasik.mailgateway.processing import inbound_message_process
    from lapakasik.mailgateway.tasks import inbound_messages_requeue

    smtp_send(gateway, mail(to=address_of(claim), attachments=[(jpeg_bytes(), "ktp.jpg", "image/jpeg")]),
              to=[address_of(claim)])
    row = InboundMessage.objects.get()
    InboundMessage.objects.filter(pk=row.pk).update(status="PROCESSING", processing_started_at=clock.now(), attempts=1)
    assert inbound_message_process(message=row).status == "PROCESSING"
    assert Document.objects.count() == 0
    assert inbound_messages_requeue() == 0
    # the other worker died: after the grace period it is taken over
    InboundMessage.objects.filter(pk=row.pk).update(processing_started_at=clock.now() - timedelta(hours=1))
    assert inbound_messages_requeue() == 1
    assert inbound_message_process(message=row).status == "PROCESSED"
    assert Document.objects.filter(claim=claim).count() == 1


@pytest.mark.parametrize(("header", "held"), [
    ("mx.bpjs.local; dmarc=fail (p=reject dis=none) header.from=example.id; spf=fail", True),
    ("mx.bpjs.local; spf=pass smtp.mailfrom=example.id; dkim=pass; dmarc=pass header.from=example.id", False),
    ("evil.example; dmarc=fail header.from=example.id", False),  # not our MTA's header: ignored
], ids=["dmarc_fail", "dmarc_pass", "untrusted_header"])
def test_forged_from_is_held_when_our_mta_says_dmarc_failed(gateway: Any, claim: Any, settings: Any,
                                                             header: str, held: bool) -> None:
    settings.MAILGATEWAY_TRUSTED_AUTHSERV_IDS = ["mx.bpjs.local"]
    msg = mail(to=address_of(claim), attachments=[(jpeg_bytes(), "ktp.jpg", "image/jpeg")])
    msg["Authentication-Results"] = header
    row = deliver(gateway, claim, msg)
    assert docs(claim)[0][2] == ("HELD" if held else "RECEIVED")
    assert row.sender_matches is (not held)


def test_no_attachment_reply_email_explains_in_the_thread(gateway: Any, claim: Any, settings: Any) -> None:
    from django.core import mail as outbox
    from django.core.management import call_command

    from lapakasik.notifications.services import template_defaults_install

    template_defaults_install()
    settings.NOTIFY_EMAIL_PROVIDER = "smtp"
    deliver(gateway, claim, mail(to=address_of(claim), subject="Syarat klaim", body="Apa saja syaratnya?",
                                 message_id="<tanya-1@mail.example.id>"))
    call_command("db_worker", batch=True, queue_name="notifications", startup_delay=False, verbosity=0)
    sent = [e for e in outbox.outbox if applicant(claim).email in e.to]
    assert len(sent) == 1
    assert sent[0].message()["In-Reply-To"] == "<tanya-1@mail.example.id>"
    assert "tidak berisi lampiran" in sent[0].body and "Syarat klaim" in sent[0].body


def test_crash_leftovers_are_cleaned(gateway: Any, claim: Any, settings: Any) -> None:
    import os
    import time
    from datetime import timedelta

    from django.core.files.base import ContentFile

    from lapakasik.core import clock
    from lapakasik.mailgateway import conf
    from lapakasik.mailgateway.conf import storage
    from lapakasik.mailgateway.processing import raw_orphans_clean
    from lapakasik.mailgateway.services import spool_leftovers_clean

    old_spool = conf.spool_dir() / "in-crashed.eml"
    old_spool.write_bytes(b"half a message")
    os.utime(old_spool, (time.time() - 7200, time.time() - 7200))
    fresh_spool = conf.spool_dir() / "in-busy.eml"
    fresh_spool.write_bytes(b"arriving")
    assert spool_leftovers_clean() == 1
    assert not old_spool.exists() and fresh_spool.exists()

    deliver(gateway, claim, mail(to=address_of(claim), subject="kept"))
    kept = InboundMessage.objects.get().raw_file
    orphan = storage().save(f"{conf.storage_prefix()}/{clock.now():%Y/%m/%d}/orphan.eml", ContentFile(b"x"))
    assert raw_orphans_clean() == 0  # too recent to be sure
    assert raw_orphans_clean(now=clock.now() + timedelta(days=2)) == 1
    assert not storage().exists(orphan) and storage().exists(kept)


def test_dev_inbox_conversation_shows_the_participants_email(gateway: Any, claim: Any, settings: Any) -> None:
    """The development inbox (notifications) lists what the participant sent; the mail gateway adds its
    e-mails to the conversation (notifications never imports the mail gateway)."""
    from django.test import Client

    settings.NOTIFY_DEV_INBOX = True
    deliver(gateway, claim, mail(to=address_of(claim), subject="Kartu keluarga saya",
                                 attachments=[(jpeg_bytes(), "kk.jpg", "image/jpeg")]))
    html = Client().get("/dev/inbox", {"klaim": claim.code}).content.decode()
    assert html.count('class="t-in"') == 1 and "Kartu keluarga saya" in html
    other = Client().get("/dev/inbox", {"klaim": "ZZZZZZZZ"}).content.decode()
    assert "Kartu keluarga saya" not in other
