"""Mail from strangers, through a real SMTP conversation with the gateway and the worker: files from an
unverified sender never crowd out the participant, the sender learns nothing about the claim, forged
senders get no reply at all, and the acknowledgement's subject says what really happened."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest

from lapakasik.intake.models import Document
from lapakasik.mailgateway.models import InboundMessage
from lapakasik.notifications.models import Notification
from tests.claims.factories import applicant

from .conftest import address_of, jpeg_bytes, mail, run_worker, smtp_send

STRANGER = "orang.asing@example.net"


def deliver(gw: Any, claim: Any, msg: Any, *, sender: str) -> InboundMessage:
    smtp_send(gw, msg, to=[address_of(claim)], sender=sender)
    run_worker()
    row = InboundMessage.objects.order_by("-id").first()
    assert row is not None and row.status == "PROCESSED", row and row.error
    return row


def stranger_mail(claim: Any, *, sender: str = STRANGER, n: int = 1, seed: int = 100, name: str = "ktp",
                  message_id: str | None = None) -> Any:
    return mail(to=address_of(claim), sender=f"Orang Asing <{sender}>", subject="Dokumen",
                attachments=[(jpeg_bytes(seed=seed + i), f"{name}{i}.jpg", "image/jpeg") for i in range(n)],
                message_id=message_id)


def statuses(claim: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for status in Document.objects.filter(claim=claim).values_list("status", flat=True):
        out[status] = out.get(status, 0) + 1
    return out


def send_notifications(settings: Any) -> list[Any]:
    """Deliver every queued notification as the worker does, through Django's e-mail backend (locmem)."""
    from django.core import mail as outbox
    from django.core.management import call_command

    settings.NOTIFY_EMAIL_PROVIDER = "smtp"
    call_command("db_worker", batch=True, queue_name="notifications", startup_delay=False, verbosity=0)
    return list(outbox.outbox)


@pytest.fixture
def templates(transactional_db: Any) -> None:
    from lapakasik.notifications.services import template_defaults_install

    template_defaults_install()  # transactional tests flush the data migration's rows


# ---------------------------------------------------------------------------------------------
# 1. A stranger cannot fill the claim


def test_45_stranger_images_do_not_crowd_out_the_participants_own_ktp(gateway: Any, claim: Any,
                                                                      caplog: Any) -> None:
    caplog.set_level(logging.INFO, logger="lapakasik")
    row = deliver(gateway, claim, stranger_mail(claim, n=45, name="foto"), sender=STRANGER)
    assert row.sender_matches is False
    outcomes = [f["outcome"] for f in row.outcome["files"]]
    assert outcomes.count("held") == 10 and outcomes.count("refused") == 35
    assert {f["reason_code"] for f in row.outcome["files"] if f["outcome"] == "refused"} == {"unverified_sender_limit"}
    # the 35 refused files are not stored and leave no row: nothing of them counts for the claim
    assert statuses(claim) == {"HELD": 10}
    claim.refresh_from_db()
    assert claim.state == "BOOKED"  # 35 refusals did not make the claim "upload failed"
    logged = "\n".join(r.getMessage() for r in caplog.records if "unverified sender" in r.getMessage())
    assert "o***@example.net" in logged and STRANGER not in logged

    # the participant's own KTP afterwards is accepted and counts
    deliver(gateway, claim, mail(to=address_of(claim), attachments=[(jpeg_bytes(seed=1), "ktp.jpg", "image/jpeg")]),
            sender="siti@example.id")
    assert Document.objects.get(claim=claim, original_name="ktp.jpg").status == "RECEIVED"
    from lapakasik.intake.catalogue import claim_checklist

    assert claim_checklist(claim).item("ktp").status == "received"
    claim.refresh_from_db()
    assert claim.state == "AWAITING_DOCUMENTS"


def test_the_participants_limits_count_only_their_own_files(gateway: Any, claim: Any, settings: Any) -> None:
    settings.LAPAKASIK = {**settings.LAPAKASIK, "MAX_FILES_PER_CLAIM": 3}
    deliver(gateway, claim, stranger_mail(claim, n=4, name="kk"), sender=STRANGER)
    assert statuses(claim) == {"HELD": 4}  # over the participant's 3, within the stranger's 10
    own = mail(to=address_of(claim), attachments=[(jpeg_bytes(seed=50 + i), f"dokumen{i}.jpg", "image/jpeg")
                                                  for i in range(4)])
    row = deliver(gateway, claim, own, sender="siti@example.id")
    assert [(f["outcome"], f["reason_code"]) for f in row.outcome["files"]] == [
        ("received", ""), ("received", ""), ("received", ""), ("refused", "claim_file_limit")]


def test_the_strangers_budget_in_bytes(gateway: Any, claim: Any, settings: Any) -> None:
    settings.MAILGATEWAY_UNVERIFIED_MAX_BYTES_PER_CLAIM = 1
    row = deliver(gateway, claim, stranger_mail(claim, n=2), sender=STRANGER)
    assert [f["reason_code"] for f in row.outcome["files"]] == ["unverified_sender_limit"] * 2
    assert statuses(claim) == {}


def test_a_strangers_requirement_named_files_do_not_fill_the_requirement(gateway: Any, claim: Any) -> None:
    deliver(gateway, claim, stranger_mail(claim, n=3, name="ktp"), sender=STRANGER)  # KTP takes 2 files
    row = deliver(gateway, claim, mail(to=address_of(claim), attachments=[
        (jpeg_bytes(seed=7), "ktp depan.jpg", "image/jpeg"), (jpeg_bytes(seed=8), "ktp belakang.jpg", "image/jpeg")]),
        sender="siti@example.id")
    assert [f["outcome"] for f in row.outcome["files"]] == ["received", "received"]


def test_the_participant_sending_a_held_file_themselves_makes_it_theirs(gateway: Any, claim: Any) -> None:
    photo = jpeg_bytes(seed=33)
    deliver(gateway, claim, mail(to=address_of(claim), sender=f"Anak <{STRANGER}>",
                                 attachments=[(photo, "ktp ibu.jpg", "image/jpeg")]), sender=STRANGER)
    held = Document.objects.get(claim=claim)
    assert held.status == "HELD"
    row = deliver(gateway, claim, mail(to=address_of(claim), attachments=[(photo, "ktp.jpg", "image/jpeg")]),
                  sender="siti@example.id")
    assert row.outcome["files"][0]["outcome"] == "received"
    held.refresh_from_db()
    assert held.status == "RECEIVED" and Document.objects.filter(claim=claim).count() == 1
    from lapakasik.claims.models import ClaimEvent

    assert ClaimEvent.objects.filter(claim=claim, kind="document_received", data__confirmed_held=True).exists()


# ---------------------------------------------------------------------------------------------
# 2. The stranger learns nothing; the participant is told


def test_the_reply_to_a_stranger_says_nothing_about_the_claim(gateway: Any, claim: Any, settings: Any,
                                                            templates: None) -> None:
    from lapakasik.intake.catalogue import claim_checklist
    from lapakasik.intake.selectors import ack_context, intake_links_get

    row = deliver(gateway, claim, stranger_mail(claim, n=2, message_id="<asing-1@example.net>"), sender=STRANGER)
    sent = send_notifications(settings)
    to_stranger = [e for e in sent if STRANGER in e.to]
    assert len(to_stranger) == 1
    email = to_stranger[0]
    message = email.message()
    assert message["In-Reply-To"] == "<asing-1@example.net>"
    html = email.alternatives[0][0] if email.alternatives else ""
    readable = "\n".join([email.subject, email.body, str(html)])
    assert "telah sampai" in readable and "has arrived" in readable
    links = intake_links_get(claim)
    assert links is not None
    secrets = {
        "name": applicant(claim).full_name, "first name": applicant(claim).full_name.split()[0], "claim code": claim.code,
        "deadline": ack_context(claim, [])["documents_due_local"], "branch": claim.branch.name,
        "upload link": links.upload_url, "intake address": links.email_address, "participant e-mail": applicant(claim).email,
        **{f"checklist: {i.label}": i.label for i in claim_checklist(claim).items},
    }
    leaked = {what: value for what, value in secrets.items() if value and value.lower() in readable.lower()}
    assert leaked == {}
    stored = Notification.objects.get(event="intake_unverified_reply")
    assert stored.claim_id is None and stored.status == "SENT" and stored.body_text == email.body
    assert row.outcome["reply"]["unverified_to"] == STRANGER

    # the participant (their own address) is told that files are held, with how to send their own
    to_participant = [e for e in sent if applicant(claim).email in e.to]
    assert len(to_participant) == 1
    body = to_participant[0].body
    assert "2 berkas" in body and "o***@example.net" in body and STRANGER not in body
    assert links.upload_url in body and "ditahan" in body
    assert not Notification.objects.filter(event="intake_ack").exists()


def test_a_stranger_without_attachments_gets_the_generic_reply_too(gateway: Any, claim: Any) -> None:
    deliver(gateway, claim, mail(to=address_of(claim), sender=STRANGER, subject="Klaim siapa ini?",
                                 body="Mohon info nama dan batas waktunya."), sender=STRANGER)
    assert list(Notification.objects.values_list("event", "recipient")) == [("intake_unverified_reply", STRANGER)]


def test_forged_from_naming_a_third_party_gets_at_most_one_generic_reply_a_day(
        gateway: Any, claim: Any, settings: Any) -> None:
    victim = "korban@example.org"
    for i in range(3):
        deliver(gateway, claim, stranger_mail(claim, sender=victim, seed=10 * i, message_id=f"<flood-{i}@x>"),
                sender="bounce@attacker.example")
    replies = Notification.objects.filter(event="intake_unverified_reply")
    assert list(replies.values_list("recipient", flat=True)) == [victim]
    assert Notification.objects.filter(event="intake_held_notice").count() == 1  # the participant: once a day
    # a day later: one more
    InboundMessage.objects.update(processed_at=InboundMessage.objects.first().processed_at - timedelta(hours=25))  # type: ignore[union-attr]
    deliver(gateway, claim, stranger_mail(claim, sender=victim, seed=90, message_id="<flood-next-day@x>"),
            sender="bounce@attacker.example")
    assert replies.count() == 2


def test_a_flood_with_a_different_forged_from_each_time_is_capped_per_claim(
        gateway: Any, claim: Any, settings: Any) -> None:
    settings.MAILGATEWAY_UNVERIFIED_REPLIES_PER_CLAIM_DAY = 2
    for i in range(4):
        deliver(gateway, claim, stranger_mail(claim, sender=f"korban{i}@example.org", seed=10 * i,
                                              message_id=f"<rotate-{i}@x>"), sender="x@attacker.example")
    assert Notification.objects.filter(event="intake_unverified_reply").count() == 2
    assert InboundMessage.objects.filter(outcome__reply__none_because="limited").count() == 2


@pytest.mark.parametrize("from_header", ["not an address", "a@b@c", "=?utf-8?q?x?= <>"],
                         ids=["no_address", "two_ats", "empty_angle"])
def test_no_reply_to_a_from_that_is_not_an_address(gateway: Any, claim: Any, from_header: str) -> None:
    msg = mail(to=address_of(claim), attachments=[(jpeg_bytes(seed=3), "ktp.jpg", "image/jpeg")])
    msg.replace_header("From", from_header)
    row = deliver(gateway, claim, msg, sender=STRANGER)
    assert row.sender_matches is False
    assert not Notification.objects.filter(event="intake_unverified_reply").exists()
    assert not Notification.objects.filter(event="intake_ack").exists()


# ---------------------------------------------------------------------------------------------
# 3. No reply where our MTA says the sender is forged


@pytest.mark.parametrize(("trusted", "header", "replied"), [
    ("mx.example", "mx.example; dmarc=fail (p=reject dis=none) header.from=example.net", False),
    ("mx.example", "mx.example; spf=fail smtp.mailfrom=example.net; dkim=none", False),
    ("mx.example", "mx.example; spf=fail smtp.mailfrom=example.net; dkim=pass header.d=example.net", True),
    ("mx.example", "mx.example; spf=pass smtp.mailfrom=example.net; dmarc=pass header.from=example.net", True),
    ("mx.example", "evil.example; dmarc=fail header.from=example.net", True),  # not our MTA: as if absent
    ("", "mx.example; dmarc=fail header.from=example.net", True),  # nothing trusted: the header is ignored
    ("mx.example", "mx.example; dmarc=fail header.from=example.net; ;;; =", True),  # malformed: as if absent
], ids=["dmarc_fail", "spf_fail_no_dkim", "spf_fail_dkim_aligned", "all_pass", "untrusted_authserv_id",
        "no_trusted_id_configured", "malformed"])
def test_no_reply_to_a_sender_our_mta_found_forged(gateway: Any, claim: Any, settings: Any, trusted: str,
                                                   header: str, replied: bool) -> None:
    settings.MAILGATEWAY_TRUSTED_AUTHSERV_ID = trusted
    msg = stranger_mail(claim)
    msg["Authentication-Results"] = header
    row = deliver(gateway, claim, msg, sender=STRANGER)
    assert statuses(claim) == {"HELD": 1}  # kept and held as for any other unverified sender
    assert Notification.objects.filter(event="intake_unverified_reply").exists() is replied
    assert row.outcome["reply"]["none_because"] == ("" if replied else "forged")
    assert Notification.objects.filter(event="intake_held_notice", recipient=applicant(claim).email).count() == 1


def test_the_participants_own_address_forged_is_held_and_unanswered(gateway: Any, claim: Any,
                                                                     settings: Any) -> None:
    settings.MAILGATEWAY_TRUSTED_AUTHSERV_ID = "mx.example"
    msg = mail(to=address_of(claim), attachments=[(jpeg_bytes(seed=4), "ktp.jpg", "image/jpeg")])
    msg["Authentication-Results"] = "mx.example; dmarc=fail header.from=example.id"
    row = deliver(gateway, claim, msg, sender="siti@example.id")
    assert row.sender_matches is False and row.outcome["forged_own_address"] is True
    assert statuses(claim) == {"HELD": 1}
    assert list(Notification.objects.values_list("event", flat=True)) == ["intake_held_notice"]


# ---------------------------------------------------------------------------------------------
# 4. The acknowledgement's subject says what happened


@pytest.mark.parametrize(("files", "subject"), [
    ([(b"PK\x03\x04" + b"\x00" * 100, "semua.zip", "application/zip")], "dokumen tidak dapat kami terima"),
    ([(jpeg_bytes(seed=5), "ktp.jpg", "image/jpeg"), (b"PK\x03\x04" + b"\x00" * 100, "semua.zip", "application/zip")],
     "sebagian dokumen tidak dapat kami terima"),
    ([(jpeg_bytes(seed=6), "ktp.jpg", "image/jpeg")], "dokumen kami terima"),
    ([], "tidak ada dokumen yang kami terima"),
], ids=["all_refused", "some_refused", "all_received", "no_attachment"])
def test_the_acknowledgement_subject_reflects_the_outcome(gateway: Any, claim: Any, settings: Any, templates: None,
                                                          files: list[Any], subject: str) -> None:
    deliver(gateway, claim, mail(to=address_of(claim), attachments=files), sender="siti@example.id")
    sent = [e for e in send_notifications(settings) if applicant(claim).email in e.to]
    assert len(sent) == 1
    assert sent[0].subject == f"Klaim {claim.code}: {subject}"


def test_the_acknowledgement_subject_in_english(gateway: Any, make_claim: Any, settings: Any,
                                                templates: None) -> None:
    claim = make_claim(language="en")
    deliver(gateway, claim, mail(to=address_of(claim), attachments=[
        (b"PK\x03\x04" + b"\x00" * 100, "semua.zip", "application/zip")]), sender="siti@example.id")
    sent = [e for e in send_notifications(settings) if applicant(claim).email in e.to]
    assert sent[0].subject == f"Claim {claim.code}: documents could not be accepted"
