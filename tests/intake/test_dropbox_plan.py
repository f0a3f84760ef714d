"""UPLOAD_FAILED → DROPBOX_EXPECTED: the participant who cannot upload chooses a dropbox of their own region
(under the channel policy) and the day they plan to come; each print is a new cover sheet with its own
serial; the reminder of the day and the deadline follow. Every refusal writes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from lapakasik.claims.models import ClaimEvent
from lapakasik.core import clock
from lapakasik.intake.models import CoverSheet, IntakeAccess
from lapakasik.intake.selectors import branch_today
from lapakasik.notifications.models import Notification

from .conftest import print_sheet

pytestmark = pytest.mark.django_db


def _token(claim: Any) -> str:
    return IntakeAccess.objects.get(claim=claim, kind="upload", revoked_at__isnull=True).token


def _failed(client: Any, claim: Any) -> str:
    token = _token(claim)
    client.post(f"/unggah/{token}/tidak-bisa/", {"masalah": "connection", "konfirmasi": "ya"})
    claim.refresh_from_db()
    assert claim.state == "UPLOAD_FAILED"
    return token


def test_choosing_the_dropbox_moves_the_claim_and_tells_the_participant(client: Any, claim: Any) -> None:
    day = branch_today(claim.branch) + timedelta(days=2)
    print_sheet(client, claim, planned_on=day)
    assert claim.state == "DROPBOX_EXPECTED"
    sheet = CoverSheet.objects.get(claim=claim)
    assert sheet.branch == claim.branch and sheet.planned_on == day and len(sheet.serial) == 16
    moved = ClaimEvent.objects.get(claim=claim, kind="state_changed", to_state="DROPBOX_EXPECTED")
    assert moved.actor_kind == "participant" and moved.data["planned_on"] == day.isoformat()
    assert moved.data["branch"] == claim.branch.code and moved.reason == "dropbox_chosen"
    notes = Notification.objects.filter(claim=claim, event="dropbox_expected")
    assert notes.count() >= 1 and all(n.context["nearest_dropbox_branch"] == claim.branch.name for n in notes)


def test_a_second_print_is_a_new_sheet_and_no_second_message(client: Any, claim: Any) -> None:
    print_sheet(client, claim)
    messages = Notification.objects.filter(claim=claim, event="dropbox_expected").count()
    print_sheet(client, claim, planned_on=branch_today(claim.branch) + timedelta(days=3))
    sheets = list(CoverSheet.objects.filter(claim=claim))
    assert len(sheets) == 2 and sheets[0].serial != sheets[1].serial
    assert Notification.objects.filter(claim=claim, event="dropbox_expected").count() == messages
    assert ClaimEvent.objects.filter(claim=claim, kind="cover_sheet_printed").count() == 1


@pytest.mark.parametrize(("data", "field"), [
    ({"branch": "", "planned_on": "+1"}, "Pilih salah satu kantor cabang"),
    ({"branch": "NOPE1", "planned_on": "+1"}, "Pilih salah satu kantor cabang"),
    ({"branch": "JKP04", "planned_on": "+1"}, "Pilih salah satu kantor cabang"),  # another region's branch
    ({"branch": "<script>", "planned_on": "+1"}, "Pilih salah satu kantor cabang"),
    ({"branch": "own", "planned_on": "-1"}, "sudah lewat"),
    ({"branch": "own", "planned_on": "+15"}, "paling lama 14 hari"),
    ({"branch": "own", "planned_on": "2026-13-40"}, "tidak dapat dibaca"),
    ({"branch": "own", "planned_on": "besok"}, "tidak dapat dibaca"),
    ({"branch": "own", "planned_on": "1e9"}, "tidak dapat dibaca"),
    ({"branch": "own", "planned_on": ""}, "Tulis tanggal"),
])
def test_bad_choices_are_refused_and_change_nothing(client: Any, claim: Any, data: dict[str, str],
                                                    field: str) -> None:
    token = _failed(client, claim)
    today = branch_today(claim.branch)
    post = dict(data)
    if post["branch"] == "own":
        post["branch"] = claim.branch.code
    if post["planned_on"][:1] in "+-" and post["planned_on"][1:].isdigit():
        post["planned_on"] = (today + timedelta(days=int(post["planned_on"]))).isoformat()
    r = client.post(f"/unggah/{token}/dropbox/", post)
    assert r.status_code == 422 and field in r.content.decode()
    claim.refresh_from_db()
    assert claim.state == "UPLOAD_FAILED" and not CoverSheet.objects.filter(claim=claim).exists()
    assert not Notification.objects.filter(claim=claim, event="dropbox_expected").exists()


def test_a_claim_that_has_not_failed_gets_no_sheet(client: Any, claim: Any) -> None:
    token = _token(claim)
    r = client.post(f"/unggah/{token}/dropbox/", {"branch": claim.branch.code,
                                                   "planned_on": branch_today(claim.branch).isoformat()})
    assert r.status_code == 409 and "Saya tidak bisa mengunggah" in r.content.decode()
    claim.refresh_from_db()
    assert claim.state != "DROPBOX_EXPECTED" and not CoverSheet.objects.exists()
    assert client.get(f"/unggah/{token}/lembar-sampul.pdf").status_code == 302  # to the choice, no PDF


def test_get_never_prints_a_sheet(client: Any, claim: Any) -> None:
    token = _failed(client, claim)
    assert client.get(f"/unggah/{token}/dropbox/").status_code == 405
    client.get(f"/unggah/{token}/lembar-sampul.pdf")
    assert not CoverSheet.objects.exists()


def test_the_reminder_goes_once_the_day_before(client: Any, claim: Any, monkeypatch: Any) -> None:
    from lapakasik.intake.services import dropbox_reminders_send

    print_sheet(client, claim, planned_on=branch_today(claim.branch) + timedelta(days=3))
    assert dropbox_reminders_send() == 0  # three days ahead: too early
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(days=2))
    assert dropbox_reminders_send() == 1
    assert dropbox_reminders_send() == 0  # once
    note = Notification.objects.filter(claim=claim, event="dropbox_reminder").first()
    assert note is not None and note.context["nearest_dropbox_branch"] == claim.branch.name
    assert ClaimEvent.objects.filter(claim=claim, kind="dropbox_reminder_sent").count() == 1


def test_the_deadline_expires_a_claim_whose_envelope_never_came(client: Any, make_claim: Any,
                                                               monkeypatch: Any) -> None:
    from django.db import transaction

    from lapakasik.claims.services import claim_lock
    from lapakasik.intake.services import dropbox_arrival_mark, dropbox_deadline_check

    waiting, arrived = make_claim(), make_claim()
    for c in (waiting, arrived):
        print_sheet(client, c)
    with transaction.atomic():
        dropbox_arrival_mark(locked_claim=claim_lock(arrived), now=clock.now())
    assert dropbox_deadline_check() == 0
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(days=9))
    assert dropbox_deadline_check() == 1
    waiting.refresh_from_db()
    arrived.refresh_from_db()
    assert waiting.state == "EXPIRED" and arrived.state == "DROPBOX_EXPECTED"
    assert dropbox_deadline_check() == 0
