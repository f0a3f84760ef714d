"""The participant pages of the online queue with Django's test client: every step, every bad input
(clear Indonesian message on the field, nothing written), full sessions, not-eligible claims, double
submits, cancel and reschedule."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from lapakasik.booking.models import Booking, SlotQuota
from lapakasik.claims.models import Claim
from lapakasik.notifications.models import Notification
from tests.claims.factories import applicant

from .pages_support import NIK, book, booking_world, day_label, identity_post, make_participant

__all__ = ["booking_world"]

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def nothing_written() -> None:
    assert Claim.objects.count() == 0
    assert Booking.objects.count() == 0
    assert not Notification.objects.filter(event="booking_confirmed").exists()
    assert SlotQuota.objects.filter(booked__gt=0).count() == 0


# --- steps 1–4 ---------------------------------------------------------------------------------------


def test_home_links_reach_the_queue_and_my_booking(client: Any, booking_world: dict[str, Any]) -> None:
    assert reverse("booking:start") == "/antrean/"
    assert reverse("booking:mine") == "/antrean/saya/"
    home = text(client.get("/"))
    assert 'href="/antrean/"' in home and 'href="/antrean/saya/"' in home
    assert client.get("/antrean/").status_code == 200
    assert client.get("/antrean/saya/").status_code == 200


def test_region_then_branch_then_date_then_session(client: Any, booking_world: dict[str, Any]) -> None:
    branch = booking_world["branch"]
    start = text(client.get(reverse("booking:start")))
    assert "Kanwil Jawa Barat" in start
    assert reverse("booking:branches", kwargs={"region": "JABAR"}) in start

    branches = text(client.get(reverse("booking:branches", kwargs={"region": "JABAR"})))
    assert branch.name in branches
    assert reverse("booking:dates", kwargs={"branch": branch.code}) in branches
    assert "kursi" in branches

    dates = client.get(reverse("booking:dates", kwargs={"branch": branch.code}))
    body = text(dates)
    first = booking_world["days"][0]
    assert day_label(first.date) in body
    sessions_url = reverse("booking:sessions", kwargs={"branch": branch.code, "day": first.date.isoformat()})
    assert f'href="{sessions_url}"' in body and f'hx-get="{sessions_url}"' in body
    # the weekend inside the window is shown as closed
    assert "Libur akhir pekan" in body

    sessions = text(client.get(sessions_url))
    assert "<html" in sessions
    assert "08:00–09:00 WIB" in sessions and "sisa 10 kursi" in sessions
    assert 'name="sesi" value="08:00"' in sessions
    assert f'action="{reverse("booking:identity")}"' in sessions


def test_sessions_partial_for_htmx(client: Any, booking_world: dict[str, Any]) -> None:
    branch, day = booking_world["branch"], booking_world["day"]
    r = client.get(reverse("booking:sessions", kwargs={"branch": branch.code, "day": day.isoformat()}),
                   HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert "<html" not in r.content.decode()
    assert 'name="sesi" value="08:00"' in r.content.decode()


def test_full_session_is_marked_and_leads_to_its_waitlist(client: Any, booking_world: dict[str, Any]) -> None:
    from django.core.cache import cache

    from lapakasik.booking.policy import slot_bounds

    branch, day = booking_world["branch"], booking_world["day"]
    from datetime import time

    starts, ends = slot_bounds(day, time(9, 0), time(10, 0), branch.time_zone)
    SlotQuota.objects.create(branch=branch, date=day, session_start=time(9, 0), session_end=time(10, 0),
                             starts_at=starts, ends_at=ends, capacity=3, booked=3)
    cache.clear()
    body = text(client.get(reverse("booking:sessions", kwargs={"branch": branch.code, "day": day.isoformat()})))
    # A full session cannot be booked, but leads to its waitlist (identity form in waitlist mode).
    assert re.search(r'<button[^>]*value="09:00"[^>]*>', body) is None
    full = re.search(r'<a href="([^"]*sesi=09%3A00[^"]*)" class="session" data-status="full">', body)
    assert full is not None and "tunggu=1" in full.group(1)
    assert "Penuh" in body and "Masuk daftar tunggu" in body
    free = re.search(r'<button[^>]*value="08:00"[^>]*>', body)
    assert free is not None and "disabled" not in free.group(0)


@pytest.mark.parametrize("url", [
    "/antrean/wilayah/NOPE/", "/antrean/cabang/NOPE/", "/antrean/cabang/NOPE/2026-01-01/",
])
def test_unknown_region_or_branch_is_404(client: Any, booking_world: dict[str, Any], url: str) -> None:
    assert client.get(url).status_code == 404


def test_bad_date_in_session_url_is_404(client: Any, booking_world: dict[str, Any]) -> None:
    r = client.get(f"/antrean/cabang/{booking_world['branch'].code}/31-02-2026/")
    assert r.status_code == 404


# --- happy path -------------------------------------------------------------------------------------------


def test_book_through_every_step(client: Any, booking_world: dict[str, Any]) -> None:
    branch, day = booking_world["branch"], booking_world["day"]
    r = client.get(reverse("booking:identity"), {"cabang": branch.code, "tanggal": day.isoformat(), "sesi": "08:00"})
    assert r.status_code == 200
    body = text(r)
    assert day_label(day) in body and "08:00–09:00 WIB" in body
    assert 'name="nik"' in body and 'name="kpj"' in body and 'name="channels"' in body

    r = client.post(reverse("booking:identity"), identity_post(booking_world))
    assert r.status_code == 302 and r["Location"] == reverse("booking:review")
    review = text(client.get(reverse("booking:review")))
    assert "3174********0003" in review and NIK not in review  # NIK masked on screen
    assert "Siti Rahayu" in review and "siti@example.id" in review and "+6281234567890" in review
    assert "Mengundurkan diri" in review
    nothing_written()

    draft = client.session["booking_draft"]["id"]
    r = client.post(reverse("booking:review"), {"draft": draft, "confirm": "on"})
    assert r.status_code == 302
    code = r["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert r["Location"] == reverse("booking:done", kwargs={"code": code})
    for value in (NIK, "siti", "628123", "token"):
        assert value not in r["Location"]

    booking = Booking.objects.select_related("claim", "slot").get(code=code)
    assert booking.status == "ACTIVE" and booking.slot.booked == 1
    claim = booking.claim
    assert applicant(claim).full_name == "Siti Rahayu" and applicant(claim).channels == ["email", "whatsapp"]
    assert applicant(claim).phone == "+6281234567890"
    assert Notification.objects.filter(claim=claim, event="booking_confirmed").exists()

    done = text(client.get(r["Location"]))
    assert code in done and branch.name in done and branch.address in done
    assert day_label(day) in done and "08:00–09:00 WIB" in done
    from lapakasik.intake.selectors import intake_links_get

    links = intake_links_get(claim)
    assert links is not None
    assert links.email_address in done and links.upload_url in done
    assert reverse("booking:ticket_pdf", kwargs={"code": code}) in done
    assert reverse("booking:ticket_ics", kwargs={"code": code}) in done
    assert "Kirim dokumen paling lambat H-1" in done
    # the personal data is gone from the session once booked
    assert client.session["booking_draft"]["data"] == {}


def test_upload_link_on_the_page_follows_the_address_the_page_was_opened_on(
        client: Any, booking_world: dict[str, Any], settings: Any) -> None:
    """The "done" page and "Booking saya" link the upload page on the site the participant is on, not on the
    port PUBLIC_BASE_URL names (a server on another port, a live test server): the link is the site's own
    path; paper (the ticket PDF) keeps the absolute address."""
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    settings.INTAKE_PUBLIC_BASE_URL = ""
    code = book(client, booking_world)
    done = client.get(reverse("booking:done", kwargs={"code": code}), HTTP_HOST="127.0.0.1:43117")
    href = re.search(r'href="([^"]+)" id="upload-link"', done.content.decode())
    assert href is not None
    assert href.group(1).startswith("/unggah/"), href.group(1)
    assert ":8000" not in done.content.decode()
    manage = client.get(reverse("booking:manage", kwargs={"code": code}), HTTP_HOST="127.0.0.1:43117")
    assert f'href="{href.group(1)}" id="upload-link"' in manage.content.decode()

    from lapakasik.booking.pagedata import ticket_data_for

    claim = Booking.objects.get(code=code).claim
    assert ticket_data_for(claim).upload_url == "http://127.0.0.1:8000" + href.group(1)  # paper: absolute


def test_done_page_needs_the_session_that_booked(client: Any, booking_world: dict[str, Any]) -> None:
    from django.test import Client

    code = book(client, booking_world)
    for name in ("booking:done", "booking:manage", "booking:cancel", "booking:reschedule"):
        stranger = Client()
        r = stranger.get(reverse(name, kwargs={"code": code}))
        assert r.status_code == 302 and r["Location"] == reverse("booking:mine")
        # the lookup form is prefilled with the code, and the answer is the same for an unknown code
        page = stranger.get(r["Location"]).content.decode()
        assert f'value="{code}"' in page and "kode sekali pakai" in page
    r = Client().post(reverse("booking:cancel", kwargs={"code": code}), {"confirm": "on"})
    assert r.status_code == 302 and r["Location"] == reverse("booking:mine")
    assert Booking.objects.get(code=code).status == "ACTIVE"
    unknown = Client().get(reverse("booking:manage", kwargs={"code": "ZZZZ9999"}))
    assert unknown.status_code == 302 and unknown["Location"] == reverse("booking:mine")


def test_review_without_draft_goes_back_to_start(client: Any, booking_world: dict[str, Any]) -> None:
    r = client.get(reverse("booking:review"))
    assert r.status_code == 302 and r["Location"] == reverse("booking:start")
    r = client.post(reverse("booking:review"), {"draft": "x", "confirm": "on"})
    assert r.status_code == 302
    nothing_written()


def test_review_needs_the_confirmation_tick(client: Any, booking_world: dict[str, Any]) -> None:
    client.post(reverse("booking:identity"), identity_post(booking_world))
    draft = client.session["booking_draft"]["id"]
    r = client.post(reverse("booking:review"), {"draft": draft})
    assert r.status_code == 200
    assert "Centang pernyataan bahwa data Anda benar" in text(r)
    nothing_written()


def test_stale_review_form_is_refused(client: Any, booking_world: dict[str, Any]) -> None:
    client.post(reverse("booking:identity"), identity_post(booking_world))
    r = client.post(reverse("booking:review"), {"draft": "another-draft", "confirm": "on"})
    assert r.status_code == 302 and r["Location"] == reverse("booking:review")
    nothing_written()


def test_double_submit_of_the_final_form_creates_one_booking(client: Any, booking_world: dict[str, Any]) -> None:
    client.post(reverse("booking:identity"), identity_post(booking_world))
    draft = client.session["booking_draft"]["id"]
    first = client.post(reverse("booking:review"), {"draft": draft, "confirm": "on"})
    second = client.post(reverse("booking:review"), {"draft": draft, "confirm": "on"})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Booking.objects.count() == 1 and Claim.objects.count() == 1
    assert SlotQuota.objects.get().booked == 1
    # one confirmation per chosen channel, not two per channel
    assert sorted(Notification.objects.filter(event="booking_confirmed").values_list("channel", flat=True)) == [
        "email", "whatsapp"]


def test_second_booking_for_same_nik_is_refused_with_a_way_out(client: Any, booking_world: dict[str, Any]) -> None:
    book(client, booking_world)
    client.post(reverse("booking:identity"), identity_post(booking_world, sesi="10:00"))
    draft = client.session["booking_draft"]["id"]
    r = client.post(reverse("booking:review"), {"draft": draft, "confirm": "on"})
    assert r.status_code == 409
    body = text(r)
    assert "sudah punya booking aktif" in body
    assert f'href="{reverse("booking:mine")}"' in body
    assert Booking.objects.count() == 1


# --- bad input ----------------------------------------------------------------------------------------------

BAD_IDENTITY = [
    ("nik", "", "NIK wajib diisi"),
    ("nik", "317401450690000", "NIK harus 16 angka; yang Anda isi 15 angka"),
    ("nik", "31740145069000AB", "NIK hanya berisi angka"),
    ("nik", "3174013206900003", "Tanggal lahir dalam NIK tidak mungkin"),
    ("nik", "9974014506900003", "Kode provinsi NIK (99) tidak dikenal"),
    ("nik", "3174014506900000", "tidak boleh 0000"),
    ("nik", "' OR 1=1 --", "NIK hanya berisi angka"),
    ("kpj", "1234567890", "Nomor KPJ harus 11 angka"),
    ("kpj", "", "Nomor KPJ wajib diisi"),
    ("kpj", "99999999999", "tidak cocok"),  # valid shape, not this NIK's KPJ in the registry
    ("full_name", "", "Nama lengkap wajib diisi"),
    ("full_name", "Budi Santoso", "Nama tidak sama dengan data kepesertaan"),
    ("full_name", "<script>alert(1)</script>", "Nama hanya berisi huruf"),
    ("full_name", "S" * 151, "Nama terlalu panjang"),
    ("full_name", "Siti\u202euyahaR", "Nama hanya berisi huruf"),  # right-to-left override
    ("full_name", "Siti\u200b Rahayu", "Nama hanya berisi huruf"),  # zero-width space
    ("full_name", "Siti\x00Rahayu", "Karakter null tidak diizinkan"),
    ("full_name", "Siti Rahayu; DROP TABLE", "Nama hanya berisi huruf"),
    ("nik", "３１７４０１４５０６９００００３", "NIK hanya berisi angka"),  # full-width digits
    ("email", "bukan-email", "Alamat e-mail tidak valid"),
    ("email", "", "Alamat e-mail wajib diisi"),
    ("phone", "12345", "Nomor HP"),
    ("phone", "+1 202 555 0143", "Nomor HP Indonesia tidak valid"),
    ("phone", "021 555 1234", "Gunakan nomor HP (seluler)"),
    ("claim_type", "ABC", "Jenis klaim tidak dikenal"),
    ("claim_reason", "", "Pilih alasan klaim"),
    ("claim_reason", "HOLIDAY", "Alasan klaim tidak dikenal"),
    ("channels", [], "Pilih paling sedikit satu cara"),
    ("channels", ["fax"], "Pilihan kanal tidak dikenal"),
    ("language", "fr", "Bahasa tidak dikenal"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_IDENTITY,
                         ids=[f"{f}-{i}" for i, (f, _v, _m) in enumerate(BAD_IDENTITY)])
def test_bad_identity_shows_the_message_on_the_field_and_writes_nothing(
        client: Any, booking_world: dict[str, Any], field: str, value: Any, message: str) -> None:
    r = client.post(reverse("booking:identity"), identity_post(booking_world, **{field: value}))
    assert r.status_code == 200
    body = text(r)
    block = re.search(rf'<div class="field has-error" id="field-{field}">.*?</div>', body)
    assert block is not None, f"no error on {field}"
    assert message in block.group(0)
    assert f'id="err-{field}"' in block.group(0)
    assert "Ada isian yang perlu diperbaiki" in body
    assert "booking_draft" not in client.session
    nothing_written()


def test_all_errors_at_once_and_entries_kept(client: Any, booking_world: dict[str, Any]) -> None:
    r = client.post(reverse("booking:identity"), identity_post(booking_world, nik="123", email="x", phone="1"))
    body = text(r)
    for field in ("nik", "email", "phone"):
        assert f'id="err-{field}"' in body
    assert 'value="123"' in body  # what the participant typed stays in the form
    nothing_written()


@pytest.mark.parametrize("params", [
    {},
    {"cabang": "NOPE", "tanggal": "2030-01-01", "sesi": "08:00"},
    {"cabang": "BDG01", "tanggal": "kemarin", "sesi": "08:00"},
])
def test_identity_without_a_valid_slot_goes_back(client: Any, booking_world: dict[str, Any],
                                                 params: dict[str, str]) -> None:
    r = client.get(reverse("booking:identity"), params)
    assert r.status_code == 302 and r["Location"] == reverse("booking:start")


@pytest.mark.parametrize("case", ["past", "beyond_window", "unknown_session", "weekend"])
def test_identity_for_an_impossible_session_goes_back_to_dates(client: Any, booking_world: dict[str, Any],
                                                               case: str) -> None:
    from lapakasik.core import clock

    branch = booking_world["branch"]
    today = clock.now().date()
    day, session = booking_world["day"], "08:00"
    if case == "past":
        day = today - timedelta(days=3)
    elif case == "beyond_window":
        day = today + timedelta(days=40)
    elif case == "unknown_session":
        session = "07:15"
    else:
        day = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    r = client.post(reverse("booking:identity"), identity_post(booking_world, tanggal=day.isoformat(), sesi=session))
    assert r.status_code == 302
    assert r["Location"] == reverse("booking:dates", kwargs={"branch": branch.code})
    nothing_written()


def test_not_eligible_shows_the_rule_and_the_date(client: Any, booking_world: dict[str, Any]) -> None:
    from lapakasik.core import clock

    make_participant(nik="3174010101900003", kpj="10987654321", name="Budi Santoso", case="waiting_period")
    r = client.post(reverse("booking:identity"), identity_post(
        booking_world, nik="3174010101900003", kpj="10987654321", full_name="BUDI SANTOSO"))
    assert r.status_code == 409
    body = text(r)
    assert "Masa tunggu satu bulan" in body
    possible = clock.now().date() - timedelta(days=5)
    from lapakasik.claims.policy import add_months

    assert day_label(add_months(possible, 1)) in body
    assert 'id="possible-from"' in body
    assert 'data-rule="waiting_period"' in body and "Aturan: Masa tunggu satu bulan setelah berhenti bekerja" in body
    nothing_written()


def test_slot_full_at_submit_shows_alternatives(client: Any, booking_world: dict[str, Any]) -> None:
    from django.core.cache import cache

    from lapakasik.booking.policy import slot_bounds

    client.post(reverse("booking:identity"), identity_post(booking_world))
    draft = client.session["booking_draft"]["id"]
    branch, day = booking_world["branch"], booking_world["day"]
    from datetime import time

    starts, ends = slot_bounds(day, time(8, 0), time(9, 0), branch.time_zone)
    SlotQuota.objects.create(branch=branch, date=day, session_start=time(8, 0), session_end=time(9, 0),
                             starts_at=starts, ends_at=ends, capacity=2, booked=2)
    cache.clear()
    r = client.post(reverse("booking:review"), {"draft": draft, "confirm": "on"})
    assert r.status_code == 409
    body = text(r)
    assert "Sesi ini sudah penuh" in body and 'data-code="slot_full"' in body
    assert 'id="alternatives"' in body
    # the next free session at the same branch, as a link that keeps the participant's entries
    assert f"cabang={branch.code}&amp;tanggal={day.isoformat()}&amp;sesi=09%3A00" in body
    assert "Kantor cabang terdekat" in body
    assert Booking.objects.count() == 0 and SlotQuota.objects.get().booked == 2
    # following the alternative shows the identity form filled in from the draft
    follow = text(client.get(reverse("booking:identity"), {"cabang": branch.code, "tanggal": day.isoformat(),
                                                            "sesi": "09:00"}))
    assert 'value="3174014506900003"' in follow


def test_rate_limited_booking_shows_retry_after(client: Any, booking_world: dict[str, Any], settings: Any) -> None:
    settings.LAPAKASIK = {**settings.LAPAKASIK, "RATE_LIMIT_IP_PER_MINUTE": 1}
    client.post(reverse("booking:identity"), identity_post(booking_world))
    draft = client.session["booking_draft"]["id"]
    from lapakasik.booking import ratelimit

    ratelimit.check_ip("127.0.0.1")  # this client already used its one request this minute
    r = client.post(reverse("booking:review"), {"draft": draft, "confirm": "on"})
    assert r.status_code == 429
    assert int(r["Retry-After"]) >= 1
    assert "Terlalu banyak" in text(r)
    nothing_written()


# --- manage: cancel and reschedule ---------------------------------------------------------------------------


def test_cancel_from_my_booking_releases_the_seat(client: Any, booking_world: dict[str, Any]) -> None:
    code = book(client, booking_world)
    manage = text(client.get(reverse("booking:manage", kwargs={"code": code})))
    assert "Batalkan booking" in manage and "Ubah jadwal" in manage
    r = client.post(reverse("booking:cancel", kwargs={"code": code}), {})
    assert r.status_code == 422 and "Centang konfirmasi" in text(r)
    assert Booking.objects.get(code=code).status == "ACTIVE"
    r = client.post(reverse("booking:cancel", kwargs={"code": code}), {"confirm": "on"})
    assert r.status_code == 302
    booking = Booking.objects.select_related("slot", "claim").get(code=code)
    assert booking.status == "CANCELLED" and booking.slot.booked == 0 and booking.claim.state == "CANCELLED"
    page = text(client.get(r["Location"]))
    assert "sudah dibatalkan" in page and "Dibatalkan" in page
    assert 'id="cancel-link"' not in page
    # cancelling again: a clear refusal, nothing changes
    r = client.post(reverse("booking:cancel", kwargs={"code": code}), {"confirm": "on"})
    assert r.status_code == 409 and "sudah tidak aktif" in text(r)


def test_reschedule_from_my_booking(client: Any, booking_world: dict[str, Any]) -> None:
    code = book(client, booking_world)
    day = booking_world["days"][1].date
    page = text(client.get(reverse("booking:reschedule", kwargs={"code": code})))
    assert day.isoformat() in page
    r = client.post(reverse("booking:reschedule", kwargs={"code": code}), {"tanggal": day.isoformat(), "sesi": "13:00"})
    assert r.status_code == 302
    booking = Booking.objects.select_related("slot").get(code=code)
    assert booking.slot.date == day and f"{booking.slot.session_start:%H:%M}" == "13:00"
    assert SlotQuota.objects.get(date=booking_world["day"], session_start="08:00").booked == 0
    page = text(client.get(r["Location"]))
    assert day_label(day) in page and "13:00–14:00 WIB" in page


@pytest.mark.parametrize("post", [{}, {"tanggal": "x", "sesi": "08:00"}, {"tanggal": "2026-13-01", "sesi": ""}])
def test_reschedule_bad_input_changes_nothing(client: Any, booking_world: dict[str, Any], post: dict[str, str]) -> None:
    code = book(client, booking_world)
    before = Booking.objects.get(code=code).slot_id
    r = client.post(reverse("booking:reschedule", kwargs={"code": code}), post)
    assert r.status_code == 302 and r["Location"] == reverse("booking:reschedule", kwargs={"code": code})
    assert Booking.objects.get(code=code).slot_id == before


def test_reschedule_into_a_full_session_keeps_the_old_seat(client: Any, booking_world: dict[str, Any]) -> None:
    from datetime import time

    from django.core.cache import cache

    from lapakasik.booking.policy import slot_bounds

    code = book(client, booking_world)
    branch, day = booking_world["branch"], booking_world["days"][1].date
    starts, ends = slot_bounds(day, time(10, 0), time(11, 0), branch.time_zone)
    SlotQuota.objects.create(branch=branch, date=day, session_start=time(10, 0), session_end=time(11, 0),
                             starts_at=starts, ends_at=ends, capacity=1, booked=1)
    cache.clear()
    r = client.post(reverse("booking:reschedule", kwargs={"code": code}), {"tanggal": day.isoformat(), "sesi": "10:00"})
    assert r.status_code == 409 and "penuh" in text(r)
    booking = Booking.objects.select_related("slot").get(code=code)
    assert booking.slot.date == booking_world["day"] and booking.slot.booked == 1


def test_english_pages(client: Any, booking_world: dict[str, Any]) -> None:
    client.cookies["lapakasik_lang"] = "en"
    body = text(client.get(reverse("booking:start")))
    assert "Choose a region" in body
    r = client.post(reverse("booking:identity"), identity_post(booking_world, nik="123"))
    assert "NIK must be 16 digits" in text(r)


def test_search_any_branch_in_the_country(client: Any, booking_world: dict[str, Any]) -> None:
    from datetime import time

    from django.core.cache import cache

    from lapakasik.booking.policy import slot_bounds
    from lapakasik.booking.selectors import availability_for_branch

    start = text(client.get(reverse("booking:start")))
    assert f'action="{reverse("booking:search")}"' in start
    assert f'value="{booking_world["day"].isoformat()}"' in start
    # A day open in Bandung (WIB) and Makassar (WITA) alike: between 16:00 and 17:00 UTC it is already
    # tomorrow in Makassar, so Bandung's first open day is Makassar's "today".
    makassar = {d.date for d in availability_for_branch(branch="MKS01").days if d.status == "open"}
    day = next(d.date for d in booking_world["days"] if d.date in makassar)
    whole = text(client.get(reverse("booking:search"), {"tanggal": day.isoformat()}))
    assert "Kursi kosong pada" in whole and "Makassar" in whole and "Bandung Suci" in whole
    assert reverse("booking:sessions", kwargs={"branch": "MKS01", "day": day.isoformat()}) in whole
    # a branch whose sessions are all full that day is not offered
    branch = booking_world["branch"]
    for tpl_start, tpl_end in [((8, 0), (9, 0)), ((9, 0), (10, 0)), ((10, 0), (11, 0)), ((11, 0), (12, 0)),
                               ((12, 0), (13, 0)), ((13, 0), (14, 0)), ((14, 0), (14, 30))]:
        s, e = time(*tpl_start), time(*tpl_end)
        starts, ends = slot_bounds(day, s, e, branch.time_zone)
        SlotQuota.objects.create(branch=branch, date=day, session_start=s, session_end=e, starts_at=starts,
                                 ends_at=ends, capacity=1, booked=1)
    cache.clear()
    jabar = text(client.get(reverse("booking:search"), {"tanggal": day.isoformat(), "wilayah": "JABAR"}))
    assert "Bandung Suci" not in jabar and "Bekasi Cikarang" in jabar and "Makassar" not in jabar


@pytest.mark.parametrize("params", [{"tanggal": "2020-01-01"}, {"tanggal": "besok"}, {"tanggal": ""}])
def test_search_with_a_bad_date_says_so(client: Any, booking_world: dict[str, Any], params: dict[str, str]) -> None:
    r = client.get(reverse("booking:search"), params)
    assert r.status_code == 200
    body = text(r)
    assert 'id="search-error"' in body and 'id="rooms"' not in body


def test_my_booking_shows_which_documents_arrived(client: Any, booking_world: dict[str, Any]) -> None:
    import io

    from PIL import Image

    from lapakasik.claims.services import Actor
    from lapakasik.intake.models import Source
    from lapakasik.intake.receive import document_receive

    code = book(client, booking_world)
    claim = Claim.objects.get(code=code)
    buf = io.BytesIO()
    Image.new("RGB", (900, 600), (200, 200, 190)).save(buf, format="JPEG")
    buf.seek(0)
    document_receive(claim=claim, fileobj=buf, filename="ktp.jpg", declared_type="image/jpeg", source=Source.WEB,
                     requirement_code="ktp", actor=Actor.participant())
    body = text(client.get(reverse("booking:manage", kwargs={"code": code})))
    docs = re.search(r'<details open id="documents">.*?</details>', body)
    assert docs is not None
    ktp = re.search(r'<li data-status="received">e-KTP.*?</li>', docs.group(0))
    assert ktp is not None and "Diterima, menunggu pemeriksaan" in ktp.group(0)
    assert '<li data-status="missing">Kartu Keluarga (KK)' in docs.group(0)


def test_identity_checks_are_throttled_per_nik(client: Any, booking_world: dict[str, Any], settings: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.LAPAKASIK = {**settings.LAPAKASIK, "IDENTITY_CHECKS_PER_NIK": 3}
    statuses = []
    for i in range(5):  # someone probing KPJ numbers for one NIK, from different addresses
        r = client.post(reverse("booking:identity"), identity_post(booking_world, kpj=f"9999999999{i}"),
                        REMOTE_ADDR=f"10.9.0.{i}")
        statuses.append(r.status_code)
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    assert "Terlalu banyak" in text(r) and int(r["Retry-After"]) >= 1
    nothing_written()


def test_choosing_a_full_session_says_so_before_any_typing(client: Any, booking_world: dict[str, Any]) -> None:
    from datetime import time

    from django.core.cache import cache

    from lapakasik.booking.policy import slot_bounds

    branch, day = booking_world["branch"], booking_world["day"]
    starts, ends = slot_bounds(day, time(8, 0), time(9, 0), branch.time_zone)
    SlotQuota.objects.create(branch=branch, date=day, session_start=time(8, 0), session_end=time(9, 0),
                             starts_at=starts, ends_at=ends, capacity=2, booked=2)
    cache.clear()
    r = client.get(reverse("booking:identity"), {"cabang": branch.code, "tanggal": day.isoformat(), "sesi": "08:00"})
    assert r.status_code == 409
    body = text(r)
    assert "Sesi ini sudah penuh" in body and 'id="alternatives"' in body and 'name="nik"' not in body
    r = client.post(reverse("booking:identity"), identity_post(booking_world))
    assert r.status_code == 409
    assert Claim.objects.count() == 0 and "booking_draft" not in client.session
    assert SlotQuota.objects.get().booked == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_click_creates_one_booking_and_both_see_it(booking_world: dict[str, Any]) -> None:
    """Two POSTs of the same review form at the same moment (a double click on a slow phone): one
    booking, and BOTH answers lead to its done page (not one success and one "already booked")."""
    import threading

    from django.db import connection
    from django.test import Client

    first = Client()
    first.post(reverse("booking:identity"), identity_post(booking_world))
    draft = first.session["booking_draft"]["id"]
    cookie = first.cookies["sessionid"].value
    barrier = threading.Barrier(2)
    answers: list[Any] = []

    def click() -> None:
        c = Client()
        c.cookies["sessionid"] = cookie
        try:
            barrier.wait(timeout=30)  # a thread that failed before it must not hang the others
            answers.append(c.post(reverse("booking:review"), {"draft": draft, "confirm": "on"}))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Booking.objects.count() == 1
    code = Booking.objects.get().code
    assert [a.status_code for a in answers] == [302, 302], [a.content[:300] for a in answers]
    assert {a["Location"] for a in answers} == {reverse("booking:done", kwargs={"code": code})}
    assert first.get(reverse("booking:done", kwargs={"code": code})).status_code == 200



def test_names_people_really_have_are_accepted(client: Any, booking_world: dict[str, Any]) -> None:
    from lapakasik.booking.forms import IdentityForm

    for name in ("Siti Nur'aini", "Abdul-Rahman", "R. A. Kartini", "Maria, S.Pd.", "Ñoño Siregar", "I Gusti Ayu"):
        form = IdentityForm(identity_post(booking_world, full_name=name))
        form.is_valid()
        assert "full_name" not in form.errors, (name, form.errors)


def test_hostile_requests_change_nothing(client: Any, booking_world: dict[str, Any]) -> None:
    from django.test import Client

    # an oversized body is refused before any form is read
    r = client.post(reverse("booking:identity"), identity_post(booking_world, full_name="A" * (2 * 1024 * 1024)))
    assert r.status_code == 400
    # without the CSRF token every form is refused
    strict = Client(enforce_csrf_checks=True)
    for name in ("booking:identity", "booking:review", "booking:mine", "booking:mine_code"):
        assert strict.post(reverse(name), identity_post(booking_world)).status_code == 403
    # other methods are not allowed
    assert client.put(reverse("booking:identity")).status_code == 405
    assert client.delete(reverse("booking:mine")).status_code == 405
    assert client.get(reverse("booking:mine_logout")).status_code == 405
    # a body that is not a form
    r = client.post(reverse("booking:identity"), data=b"\x00\xff" * 100, content_type="application/octet-stream")
    assert r.status_code == 302  # no slot chosen: back to the start
    # parameters repeated or of the wrong shape
    r = client.post(reverse("booking:identity"), {**identity_post(booking_world), "nik": ["1", "2"]})
    assert r.status_code == 200 and 'id="err-nik"' in text(r)
    nothing_written()


def test_waitlist_when_full_then_offered_seat_taken(client: Any, booking_world: dict[str, Any]) -> None:
    """Full at submit → join the waitlist with the data already given → someone cancels → the seat is
    offered → the participant takes it on the waitlist page and gets a booking."""
    from django.core.cache import cache
    from django.test import Client

    from lapakasik.booking import services
    from lapakasik.booking.models import WaitlistEntry
    from lapakasik.claims.services import Actor

    from .pages_support import make_participant

    make_participant(nik="3174010101900003", kpj="10987654321", name="Budi Santoso")
    branch, day = booking_world["branch"], booking_world["day"]
    client.post(reverse("booking:identity"), identity_post(booking_world))
    draft = client.session["booking_draft"]["id"]
    holder = services.booking_create(
        branch_code=branch.code, date=day, session_start="08:00", claim_type="JHT", claim_reason="RESIGNED",
        nik="3174010101900003", kpj="10987654321", full_name="Budi Santoso", email="budi@example.id",
        phone="081298765432", channels=["email"])
    SlotQuota.objects.filter(pk=holder.booking.slot_id).update(capacity=1)
    cache.clear()

    r = client.post(reverse("booking:review"), {"draft": draft, "confirm": "on"})
    assert r.status_code == 409 and 'id="waitlist-form"' in text(r)
    r = client.post(reverse("booking:waitlist_join"), {"draft": draft})
    assert r.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert r["Location"] == reverse("booking:waitlist", kwargs={"entry": entry.pk})
    page = text(client.get(r["Location"]))
    assert 'data-status="WAITING"' in page and "urutan ke-1" in page and "08:00–09:00 WIB" in page
    assert Client().get(r["Location"]).status_code == 404  # another browser: nothing to see
    assert client.post(reverse("booking:waitlist_join"), {"draft": draft}).status_code == 302  # stale: restart
    assert WaitlistEntry.objects.count() == 1

    services.booking_cancel(booking=holder.booking, actor=Actor.participant(), reason="test")
    page = text(client.get(r["Location"]))
    assert 'data-status="OFFERED"' in page and 'id="accept-form"' in page
    done = client.post(reverse("booking:waitlist_accept", kwargs={"entry": entry.pk}))
    assert done.status_code == 302
    booking = Booking.objects.get(claim__insured_nik="3174014506900003")
    assert booking.status == "ACTIVE" and done["Location"] == reverse("booking:done", kwargs={"code": booking.code})
    assert client.get(done["Location"]).status_code == 200
    slot = SlotQuota.objects.get(pk=holder.booking.slot_id)
    assert slot.booked == 1 and slot.held == 0


def test_full_before_typing_offers_no_waitlist_for_an_old_draft(client: Any, booking_world: dict[str, Any]) -> None:
    from datetime import time

    from django.core.cache import cache

    from lapakasik.booking.policy import slot_bounds

    client.post(reverse("booking:identity"), identity_post(booking_world, sesi="10:00"))  # a draft elsewhere
    branch, day = booking_world["branch"], booking_world["day"]
    starts, ends = slot_bounds(day, time(8, 0), time(9, 0), branch.time_zone)
    SlotQuota.objects.create(branch=branch, date=day, session_start=time(8, 0), session_end=time(9, 0),
                             starts_at=starts, ends_at=ends, capacity=1, booked=1)
    cache.clear()
    r = client.get(reverse("booking:identity"), {"cabang": branch.code, "tanggal": day.isoformat(), "sesi": "08:00"})
    assert r.status_code == 409 and 'id="waitlist-form"' not in text(r)
