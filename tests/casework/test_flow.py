"""The officer's working day through the pages: take next, review with reasons, ask for documents, the
participant sends again, confirmation (video) not reached twice, the participant picks a new window,
reached, verified — with the participant told at each step."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lapakasik.casework.models import Confirmation, Review
from lapakasik.claims.models import Claim, ClaimEvent
from lapakasik.intake.models import Document
from lapakasik.notifications.models import Notification

from .conftest import login


def events(claim: Any) -> list[str]:
    return list(Notification.objects.filter(claim_id=claim.pk).order_by("id").values_list("event", flat=True))


def text(row: Any) -> str:
    """The message as the participant reads it (rendered from the stored row, as the worker sends it)."""
    from lapakasik.notifications.services import notification_render

    return notification_render(row).text


def post(client: Any, claim: Any, action: str, **data: Any) -> Any:
    return client.post(f"/petugas/klaim/{claim.code}/{action}/", data, follow=True)


def flash(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.mark.django_db
def test_the_officer_lands_on_the_queue_and_sees_their_branch(client: Any, staff: Any, ready_claim: Any,
                                                               branch: Any) -> None:
    claim = ready_claim()
    login(client, staff["officer"])
    page = client.get("/petugas/")
    assert page.status_code == 200
    html = page.content.decode()
    assert branch.name in html and claim.code in html and "Ambil berikutnya" in html
    assert "RESIGNED" not in html and "Mengundurkan diri" in html  # labels, never raw codes
    from lapakasik.core.masking import mask_nik

    assert claim.insured_nik not in html and mask_nik(claim.insured_nik) in html  # masked in the list
    assert "Dokumen diterima: <strong>1</strong>" in html


@pytest.mark.django_db
def test_take_next_gives_the_oldest_due_claim_and_starts_the_review(client: Any, staff: Any, ready_claim: Any) -> None:
    from lapakasik.core import clock

    later = ready_claim(session_at=clock.now() + timedelta(days=3))
    sooner = ready_claim(session_at=clock.now() + timedelta(days=1))
    login(client, staff["officer"])
    response = client.post("/petugas/ambil-berikutnya/", follow=True)
    assert response.redirect_chain[-1][0] == f"/petugas/klaim/{sooner.code}/"
    sooner.refresh_from_db()
    later.refresh_from_db()
    assert sooner.assignee == staff["officer"] and sooner.state == "IN_REVIEW"
    assert later.assignee is None and later.state == "DOCUMENTS_RECEIVED"
    assert "claim_in_review" in events(sooner)
    # a second officer gets the other one; a third gets "nothing to take"
    other = client.__class__()
    login(other, staff["officer2"])
    other.post("/petugas/ambil-berikutnya/")
    later.refresh_from_db()
    assert later.assignee == staff["officer2"]
    third = client.__class__()
    login(third, staff["supervisor"])
    nothing = third.post("/petugas/ambil-berikutnya/", follow=True)
    assert any("Tidak ada klaim" in m for m in flash(nothing))


@pytest.mark.django_db
def test_a_refusal_needs_a_known_reason_and_changes_nothing_otherwise(client: Any, staff: Any,
                                                                     ready_claim: Any) -> None:
    claim = ready_claim()
    login(client, staff["officer"])
    client.post(f"/petugas/klaim/{claim.code}/take/")
    doc = Document.objects.filter(claim=claim).first()
    for data, expected in (({}, "Pilih alasan"), ({"reason": "made_up"}, "tidak dikenal"),
                           ({"reason": "other"}, "memerlukan catatan")):
        response = post(client, claim, "review", document=doc.pk, verdict="refuse", **data)
        assert any(expected in m for m in flash(response)), (data, flash(response))
        doc.refresh_from_db()
        assert doc.status == "RECEIVED" and not Review.objects.exists()
    assert post(client, claim, "review", document=doc.pk, verdict="maybe").status_code == 200
    doc.refresh_from_db()
    assert doc.status == "RECEIVED"


@pytest.mark.django_db
def test_the_whole_day_up_to_a_verified_claim(client: Any, staff: Any, ready_claim: Any, settings: Any) -> None:
    from lapakasik.claims.services import Actor
    from lapakasik.core import clock
    from lapakasik.intake.receive import document_receive
    from tests.intake.conftest import jpeg_bytes

    claim = ready_claim()
    login(client, staff["officer"])
    client.post("/petugas/ambil-berikutnya/")
    claim.refresh_from_db()
    assert claim.state == "IN_REVIEW"

    # every file is viewable in the page, as images drawn on the server
    docs = list(Document.objects.filter(claim=claim).select_related("requirement"))
    page = client.get(f"/petugas/klaim/{claim.code}/").content.decode()
    src = f"/petugas/dokumen/{docs[0].pk}/halaman/1/"
    assert src in page and f"/petugas/dokumen/{docs[0].pk}/unduh/" in page
    image = client.get(src)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"

    # refuse the KTP with a reason, accept the rest
    ktp = next(d for d in docs if d.requirement.code == "ktp")
    post(client, claim, "review", document=ktp.pk, verdict="refuse", reason="unreadable", note="Foto buram.")
    for d in docs:
        if d.pk != ktp.pk:
            post(client, claim, "review", document=d.pk, verdict="accept")
    verify_too_early = post(client, claim, "verify")
    assert any("belum lengkap" in m for m in flash(verify_too_early))

    # "Minta dokumen": the participant gets exactly the refused item with its reason and how to send it
    post(client, claim, "request", note="Mohon kirim ulang KTP.")
    claim.refresh_from_db()
    assert claim.state == "DOCUMENTS_INCOMPLETE" and claim.assignee == staff["officer"]
    assert claim.documents_due_at > clock.now()
    asked = Notification.objects.filter(claim_id=claim.pk, event="documents_incomplete").get()
    body = text(asked)
    assert "ktp-0.jpg" in body and "tidak terbaca" in body.lower() and "Foto buram." in body
    assert "Mohon kirim ulang KTP." in body and "/unggah/" in body and "@dokumen." in body
    assert "kk-0.jpg" not in body.split("Tidak dapat kami terima")[1].split("Masih kurang")[0]

    # the participant sends it again: the claim comes back (DOCUMENTS_RECEIVED), still the officer's
    r = document_receive(claim=claim, fileobj=io.BytesIO(jpeg_bytes(seed=999)), filename="ktp baru.jpg",
                         declared_type="image/jpeg", source="EMAIL", requirement_code="ktp", actor=Actor.participant())
    assert r.outcome == "received"
    claim.refresh_from_db()
    assert claim.state == "DOCUMENTS_RECEIVED" and claim.assignee == staff["officer"]
    mine = client.get("/petugas/?mine=1").content.decode()
    assert claim.code in mine
    post(client, claim, "take")
    new = Document.objects.get(claim=claim, original_name="ktp baru.jpg")
    post(client, claim, "review", document=new.pk, verdict="accept")

    # verification needs a confirmation reached
    assert any("Konfirmasi" in m for m in flash(post(client, claim, "verify")))
    local = (clock.now() + timedelta(days=1)).astimezone(ZoneInfo(claim.branch.time_zone)).strftime("%Y-%m-%dT%H:%M")
    post(client, claim, "confirm", channel="video", start=local, minutes=30)
    claim.refresh_from_db()
    assert claim.state == "NEEDS_CONFIRMATION"
    c1 = Confirmation.objects.get(claim=claim)
    assert c1.room.startswith("LapakAsik-") and len(c1.room) > 30
    told = Notification.objects.filter(claim_id=claim.pk, event="confirmation_needed").order_by("id").last()
    assert f"/video/{c1.room}/" in text(told) and "budi" in text(told)
    assert client.get(f"/video/{c1.room}/").status_code == 302
    assert client.get("/video/LapakAsik-guessed/").status_code == 404

    # not reached twice → the participant gets a self-service link
    post(client, claim, "outcome", confirmation=c1.pk, outcome="not_reached")
    assert post(client, claim, "outcome", confirmation=c1.pk, outcome="reached").status_code == 200
    c1.refresh_from_db()
    assert c1.outcome == "not_reached"  # recorded once
    assert client.get(f"/video/{c1.room}/").status_code == 404  # a recorded call's room is closed
    post(client, claim, "confirm", channel="video", start=local, minutes=30)
    c2 = Confirmation.objects.filter(claim=claim).exclude(pk=c1.pk).get()
    post(client, claim, "outcome", confirmation=c2.pk, outcome="not_reached")
    link = text(Notification.objects.filter(claim_id=claim.pk, event="confirmation_missed").order_by("id").last())
    match = re.search(r"https?://\S+/panggilan/pilih/(\S+)/", link)
    assert match, link
    participant = client.__class__()
    page = participant.get(f"/panggilan/pilih/{match.group(1)}/")
    assert page.status_code == 200
    starts = re.findall(r'name="start" value="([^"]+)"', page.content.decode())
    assert starts
    past = (clock.now() - timedelta(hours=3)).isoformat()
    refused = participant.post(f"/panggilan/pilih/{match.group(1)}/", {"start": past}, follow=True)
    assert "tidak tersedia" in refused.content.decode()
    chosen = participant.post(f"/panggilan/pilih/{match.group(1)}/", {"start": starts[0]})
    assert "Waktu tersimpan" in chosen.content.decode()
    again = participant.post(f"/panggilan/pilih/{match.group(1)}/", {"start": starts[1]})
    assert "sudah dipakai" in again.content.decode()
    c3 = Confirmation.objects.get(claim=claim, chosen_by_participant=True)
    assert c3.officer == staff["officer"] and c3.is_open

    # reached → verified; the participant is told
    post(client, claim, "outcome", confirmation=c3.pk, outcome="reached")
    post(client, claim, "verify")
    claim.refresh_from_db()
    assert claim.state == "VERIFIED"
    sent = events(claim)
    for event in ("claim_in_review", "documents_incomplete", "confirmation_needed", "claim_verified"):
        assert event in sent, (event, sent)
    kinds = set(ClaimEvent.objects.filter(claim=claim).values_list("kind", flat=True))
    assert {"claim_assigned", "document_reviewed", "confirmation_scheduled", "confirmation_recorded"} <= kinds
    from lapakasik.claims.services import claim_history_verify

    assert claim_history_verify(Claim.objects.get(pk=claim.pk))


@pytest.mark.django_db
def test_officer_refusals_do_not_make_the_upload_fail(client: Any, staff: Any, ready_claim: Any, settings: Any) -> None:
    from lapakasik.intake.receive import refusals_since_last_stored

    settings.INTAKE_REFUSALS_BEFORE_FAILED = 1
    claim = ready_claim()
    login(client, staff["officer"])
    client.post(f"/petugas/klaim/{claim.code}/take/")
    for d in Document.objects.filter(claim=claim):
        post(client, claim, "review", document=d.pk, verdict="refuse", reason="unreadable")
    assert refusals_since_last_stored(claim) == 0
    claim.refresh_from_db()
    assert claim.state == "IN_REVIEW"


@pytest.mark.django_db
def test_opening_the_registry_record_is_recorded_with_who(client: Any, staff: Any, ready_claim: Any) -> None:
    claim = ready_claim()
    login(client, staff["officer"])
    assert client.get(f"/petugas/klaim/{claim.code}/").status_code == 200
    assert not ClaimEvent.objects.filter(claim=claim, kind="registry_opened").exists()  # only when asked
    page = client.get(f"/petugas/klaim/{claim.code}/?kepesertaan=1")
    assert page.status_code == 200
    event = ClaimEvent.objects.get(claim=claim, kind="registry_opened")
    assert event.actor_user == staff["officer"]
