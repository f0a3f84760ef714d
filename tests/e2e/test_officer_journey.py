"""The officer's day in a real browser (Debian Chromium via Playwright), with the participant on a 360 px
phone: the officer signs in with password and TOTP code, takes the next claim, views a JPEG and a PDF drawn
in the page, refuses one file with a reason and asks for documents; the participant gets the request and
sends the file again by e-mail (a real SMTP conversation with the gateway); the officer sees the claim back,
schedules a video call, records "not reached" twice; the participant picks a new window from the link; the
officer records "reached" and verifies. The participant is told at each step — the e-mails as delivered."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from tests.casework.conftest import complete_documents
from tests.intake.conftest import _private_storage, jpeg_bytes, pdf_bytes  # noqa: F401 - fixtures
from tests.mailgateway.conftest import address_of, gateway, gateway_factory, mail, run_worker, smtp_send  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "kata-sandi-petugas-2026"


def delivered(settings: Any) -> list[Any]:
    """Every queued notification delivered as the worker does it (e-mail channel, Django's locmem outbox)."""
    from django.core import mail as outbox
    from django.core.management import call_command

    settings.NOTIFY_EMAIL_PROVIDER = "smtp"
    call_command("db_worker", batch=True, queue_name="notifications", startup_delay=False, verbosity=0)
    return list(outbox.outbox)


def _world(branch_code: str = "") -> tuple[Any, Any, Any]:
    import io

    from tests.accounts.factories import make_officer
    from tests.accounts.helpers import totp_device
    from tests.claims.factories import open_claim

    from lapakasik.branches.models import Branch
    from lapakasik.branches.seed import seed_demo
    from lapakasik.claims.services import Actor
    from lapakasik.core import clock
    from lapakasik.intake.catalogue import catalogue_seed, claim_checklist
    from lapakasik.intake.receive import document_receive
    from lapakasik.intake.services import intake_open
    from lapakasik.notifications.services import template_defaults_install

    seed_demo()
    catalogue_seed()
    template_defaults_install()
    from lapakasik.casework.models import RefusalReason
    from lapakasik.casework.reasons import DEFAULTS

    for row in DEFAULTS:  # transactional tests flush the data migration's rows
        RefusalReason.objects.get_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})
    branch = Branch.objects.exclude(region__code__iexact="DKI").order_by("code").first()
    officer = make_officer("budi", "officer", branch=branch)
    officer.set_password(PASSWORD)
    officer.save()
    device = totp_device(officer)
    claim = open_claim(branch=branch, email="siti@example.id", documents_due_at=clock.now() + timedelta(days=2),
                       session_at=clock.now() + timedelta(days=1))
    intake_open(claim=claim)
    # the bank book as a PDF, everything else as photos
    items = [i for i in claim_checklist(claim).items if i.required]
    pdf_item = next(i for i in items if i.code != "ktp")
    document_receive(claim=claim, fileobj=io.BytesIO(pdf_bytes(pages=2)), filename=f"{pdf_item.code}.pdf",
                     declared_type="application/pdf", source="WEB", requirement_code=pdf_item.code,
                     actor=Actor.participant())
    complete_documents(claim)
    return claim, officer, device


def test_the_officer_works_a_claim_up_to_verified(chromium: Any, live_server: Any, settings: Any,
                                                    gateway: Any) -> None:  # noqa: F811 - the imported fixture
    from tests.accounts.helpers import totp_code

    from lapakasik.claims.models import Claim
    from lapakasik.intake.models import Document

    settings.PUBLIC_BASE_URL = live_server.url
    settings.INTAKE_IMAGE_SUBPROCESS = False  # the claim's papers; intake's tests cover the child process
    claim, officer, device = _world()
    desk = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    desk.set_default_timeout(20000)
    page = desk.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # sign in: password, then the code of the authenticator app
    page.goto(f"{live_server.url}/petugas/masuk/")
    page.fill("input[name=username]", "budi")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=code]", totp_code(device))
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/petugas/")
    assert claim.code in page.content()

    # take the next claim; the JPEG and the PDF are drawn in the page
    page.click("text=Ambil berikutnya")
    page.wait_for_url(re.compile(rf".*/petugas/klaim/{claim.code}/$"))
    docs = {d.original_name: d for d in Document.objects.filter(claim=claim)}
    pdf = next(d for n, d in docs.items() if n.endswith(".pdf"))
    ktp = next(d for n, d in docs.items() if n.startswith("ktp"))
    for d in (ktp, pdf):
        page.click(f"#doc-{d.pk} summary")
        image = page.locator(f"#doc-{d.pk} img.doc-page").first
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 100", arg=image.element_handle())
    assert page.locator(f"#doc-{pdf.pk} img.doc-page").count() == 2  # both pages of the PDF

    # refuse the KTP with a reason, accept the rest, ask for documents
    page.select_option(f"#doc-{ktp.pk} select[name=reason]", "unreadable")
    page.fill(f"#doc-{ktp.pk} input[name=note]", "Foto buram, ulangi di tempat terang.")
    page.click(f"#doc-{ktp.pk} button[value=refuse]")
    for d in docs.values():
        if d.pk != ktp.pk:
            page.click(f"#doc-{d.pk} button[value=accept]")
    page.click("text=Minta dokumen")
    page.wait_for_selector("text=Permintaan dokumen dikirim")
    request = [m for m in delivered(settings) if "belum lengkap" in m.subject][-1]
    assert "Foto buram, ulangi di tempat terang." in request.body and "/unggah/" in request.body
    assert address_of(claim) in request.body

    # the participant sends the KTP again by e-mail
    smtp_send(gateway, mail(to=address_of(claim), attachments=[(jpeg_bytes(seed=77), "ktp baru.jpg", "image/jpeg")]),
              to=[address_of(claim)], sender="siti@example.id")
    run_worker()
    claim.refresh_from_db()
    assert claim.state == "DOCUMENTS_RECEIVED" and claim.assignee_id == officer.pk

    # the claim is back in the officer's queue ("mine"); review the new file, schedule a video call
    page.goto(f"{live_server.url}/petugas/?mine=1")
    page.click(f"text={claim.code}")
    page.click("text=Mulai periksa")
    new = Document.objects.get(claim=claim, original_name="ktp baru.jpg")
    page.click(f"#doc-{new.pk} button[value=accept]")
    page.select_option("select[name=channel]", "video")
    page.click("text=Jadwalkan konfirmasi")
    page.wait_for_selector("text=Buka ruang video")
    invite = [m for m in delivered(settings) if "perlu konfirmasi" in m.subject][-1]
    assert "/video/LapakAsik-" in invite.body and "budi" in invite.body

    # not reached, twice
    for _ in range(2):
        page.select_option("select[name=outcome]", "not_reached")
        page.click("text=Catat hasil")
        page.wait_for_selector("text=Hasil konfirmasi dicatat")
        if page.locator("text=Jadwalkan konfirmasi").count():
            page.click("text=Jadwalkan konfirmasi")
            page.wait_for_selector("text=Konfirmasi dijadwalkan")
    missed = [m for m in delivered(settings) if "pilih waktu baru" in m.subject][-1]
    link = re.search(r"https?://\S+/panggilan/pilih/\S+/", missed.body).group(0)

    # the participant picks a new window on a 360 px phone
    phone = chromium.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                 locale="id-ID", device_scale_factor=2)
    mobile = phone.new_page()
    mobile.goto(link)
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    mobile.locator("button[name=start]").first.click()
    mobile.wait_for_selector("text=Waktu tersimpan")
    phone.close()

    # reached, verified
    page.reload()
    page.select_option("select[name=outcome]", "reached")
    page.click("text=Catat hasil")
    page.wait_for_selector("text=Hasil konfirmasi dicatat")
    page.click("button:has-text('Verifikasi')")
    page.wait_for_selector("text=Klaim terverifikasi")
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.state == "VERIFIED"
    subjects = [m.subject for m in delivered(settings) if "siti@example.id" in m.to]
    for expected in ("sedang diverifikasi", "belum lengkap", "perlu konfirmasi", "pilih waktu baru", "terverifikasi"):
        assert any(expected in s for s in subjects), (expected, subjects)
    assert errors == []
    desk.close()
