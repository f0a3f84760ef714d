"""A widow books the JKM (death benefit) claim for her late husband in a real browser (phone viewport):
her own NIK and name, no KPJ, his NIK and KPJ under "Ahli waris"; a child is refused first with the heir
order's reason. The claim is about the deceased and the widow is its heir party."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from tests.e2e.test_booking import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEAD_NIK, DEAD_KPJ = "3174010101800007", "10987654321"
WIDOW_NIK, WIDOW_NAME = "3201015203820004", "Ratna Dewi"
CHILD_NIK, CHILD_NAME = "3201011508100002", "Bagus Pratama"


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
        nik=DEAD_NIK, kpj=DEAD_KPJ, full_name="AGUS PRATAMA", birth_date=date(1980, 1, 1), employer="PT Maju Bersama",
        membership_start=today - timedelta(days=8 * 365), membership_end=today - timedelta(days=30), active=False,
        balance=25_000_000, last_contribution=today.replace(day=1), case="deceased",
        date_of_death=today - timedelta(days=30),
        family=[{"relation": "spouse", "nik": WIDOW_NIK, "full_name": WIDOW_NAME, "birth_date": "1982-03-12",
                 "date_of_death": None},
                {"relation": "child", "nik": CHILD_NIK, "full_name": CHILD_NAME, "birth_date": "2010-08-15",
                 "date_of_death": None}])
    return {}


def fill_heir(page: Any, nik: str, name: str) -> None:
    page.fill("#id_nik", nik)
    page.fill("#id_kpj", "")
    page.fill("#id_full_name", name)
    page.fill("#id_insured_nik", DEAD_NIK)
    page.fill("#id_insured_kpj", DEAD_KPJ)
    page.fill("#id_email", "ratna@example.id")
    page.fill("#id_phone", "0812 3456 7890")
    page.select_option("#id_claim_type", "JKM")
    page.select_option("#id_claim_reason", label="Meninggal dunia")
    page.get_by_role("button", name="Lanjut ke pemeriksaan").click()


def test_the_widow_books_jkm_in_the_browser(live_server: Any, phone: Any, world: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    from lapakasik.booking.models import Booking

    page, base = phone, live_server.url
    page.goto(base + "/antrean/")
    page.get_by_role("link", name=re.compile("Kanwil Jawa Barat")).click()
    page.get_by_role("link", name=re.compile("Bandung Suci")).click()
    page.locator("#dates a[data-date]").first.click()
    page.locator("button.session[data-status=open]").first.click()
    expect(page.locator("h1")).to_contain_text("Data diri dan kontak")
    expect(page.locator("#heir")).to_contain_text("Ahli waris: peserta yang meninggal")
    no_sideways_scroll(page)

    fill_heir(page, CHILD_NIK, CHILD_NAME)  # the child first: the widow comes before her
    expect(page.locator("main")).to_contain_text("suami/istri (janda/duda) yang masih hidup berhak lebih dahulu")
    page.go_back()
    expect(page.locator("h1")).to_contain_text("Data diri dan kontak")

    fill_heir(page, WIDOW_NIK, WIDOW_NAME)
    expect(page.locator("h1")).to_contain_text("Periksa sebelum mengirim")
    expect(page.locator("#insured-summary")).to_contain_text("3174********0007")
    # the statement she ticks is an heir's, about the deceased (masked), not "the data is my own" as a worker's
    expect(page.locator("#review-form")).to_contain_text(
        "saya mengajukan klaim ini sebagai ahli waris atas nama peserta yang meninggal dunia (NIK 3174********0007)")
    no_sideways_scroll(page)
    page.locator("#id_confirm").check()
    page.get_by_role("button", name="Kirim pendaftaran").click()
    expect(page.locator("h1")).to_contain_text("Pendaftaran berhasil")
    code = page.locator("#booking-code").inner_text().strip()
    assert DEAD_NIK not in page.url and WIDOW_NIK not in page.url
    claim = Booking.objects.select_related("claim").get(code=code).claim
    assert (claim.claim_type, claim.insured_nik) == ("JKM", DEAD_NIK)
    party = claim.parties.get(is_applicant=True)
    assert (party.role, party.nik, party.full_name) == ("heir", WIDOW_NIK, WIDOW_NAME)
