"""The waiting list in a real browser on a 360 × 740 phone: join from a full session on the sessions page,
then accept the offer from the message's link in a second browser (another device: no shared cookie), which
books the seat; the link again says the seat is taken; a wrong link gets the product's not-found page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from test_booking import KPJ, NIK, no_sideways_scroll, world  # tests/e2e is on the path (no package)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["world"]
SMALL_PHONE = {"width": 360, "height": 740}


def _full_session() -> str:
    """BDG01's first bookable day, its 08:00 session taken by someone else and full: the day (ISO)."""
    from django.core.cache import cache
    from tests.booking.pages_support import make_participant

    from lapakasik.booking.models import SlotQuota
    from lapakasik.booking.selectors import availability_for_branch
    from lapakasik.booking.services import booking_create

    day = next(d for d in availability_for_branch(branch="BDG01").days if d.status == "open").date
    make_participant(nik="3174010101900003", kpj="10987654321", name="Budi Santoso")
    holder = booking_create(
        branch_code="BDG01", date=day, session_start="08:00", claim_type="JHT", claim_reason="RESIGNED",
        nik="3174010101900003", kpj="10987654321", full_name="Budi Santoso", email="budi@example.id",
        phone="081298765432", channels=["email"])
    SlotQuota.objects.filter(pk=holder.booking.slot_id).update(capacity=1)
    cache.clear()
    return day.isoformat()


def test_join_from_a_full_session_and_accept_the_offer_on_another_device(
        live_server: Any, phone_factory: Any, world: dict[str, Any]) -> None:
    from django.core.cache import cache
    from playwright.sync_api import expect

    from lapakasik.booking.models import Booking
    from lapakasik.booking.services import booking_cancel
    from lapakasik.claims.services import Actor
    from lapakasik.notifications.models import Notification

    base = live_server.url
    day = _full_session()
    page = phone_factory()
    page.set_viewport_size(SMALL_PHONE)
    page.goto(f"{base}/antrean/cabang/BDG01/{day}/")
    full = page.locator("a.session[data-status=full]").first
    expect(full).to_contain_text("Masuk daftar tunggu")
    no_sideways_scroll(page)
    full.click()
    expect(page.locator("h1")).to_contain_text("Daftar tunggu")
    no_sideways_scroll(page)
    page.fill("#id_nik", NIK)
    page.fill("#id_kpj", KPJ)
    page.fill("#id_full_name", "Siti Rahayu")
    page.fill("#id_email", "siti@example.id")
    page.fill("#id_phone", "0812 3456 7890")
    page.select_option("#id_claim_reason", "RESIGNED")
    page.get_by_role("button", name="Lanjut ke pemeriksaan").click()
    expect(page.locator("h1")).to_contain_text("Periksa sebelum masuk daftar tunggu")
    page.locator("#id_confirm").check()
    page.get_by_role("button", name="Masuk daftar tunggu").click()
    expect(page.locator("#waitlist-status")).to_have_attribute("data-status", "WAITING")
    expect(page.locator("#waitlist-status")).to_contain_text("urutan ke-1")
    assert NIK not in page.url
    no_sideways_scroll(page)

    holder = Booking.objects.get(claim__insured_nik="3174010101900003")
    booking_cancel(booking=holder, actor=Actor.participant())
    cache.clear()
    row = Notification.objects.filter(event="waitlist_offer", recipient="siti@example.id").latest("id")
    path = re.sub(r"^https?://[^/]+", "", row.context["offer_url"])
    assert path.startswith("/antrean/tawaran/")

    other = phone_factory()  # the phone the message was read on
    other.set_viewport_size(SMALL_PHONE)
    other.goto(base + path)
    expect(other.locator("#accept-form")).to_be_visible()
    expect(other.locator("#waitlist-summary")).to_contain_text("08:00–09:00 WIB")
    no_sideways_scroll(other)
    other.get_by_role("button", name="Ambil kursi ini").click()
    expect(other.locator("h1")).to_contain_text("Pendaftaran berhasil")
    code = other.locator("#booking-code").inner_text().strip()
    assert Booking.objects.get(code=code).status == "ACTIVE"
    no_sideways_scroll(other)

    other.goto(base + path)  # the link again: taken, with the code, nothing to press
    expect(other.locator("#offer-taken")).to_contain_text(code)
    expect(other.locator("#accept-form")).to_have_count(0)

    stranger = phone_factory()
    stranger.set_viewport_size(SMALL_PHONE)
    response = stranger.goto(base + "/antrean/tawaran/" + "A" * 32 + "/")
    assert response is not None and response.status == 404
    expect(stranger.locator("h1")).to_have_text("Halaman tidak ditemukan")
    no_sideways_scroll(stranger)
