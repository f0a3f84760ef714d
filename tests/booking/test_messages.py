"""What the participant reads: the booking messages, rendered from the stored outbox rows exactly as the
worker would send them. The session's date and time must be there, in the branch's own zone, in the
participant's language, and every link must be a full address (a relative link in an SMS is useless)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.claims.factories import applicant

from .conftest import book

pytestmark = pytest.mark.usefixtures("booking_env")


def rendered(event: str, **filters: Any) -> Any:
    from lapakasik.notifications.models import Notification
    from lapakasik.notifications.services import notification_render

    row = Notification.objects.filter(event=event, **filters).latest("id")
    return notification_render(row)


def test_confirmation_shows_the_session_in_the_branch_zone_and_full_links(
        payload: Callable[..., dict[str, Any]]) -> None:
    result = book(**payload(branch_code="MKS01", session_start="09:00", channels=["email", "sms"]))
    mail = rendered("booking_confirmed", channel="email")
    assert "Selasa, 22 Desember 2026 09:00–10:00 WITA" in mail.text
    assert "Senin, 21 Desember 2026 23:59 WITA" in mail.text  # the H-1 deadline, local
    assert "http://127.0.0.1:8000/unggah/" in mail.text and "@" in mail.text.split("e-mail ke:")[1]
    assert result.claim.code in mail.subject
    sms = rendered("booking_confirmed", channel="sms")
    # SMS: the same words in the GSM-7 alphabet ("–" would make it UCS-2, 70 characters a segment)
    assert "22 Desember 2026 09:00-10:00 WITA" in sms.text and "http://127.0.0.1:8000/unggah/" in sms.text


def test_confirmation_in_english(payload: Callable[..., dict[str, Any]]) -> None:
    book(**payload(branch_code="JAP01", session_start="09:00", language="en"))
    mail = rendered("booking_confirmed", channel="email")
    assert "Tuesday, 22 December 2026 09:00–10:00 WIT" in mail.text
    assert "Upload documents: http://127.0.0.1:8000/unggah/" in mail.text


def test_reschedule_message_shows_old_and_new_session(payload: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.services import booking_reschedule
    from lapakasik.claims.services import Actor

    result = book(**payload(branch_code="JKT02", session_start="08:00"))
    booking_reschedule(booking=result.booking, date="2026-12-22", session_start="13:00", actor=Actor.participant())
    text = rendered("booking_rescheduled", channel="email").text
    assert "08:00–09:00 WIB" in text and "13:00" in text and "Selasa, 22 Desember 2026" in text


def test_waitlist_offer_names_the_person_links_the_offer_and_says_until_when(
        payload: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.models import SlotQuota
    from lapakasik.booking.services import booking_cancel, waitlist_get_by_offer_token, waitlist_join
    from lapakasik.claims.services import Actor

    SlotQuota.objects.filter(branch__code="JKT02", date="2026-12-22", session_start="08:00").update(capacity=1)
    first = book(**payload())
    waiting = payload()
    entry = waitlist_join(**waiting).entry
    booking_cancel(booking=first.booking, actor=Actor.participant())
    text = rendered("waitlist_offer", channel="email").text
    assert waiting["full_name"] in text
    # The link carries the offer's own unguessable token (any device), never the sequential id.
    link = re.search(r"http://127\.0\.0\.1:8000/antrean/tawaran/([A-Za-z0-9_-]{32})/", text)
    assert link is not None and f"/tunggu/{entry.pk}/" not in text
    assert waitlist_get_by_offer_token(link.group(1)).pk == entry.pk
    assert "Senin, 21 Desember 2026 10:30 WIB" in text  # held 30 minutes from the (frozen) now, local time


def test_phone_channel_gives_the_branch_a_call_task_with_the_script(payload: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.notifications.delivery import notification_dispatch
    from lapakasik.notifications.models import Notification, PhoneCall

    result = book(**payload(branch_code="MKS01", session_start="09:00", channels=["phone"]))
    row = Notification.objects.get(event="booking_confirmed", claim=result.claim)
    assert row.channel == "phone" and row.recipient == applicant(result.claim).phone
    notification_dispatch(notification_id=row.id)
    call = PhoneCall.objects.get(notification=row)
    assert call.branch is not None and call.branch.code == "MKS01" and call.outcome == "OPEN"
    assert "Selasa, 22 Desember 2026 09:00–10:00 WITA" in call.script
