"""Pages: "Cek keaslian pesan" (genuine / not, no personal data, rate-limited), the development inbox
(only in demo/debug), officers' call tasks."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.accounts.helpers import officer_login
from tests.claims.factories import applicant

from .conftest import enqueue, run_queue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sent(make_claim: Any, templates: None) -> Any:
    from lapakasik.notifications.models import Notification

    claim = make_claim(channels=["whatsapp"], full_name="Bambang Sutrisno")
    [row] = enqueue(event="claim_approved", claim=claim, context={"amount": "9.876.543"})
    run_queue()
    return Notification.objects.get(pk=row.pk)


def test_genuine_code_is_confirmed_without_personal_data(sent: Any) -> None:
    code = sent.verification_code
    for given in (code, f"{code[:4]}-{code[4:]}", code.lower(), f" {code[:4]} {code[4:]} "):
        response = Client().get("/cek-pesan/", {"kode": given})
        html = response.content.decode()
        assert response.status_code == 200 and "asli dari Lapak Asik" in html, given
        for private in ("Bambang", sent.recipient, sent.recipient.lstrip("+"), sent.claim.code, "9.876.543"):
            assert private not in html
    assert response["Cache-Control"] == "no-store"


def test_unknown_code_is_a_warning(sent: Any) -> None:
    response = Client().get("/cek-pesan/", {"kode": "ZZZZ-ZZZZ"})
    html = response.content.decode()
    assert "tidak pernah mengirim pesan dengan kode ini" in html and "175" in html


def test_code_of_a_never_sent_row_is_not_genuine(claim: Any, templates: None) -> None:
    [row] = enqueue(event="claim_verified", claim=claim)  # stored, not yet handed to a provider
    response = Client().get("/cek-pesan/", {"kode": row.verification_code})
    assert "tidak pernah mengirim" in response.content.decode()


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script>", "' OR 1=1 --", "A" * 500, "ÄÖÜ-ñ", "\x00\x01"])
def test_hostile_input_is_answered_safely(hostile: str, sent: Any) -> None:
    response = Client().get("/cek-pesan/", {"kode": hostile})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_page_in_english(sent: Any) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/cek-pesan/", {"kode": sent.verification_code})
    assert "genuine" in response.content.decode()


def test_check_button_reads_check_in_english(sent: Any) -> None:
    """The booking's step "Periksa" is "Review"; on this page the same Indonesian word is the button "Check"."""
    import re

    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/cek-pesan/").content.decode()
    assert re.search(r'<button type="submit">Check</button>', page), page
    assert "Review" not in page
    page_id = Client(HTTP_ACCEPT_LANGUAGE="id").get("/cek-pesan/").content.decode()
    assert '<button type="submit">Periksa</button>' in page_id


def test_lookups_are_rate_limited(sent: Any, settings: Any) -> None:
    settings.NOTIFY_CHECK_RATE_PER_MINUTE = 3
    client = Client()
    statuses = [client.get("/cek-pesan/", {"kode": "ZZZZ-ZZZ" + str(i)}).status_code for i in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    api = client.get("/api/v1/notifications/check", {"code": sent.verification_code})
    assert api.status_code == 429 and api.json()["error"]["code"] == "rate_limited"
    # Another address has its own budget.
    other = Client(REMOTE_ADDR="10.0.0.9").get("/cek-pesan/", {"kode": sent.verification_code})
    assert other.status_code == 200


def test_check_api(sent: Any) -> None:
    response = Client().get("/api/v1/notifications/check", {"code": sent.verification_code})
    assert response.status_code == 200
    body = response.json()
    assert body["genuine"] is True and body["channel"] == "whatsapp" and body["kind"] == "Status klaim"
    assert set(body) == {"genuine", "channel", "kind", "sent_at"}
    assert Client().get("/api/v1/notifications/check", {"code": "nope"}).json()["genuine"] is False


def test_dev_inbox_shows_each_channel_as_the_recipient_sees_it(make_claim: Any, templates: None) -> None:
    claim = make_claim(channels=["email", "whatsapp", "sms", "phone"])
    enqueue(event="claim_approved", claim=claim, context={"amount": "1.234.567"})
    run_queue()
    response = Client().get("/dev/inbox", {"klaim": claim.code})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="msg msg-') == 4
    assert f"Klaim {claim.code} disetujui" in html and "msg-whatsapp" in html and "msg-sms" in html
    assert "GSM-7" in html and "Skrip telepon" in html
    assert f"Riwayat pesan klaim {claim.code}" in html and html.count('class="t-out"') == 4
    from lapakasik.notifications.models import SimulatedMessage

    mail = SimulatedMessage.objects.get(channel="email")
    frame = Client().get(f"/dev/inbox/{mail.pk}/html")
    assert frame.status_code == 200 and b"1.234.567" in frame.content
    assert "sandbox" in frame["Content-Security-Policy"]


def test_dev_inbox_is_absent_outside_demo_mode(settings: Any, sent: Any) -> None:
    settings.NOTIFY_DEV_INBOX = False
    assert Client().get("/dev/inbox").status_code == 404
    assert Client().get("/dev/inbox/1/html").status_code == 404


def test_officer_call_tasks_page(make_claim: Any, templates: None, officers: None) -> None:
    from django.contrib.auth import get_user_model

    from lapakasik.accounts.selectors import branches_visible_to
    from lapakasik.claims.models import ClaimEvent
    from lapakasik.notifications.models import Notification, PhoneCall

    users = get_user_model().objects.filter(officer__isnull=False)
    officer = next(u for u in users if branches_visible_to(u).count() == 1)
    branch = branches_visible_to(officer).get()
    claim = make_claim(channels=["phone"], branch=branch)
    [row] = enqueue(event="claim_verified", claim=claim)
    run_queue()
    call = PhoneCall.objects.get(notification=row)
    anonymous = Client().get("/petugas/panggilan/")
    assert anonymous.status_code == 302
    client = Client()
    officer_login(client, officer)
    page = client.get("/petugas/panggilan/")
    assert page.status_code == 200 and applicant(claim).phone in page.content.decode()
    outsider = next((u for u in users if not branches_visible_to(u).filter(pk=branch.pk).exists()), None)
    if outsider is not None:
        other = Client()
        officer_login(other, outsider)
        assert applicant(claim).phone not in other.get("/petugas/panggilan/").content.decode()
        assert other.post(f"/petugas/panggilan/{call.pk}/hasil/", {"outcome": "REACHED"}).status_code == 404
    bad = client.post(f"/petugas/panggilan/{call.pk}/hasil/", {"outcome": "MAYBE"})
    assert bad.status_code == 302
    call.refresh_from_db()
    assert call.outcome == "OPEN"
    done = client.post(f"/petugas/panggilan/{call.pk}/hasil/", {"outcome": "REACHED", "note": "ok"})
    assert done.status_code == 302
    call.refresh_from_db()
    assert call.outcome == "REACHED" and call.officer == officer
    assert Notification.objects.get(pk=row.pk).status == "DELIVERED"
    assert done["Location"] == "/petugas/panggilan/"
    [event] = ClaimEvent.objects.filter(claim=claim, kind="phone_call_recorded")
    assert (event.reason, event.actor_user, event.data["note"]) == ("REACHED", officer, "ok")
