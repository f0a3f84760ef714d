"""The dropbox's journey in a browser (Debian Chromium via Playwright): a participant whose upload failed
chooses the dropbox and prints the cover sheet; the front desk points the phone's camera at the envelope — a
fake camera stream rendered from that cover sheet's PDF page — and the page's vendored QR reader receives it;
disinfection is recorded; the quarantine elapses (the clock moved); the envelope is handed over and the batch
reconciled at the back office; the pages are scanned and land on the claim's checklist; the participant was
told at receipt and at digitisation."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "locale": "id-ID", "timezone_id": "Asia/Jakarta", "accept_downloads": True}


def _camera_file(pdf: bytes, path: Path) -> Path:
    """A Y4M video (what Chromium's fake camera plays) of the cover sheet's upper part — the envelope held up
    to the phone: the QR code and the lines beside it, 640×480."""
    import pypdfium2
    from PIL import Image

    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=150 / 72).to_pil().convert("RGB")
    w, h = image.size
    crop = image.crop((w // 3, 0, w, int(h * 0.33)))
    crop.thumbnail((600, 440))
    frame = Image.new("RGB", (640, 480), (235, 225, 200))  # a brown envelope behind the sheet
    frame.paste(crop, ((640 - crop.width) // 2, (480 - crop.height) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    planes = y.tobytes() + cb.resize((320, 240)).tobytes() + cr.resize((320, 240)).tobytes()
    with path.open("wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(20):
            out.write(b"FRAME\n" + planes)
    return path


def _signed_in(context: Any, live_server: Any, user: Any) -> None:
    """The officer's session (password and authenticator already passed: tests/e2e/test_front_desk.py goes
    through the sign-in itself) as the browser's cookie."""
    from django.conf import settings
    from django.test import Client
    from tests.accounts.helpers import officer_login

    client = officer_login(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])


def test_from_failed_upload_to_scanned_pages_through_the_dropbox(live_server: Any, settings: Any, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed")
    from tests.accounts.factories import make_officer
    from tests.claims.factories import open_claim
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
    from tests.intake.conftest import jpeg_bytes

    from lapakasik.branches.seed import seed_demo
    from lapakasik.claims.models import Claim
    from lapakasik.core import clock
    from lapakasik.dropbox.models import Envelope, HandoverBatch
    from lapakasik.intake.catalogue import catalogue_seed, claim_checklist, requirements_for
    from lapakasik.intake.models import Document, IntakeAccess
    from lapakasik.intake.services import intake_open
    from lapakasik.notifications.models import Notification

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.PUBLIC_BASE_URL = live_server.url
    settings.INTAKE_PUBLIC_BASE_URL = live_server.url
    seed_demo()
    catalogue_seed()
    claim = open_claim(token="tok-e2e-dropbox", documents_due_at=clock.now() + timedelta(days=2))
    intake_open(claim=claim)
    token = IntakeAccess.objects.get(claim=claim, kind="upload").token
    desk_user = make_officer("e2e.satpam", "front_desk", branch=claim.branch)
    officer = make_officer("e2e.petugas", "officer", branch=claim.branch)

    with sync_playwright() as p:
        # --- the participant: cannot upload, chooses the dropbox, prints the cover sheet -----------------
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        participant = browser.new_context(**PHONE).new_page()
        participant.goto(f"{live_server.url}/unggah/{token}/tidak-bisa/")
        participant.check("input[name=masalah][value=connection]")
        participant.click("#problem-form button[type=submit]")
        participant.click("#confirm-form button[type=submit]")
        participant.wait_for_url(f"**/unggah/{token}/bantuan/")
        participant.click(".dropbox-plan button[type=submit]")
        participant.wait_for_url(f"**/unggah/{token}/bantuan/#dropbox")
        claim.refresh_from_db()
        assert claim.state == "DROPBOX_EXPECTED"
        with participant.expect_download() as download:
            participant.click(f"a[href$='/unggah/{token}/lembar-sampul.pdf']")
        pdf = Path(download.value.path()).read_bytes()
        assert pdf.startswith(b"%PDF-")
        browser.close()

        # --- the front desk's phone, its camera pointed at the envelope ---------------------------------
        video = _camera_file(pdf, tmp_path / "cover-sheet.y4m")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            *CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"])
        desk_context = browser.new_context(**PHONE)
        desk_context.grant_permissions(["camera"], origin=live_server.url)
        desk_context.set_default_timeout(20000)
        _signed_in(desk_context, live_server, desk_user)
        desk = desk_context.new_page()
        errors: list[str] = []
        desk.on("pageerror", lambda exc: errors.append(str(exc)))
        desk.goto(f"{live_server.url}/petugas/dropbox/")
        assert desk.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]  # type: ignore[index]
        desk.click("[data-camera-scan]")
        desk.wait_for_url(f"{live_server.url}/petugas/dropbox/amplop/*/")
        envelope = Envelope.objects.get()
        assert envelope.claim_id == claim.pk and envelope.matched_by == "serial" and not envelope.serial_reused
        assert claim.code in desk.content()
        assert desk.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]  # type: ignore[index]
        desk.check("input[name=method][value=spray]")
        desk.click("text=Catat disinfeksi")
        desk.wait_for_url(f"{live_server.url}/petugas/dropbox/")
        assert "karantina sampai" in desk.content()

        # --- a day later: the quarantine is over, the envelope goes to the back office --------------------
        real_now = clock.now
        monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(hours=24, minutes=5))
        desk.goto(f"{live_server.url}/petugas/dropbox/")
        desk.fill("input[name=counted]", "1")
        desk.click("#handover button[type=submit]")
        desk.wait_for_url(f"{live_server.url}/petugas/dropbox/")
        batch = HandoverBatch.objects.get()
        assert batch.sent_count == 1

        back = browser.new_context(**PHONE)
        back.set_default_timeout(20000)
        _signed_in(back, live_server, officer)
        office = back.new_page()
        office.on("pageerror", lambda exc: errors.append(str(exc)))
        office.goto(f"{live_server.url}/petugas/dropbox/masuk/")
        office.click(f"text={batch.reference}")
        office.check(f"input[name=envelope][value='{envelope.pk}']")
        office.fill("input[name=counted]", "1")
        office.click("text=Terima serah terima")
        office.wait_for_selector("text=Cocok")
        batch.refresh_from_db()
        assert batch.status == "RECONCILED"

        # --- the pages scanned into the claim -----------------------------------------------------------
        office.goto(f"{live_server.url}/petugas/dropbox/amplop/{envelope.pk}/pindai/")
        required = [req.code for req, needed in requirements_for(claim) if needed]
        for n, code in enumerate(required):
            office.select_option("select[name=requirement]", code)
            office.set_input_files("input[name=file]", files=[{"name": f"{code}.jpg", "mimeType": "image/jpeg",
                                                                "buffer": jpeg_bytes(seed=n)}])
            office.click("text=Unggah hasil pindaian")
            office.wait_for_selector("ul.results")
            assert "tersimpan" in office.inner_text("ul.results")
        office.check("input[name=original][value=returned]")
        office.click("text=Selesai dipindai")
        office.wait_for_url(f"{live_server.url}/petugas/dropbox/masuk/")
        browser.close()

    envelope.refresh_from_db()
    claim = Claim.objects.get(pk=claim.pk)
    assert envelope.state == "DIGITISED" and envelope.original == "returned"
    assert claim_checklist(claim).complete and claim.state == "DOCUMENTS_RECEIVED"
    assert {d.source for d in Document.objects.filter(claim=claim).exclude(status="REFUSED")} == {"DROPBOX"}
    told = set(Notification.objects.filter(claim=claim).values_list("event", flat=True))
    assert {"dropbox_expected", "envelope_received", "envelope_digitised"} <= told
    assert errors == []
