"""The participant's whole journey on a 360 × 740 phone (issue 12's "done when"), in one real browser
(Debian Chromium) against the live server, with the real mail gateway (SMTP on a free port) and the
notification simulators behind the development inbox:

1. Siti books a session through every step; the session is then full.
2. Budi joins its waiting list from the full session on his phone and is told so once per channel.
3. Siti cancels; the seat is offered to Budi. He opens the offer link from the message (read in the
   development inbox) in a SECOND browser context — another device, no shared cookie — and takes the seat.
4. He downloads the ticket PDF; zbar decodes its QR code (``LAPAKASIK:<code>``).
5. He uploads: the KTP is received, a Word file is refused and stays listed with its reason after a reload.
6. "Saya tidak bisa mengunggah": what went wrong, then the explicit confirmation; only that changes the claim
   (→ UPLOAD_FAILED). The help page offers the dropbox: he picks the branch and day (→ DROPBOX_EXPECTED) and the
   cover sheet PDF's QR code decodes to its own serial.
7. He e-mails the missing document to his personal address through the SMTP gateway; the worker files it and
   the claim leaves the upload trouble (neither UPLOAD_FAILED nor DROPBOX_EXPECTED).

Every page the phones visit is measured as it loads (an init script records ``scrollWidth`` on each load and
htmx swap): none is wider than the 360 px screen. The development inbox shows every message handed to a
provider exactly once, and every link in it points to the live server's own port, never 8000."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from test_booking import book_in_browser  # tests/e2e is on the path (no package)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 360, 740
SITI = ("3174014506900003", "12345678901", "SITI RAHAYU")  # the NIK and KPJ book_in_browser types
BUDI = ("3273010101850007", "12345678909", "BUDI SANTOSO")
BUDI_EMAIL = "budi.santoso@example.id"

# Runs before any page script, on every document of the context: the page's width after it loaded (and after
# every htmx swap), kept in sessionStorage so that the test reads every page the tab showed.
MEASURE_JS = """(() => {
  const record = (what) => {
    const log = JSON.parse(sessionStorage.getItem('journey-widths') || '[]');
    log.push([what + ' ' + location.pathname + location.search, document.documentElement.scrollWidth]);
    sessionStorage.setItem('journey-widths', JSON.stringify(log));
  };
  window.addEventListener('load', () => record('load'));
  document.addEventListener('htmx:afterSettle', () => record('htmx'));
})();"""


@pytest.fixture
def journey_world(db: Any) -> None:
    from django.core.cache import cache

    from lapakasik.branches.seed import seed_demo
    from lapakasik.core import clock
    from lapakasik.intake.catalogue import catalogue_seed
    from lapakasik.notifications.services import template_defaults_install
    from lapakasik.registry.models import DemoParticipant

    cache.clear()
    seed_demo()
    catalogue_seed()
    template_defaults_install()  # a transactional test starts without the data migration's rows
    today = clock.now().date()
    for nik, kpj, name in (SITI, BUDI):
        DemoParticipant.objects.create(
            nik=nik, kpj=kpj, full_name=name, birth_date=date(1985, 1, 1), employer="PT Maju Bersama",
            membership_start=today - timedelta(days=8 * 365), membership_end=today - timedelta(days=90),
            active=False, balance=25_000_000, last_contribution=today.replace(day=1), case="eligible")


def _phone(phone_factory: Any) -> Any:
    page = phone_factory()
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.context.add_init_script(MEASURE_JS)
    return page


def _widths(page: Any) -> list[tuple[str, int]]:
    page.wait_for_load_state("load")
    return [tuple(x) for x in json.loads(page.evaluate("sessionStorage.getItem('journey-widths') || '[]'"))]


def _fits(page: Any) -> None:
    """The page on screen now: no sideways scrolling on a 360 px screen."""
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url}: {width}px wide on a {WIDTH}px screen"


def _jpeg(shade: int) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (900, 600), (230, 230, 220))
    ImageDraw.Draw(img).rectangle((40 + shade, 40, 400, 300), fill=(30, 30, 30))
    buf = io.BytesIO()
    img.save(buf, format="JPEG")
    return buf.getvalue()


def _docx() -> bytes:
    """A real (tiny) Word document: a ZIP with the parts Word writes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats'
                   '.org/wordprocessingml/2006/main"><w:body/></w:document>')
    return buf.getvalue()


def _download(page: Any, locator: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.locator(locator).first.click()
    download = info.value
    with open(download.path(), "rb") as fh:
        return download.suggested_filename, fh.read()


def _inbox_text(item: Any) -> str:
    return str(item.text_content() or "")


def test_participant_journey_on_a_360px_phone(live_server: Any, phone_factory: Any, chromium: Any,
                                              journey_world: None, settings: Any, tmp_path: Any) -> None:
    from django.core.cache import cache
    from playwright.sync_api import expect
    from tests.mailgateway.conftest import mail, run_worker, smtp_send
    from tests.notifications.conftest import run_queue
    from tests.paper_support import decode_qr_codes

    from lapakasik.booking.models import Booking, SlotQuota, WaitlistEntry
    from lapakasik.claims.models import Claim
    from lapakasik.mailgateway.server import Gateway
    from lapakasik.notifications.models import Notification, SimulatedMessage

    base = live_server.url
    port = urlsplit(base).port
    assert port and port != 8000
    # What `lapakasik serve/up` do for the port they serve: links that leave the site use this address.
    settings.PUBLIC_BASE_URL = base
    settings.MAILGATEWAY_SPOOL_DIR = str(tmp_path / "spool")

    # 1. Siti books through every step on her phone
    siti = _phone(phone_factory)
    code_a = book_in_browser(siti, base)
    booking_a = Booking.objects.select_related("slot").get(code=code_a)
    day = booking_a.slot.date.isoformat()
    SlotQuota.objects.filter(pk=booking_a.slot_id).update(capacity=1)  # her seat was the last one
    cache.clear()

    # 2. Budi finds the session full and joins its waiting list
    budi = _phone(phone_factory)
    budi.goto(f"{base}/antrean/cabang/BDG01/{day}/")
    full = budi.locator("a.session[data-status=full]").first
    expect(full).to_contain_text("Masuk daftar tunggu")
    full.click()
    expect(budi.locator("h1")).to_contain_text("Daftar tunggu")
    budi.fill("#id_nik", BUDI[0])
    budi.fill("#id_kpj", BUDI[1])
    budi.fill("#id_full_name", "Budi Santoso")
    budi.fill("#id_email", BUDI_EMAIL)
    budi.fill("#id_phone", "0813 9876 5432")
    budi.select_option("#id_claim_reason", "RESIGNED")
    budi.get_by_role("button", name="Lanjut ke pemeriksaan").click()
    expect(budi.locator("h1")).to_contain_text("Periksa sebelum masuk daftar tunggu")
    budi.locator("#id_confirm").check()
    budi.get_by_role("button", name="Masuk daftar tunggu").click()
    expect(budi.locator("#waitlist-status")).to_have_attribute("data-status", "WAITING")
    expect(budi.locator("#waitlist-status")).to_contain_text("urutan ke-1")
    _fits(budi)
    joined = Notification.objects.filter(event="waitlist_joined")
    assert sorted(joined.values_list("channel", "recipient")) == [("email", BUDI_EMAIL),
                                                                  ("whatsapp", "+6281398765432")]

    # 3. Siti cancels on her phone: the seat is offered to Budi
    siti.goto(f"{base}/antrean/saya/{code_a}/batal/")
    siti.locator("#id_confirm").check()
    siti.locator("#confirm-cancel").click()
    expect(siti.locator("#booking-status")).to_contain_text("Dibatalkan")
    entry = WaitlistEntry.objects.get(nik=BUDI[0])
    assert entry.status == "OFFERED"
    run_queue()  # the worker hands the messages to the (simulated) providers

    # ... Budi reads the offer in his e-mail (the development inbox shows what arrived) ...
    developer = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    desk = developer.new_page()
    desk.goto(f"{base}/dev/inbox?to={BUDI_EMAIL}")
    offer_mail = desk.locator("li.msg-email", has_text="Ada kuota antrean untuk Anda")
    expect(offer_mail).to_have_count(1)
    link = re.search(r"(https?://\S+/antrean/tawaran/[A-Za-z0-9_-]+/)", _inbox_text(offer_mail))
    assert link is not None and link.group(1).startswith(base + "/"), _inbox_text(offer_mail)

    # ... and opens the link on another device: a second browser context, no cookie of the one that joined
    other = _phone(phone_factory)
    assert other.context is not budi.context
    other.goto(link.group(1))
    expect(other.locator("#accept-form")).to_be_visible()
    other.get_by_role("button", name="Ambil kursi ini").click()
    expect(other.locator("h1")).to_contain_text("Pendaftaran berhasil")
    code = other.locator("#booking-code").inner_text().strip()
    claim = Claim.objects.get(code=code)
    assert Booking.objects.get(code=code).status == "ACTIVE" and claim.insured_nik == BUDI[0]

    # 4. The ticket: a PDF whose QR code a phone scanner reads
    name, pdf = _download(other, "#ticket-pdf")
    assert name == f"tiket-lapakasik-{code}.pdf"
    assert decode_qr_codes(pdf)[0] == [f"LAPAKASIK:{code}"]
    assert b":8000" not in pdf

    # 5. Upload: the link on the page stays on this server; one file received, one refused and kept in view
    # (the site's own path: it works on whatever address and port the page was opened on, even where
    # PUBLIC_BASE_URL says otherwise — the link once pointed to port 8000)
    assert (other.locator("#upload-link").get_attribute("href") or "").startswith("/unggah/")
    upload_href = other.locator("#upload-link").evaluate("a => a.href")
    assert upload_href.startswith(base + "/unggah/"), upload_href
    other.locator("#upload-link").click()
    ktp = other.locator("#req-ktp")
    ktp.locator("input[type=file]:not([capture])").set_input_files(
        files=[{"name": "ktp-budi.jpg", "mimeType": "image/jpeg", "buffer": _jpeg(1)}])
    ktp.locator("button[type=submit]").click()
    expect(other.locator("#req-ktp")).to_have_attribute("data-status", "received", timeout=20000)
    kk = other.locator("#req-kk")
    kk.locator("input[type=file]:not([capture])").set_input_files(
        files=[{"name": "kartu-keluarga.docx", "buffer": _docx(),
                "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}])
    kk.locator("button[type=submit]").click()
    expect(kk.locator(".upload-status")).to_contain_text("ditolak", timeout=20000)
    _fits(other)
    other.reload()
    refused = other.locator("li.error", has_text="kartu-keluarga.docx")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("Word atau Excel")  # its own reason: save it as PDF
    expect(other.locator("#req-kk")).to_have_attribute("data-status", "refused")  # "Ditolak — kirim ulang"
    _fits(other)

    # 6. "Saya tidak bisa mengunggah": asked first, confirmed, then the help page with the dropbox
    other.get_by_role("link", name="Saya tidak bisa mengunggah").click()
    expect(other.locator("#problem-form")).to_be_visible()
    other.locator("input[value=connection]").check()
    other.get_by_role("button", name="Lanjut").click()
    expect(other.locator("#confirm-form")).to_be_visible()
    claim.refresh_from_db()
    assert claim.state != "UPLOAD_FAILED"  # asking changes nothing
    other.get_by_role("button", name="Ya, saya tidak bisa mengunggah").click()
    expect(other.locator("#dropbox")).to_be_visible()
    claim.refresh_from_db()
    assert claim.state == "UPLOAD_FAILED"
    # The dropbox: a branch of the region and the day they plan to come, then the cover sheet printed for it
    other.locator(".dropbox-plan button[type=submit]").click()
    other.wait_for_url("**/bantuan/#dropbox")
    claim.refresh_from_db()
    assert claim.state == "DROPBOX_EXPECTED"
    _fits(other)
    name, sheet = _download(other, "#dropbox a[href$='lembar-sampul.pdf']")
    assert name == f"lembar-sampul-{code}.pdf"
    assert decode_qr_codes(sheet)[0] == [f"LAPAKASIK:LS:{claim.cover_sheets.get().serial}"]
    address = other.locator("#online .intake-address").first.inner_text().strip()
    assert re.fullmatch(r"[a-z0-9]+@[a-z0-9.-]+", address), address

    # 7. The documents by e-mail, through the real SMTP gateway; the worker files them
    gateway = Gateway(host="127.0.0.1", port=0)
    gateway.start()
    try:
        refused_rcpt = smtp_send(gateway, mail(to=address, sender=f"Budi Santoso <{BUDI_EMAIL}>",
                                               subject="Dokumen klaim", attachments=[(_jpeg(2), "kk.jpg", "image/jpeg")]),
                                 to=[address], sender=BUDI_EMAIL)
    finally:
        gateway.stop()
    assert refused_rcpt == {}
    run_worker()
    claim.refresh_from_db()
    assert claim.state not in ("UPLOAD_FAILED", "DROPBOX_EXPECTED"), claim.state
    other.goto(upload_href)
    expect(other.locator("#req-kk")).to_have_attribute("data-status", "received")
    expect(other.locator("li.error", has_text="kartu-keluarga.docx")).to_have_count(1)  # still in view
    _fits(other)
    run_queue()

    # Every page each phone showed fitted the screen
    visited = {who: _widths(page) for who, page in (("siti", siti), ("budi", budi), ("other", other))}
    too_wide = [(who, what, width) for who, log in visited.items() for what, width in log if width > WIDTH]
    assert not too_wide, too_wide
    paths = " ".join(what for log in visited.values() for what, _w in log)
    for page_path in ("/antrean/cabang/BDG01/", "/antrean/tunggu/", "/antrean/tawaran/", f"/antrean/saya/{code_a}/",
                      "/unggah/", "/bantuan/"):
        assert page_path in paths, (page_path, paths)

    # The development inbox: every message handed to a provider once, every link on this server's port
    sent = list(Notification.objects.filter(attempts__gt=0).exclude(channel="phone"))
    assert sent and SimulatedMessage.objects.count() == len(sent)
    desk.goto(f"{base}/dev/inbox")
    items = desk.locator("ol.inbox li.msg:not(.msg-phone)")
    expect(items).to_have_count(len(sent))
    inbox = " ".join(_inbox_text(items.nth(i)) for i in range(len(sent)))
    for row in sent:
        shown = row.verification_code[:4] + "-" + row.verification_code[4:]
        assert inbox.count(shown) == 1, (row.event, row.channel, shown)
    # ... and says one thing once: no event twice to the same address on the same channel
    said = [(row.recipient, row.channel, row.event) for row in sent]
    assert len(said) == len(set(said)), sorted(said)
    budi_heard = {event for recipient, _channel, event in said if recipient == BUDI_EMAIL}
    assert {"waitlist_joined", "waitlist_offer", "booking_confirmed", "upload_failed"} <= budi_heard, budi_heard
    links = re.findall(r"https?://[^\s<>\"')]+", inbox)
    assert links, inbox[:2000]
    wrong = [u for u in links if not u.startswith(base + "/")]
    assert not wrong and ":8000" not in inbox, wrong
    developer.close()
