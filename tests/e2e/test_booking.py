"""The participant's whole journey in a real browser (Debian Chromium, phone viewport): book through
every step, download the ticket, open "Booking saya" with the one-time code (read from the stored
notification row, as the participant would read it from the e-mail), cancel. And the same booking
with JavaScript switched off."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NIK, KPJ = "3174014506900003", "12345678901"


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    from django.core.cache import cache

    from lapakasik.branches.seed import seed_demo
    from lapakasik.core import clock
    from lapakasik.intake.catalogue import catalogue_seed
    from lapakasik.registry.models import DemoParticipant

    cache.clear()
    seed_demo()
    catalogue_seed()
    today = clock.now().date()
    DemoParticipant.objects.create(
        nik=NIK, kpj=KPJ, full_name="SITI RAHAYU", birth_date=date(1990, 6, 5), employer="PT Maju Bersama",
        membership_start=today - timedelta(days=8 * 365), membership_end=today - timedelta(days=90),
        active=False, balance=25_000_000, last_contribution=today.replace(day=1), case="eligible")
    return {}


def no_sideways_scroll(page: Any) -> None:
    """Phone basics on every page: no sideways scrolling, every form control has a label, the page
    says its language, tap targets are at least 44 px high."""
    page.wait_for_load_state("load")  # stylesheets applied
    # clientWidth is the layout viewport (390 px); a phone browser would zoom out to fit wider content
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), page.url
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
        .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
        .map(el => el.name)""")
    assert unlabelled == [], (page.url, unlabelled)
    assert page.evaluate("document.documentElement.lang") in {"id", "en"}
    small = page.evaluate("""() => [...document.querySelectorAll('main button, main a.button')]
        .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
        .map(el => el.textContent.trim())""")
    assert small == [], (page.url, small)


def book_in_browser(page: Any, base: str, *, javascript: bool = True) -> str:
    from playwright.sync_api import expect

    page.goto(base + "/")
    page.get_by_role("link", name="Daftar antrean online").first.click()
    expect(page).to_have_url(base + "/antrean/")
    no_sideways_scroll(page)
    page.get_by_role("link", name=re.compile("Kanwil Jawa Barat")).click()
    page.get_by_role("link", name=re.compile("Bandung Suci")).click()
    expect(page.locator("h1")).to_contain_text("Pilih tanggal")
    no_sideways_scroll(page)
    page.locator("#dates a[data-date]").first.click()
    if javascript:  # htmx loads the sessions into the date page and pushes the URL
        expect(page.locator("#dates")).to_be_visible()
        expect(page).to_have_url(re.compile(r"/antrean/cabang/BDG01/\d{4}-\d{2}-\d{2}/$"))
    session = page.locator("button.session[data-status=open]").first
    expect(session).to_be_visible()
    assert "kursi" in session.inner_text()
    no_sideways_scroll(page)
    session.click()
    expect(page.locator("h1")).to_contain_text("Data diri dan kontak")

    # a mistake first: a 15-digit NIK is refused on its field, in Indonesian
    page.fill("#id_nik", NIK[:-1])
    page.fill("#id_kpj", KPJ)
    page.fill("#id_full_name", "Siti Rahayu")
    page.fill("#id_email", "siti@example.id")
    page.fill("#id_phone", "0812 3456 7890")
    page.select_option("#id_claim_reason", "RESIGNED")
    page.get_by_role("button", name="Lanjut ke pemeriksaan").click()
    expect(page.locator("#err-nik")).to_contain_text("NIK harus 16 angka")
    no_sideways_scroll(page)
    page.fill("#id_nik", NIK)
    page.get_by_role("button", name="Lanjut ke pemeriksaan").click()

    expect(page.locator("h1")).to_contain_text("Periksa sebelum mengirim")
    expect(page.locator("#identity-summary")).to_contain_text("3174********0003")
    page.locator("#id_confirm").check()
    page.get_by_role("button", name="Kirim pendaftaran").click()
    expect(page.locator("h1")).to_contain_text("Pendaftaran berhasil")
    code = page.locator("#booking-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{8}", code)
    assert code in page.url and NIK not in page.url
    expect(page.locator("#booking-time")).to_contain_text("08:00–09:00 WIB")
    expect(page.locator("#intake-email")).to_contain_text("@")
    no_sideways_scroll(page)
    return code


def test_book_download_ticket_open_with_code_and_cancel(live_server: Any, phone: Any, phone_factory: Any,
                                                        world: dict[str, Any]) -> None:
    from playwright.sync_api import expect
    from pypdf import PdfReader

    from lapakasik.booking.models import Booking
    from lapakasik.notifications.models import Notification

    page = phone
    code = book_in_browser(page, live_server.url)
    assert Booking.objects.get(code=code).status == "ACTIVE"

    with page.expect_download() as info:
        page.locator("#ticket-pdf").click()
    download = info.value
    assert download.suggested_filename == f"tiket-lapakasik-{code}.pdf"
    pdf = PdfReader(io.BytesIO(open(download.path(), "rb").read()))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert code in text and "Bandung Suci" in text and "08:00–09:00 WIB" in text
    with page.expect_download() as info:
        page.locator("#ticket-ics").click()
    assert b"BEGIN:VCALENDAR" in open(info.value.path(), "rb").read()

    # Another device: open "Booking saya" with the booking code and the one-time code
    other = phone_factory()
    other.goto(live_server.url + "/")
    other.get_by_role("link", name="Lihat booking saya").click()
    other.fill("#id_code", code.lower())
    other.get_by_role("button", name="Kirim kode sekali pakai").click()
    expect(other.locator("#otp-sent")).to_contain_text("Kode berlaku 10 menit")
    row = Notification.objects.filter(claim__code=code, event="otp_code").order_by("-id").first()
    assert row is not None and row.recipient == "siti@example.id"
    other.fill("#id_otp", "000000" if row.context["otp"] != "000000" else "111111")
    other.get_by_role("button", name="Buka booking").click()
    expect(other.locator("#err-otp")).to_contain_text("Sisa percobaan: 4")
    other.fill("#id_otp", row.context["otp"])
    other.get_by_role("button", name="Buka booking").click()
    expect(other.locator("h1")).to_have_text("Booking saya")
    expect(other.locator("#booking-code")).to_have_text(code)
    assert row.context["otp"] not in other.url
    no_sideways_scroll(other)

    other.locator("#cancel-link").click()
    other.locator("#id_confirm").check()
    other.locator("#confirm-cancel").click()
    expect(other.locator(".messages")).to_contain_text("sudah dibatalkan")
    expect(other.locator("#booking-status")).to_contain_text("Dibatalkan")
    booking = Booking.objects.select_related("slot").get(code=code)
    assert booking.status == "CANCELLED" and booking.slot.booked == 0


def test_booking_works_without_javascript(live_server: Any, phone_factory: Any, world: dict[str, Any]) -> None:
    from lapakasik.booking.models import Booking

    page = phone_factory(javascript=False)
    code = book_in_browser(page, live_server.url, javascript=False)
    assert Booking.objects.filter(code=code, status="ACTIVE").exists()


def test_english_in_the_browser(live_server: Any, phone: Any, world: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    page = phone
    page.goto(live_server.url + "/antrean/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_contain_text("online queue")
    expect(page.locator("h2").first).to_have_text("1. Choose a region")
