"""The upload page in a real browser (Debian Chromium via Playwright): choose a file, watch the
progress, see the checklist update; a bad file shows its reason. Self-contained (own launch) so it
does not depend on fixture names; skipped without Chromium/Playwright unless
LAPAKASIK_REQUIRE_BROWSER=1."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture
def upload_browser_page() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None  # type: ignore[assignment]
    if sync_playwright is None or not os.path.exists(CHROMIUM):
        if os.environ.get("LAPAKASIK_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium + Playwright required (LAPAKASIK_REQUIRE_BROWSER=1)")
        pytest.skip("needs /usr/bin/chromium and the playwright package")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(locale="id-ID")
        try:
            yield page
        finally:
            browser.close()


def _jpeg(seed: int = 0) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (900, 600), (230, 230, 220))
    ImageDraw.Draw(img).rectangle((20 + seed, 20, 300, 200), fill=(30, 30, 30))
    buf = io.BytesIO()
    img.save(buf, format="JPEG")
    return buf.getvalue()


@pytest.fixture
def upload_claim(db: Any) -> Any:
    from tests.claims.factories import open_claim

    from lapakasik.branches.models import Branch
    from lapakasik.branches.seed import seed_demo
    from lapakasik.core import clock
    from lapakasik.intake.catalogue import catalogue_seed
    from lapakasik.intake.models import IntakeAccess
    from lapakasik.intake.services import intake_open

    seed_demo()
    catalogue_seed()
    branch = Branch.objects.exclude(region__code="DKI").order_by("code").first()
    assert branch is not None
    claim = open_claim(branch=branch, documents_due_at=clock.now() + timedelta(days=2))
    intake_open(claim=claim)
    token = IntakeAccess.objects.get(claim=claim, kind="upload").token
    claim.upload_path = f"/unggah/{token}/"  # type: ignore[attr-defined]
    return claim


def test_upload_page_in_browser(live_server: Any, upload_browser_page: Any, upload_claim: Any) -> None:
    page = upload_browser_page
    page.goto(live_server.url + upload_claim.upload_path)
    kk = page.locator("#req-kk")
    assert kk.get_attribute("data-status") == "missing"
    kk.locator("input[type=file]:not([capture])").set_input_files(
        files=[{"name": "kk-depan.jpg", "mimeType": "image/jpeg", "buffer": _jpeg(1)}])
    kk.locator("button[type=submit]").click()
    page.wait_for_selector("#req-kk[data-status=received]", timeout=20000)
    assert "kk-depan.jpg" in page.locator("#req-kk").inner_text()

    ktp = page.locator("#req-ktp")
    ktp.locator("input[type=file]:not([capture])").set_input_files(
        files=[{"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": b"<html><script>x</script></html>"}])
    ktp.locator("button[type=submit]").click()
    from playwright.sync_api import expect

    status = ktp.locator(".upload-status")
    expect(status).to_contain_text("ditolak", timeout=20000)
    assert "JPG" in status.inner_text()
    assert "error" in (status.get_attribute("class") or "")


def test_upload_page_without_javascript(live_server: Any, upload_browser_page: Any, upload_claim: Any) -> None:
    page = upload_browser_page
    page.context.close()
    browser = page.context.browser
    context = browser.new_context(java_script_enabled=False, locale="id-ID")
    page = context.new_page()
    page.goto(live_server.url + upload_claim.upload_path)
    form = page.locator("#req-foto form.upload-form")
    form.locator("input[type=file]:not([capture])").set_input_files(
        files=[{"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": _jpeg(2)}])
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#req-foto[data-status=received]", timeout=20000)
    assert "foto.jpg diterima" in page.content()
    context.close()


def _no_horizontal_overflow(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url}: {width}px wide on a 360px screen"


def test_phone_every_file_visible_and_cannot_upload_in_two_steps(live_server: Any, upload_browser_page: Any,
                                                                 upload_claim: Any) -> None:
    """On a 360 × 740 phone: a refused e-mail attachment stays listed with its reason, a camera file asks "dokumen
    apa ini?" and one tap files it; "Saya tidak bisa mengunggah" asks first and changes the claim only on the
    confirmation."""
    from lapakasik.claims.services import Actor
    from lapakasik.intake.receive import document_receive

    for name, data in (("dokumen.zip", b"PK\x03\x04" + b"\x00" * 300), ("IMG_20261202_101500.jpg", _jpeg(3))):
        document_receive(claim=upload_claim, fileobj=io.BytesIO(data), filename=name, declared_type=None,
                         source="EMAIL", actor=Actor.system("e-mail"))
    page = upload_browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + upload_claim.upload_path)
    other = page.locator("#other-files")
    assert "dokumen.zip" in other.inner_text() and "Arsip" in other.inner_text()
    camera = other.locator("li", has_text="IMG_20261202_101500.jpg")
    assert "Diterima — dokumen apa ini?" in camera.inner_text()
    camera.locator("button[value=ktp]").click()
    page.wait_for_selector("#req-ktp[data-status=received]", timeout=20000)
    assert "IMG_20261202_101500.jpg" in page.locator("#req-ktp").inner_text()

    page.get_by_role("link", name="Saya tidak bisa mengunggah").click()
    page.wait_for_selector("#problem-form")
    _no_horizontal_overflow(page)
    upload_claim.refresh_from_db()
    assert upload_claim.state == "AWAITING_DOCUMENTS"
    page.locator("input[value=connection]").check()
    page.get_by_role("button", name="Lanjut").click()
    page.wait_for_selector("#confirm-form")
    _no_horizontal_overflow(page)
    upload_claim.refresh_from_db()
    assert upload_claim.state == "AWAITING_DOCUMENTS"  # still nothing changed
    page.get_by_role("button", name="Ya, saya tidak bisa mengunggah").click()
    page.wait_for_selector("#dropbox")
    _no_horizontal_overflow(page)
    upload_claim.refresh_from_db()
    assert upload_claim.state == "UPLOAD_FAILED"
