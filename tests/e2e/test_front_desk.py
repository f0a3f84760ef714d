"""The front desk at the door on a 360 px phone (Debian Chromium via Playwright): the guard signs in with
password and authenticator code and lands on the screening page; a reading typed in Fahrenheit is refused
with a message saying to use °C; a visitor with a fever is sent home and shown a QR code of their booking's
reschedule page (which the visitor's phone opens); the next visitor is admitted; the day's summary counts both.
No page scrolls sideways at 360 px."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import pytest
from tests.paper_support import decode_qr_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "kata-sandi-satpam-2026"
FIXED_NOW = datetime(2026, 12, 21, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB
NARROW = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
          "locale": "id-ID", "timezone_id": "Asia/Jakarta"}


def _world() -> tuple[Any, Any, Any]:
    from tests.accounts.factories import make_officer
    from tests.accounts.helpers import totp_device

    from lapakasik.booking.services import booking_create, slots_generate
    from lapakasik.branches.models import Branch
    from lapakasik.branches.seed import seed_demo
    from lapakasik.registry.models import DemoParticipant
    from lapakasik.registry.seed import REASON_FOR_CASE
    from lapakasik.registry.seed import seed_demo as registry_seed

    seed_demo()
    branch = Branch.objects.get(code="BDG01")
    slots_generate(branch_codes=[branch.code])
    registry_seed(participants=10)
    p = DemoParticipant.objects.filter(case="eligible").order_by("id").first()
    assert p is not None
    booking = booking_create(branch_code=branch.code, date="2026-12-22", session_start="08:00", claim_type="JHT",
                             claim_reason=REASON_FOR_CASE[p.case], nik=p.nik, kpj=p.kpj, full_name=p.full_name,
                             email="demam@contoh.id", phone="081299110001", channels=["email"]).booking
    guard = make_officer("satpam.uji", "front_desk", branch=branch)
    guard.set_password(PASSWORD)
    guard.save()
    return booking, guard, totp_device(guard)


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width} px wide"


def test_the_front_desk_screens_two_visitors_on_a_phone(chromium: Any, live_server: Any, settings: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.accounts.helpers import totp_code

    from lapakasik.core import clock
    from lapakasik.frontdesk.models import ScreeningRecord

    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    settings.PUBLIC_BASE_URL = live_server.url
    booking, _guard, device = _world()
    context = chromium.new_context(**NARROW)
    context.set_default_timeout(20000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{live_server.url}/petugas/masuk/")
    page.fill("input[name=username]", "satpam.uji")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=code]", totp_code(device))
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/petugas/depan/")
    _no_sideways_scroll(page)
    assert page.locator("input[name=temperature]").get_attribute("inputmode") == "decimal"

    # a thermometer set to Fahrenheit
    page.fill("input[name=temperature]", "98,6")
    page.fill("input[name=booking_code]", booking.code)
    page.click(".screen-form button[type=submit]")
    page.wait_for_selector("#err-temperature")
    assert "Fahrenheit" in page.inner_text("#err-temperature") and "°C" in page.inner_text("#err-temperature")
    assert not ScreeningRecord.objects.exists()
    _no_sideways_scroll(page)

    # measured again in °C: a fever, sent home with the way to move the booking
    page.fill("input[name=temperature]", "38,2")
    page.click(".screen-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/petugas/depan/skrining/*/")
    assert "Diminta pulang" in page.inner_text(".verdict")
    reschedule = f"{live_server.url}/antrean/saya/{booking.code}/ubah/"
    src = page.locator(".offer img").get_attribute("src")
    assert src and src.startswith("data:image/png;base64,")
    assert decode_qr_image(base64.b64decode(src.split(",", 1)[1])) == [reschedule]
    _no_sideways_scroll(page)

    # the visitor's own phone opens the code: the booking asks for the one-time code, the code prefilled
    visitor = chromium.new_context(**NARROW).new_page()
    visitor.goto(reschedule)
    assert "/antrean/saya/" in visitor.url and visitor.locator("input[name=code]").input_value() == booking.code

    # the next visitor, no booking
    page.click("text=Pengunjung berikutnya")
    page.fill("input[name=temperature]", "36,4")
    page.fill("input[name=visitor_name]", "Ani")
    page.click(".screen-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/petugas/depan/skrining/*/")
    assert "Boleh masuk" in page.inner_text(".verdict")
    page.click("text=Pengunjung berikutnya")
    tiles = page.locator(".tiles strong").all_inner_texts()
    assert tiles == ["2", "1", "1"]
    _no_sideways_scroll(page)
    assert errors == []
