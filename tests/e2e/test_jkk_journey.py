"""A work-accident (JKK) claim end to end in a real browser (Debian Chromium via Playwright):

1. the company's HR officer, on a 360 px phone, asks for a one-time sign-in link, opens it from the
   development inbox, and files stage I — the company's section of Formulir 3, signed — which opens the claim;
2. the worker, on a 360 px phone, opens the personal upload link from the development inbox, signs their part
   of Formulir 3 (the form goes to the claim as a PDF) and of Formulir 3a, and uploads the other documents;
3. the HR officer files stage II — Formulir 3a's company section, the last signature: 3a goes to the claim;
4. the branch officer signs in (password + TOTP), finds both forms among the claim's files (the PDF downloads),
   accepts every file, verifies and approves;
5. the worker is told of the decision (the development inbox).

The amount of the benefit is not asserted here: the decision and its notification are."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from tests.e2e.journey import OFFICER_PASSWORD, fill, fits, officer_takes_next, sign_section
from tests.intake.conftest import _private_storage, jpeg_bytes, pdf_bytes  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NPP = "31001001"
HR_EMAIL = "hrd@maju-bersama.contoh.id"
WORKER_EMAIL = "wati@example.id"


def _world(settings: Any) -> dict[str, Any]:
    from tests.accounts.factories import make_officer
    from tests.accounts.helpers import totp_device

    from lapakasik.benefits.seed import defaults_seed
    from lapakasik.branches.models import Branch
    from lapakasik.branches.seed import seed_demo
    from lapakasik.casework.models import RefusalReason
    from lapakasik.casework.reasons import DEFAULTS
    from lapakasik.core import clock
    from lapakasik.intake.catalogue import catalogue_seed
    from lapakasik.notifications.services import template_defaults_install
    from lapakasik.registry import seed

    seed_demo()
    catalogue_seed()
    template_defaults_install()  # transactional tests flush the migrations' rows
    defaults_seed()
    for row in DEFAULTS:
        RefusalReason.objects.get_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})
    branch = Branch.objects.exclude(region__code__iexact="DKI").order_by("code").first()
    today = clock.local(clock.now(), branch.time_zone).date()
    accident_day = today - timedelta(days=1)
    worker = {k: v for k, v in seed.participant(3, today).items() if k != "case"}
    worker.update(full_name="Wati Susanti", employer="PT Maju Bersama", employer_npp=NPP, active=True,
                  membership_end=None, date_of_death=None, balance=40_000_000,
                  employments=[{"npp": NPP, "start": "2019-01-01", "end": None}],
                  # the core system's copy of the accident report (the rules read it there)
                  accidents=[{"occurred_on": accident_day.isoformat(), "npp": NPP, "kind": "workplace"}])
    settings.REGISTRY_ADAPTER = "lapakasik.registry.adapters.StaticRegistry"
    settings.REGISTRY_STATIC_RECORDS = [worker]
    settings.REGISTRY_STATIC_EMPLOYERS = [{"npp": NPP, "name": "PT Maju Bersama", "address": "Jl. Gatot Subroto 12",
                                           "hr_emails": [HR_EMAIL]}]
    hr = make_officer(HR_EMAIL, "employer_officer", npp=NPP)
    hr.email, hr.first_name = HR_EMAIL, "Rina Personalia"
    hr.save()
    officer = make_officer("budi", "officer", branch=branch)
    officer.set_password(OFFICER_PASSWORD)
    officer.save()
    return {"branch": branch, "worker": worker, "accident_day": accident_day, "today": today,
            "officer": officer, "device": totp_device(officer)}


def _narrow(page: Any) -> Any:
    page.set_viewport_size({"width": 360, "height": 740})
    return page




def _inbox_link(chromium: Any, base: str, to: str, subject: str, pattern: str) -> str:
    from playwright.sync_api import expect
    from tests.notifications.conftest import run_queue

    run_queue()
    desk = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID").new_page()
    desk.goto(f"{base}/dev/inbox?to={to}")
    mail = desk.locator("li.msg-email", has_text=subject).last
    expect(mail).to_be_visible()
    found = re.search(pattern, str(mail.locator("pre.mail-text").text_content() or ""))
    assert found is not None, mail.text_content()
    desk.context.close()
    return found.group(0)






def test_a_jkk_claim_from_the_employers_report_to_the_decision(
        chromium: Any, phone_factory: Any, live_server: Any, settings: Any) -> None:
    from playwright.sync_api import expect
    from tests.notifications.conftest import run_queue

    from lapakasik.claims.models import Claim
    from lapakasik.forms.models import FormResponse
    from lapakasik.intake.models import Document

    base = live_server.url
    settings.PUBLIC_BASE_URL = base
    settings.INTAKE_IMAGE_SUBPROCESS = False
    settings.CASEWORK_CONFIRMATION_REQUIRED = False  # the confirmation call is the officer journey's
    settings.BENEFITS_FOUR_EYES_ABOVE = 10_000_000_000  # one approval is final here
    world = _world(settings)
    worker = world["worker"]

    # 1. the HR officer signs in with a one-time link and files stage I (Formulir 3's company section)
    hr = _narrow(phone_factory())
    hr.goto(f"{base}/perusahaan/")
    expect(hr).to_have_url(re.compile(r"/perusahaan/masuk/"))
    hr.fill("#id_email", HR_EMAIL)
    hr.get_by_role("button", name="Kirim tautan masuk").click()
    expect(hr.locator("#link-sent")).to_be_visible()
    fits(hr)
    link = _inbox_link(chromium, base, HR_EMAIL, "Tautan masuk", r"https?://\S+/perusahaan/masuk/[A-Za-z0-9_-]+/")
    hr.goto(link)
    hr.locator("#signin-go").click()
    expect(hr.locator("#link-session")).to_be_visible()
    hr.get_by_role("link", name="Laporkan kecelakaan kerja (tahap I)").click()
    fits(hr)
    hr.select_option("#id_branch", world["branch"].code)
    fill(hr, {"nik": worker["nik"], "kpj": worker["kpj"], "occurred_on": world["accident_day"].isoformat(),
               "occurred_time": "08:30", "place": "Gudang B, lantai 2",
               "description": "Terjatuh dari tangga saat menurunkan barang.", "worker_phone": "",
               "worker_email": WORKER_EMAIL, "saksi_1": "Agus Salim", "saksi_2": "Dewi Lestari",
               "upah": "5.500.000", "jabatan_petugas": "Staf Personalia"})
    hr.select_option("#id_kind", "workplace")
    hr.locator("#id_konfirmasi").check()
    hr.fill("#id_nama_tanda_tangan", "Rina Personalia")
    hr.get_by_role("button", name="Tanda tangani dan kirim laporan tahap I").click()
    expect(hr.locator("body")).to_contain_text("Laporan tahap I diterima")
    claim = Claim.objects.get(insured_nik=worker["nik"], claim_type="JKK")
    assert claim.state == "AWAITING_DOCUMENTS"
    assert "laporan" in FormResponse.objects.get(claim=claim, form_code="formulir_3").signatures
    fits(hr)

    # 2. the worker opens the upload link from their e-mail, signs their parts, uploads the rest
    upload = _inbox_link(chromium, base, WORKER_EMAIL, f"Klaim JKK {claim.code}", r"https?://\S+/unggah/[A-Za-z0-9_-]+/")
    phone = _narrow(phone_factory())
    phone.goto(upload)
    fits(phone)
    phone.locator("#req-formulir_3 .online-form a").click()
    expect(phone.locator("#section-laporan")).to_have_attribute("data-signed", "yes")  # the company signed
    sign_section(phone, "pekerja", {"alamat": "Jl. Melati 3, Bekasi", "telepon": "0812 3456 7001"},
                  worker["full_name"])
    expect(phone.locator("#form-submitted")).to_be_visible()
    fits(phone)
    phone.goto(upload)
    expect(phone.locator("#req-formulir_3")).to_have_attribute("data-status", "received")
    phone.locator("#req-formulir_3a .online-form a").click()
    sign_section(phone, "penerima", {"telepon": "0812 3456 7001", "bank": "BRI",
                                                     "nomor_rekening": "0123 4567 8901"}, worker["full_name"])
    phone.goto(upload)
    for i, code in enumerate(("kartu_peserta", "ktp", "formulir_3b", "daftar_hadir", "kuitansi", "kronologi",
                              "buku_tabungan")):
        row = phone.locator(f"#req-{code}")
        files = ([{"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(pages=1)}]
                 if code == "formulir_3b" else
                 [{"name": f"{code}.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(seed=10 + i)}])
        row.locator("input[type=file]:not([capture])").set_input_files(files=files)
        row.locator("button[type=submit]").click()
        phone.wait_for_selector(f"#req-{code}[data-status=received]", timeout=20000)
    fits(phone)

    # 3. the HR officer files stage II: Formulir 3a's company section, the last signature
    hr.goto(f"{base}/perusahaan/")
    hr.get_by_role("link", name="Kirim laporan tahap II").click()
    fits(hr)
    hr.locator("input[name=outcome][value=recovered]").check()
    fill(hr, {"outcome_on": world["today"].isoformat(), "hari_tidak_bekerja": "1", "biaya_pengobatan": "750.000",
               "upah": "5.500.000", "jabatan_petugas": "Staf Personalia"})
    hr.locator("#id_konfirmasi").check()
    hr.fill("#id_nama_tanda_tangan", "Rina Personalia")
    hr.get_by_role("button", name="Tanda tangani dan kirim laporan tahap II").click()
    expect(hr.locator("body")).to_contain_text("Laporan tahap II diterima")
    hr.goto(f"{base}/perusahaan/klaim/{claim.code}/")
    expect(hr.locator("#part-formulir_3a-laporan")).to_contain_text("terkirim ke klaim")
    fits(hr)
    forms = {r.form_code: r for r in FormResponse.objects.filter(claim=claim)}
    assert forms["formulir_3"].status == forms["formulir_3a"].status == "SUBMITTED"
    claim.refresh_from_db()
    assert claim.state == "DOCUMENTS_RECEIVED"

    # 4. the branch officer: both forms among the files (a PDF that downloads), every file accepted, verify, approve
    page = officer_takes_next(chromium, base, username="budi", device=world["device"], claim_code=claim.code,
                              accept_downloads=True)
    for code in ("formulir_3", "formulir_3a"):
        doc = Document.objects.get(claim=claim, requirement__code=code, source="ONLINE_FORM")
        files = page.locator(f"#doc-{doc.pk}")
        expect(files).to_contain_text(f"{code}-{claim.code}.pdf")
        files.locator("summary").click()
        with page.expect_download() as info:
            files.get_by_role("link", name="Unduh berkas asli").click()
        with open(info.value.path(), "rb") as fh:
            assert fh.read(5) == b"%PDF-"
    for doc in Document.objects.filter(claim=claim):
        page.click(f"#doc-{doc.pk} button[value=accept]")
        expect(page.locator(f"#doc-{doc.pk}")).to_contain_text("Disetujui petugas")
    page.click("button:has-text('Verifikasi')")
    page.wait_for_selector("text=Klaim terverifikasi")
    page.get_by_role("link", name="Buka data kepesertaan dan periksa kelayakan").click()
    panel = page.locator("#manfaat")
    expect(panel.locator("tr.rule-accident_reported")).to_contain_text("terpenuhi")
    if panel.locator("input[name=npwp]").count():
        panel.locator("input[name=npwp][value=tidak]").check()
    panel.get_by_role("button", name="Setujui klaim").click()
    expect(page.locator("#manfaat .decision")).to_be_visible()
    assert Claim.objects.get(pk=claim.pk).state == "APPROVED"
    page.context.close()

    # 5. the worker is told of the decision
    run_queue()
    inbox = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID").new_page()
    inbox.goto(f"{base}/dev/inbox?to={WORKER_EMAIL}")
    expect(inbox.locator("li.msg-email", has_text=f"Klaim {claim.code} disetujui")).to_have_count(1)
    inbox.context.close()
