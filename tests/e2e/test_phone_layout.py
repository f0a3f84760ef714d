"""Every participant page on a small phone (360 × 740, the narrowest common Android screen), in
Indonesian and in English: no sideways scrolling (``scrollWidth <= 360``), codes on one line, long
addresses inside the screen, tap targets big enough, no text cut off.

One browser and one page walk the participant's whole path: the booking steps, a session that fills
up while the second participant is on the review page (→ "session full" → waiting list), "Booking
saya" with its one-time code, the upload page, the help pages (dropbox and online-only region),
``/cek-pesan/`` and a 404. Every page a GET can reach again is then revisited in the other language.

``LAPAKASIK_SCREENSHOTS=<dir>`` saves a full-page PNG of every page visited (kept out of the
repository), to look at by eye."""

from __future__ import annotations

import io
import os
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 360, 740
FIRST = ("3174014506900003", "12345678901", "SITI RAHAYU")
SECOND = ("3273014506900004", "12345678902", "BUDI SANTOSO")

# Everything a participant reads or taps: what sticks out of the screen, what is cut off
# (a scrolling box narrower than its text), a tap target under 24 × 24 px (WCAG 2.5.8), and a
# booking or claim code broken over two lines.
CHECK_JS = """(width) => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > width) problems.push(`page is ${doc.scrollWidth}px wide`);
  const name = el => (el.id ? '#' + el.id : el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))
      + ' "' + (el.textContent || el.value || '').trim().slice(0, 40) + '"';
  for (const el of document.querySelectorAll('body *')) {
    if (el.offsetParent === null && getComputedStyle(el).position !== 'fixed') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || el.closest('.skip')) continue;
    if (r.right > width + 0.5 || r.left < -0.5) problems.push(`${name(el)} sticks out: ${Math.round(r.left)}..${Math.round(r.right)}`);
    const cs = getComputedStyle(el);
    if (['hidden', 'clip'].includes(cs.overflowX) && el.scrollWidth > el.clientWidth + 1) problems.push(`${name(el)} is cut off`);
  }
  for (let el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, summary, textarea')) {
    if (el.offsetParent === null) continue;
    // a check box or radio button is tapped on its label
    if (['checkbox', 'radio'].includes(el.type) && el.labels && el.labels.length) el = el.labels[0];
    const r = el.getBoundingClientRect();
    const inline = el.tagName === 'A' && getComputedStyle(el).display === 'inline' && el.closest('p, li, dd, small, td');
    if (!inline && (r.height < 24 || r.width < 24)) problems.push(`tap target ${name(el)} is ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  for (const el of document.querySelectorAll('.code-big, .code, .nowrap')) {
    const lines = el.getClientRects().length;
    if (lines > 1 || el.getBoundingClientRect().height > parseFloat(getComputedStyle(el).lineHeight || 0) * 1.5)
      problems.push(`${name(el)} wraps`);
  }
  if (!['id', 'en'].includes(doc.lang)) problems.push(`lang=${doc.lang}`);
  return problems;
}"""


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    from django.core.cache import cache
    from tests.claims.factories import open_claim

    from lapakasik.branches.models import Branch
    from lapakasik.branches.seed import seed_demo
    from lapakasik.core import clock
    from lapakasik.intake.catalogue import catalogue_seed
    from lapakasik.intake.models import IntakeAccess
    from lapakasik.intake.services import intake_open
    from lapakasik.registry.models import DemoParticipant

    cache.clear()
    seed_demo()
    catalogue_seed()
    today = clock.now().date()
    for nik, kpj, name in (FIRST, SECOND):
        DemoParticipant.objects.create(
            nik=nik, kpj=kpj, full_name=name, birth_date=date(1990, 6, 5), employer="PT Maju Bersama",
            membership_start=today - timedelta(days=8 * 365), membership_end=today - timedelta(days=90),
            active=False, balance=25_000_000, last_contribution=today.replace(day=1), case="eligible")
    # A claim in DKI Jakarta (online only: its help page lists the alternatives, not the dropbox)
    jakarta = Branch.objects.filter(region__code="DKI").order_by("code").first()
    claim = open_claim(branch=jakarta, nik="3174010101900099", full_name="Dewi Lestari Kusumawardhani",
                       documents_due_at=clock.now() + timedelta(days=2))
    intake_open(claim=claim)
    return {"jakarta_upload": f"/unggah/{IntakeAccess.objects.get(claim=claim, kind='upload').token}/"}


class Walk:
    """One page, visited URL by URL; each visit is checked and (optionally) photographed."""

    def __init__(self, page: Any, base: str) -> None:
        self.page, self.base = page, base
        self.problems: list[str] = []
        self.revisit: list[tuple[str, str]] = []  # (name, path) reachable again with a GET
        self.shots = Path(os.environ["LAPAKASIK_SCREENSHOTS"]) if os.environ.get("LAPAKASIK_SCREENSHOTS") else None
        if self.shots:
            self.shots.mkdir(parents=True, exist_ok=True)
        self.lang = "id"
        self.shot = 0

    def check(self, name: str, *, again: bool = True) -> None:
        page = self.page
        page.wait_for_load_state("load")
        found = page.evaluate(CHECK_JS, WIDTH)
        url = page.url.removeprefix(self.base)
        self.problems += [f"[{self.lang}] {name} {url}: {p}" for p in found]
        if again:
            self.revisit.append((name, url))
        if self.shots:
            self.shot += 1
            page.screenshot(path=str(self.shots / f"{self.lang}-{self.shot:02d}-{name}.png"), full_page=True,
                            scale="css")

    def visit(self, name: str, path: str) -> None:
        self.page.goto(self.base + path)
        self.check(name)


def _jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (900, 600), (230, 230, 220)).save(buf, format="JPEG")
    return buf.getvalue()


def _fill_identity(page: Any, who: tuple[str, str, str], email: str, phone: str) -> None:
    nik, kpj, name = who
    page.fill("#id_nik", nik)
    page.fill("#id_kpj", kpj)
    page.fill("#id_full_name", name.title())
    page.fill("#id_email", email)
    page.fill("#id_phone", phone)
    page.select_option("#id_claim_reason", "RESIGNED")


def test_every_participant_page_fits_a_360px_phone(live_server: Any, chromium: Any, world: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    from lapakasik.booking.models import SlotQuota
    from lapakasik.notifications.models import Notification

    context = chromium.new_context(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=2,
                                   is_mobile=True, has_touch=True, locale="id-ID", timezone_id="Asia/Jakarta")
    context.set_default_timeout(15000)
    page = context.new_page()
    walk = Walk(page, live_server.url)

    walk.visit("home", "/")
    walk.visit("start", "/antrean/")
    page.get_by_role("link", name=re.compile("Kanwil Jawa Barat")).click()
    walk.check("branches")
    page.get_by_role("link", name=re.compile("Bandung Suci")).click()
    walk.check("dates")
    page.locator("#dates a[data-date]").first.click()
    session = page.locator("button.session[data-status=open]").first
    expect(session).to_be_visible()
    walk.check("sessions")
    session.click()
    expect(page.locator("#id_nik")).to_be_visible()
    walk.check("identity")
    # the form with its errors
    page.fill("#id_nik", "123")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#err-nik")).to_be_visible()
    walk.check("identity-errors", again=False)
    _fill_identity(page, FIRST, "siti.rahayu.kusumawardhani@example.id", "0812 3456 7890")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#id_confirm")).to_be_visible()
    walk.check("review", again=False)
    page.locator("#id_confirm").check()
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#booking-code")).to_be_visible()
    walk.check("done")
    code = page.locator("#booking-code").inner_text().strip()
    # the personal e-mail address: one tap on "Salin" puts it on the clipboard
    address = page.locator("#intake-email .copy-text").inner_text().strip()
    assert re.fullmatch(r"[a-z0-9]+@[a-z0-9.-]+", address), address
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator("#intake-email .copy-button").click()
    expect(page.locator("#intake-email .copy-button")).to_have_text("Tersalin")
    assert page.evaluate("navigator.clipboard.readText()") == address
    upload = page.locator("#upload-link").get_attribute("href")
    assert upload
    upload = urlsplit(upload).path
    walk.visit("upload", upload)
    walk.visit("help-dropbox", upload + "bantuan/")
    walk.visit("upload-jakarta", world["jakarta_upload"])
    # a file with a long name from a phone's camera, and one that is refused: both listed with their outcome
    form = page.locator("#req-ktp form.upload-form")
    form.locator("input[type=file]").last.set_input_files([
        {"name": "IMG_20261202_101500_HDR_PORTRAIT_BURST0001_COVER.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()},
        {"name": "surat_pengunduran_diri_dari_PT_Maju_Bersama_Sejahtera_Abadi.docx",
         "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04" + b"\0" * 64}])
    form.locator("button[type=submit]").click()
    expect(form.locator(".upload-status")).to_contain_text("ditolak", timeout=20000)
    walk.check("upload-jakarta-refused", again=False)
    page.reload()
    expect(page.locator("#req-ktp .files li").first).to_be_visible()
    walk.check("upload-jakarta-files", again=False)
    # without JavaScript there is no button, and one tap selects the whole address
    bare = chromium.new_context(viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True,
                                java_script_enabled=False, locale="id-ID")
    plain = bare.new_page()
    plain.goto(live_server.url + world["jakarta_upload"])
    expect(plain.locator(".copy-button")).to_be_hidden()
    assert plain.evaluate("getComputedStyle(document.querySelector('.copy-text')).userSelect") == "all"
    assert plain.evaluate("document.documentElement.scrollWidth") <= WIDTH
    bare.close()
    walk.visit("help-online-only", world["jakarta_upload"] + "bantuan/")

    # "Booking saya" from another session: booking code, then the one-time code
    context.clear_cookies()
    walk.visit("mine", "/antrean/saya/")
    page.fill("#id_code", code)
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#id_otp")).to_be_visible()
    walk.check("mine-code")
    otp = Notification.objects.filter(claim__code=code, event="otp_code").order_by("-id").first()
    assert otp is not None
    page.fill("#id_otp", otp.context["otp"])
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#booking-code")).to_have_text(code)
    walk.check("manage")
    walk.visit("reschedule", f"/antrean/saya/{code}/ubah/")
    walk.visit("cancel", f"/antrean/saya/{code}/batal/")

    # A second participant picks the same session; it fills up before they send → "session full"
    walk.visit("sessions-again", "/antrean/cabang/BDG01/")
    page.locator("#dates a[data-date]").first.click()
    page.locator("button.session[data-status=open]").first.click()
    _fill_identity(page, SECOND, "budi@example.id", "0813 9876 5432")
    page.locator("form button[type=submit]").last.click()
    page.locator("#id_confirm").check()
    slot = SlotQuota.objects.filter(branch__code="BDG01", booked__gt=0).order_by("date", "session_start").first()
    assert slot is not None
    SlotQuota.objects.filter(pk=slot.pk).update(capacity=slot.booked + slot.held)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#waitlist-form")).to_be_visible()
    walk.check("session-full", again=False)
    page.locator("#waitlist-form button[type=submit]").click()
    expect(page.locator("#waitlist-summary")).to_be_visible()
    walk.check("waitlist")

    walk.visit("search", "/antrean/cari/")
    page.locator("main form button[type=submit]").first.click()
    walk.check("search-results")
    message = Notification.objects.filter(claim__code=code).order_by("id").first()
    assert message is not None
    Notification.objects.filter(pk=message.pk).update(attempts=1)  # handed to the provider (no worker here)
    walk.visit("check", "/cek-pesan/")
    page.fill("#kode", "ABCD-1234")
    page.locator("main form button[type=submit]").click()
    walk.check("check-unknown")
    walk.visit("check-genuine", f"/cek-pesan/?kode={message.verification_code}")
    walk.visit("not-found", "/antrean/tidak-ada/halaman-ini/")
    walk.visit("not-found-link", "/unggah/tautan-lama-yang-tidak-berlaku/")

    # The same pages in English (the language switch in the header, kept by the session)
    page.goto(live_server.url + "/")
    page.locator(".lang button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    walk.lang = "en"
    waitlist = next(path for name, path in walk.revisit if name == "waitlist")
    for name, path in list(walk.revisit):
        if name == "mine-code":  # a new one-time code, in English
            page.fill("#id_code", code)
            page.locator("main form button[type=submit]").first.click()
            expect(page.locator("#id_otp")).to_be_visible()
            walk.check(name)
        else:
            walk.visit(name, path)
    # The first participant cancels: their page says so, and the seat is offered to the waiting list
    page.goto(live_server.url + f"/antrean/saya/{code}/batal/")
    page.locator("#id_confirm").check()
    page.locator("#confirm-cancel").click()
    expect(page.locator("#booking-status")).to_contain_text("Cancelled")
    walk.check("manage-cancelled", again=False)
    walk.visit("waitlist-offered", waitlist)
    context.close()
    assert not walk.problems, "\n".join(walk.problems)
