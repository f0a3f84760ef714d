""""Saya tidak bisa mengunggah": ask what went wrong and offer help first, change the state only on an explicit
confirmation (POST, CSRF, under the claim's lock, once), suggest only dropboxes the participant's own region
allows, one message per channel, and leave UPLOAD_FAILED as soon as documents arrive by any channel."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lapakasik.claims.models import ClaimEvent
from lapakasik.intake.models import Document, IntakeAccess
from lapakasik.notifications.models import Notification

from .conftest import jpeg_bytes, print_sheet

pytestmark = pytest.mark.django_db


def token_of(claim: Any) -> str:
    return IntakeAccess.objects.get(claim=claim, kind="upload", revoked_at__isnull=True).token


def cannot_url(claim: Any) -> str:
    return f"/unggah/{token_of(claim)}/tidak-bisa/"


def state(claim: Any) -> str:
    claim.refresh_from_db()
    return str(claim.state)


def failed_notes(claim: Any) -> list[Notification]:
    return list(Notification.objects.filter(claim=claim, event="upload_failed").order_by("channel"))


def dki_claim(make_claim: Any, **kw: Any) -> Any:
    from lapakasik.branches.models import Branch

    tebet = Branch.objects.get(code="JKP01")  # DKI Jakarta: dropboxes closed by the region's channel policy
    return make_claim(branch=tebet, **kw)


CONFIRM = {"masalah": "connection", "konfirmasi": "ya"}


# --- asking first, help offered, nothing changed -----------------------------------------------------


def test_first_step_asks_what_went_wrong_and_offers_help_without_changing_anything(client: Any, claim: Any) -> None:
    upload_page = client.get(f"/unggah/{token_of(claim)}/").content.decode()
    # the upload page links to the question (a GET), it no longer posts the change in one tap
    assert f'href="{cannot_url(claim)}"' in upload_page
    assert f'action="{cannot_url(claim)}"' not in upload_page
    events = claim.events.count()
    r = client.get(cannot_url(claim))
    assert r.status_code == 200
    html = r.content.decode()
    assert "Apa yang terjadi?" in html
    for label in ("Berkas saya terus ditolak", "Unggahan terputus atau tidak selesai", "Masalah lain"):
        assert label in html
    links = IntakeAccess.objects.get(claim=claim, kind="email", revoked_at__isnull=True)
    assert f"{links.token}@" in html  # the personal e-mail address
    assert f"/unggah/{token_of(claim)}/bantuan/" in html and "175" in html  # help page, contact centre
    assert 'name="konfirmasi"' not in html  # no confirmation before a problem is chosen
    assert state(claim) == "BOOKED" and claim.events.count() == events and failed_notes(claim) == []


def test_choosing_a_problem_shows_what_helps_and_the_confirmation_still_without_change(client: Any,
                                                                                         claim: Any) -> None:
    r = client.get(cannot_url(claim), {"masalah": "too_large"})
    html = r.content.decode()
    assert r.status_code == 200 and "Perkecil resolusi kamera" in html
    assert 'name="konfirmasi" value="ya"' in html and 'method="post"' in html and "csrfmiddlewaretoken" in html
    assert "Ya, saya tidak bisa mengunggah" in html and "Coba unggah lagi" in html
    # a GET carrying the confirmation's fields changes nothing either
    assert client.get(cannot_url(claim), CONFIRM).status_code == 200
    assert state(claim) == "BOOKED" and failed_notes(claim) == []


def test_english_page(client: Any, claim: Any) -> None:
    html = client.get(cannot_url(claim), {"masalah": "refused"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My files keep being refused" in html and "Yes, I cannot upload" in html and "Still not working?" in html


@pytest.mark.parametrize("data", [
    {},                                                   # nothing chosen
    {"masalah": "connection"},                            # a problem but no confirmation
    {"masalah": "connection", "konfirmasi": "tidak"},     # not a confirmation
    {"masalah": "bukan-masalah", "konfirmasi": "ya"},     # an unknown problem
    {"masalah": "<script>alert(1)</script>", "konfirmasi": "ya"},
    {"masalah": "x" * 5000, "konfirmasi": "ya"},
    {"konfirmasi": "ya"},                                 # confirmation without a problem
])
def test_malformed_posts_change_nothing(client: Any, claim: Any, data: dict[str, str]) -> None:
    events = claim.events.count()
    r = client.post(cannot_url(claim), data)
    assert r.status_code == 422
    html = r.content.decode()
    assert 'role="alert"' in html and "<script>alert(1)</script>" not in html
    assert state(claim) == "BOOKED" and claim.events.count() == events and failed_notes(claim) == []


def test_unknown_problem_in_the_query_is_refused_clearly(client: Any, claim: Any) -> None:
    r = client.get(cannot_url(claim), {"masalah": "../../etc"})
    assert r.status_code == 422 and "Pilih salah satu masalah" in r.content.decode()
    assert state(claim) == "BOOKED"


# --- the confirmation ------------------------------------------------------------------------------


def test_confirmation_moves_to_upload_failed_once_and_records_the_problem(client: Any, make_claim: Any) -> None:
    claim = make_claim(channels=["email", "whatsapp", "sms"])
    r = client.post(cannot_url(claim), {"masalah": "no_device", "konfirmasi": "ya"})
    assert r.status_code == 302 and r["Location"] == f"/unggah/{token_of(claim)}/bantuan/"
    assert state(claim) == "UPLOAD_FAILED"
    change = claim.events.get(kind="state_changed", to_state="UPLOAD_FAILED")
    assert change.reason == "participant_reported" and change.data == {"problem": "no_device"}
    # one message per channel the participant chose — not more
    assert [n.channel for n in failed_notes(claim)] == ["email", "sms", "whatsapp"]
    # the second confirmation (a double submit, another tab) is harmless: no change, no message
    again = client.post(cannot_url(claim), {"masalah": "no_device", "konfirmasi": "ya"})
    assert again.status_code == 302 and again["Location"].endswith("/bantuan/")
    assert len(failed_notes(claim)) == 3
    assert claim.events.filter(kind="state_changed", to_state="UPLOAD_FAILED").count() == 1
    # the question page now leads to the help page
    assert client.get(cannot_url(claim))["Location"].endswith("/bantuan/")


def test_the_service_decides_under_the_lock_a_stale_claim_object_cannot_send_twice(claim: Any) -> None:
    from lapakasik.claims.models import Claim
    from lapakasik.claims.services import Actor
    from lapakasik.intake.services import upload_failed_report

    stale = Claim.objects.get(pk=claim.pk)  # read before the first confirmation, like a second request
    upload_failed_report(claim=claim, actor=Actor.participant(), problem="refused")
    assert stale.state == "BOOKED"
    upload_failed_report(claim=stale, actor=Actor.participant(), problem="refused")
    assert stale.state == "UPLOAD_FAILED" and len(failed_notes(claim)) == 1


def test_post_without_csrf_token_is_refused(claim: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    r = strict.post(cannot_url(claim), CONFIRM)
    assert r.status_code == 403
    assert state(claim) == "BOOKED" and failed_notes(claim) == []


def test_forged_or_revoked_token_is_404_and_changes_nothing(client: Any, claim: Any) -> None:
    from lapakasik.claims.services import Actor
    from lapakasik.intake.services import intake_revoke

    for bad in ("nope", token_of(claim)[:-1] + "x", "A" * 300):
        assert client.get(f"/unggah/{bad}/tidak-bisa/").status_code == 404
        assert client.post(f"/unggah/{bad}/tidak-bisa/", CONFIRM).status_code == 404
    old = token_of(claim)
    intake_revoke(claim=claim, actor=Actor.system("test"), kind="upload")
    assert client.post(f"/unggah/{old}/tidak-bisa/", CONFIRM).status_code == 404
    assert state(claim) == "BOOKED" and failed_notes(claim) == []


def test_claim_not_waiting_for_documents_cannot_be_marked_failed(client: Any, claim: Any) -> None:
    from lapakasik.claims.models import Claim

    Claim.objects.filter(pk=claim.pk).update(state="IN_REVIEW")
    assert "tidak sedang menunggu dokumen" in client.get(cannot_url(claim)).content.decode()
    r = client.post(cannot_url(claim), CONFIRM)
    assert r.status_code == 409 and "tidak sedang menunggu dokumen" in r.content.decode()
    assert state(claim) == "IN_REVIEW" and failed_notes(claim) == []


# --- where to go: the channel policy of the participant's own region -------------------------------


def test_online_only_region_is_never_sent_to_another_provinces_dropbox(client: Any, make_claim: Any) -> None:
    from lapakasik.notifications.services import notification_render

    claim = dki_claim(make_claim, channels=["email", "whatsapp", "sms"])
    client.post(cannot_url(claim), CONFIRM)
    notes = failed_notes(claim)
    assert len(notes) == 3
    for note in notes:
        assert note.context["dropbox_allowed"] is False
        assert "nearest_dropbox_branch" not in note.context and "cover_sheet_url" not in note.context
        text = notification_render(note).text
        assert "Tangerang" not in text and "Serang" not in text and "Bekasi" not in text
        assert "175" in text
    email = next(n for n in notes if n.channel == "email")
    text = notification_render(email).text
    assert email.context["email_address"] in text and email.context["upload_url"] in text  # the online ways
    help_page = client.get(f"/unggah/{token_of(claim)}/bantuan/").content.decode()
    assert "Tangerang" not in help_page and 'id="alternatives"' in help_page and "lembar-sampul" not in help_page
    assert email.context["email_address"] in help_page
    assert client.get(f"/unggah/{token_of(claim)}/lembar-sampul.pdf").status_code == 404


def test_a_branch_of_the_same_region_that_keeps_its_dropbox_is_suggested(client: Any, make_claim: Any) -> None:
    from datetime import timedelta

    from lapakasik.branches.models import Branch, ChannelPolicy
    from lapakasik.core import clock

    kuningan = Branch.objects.get(code="JKP04")
    ChannelPolicy.objects.create(branch=kuningan, mode=ChannelPolicy.Mode.ONLINE_AND_DROPBOX,
                                 valid_from=clock.now() - timedelta(days=1), reason="dropbox dibuka lagi")
    claim = dki_claim(make_claim)
    client.post(cannot_url(claim), CONFIRM)
    ctx = failed_notes(claim)[0].context
    assert ctx["dropbox_allowed"] is False and ctx["nearest_dropbox_branch"] == "Kuningan"
    assert [b["name"] for b in ctx["dropbox_branches"]] == ["Kuningan"]
    html = client.get(f"/unggah/{token_of(claim)}/bantuan/").content.decode()
    assert "Kuningan" in html and 'value="JKP04"' in html and "Tangerang" not in html
    print_sheet(client, claim, branch="JKP04")
    assert client.get(f"/unggah/{token_of(claim)}/lembar-sampul.pdf").status_code == 200


def test_own_branch_with_a_dropbox_gets_its_own_dropbox(client: Any, claim: Any) -> None:
    client.post(cannot_url(claim), CONFIRM)
    ctx = failed_notes(claim)[0].context
    assert ctx["dropbox_allowed"] is True and ctx["branch"] == claim.branch.name
    assert "nearest_dropbox_branch" not in ctx


def test_usable_dropbox_rule() -> None:
    from lapakasik.intake.policy import usable_dropbox_branches

    rows = [("home", "DKI", False, 0.0), ("near-other-region", "BANTEN", True, 0.1),
            ("far-same-region", "DKI", True, 0.9), ("near-same-region", "DKI", True, 0.2),
            ("closed-same-region", "DKI", False, 0.05)]
    assert usable_dropbox_branches(home_region="DKI", home_branch="home", candidates=rows) == [
        "near-same-region", "far-same-region"]
    assert usable_dropbox_branches(home_region="DKI", home_branch="home", candidates=rows[:2]) == []
    assert usable_dropbox_branches(home_region="DKI", home_branch="home",
                                   candidates=[("home", "DKI", True, 0.0), *rows[1:]]) == ["home"]


# --- leaving UPLOAD_FAILED when documents arrive ---------------------------------------------------


def test_web_upload_after_the_report_leaves_upload_failed(client: Any, claim: Any) -> None:
    client.post(cannot_url(claim), CONFIRM)
    client.post(f"/unggah/{token_of(claim)}/", {"file": SimpleUploadedFile("ktp.jpg", jpeg_bytes(), "image/jpeg"),
                                                "requirement": "ktp"})
    assert state(claim) == "AWAITING_DOCUMENTS"
    assert claim.events.filter(kind="state_changed", reason="upload_recovered").count() == 1


def test_held_email_documents_accepted_by_an_officer_leave_upload_failed(client: Any, claim: Any) -> None:
    """The e-mail path: files from an address other than the registered one are HELD and did not count; the
    officer accepting them left the claim in "Unggah gagal" for good. Now the acceptance counts them."""
    from lapakasik.claims.services import Actor
    from lapakasik.intake.receive import document_receive
    from lapakasik.intake.services import document_review

    client.post(cannot_url(claim), CONFIRM)
    held = document_receive(claim=claim, fileobj=SimpleUploadedFile("ktp.jpg", jpeg_bytes()), filename="ktp.jpg",
                            declared_type="image/jpeg", source="EMAIL", actor=Actor.system("e-mail"), hold=True)
    assert held.outcome == "held" and state(claim) == "UPLOAD_FAILED"  # a stranger's file moves nothing
    assert held.document is not None
    document_review(document=held.document, actor=Actor.system("petugas"), accept=True)
    assert state(claim) == "AWAITING_DOCUMENTS"
    recovered = ClaimEvent.objects.get(claim=claim, kind="state_changed", reason="upload_recovered")
    assert recovered.from_state == "UPLOAD_FAILED"
    assert Document.objects.get(pk=held.document.pk).status == "ACCEPTED"


# --- the message's wording ---------------------------------------------------------------------------


def test_online_only_message_does_not_speak_of_a_dropbox_and_links_the_help_page(client: Any,
                                                                                 make_claim: Any) -> None:
    from lapakasik.notifications.services import notification_render

    claim = dki_claim(make_claim, language="en")
    client.post(cannot_url(claim), CONFIRM)
    (note,) = failed_notes(claim)
    rendered = notification_render(note)
    assert rendered.subject == f"Claim {claim.code}: other ways to send your documents"
    assert "dropbox" not in rendered.subject.lower() and note.context["help_url"] in rendered.text
    assert note.context["help_url"].endswith(f"/unggah/{token_of(claim)}/bantuan/")


def test_stored_shipped_texts_are_updated_and_edited_ones_kept(db: Any) -> None:
    import importlib

    from django.apps import apps

    from lapakasik.notifications.defaults import texts_for
    from lapakasik.notifications.models import NotificationTemplate

    migration = importlib.import_module("lapakasik.notifications.migrations.0009_upload_failed_online_wording")
    email_id = NotificationTemplate.objects.get(event="upload_failed", channel="email", language="id")
    shipped = texts_for("upload_failed")["id"]
    email_id.subject = migration.OLD_SUBJECT["id"]
    email_id.body = migration._previous(shipped["text"], "id")
    email_id.save()
    whatsapp_en = NotificationTemplate.objects.get(event="upload_failed", channel="whatsapp", language="en")
    whatsapp_en.body = "Teks yang diubah admin."
    whatsapp_en.save()
    migration.install(apps, None)
    email_id.refresh_from_db()
    whatsapp_en.refresh_from_db()
    assert email_id.subject == shipped["subject"] and email_id.body == shipped["text"]
    assert "help_url" in email_id.body and "wilayah Anda" in email_id.body
    assert whatsapp_en.body == "Teks yang diubah admin."
