"""The waitlist on the participant pages: a full session leads to its waitlist (sessions page and the "session
full" answer), joining asks the same data as booking, and the offer link of the message opens the offer in any
browser — with its token only, never with the sequential id alone — and books the seat once."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from .conftest import FIXED_NOW, TOMORROW, book, snapshot_counts

pytestmark = pytest.mark.usefixtures("booking_env")
SLOT = {"cabang": "JKT02", "tanggal": TOMORROW, "sesi": "08:00"}


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def main_of(response: Any) -> str:
    """The page's own content (the header's language form repeats the path and a CSRF token)."""
    found = re.search(r"<main.*?</main>", text(response))
    assert found is not None, text(response)[:500]
    return found.group(0)


def form_of(body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The identity form's fields for an API-shaped participant body."""
    fields = {k: body[k] for k in ("nik", "kpj", "full_name", "email", "phone", "claim_type", "claim_reason",
                                   "language", "channels")}
    return {**SLOT, "cabang": body["branch_code"], **fields, **extra}


def make_full(start: str = "08:00", branch: str = "JKT02") -> Any:
    from django.core.cache import cache

    from lapakasik.booking.models import SlotQuota

    SlotQuota.objects.filter(branch__code=branch, date=TOMORROW, session_start=start).update(capacity=1, booked=1)
    cache.clear()
    return SlotQuota.objects.get(branch__code=branch, date=TOMORROW, session_start=start)


def join_on_pages(client: Client, body: dict[str, Any]) -> Any:
    """identity (waitlist) → review → "Masuk daftar tunggu"; returns the answer of the last step."""
    r = client.post(reverse("booking:identity"), form_of(body, tunggu="1"))
    assert r.status_code == 302 and r["Location"] == reverse("booking:review"), text(r)[:3000]
    review = text(client.get(reverse("booking:review")))
    assert 'id="submit-waitlist"' in review and 'id="submit-booking"' not in review
    assert "sisa 0 kursi" not in review and "Penuh" in review
    draft = client.session["booking_draft"]["id"]
    return client.post(reverse("booking:review"), {"draft": draft, "confirm": "on"})


def offered(payload: Callable[..., dict[str, Any]], client: Client | None = None,
            branch: str = "JKT02") -> tuple[Any, str]:
    """A full session, someone waiting (joined on the pages of ``client``), the seat freed: (entry, link)."""
    from django.core.cache import cache

    from lapakasik.booking.models import SlotQuota, WaitlistEntry
    from lapakasik.booking.services import booking_cancel
    from lapakasik.claims.services import Actor
    from lapakasik.notifications.models import Notification
    from lapakasik.notifications.services import notification_render

    SlotQuota.objects.filter(branch__code=branch, date=TOMORROW, session_start="08:00").update(capacity=1)
    holder = book(**payload(branch_code=branch))
    cache.clear()  # the booking's cache bump runs on commit; tests never commit
    joined = join_on_pages(client or Client(), payload(branch_code=branch))
    assert joined.status_code == 302
    booking_cancel(booking=holder.booking, actor=Actor.participant())
    entry = WaitlistEntry.objects.get(status="OFFERED")
    row = Notification.objects.filter(event="waitlist_offer", channel="email").latest("id")
    link = re.search(r"http://127\.0\.0\.1:8000(/antrean/tawaran/[A-Za-z0-9_-]+/)", notification_render(row).text)
    assert link is not None
    return entry, link.group(1)


# --- joining ------------------------------------------------------------------------------------------


def test_full_session_on_the_sessions_page_leads_to_joining(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.models import WaitlistEntry

    make_full()
    page = text(client.get(reverse("booking:sessions", kwargs={"branch": "JKT02", "day": TOMORROW})))
    link = re.search(r'<a href="([^"]+)" class="session" data-status="full">.*?</a>', page)
    assert link is not None and "Masuk daftar tunggu" in link.group(0)
    form = text(client.get(link.group(1).replace("&amp;", "&")))
    assert 'id="waitlist-note"' in form and 'name="tunggu" value="1"' in form and 'name="nik"' in form
    body = payload()
    before = snapshot_counts()
    r = join_on_pages(client, body)
    entry = WaitlistEntry.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("booking:waitlist", kwargs={"entry": entry.pk})
    page = text(client.get(r["Location"]))
    assert 'data-status="WAITING"' in page and "urutan ke-1" in page and "08:00–09:00 WIB" in page
    assert body["nik"] not in page and body["phone"] not in page
    after = snapshot_counts()
    assert after["bookings"] == before["bookings"] and after["claims"] == before["claims"]
    assert after["waitlist"] == before["waitlist"] + 1 and entry.nik == body["nik"]


def test_session_full_answer_shows_the_way_to_join(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    """Chosen while free, full when the form opens (a lost race): the answer offers joining, not a dead end."""
    make_full()
    r = client.get(reverse("booking:identity"), SLOT)
    page = text(r)
    assert r.status_code == 409 and 'data-code="slot_full"' in page
    join = re.search(r'id="waitlist-start" href="([^"]+)"', page)
    assert join is not None
    form = client.get(join.group(1).replace("&amp;", "&"))
    assert form.status_code == 200 and 'id="waitlist-note"' in text(form)


def test_lost_race_at_the_review_joins_with_one_button(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.models import WaitlistEntry

    body = payload()
    assert client.post(reverse("booking:identity"), form_of(body)).status_code == 302
    draft = client.session["booking_draft"]["id"]
    make_full()
    lost = client.post(reverse("booking:review"), {"draft": draft, "confirm": "on"})
    assert lost.status_code == 409 and 'id="waitlist-form"' in text(lost)
    joined = client.post(reverse("booking:waitlist_join"), {"draft": draft})
    assert joined.status_code == 302 and WaitlistEntry.objects.filter(nik=body["nik"]).count() == 1


def test_joining_a_session_with_room_books_instead(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    body = payload()
    r = client.post(reverse("booking:identity"), form_of(body, tunggu="1"), follow=True)
    page = text(r)
    assert "langsung memesan" in page and 'id="submit-booking"' in page and 'id="submit-waitlist"' not in page


def test_joining_twice_gets_a_clear_answer(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.models import WaitlistEntry

    make_full()
    body = payload()
    assert join_on_pages(client, body).status_code == 302
    before = snapshot_counts()
    again = join_on_pages(Client(), body)
    assert again.status_code == 409 and 'data-code="already_waiting"' in text(again)
    assert "sudah ada di daftar tunggu" in text(again)
    assert snapshot_counts() == before and WaitlistEntry.objects.count() == 1


@pytest.mark.parametrize(("overrides", "field"), [
    ({"nik": "31740101019O0001"}, "nik"), ({"kpj": "99999999999"}, "kpj"),
    ({"full_name": "Orang Lain Sekali"}, "full_name"), ({"email": "bukan-email"}, "email"),
    ({"phone": "+14155552671"}, "phone"), ({"channels": ["pigeon"]}, "channels"),
    ({"nik": ["1", "2"]}, "nik"), ({"full_name": "A" * 5000}, "full_name"),
    ({"full_name": "Budi\x00Santoso"}, "full_name"),
], ids=["nik", "kpj-mismatch", "name-mismatch", "email", "phone", "channel", "nik-repeated", "name-long", "name-nul"])
def test_bad_identity_for_the_waitlist_changes_nothing(client: Client, payload: Callable[..., dict[str, Any]],
                                                       overrides: dict[str, Any], field: str) -> None:
    make_full()
    before = snapshot_counts()
    r = client.post(reverse("booking:identity"), {**form_of(payload(), tunggu="1"), **overrides})
    page = text(r)
    assert r.status_code in (200, 400), r.status_code
    if r.status_code == 200:
        assert f'id="err-{field}"' in page and 'id="waitlist-note"' in page
    assert "booking_draft" not in client.session
    assert snapshot_counts() == before


def test_not_eligible_is_told_before_waiting(client: Client, payload: Callable[..., dict[str, Any]],
                                             person: Callable[..., Any]) -> None:
    make_full()
    before = snapshot_counts()
    r = client.post(reverse("booking:identity"), form_of(payload(person("waiting_period")), tunggu="1"))
    assert r.status_code == 409 and 'data-code="not_eligible"' in text(r)
    assert snapshot_counts() == before


def test_waitlist_join_refuses_a_forged_or_stale_draft(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    make_full()
    before = snapshot_counts()
    for data in ({}, {"draft": "x" * 5000}, {"draft": ["a", "b"]}):
        r = client.post(reverse("booking:waitlist_join"), data)
        assert r.status_code == 302 and r["Location"] == reverse("booking:start")
    assert client.get(reverse("booking:waitlist_join")).status_code == 405
    assert Client(enforce_csrf_checks=True).post(reverse("booking:waitlist_join"), {"draft": "x"}).status_code == 403
    assert snapshot_counts() == before


# --- the offer link ------------------------------------------------------------------------------------


def test_offer_link_opens_and_books_in_another_browser(payload: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.models import Booking, SlotQuota

    joiner = Client()
    entry, link = offered(payload, joiner)
    assert str(entry.pk) not in link.split("/")  # never the sequential id
    other = Client()  # another device: no session, no cookie
    page = other.get(link)
    body = text(page)
    assert page.status_code == 200 and 'id="accept-form"' in body and 'data-status="OFFERED"' in body
    assert "Selasa, 22 Desember 2026" in body and "08:00–09:00 WIB" in body
    assert "Kursi ditahan sampai Senin, 21 Desember 2026 10:30 WIB" in body  # the branch's zone
    applicant = entry.applicant
    for private in (applicant["nik"], applicant["full_name"], applicant["email"], applicant["phone"]):
        assert private not in body
    assert page["Referrer-Policy"] == "same-origin" and "no-store" in page["Cache-Control"]
    assert other.head(link).status_code == 200 and other.put(link).status_code == 405  # a link checker's HEAD

    done = other.post(link)
    booking = Booking.objects.get(claim__insured_nik=applicant["nik"])
    assert done.status_code == 302 and done["Location"] == reverse("booking:done", kwargs={"code": booking.code})
    assert other.get(done["Location"]).status_code == 200  # this browser may now see its booking
    slot = SlotQuota.objects.get(pk=entry.slot_id)
    assert (slot.booked, slot.held, booking.status) == (1, 0, "ACTIVE")
    # the joining browser sees the seat taken, with the code
    mine = text(joiner.get(reverse("booking:waitlist", kwargs={"entry": entry.pk})))
    assert 'data-status="ACCEPTED"' in mine and booking.code in mine


def test_double_accept_books_once(payload: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.models import Booking

    entry, link = offered(payload)
    first = Client()
    assert first.post(link).status_code == 302
    code = Booking.objects.get(claim__insured_nik=entry.applicant["nik"]).code
    before = snapshot_counts()
    again = first.post(link)  # a double submit in the same browser: to the booking made
    assert again.status_code == 302 and again["Location"] == reverse("booking:done", kwargs={"code": code})
    second = Client().post(link)  # a second browser: told it is taken, with the code; no second booking
    page = text(second)
    assert second.status_code == 409 and 'data-code="offer_already_accepted"' in page and code in page
    assert 'id="accept-form"' not in page and 'id="offer-taken"' in page
    assert snapshot_counts() == before
    assert Client().get(reverse("booking:done", kwargs={"code": code})).status_code == 302  # no grant given


def test_without_a_valid_token_the_link_reveals_nothing(payload: Callable[..., dict[str, Any]], settings: Any) -> None:
    entry, link = offered(payload)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    other = Client()
    answers = [
        other.get(reverse("booking:waitlist", kwargs={"entry": entry.pk})),  # the sequential id alone
        other.get(reverse("booking:waitlist", kwargs={"entry": entry.pk + 1000})),  # an unknown id
        other.get(f"/antrean/tawaran/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}/"),  # one character off
        other.get("/antrean/tawaran/" + "A" * 32 + "/"),
        other.get("/antrean/tawaran/" + "x" * 300 + "/"),  # malformed: too long
        other.get("/antrean/tawaran/%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80/"),
        other.get(f"/antrean/tawaran/{token}%00/"),
    ]
    assert [r.status_code for r in answers] == [404] * len(answers)
    pages = [main_of(r) for r in answers]
    assert all(p == pages[0] for p in pages)  # one answer for every wrong try
    assert 'data-code="waitlist_not_found"' in pages[0] and "Halaman tidak ditemukan" in pages[0]
    assert "08:00" not in pages[0] and "Jakarta" not in pages[0] and "Desember" not in pages[0]
    before = snapshot_counts()
    assert other.post(f"/antrean/tawaran/{'A' * 32}/").status_code == 404
    assert other.post(reverse("booking:waitlist_accept", kwargs={"entry": entry.pk})).status_code == 404
    assert snapshot_counts() == before
    # the product's page even where DEBUG would show Django's
    settings.DEBUG = True
    debug = other.get("/antrean/tawaran/" + "A" * 32 + "/")
    assert debug.status_code == 404 and 'data-code="waitlist_not_found"' in text(debug)


def test_a_lapsed_offer_says_so_and_books_nothing(payload: Callable[..., dict[str, Any]],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from lapakasik.booking.services import waitlist_expire_offers
    from lapakasik.core import clock

    _entry, link = offered(payload)
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW + timedelta(minutes=31))  # held for 30 minutes
    other = Client()
    page = text(other.get(link))
    assert 'id="accept-form"' not in page and 'id="offer-ended"' in page and "Tawaran berakhir" in page
    before = snapshot_counts()
    r = other.post(link)
    assert r.status_code == 409 and 'data-code="offer_not_open"' in text(r)
    assert snapshot_counts() == before
    assert waitlist_expire_offers() == 1
    after = text(other.get(link))
    assert 'data-status="EXPIRED"' in after and 'id="offer-ended"' in after


def test_offer_page_in_english_and_in_the_branch_zone(payload: Callable[..., dict[str, Any]]) -> None:
    _entry, link = offered(payload, branch="MKS01")  # WITA
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.cookies["lapakasik_lang"] = "en"
    page = text(other.get(link))
    assert "Take this seat" in page and "Waiting list" in page
    assert "11:30 WITA" in page  # 10:00 WIB + 30 minutes, in Makassar's time


def test_the_admin_shows_no_token_digest() -> None:
    from django.contrib import admin
    from django.test import RequestFactory

    from lapakasik.booking.models import WaitlistEntry

    form = admin.site._registry[WaitlistEntry].get_form(RequestFactory().get("/"), obj=None, change=False)
    assert not {"token_digest", "offer_token_digest", "nik", "applicant"} & set(form.base_fields)


def test_a_full_day_leads_to_its_sessions_and_their_waitlist(client: Client) -> None:
    from django.core.cache import cache

    from lapakasik.booking.models import SlotQuota

    SlotQuota.objects.filter(branch__code="JKT02", date=TOMORROW).update(capacity=1, booked=1)
    cache.clear()
    page = text(client.get(reverse("booking:dates", kwargs={"branch": "JKT02"})))
    sessions = reverse("booking:sessions", kwargs={"branch": "JKT02", "day": TOMORROW})
    day = re.search(rf'<a href="{sessions}"[^>]*data-status="full">.*?</a>', page)
    assert day is not None and "Penuh" in day.group(0) and "Daftar tunggu" in day.group(0)
    listed = text(client.get(sessions))
    assert listed.count('data-status="full"') >= 5 and 'name="sesi"' not in listed  # every session: waitlist


def test_a_full_branch_still_leads_to_its_dates(client: Client) -> None:
    from django.core.cache import cache

    from lapakasik.booking.models import SlotQuota
    from lapakasik.branches.models import Branch

    branch = Branch.objects.get(code="JKT02")
    SlotQuota.objects.filter(branch=branch).update(capacity=0)
    cache.clear()
    page = text(client.get(reverse("booking:branches", kwargs={"region": branch.region.code})))
    dates = reverse("booking:dates", kwargs={"branch": "JKT02"})
    row = re.search(rf'<a href="{dates}" data-status="full">.*?</a>', page)
    assert row is not None and "Penuh" in row.group(0)
