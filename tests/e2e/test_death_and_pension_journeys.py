"""Two claims from booking to the decision the claimant is told of, in a real browser, with the demo
registry's seeded people (``registry.seed``):

- JKM: the widow of the seeded deceased participant (``deceased`` case: a widow and two children). On a
  360 px phone she fills Formulir 4 online — her section, the deceased's, and the heir statement prefilled
  with herself and the two children — and signs; the form's PDF meets its checklist row. She uploads the
  other documents; the officer reviews them, confirms by video, verifies, reads the heir rules on the
  eligibility panel and approves; the decision reaches her (development inbox).
- JP: a seeded participant at the pension age (``age_56`` case) fills Formulir 7 (a lump sum: fewer than 180
  JP months), uploads, and is approved and told the same way.

The employer's sections of both forms are signed through the employer hook (``forms.services.
form_section_sign`` with ``party="employer_officer"``), as the employer's own pages would. The amounts are
the benefits app's business: the test asserts the decision and the message, not a sum."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from tests.e2e.journey import OFFICER_PASSWORD, fits, officer_takes_next, sign_section
from tests.intake.conftest import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def _world(settings: Any) -> dict[str, Any]:
    from tests.accounts.factories import make_officer
    from tests.accounts.helpers import totp_device

    from lapakasik.benefits.seed import defaults_seed
    from lapakasik.booking.services import slots_generate
    from lapakasik.branches.models import Branch
    from lapakasik.branches.seed import seed_demo
    from lapakasik.casework.models import RefusalReason
    from lapakasik.casework.reasons import DEFAULTS
    from lapakasik.intake.catalogue import catalogue_seed
    from lapakasik.notifications.services import template_defaults_install
    from lapakasik.registry.seed import seed_demo as registry_seed

    seed_demo()
    catalogue_seed()
    template_defaults_install()  # transactional tests flush the data migrations' rows
    defaults_seed()
    for row in DEFAULTS:
        RefusalReason.objects.get_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})
    registry_seed(participants=20)  # the deterministic demo registry: index 2 died, index 16 is at pension age
    settings.INTAKE_IMAGE_SUBPROCESS = False  # the claim's papers; intake's tests cover the child process
    settings.BENEFITS_FOUR_EYES_ABOVE = 10**13  # one officer's approval is final here (four eyes: its own test)
    branch = Branch.objects.exclude(region__code__iexact="DKI").order_by("code").first()
    officer = make_officer("budi", "officer", branch=branch)
    officer.set_password(OFFICER_PASSWORD)
    officer.save()
    slots_generate(branch_codes=[branch.code])
    return {"branch": branch, "officer": officer, "device": totp_device(officer)}


def _book(branch: Any, **fields: Any) -> Any:
    from lapakasik.booking.models import SlotQuota
    from lapakasik.booking.services import booking_create
    from lapakasik.core import clock

    slot = SlotQuota.objects.filter(branch=branch, starts_at__gt=clock.now() + timedelta(hours=2),
                                    closed=False).order_by("starts_at").first()
    made = booking_create(branch_code=branch.code, date=slot.date, session_start=f"{slot.session_start:%H:%M}",
                          channels=["email"], phone="+6281234567001", **fields)
    return made.claim


def _employer_signs(claim: Any, code: str, answers: dict[str, str]) -> None:
    from lapakasik.claims.services import Actor
    from lapakasik.forms.services import claim_form, form_section_sign

    form_section_sign(claim=claim, definition=claim_form(claim, code), section_code="perusahaan",
                      party="employer_officer", data=answers, typed_name="Hadi Wijaya", confirmed=True,
                      signer_name="Hadi Wijaya", actor=Actor(kind="system", label="petugas perusahaan"))


def _upload_path(claim: Any) -> str:
    from lapakasik.intake.models import IntakeAccess

    return f"/unggah/{IntakeAccess.objects.get(claim=claim, kind='upload', revoked_at__isnull=True).token}/"








def _upload_the_rest(page: Any, url: str, claim: Any) -> None:
    """Every required row still missing gets a photo through its own upload form."""
    from lapakasik.intake.catalogue import claim_checklist

    page.goto(url)
    missing = [i.code for i in claim_checklist(claim).items if i.required and i.status == "missing"]
    assert missing, "nothing left to upload?"
    for n, code in enumerate(missing):
        row = page.locator(f"#req-{code}")
        row.locator("input[type=file]:not([capture])").set_input_files(
            files=[{"name": f"{code}.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(seed=claim.pk * 31 + n)}])
        row.locator("button[type=submit]").click()
        page.wait_for_selector(f"#req-{code}[data-status=received]", timeout=20000)
    fits(page)
    claim.refresh_from_db()
    assert claim.state == "DOCUMENTS_RECEIVED"


def _officer_verifies_and_approves(chromium: Any, url: str, world: dict[str, Any], claim: Any,
                                   rules: tuple[str, ...]) -> None:
    """Sign in, take the claim, accept every file, confirm by video (reached), verify; then read the rules
    on the eligibility panel (each one met) and approve."""
    from playwright.sync_api import expect

    from lapakasik.claims.models import Claim
    from lapakasik.intake.models import Document

    page = officer_takes_next(chromium, url, username="budi", device=world["device"], claim_code=claim.code)
    for doc in Document.objects.filter(claim=claim, status="RECEIVED").order_by("id"):
        page.click(f"#doc-{doc.pk} button[value=accept]")
        expect(page.locator(f"#doc-{doc.pk}")).to_contain_text("Disetujui petugas")
    page.select_option("select[name=channel]", "video")
    page.click("text=Jadwalkan konfirmasi")
    page.wait_for_selector("text=Buka ruang video")
    page.select_option("select[name=outcome]", "reached")
    page.click("text=Catat hasil")
    page.wait_for_selector("text=Hasil konfirmasi dicatat")
    page.click("button:has-text('Verifikasi')")
    page.wait_for_selector("text=Klaim terverifikasi")
    assert Claim.objects.get(pk=claim.pk).state == "VERIFIED"

    page.get_by_role("link", name="Buka data kepesertaan dan periksa kelayakan").click()
    panel = page.locator("#manfaat")
    for rule in rules:
        expect(panel.locator(f"tr.rule-{rule}")).to_contain_text("terpenuhi")
    npwp = panel.locator("input[name=npwp][value=tidak]")
    if npwp.count():  # the tax question, when the benefit asks it
        npwp.check()
    panel.get_by_role("button", name="Setujui klaim").click()
    expect(page.locator("#manfaat .decision")).to_be_visible()
    assert Claim.objects.get(pk=claim.pk).state == "APPROVED"
    page.context.close()


def _told(chromium: Any, url: str, claim: Any, email: str) -> None:
    """The decision, delivered as the worker does it, is in the development inbox for the claimant."""
    from playwright.sync_api import expect
    from tests.notifications.conftest import run_queue

    from lapakasik.notifications.models import Notification

    outcomes = run_queue()
    assert "sent" in outcomes, outcomes
    assert Notification.objects.filter(claim=claim, event="claim_approved").exists()
    inbox = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID").new_page()
    inbox.goto(f"{url}/dev/inbox?to={email}")
    expect(inbox.locator("li.msg-email", has_text=f"Klaim {claim.code} disetujui")).to_have_count(1)
    inbox.context.close()


def test_the_widow_claims_jkm_with_the_heir_statement_and_is_told_the_decision(
        chromium: Any, phone_factory: Any, live_server: Any, settings: Any) -> None:
    from playwright.sync_api import expect

    from lapakasik.forms.models import FormResponse
    from lapakasik.intake.catalogue import claim_checklist
    from lapakasik.registry.models import DemoParticipant

    settings.PUBLIC_BASE_URL = settings.INTAKE_PUBLIC_BASE_URL = live_server.url
    world = _world(settings)
    dead = DemoParticipant.objects.filter(case="deceased").order_by("id").first()
    assert dead is not None and dead.date_of_death is not None
    widow = next(m for m in dead.family if m["relation"] == "spouse")
    children = [m for m in dead.family if m["relation"] == "child"]
    assert widow["date_of_death"] is None and len(children) == 2
    email = "janda.jkm@example.id"
    claim = _book(world["branch"], claim_type="JKM", claim_reason="DEATH", nik=widow["nik"], kpj="",
                  full_name=widow["full_name"], email=email, insured_nik=dead.nik, insured_kpj=dead.kpj)
    _employer_signs(claim, "formulir_4", {"nama_perusahaan": dead.employer, "npp": dead.employer_npp,
                                          "upah_terakhir": "6500000", "nama_petugas": "Hadi Wijaya",
                                          "jabatan_petugas": "HRD"})
    # one widow: nobody to represent, no power of attorney; no will declared yet: "bila berlaku"
    assert "surat_kuasa" not in {i.code for i in claim_checklist(claim).items}

    page = phone_factory()
    page.set_viewport_size({"width": 360, "height": 740})
    upload = live_server.url + _upload_path(claim)
    page.goto(upload)
    page.locator("#req-formulir_4 .online-form a").click()
    expect(page.locator("#section-ahli_waris")).to_be_visible()
    fits(page)
    sign_section(page, "ahli_waris", {"alamat": "Jl. Kenanga 5, Bandung", "bank": "BRI",
                                       "nomor_rekening": "001201234567"}, widow["full_name"])
    sign_section(page, "almarhum", {"tempat_meninggal": "Bandung", "sebab": "illness"}, widow["full_name"])
    page.locator("#section-daftar_ahli_waris a").click()
    # the heir statement lists the widow, then both children, from the registry's family data
    expect(page.locator("#id_nama_ahli_waris_1")).to_have_value(widow["full_name"])
    expect(page.locator("#id_hubungan_ahli_waris_1")).to_have_value("spouse")
    for n, child in enumerate(sorted(children, key=lambda c: c["birth_date"]), start=2):
        expect(page.locator(f"#id_nama_ahli_waris_{n}")).to_have_value(child["full_name"])
        expect(page.locator(f"#id_hubungan_ahli_waris_{n}")).to_have_value("child")
    fits(page)
    page.go_back()
    sign_section(page, "daftar_ahli_waris", {"wasiat": "tidak"}, widow["full_name"])
    expect(page.locator("#form-submitted")).to_be_visible()
    response = FormResponse.objects.get(claim=claim, form_code="formulir_4")
    assert response.status == "SUBMITTED" and response.document is not None
    assert response.document.source == "ONLINE_FORM"
    page.goto(upload)
    expect(page.locator("#req-formulir_4")).to_have_attribute("data-status", "received")

    _upload_the_rest(page, upload, claim)
    _officer_verifies_and_approves(chromium, live_server.url, world, claim,
                                   ("insured_deceased", "heir_known", "heir_order"))
    _told(chromium, live_server.url, claim, email)


def test_a_participant_at_pension_age_claims_jp_and_is_told_the_decision(
        chromium: Any, phone_factory: Any, live_server: Any, settings: Any) -> None:
    from playwright.sync_api import expect

    from lapakasik.claims.policy import JP_MONTHLY_MIN_MONTHS
    from lapakasik.forms.models import FormResponse
    from lapakasik.registry.models import DemoParticipant

    settings.PUBLIC_BASE_URL = settings.INTAKE_PUBLIC_BASE_URL = live_server.url
    world = _world(settings)
    person = DemoParticipant.objects.filter(case="age_56").order_by("id").first()
    assert person is not None and 0 < person.jp_contribution_months < JP_MONTHLY_MIN_MONTHS  # a lump sum
    email = "pensiun.jp@example.id"
    claim = _book(world["branch"], claim_type="JP", claim_reason="OLD_AGE", nik=person.nik, kpj=person.kpj,
                  full_name=person.full_name, email=email, benefit_form="lump_sum")
    _employer_signs(claim, "formulir_7", {"nama_perusahaan": person.employer, "npp": person.employer_npp,
                                          "berhenti_bekerja": "2026-11-30", "upah_terakhir": "7200000",
                                          "nama_petugas": "Hadi Wijaya", "jabatan_petugas": "HRD"})

    page = phone_factory()
    page.set_viewport_size({"width": 360, "height": 740})
    upload = live_server.url + _upload_path(claim)
    page.goto(upload)
    page.locator("#req-formulir_7 .online-form a").click()
    expect(page.locator("#section-pemohon")).to_be_visible()
    page.locator("#section-pemohon a").click()
    expect(page.locator("#id_nama_pemohon")).to_have_value(person.full_name)  # prefilled
    expect(page.locator("#id_hubungan")).to_have_value("self")
    page.go_back()
    sign_section(page, "pemohon", {"alamat": "Jl. Mawar 7, Bandung", "jenis_manfaat": "old_age",
                                    "pembayaran": "lump_sum", "bank": "BNI", "nomor_rekening": "0098765432"},
                  person.full_name)
    expect(page.locator("#form-submitted")).to_be_visible()
    assert FormResponse.objects.get(claim=claim, form_code="formulir_7").status == "SUBMITTED"

    _upload_the_rest(page, upload, claim)
    _officer_verifies_and_approves(chromium, live_server.url, world, claim, ("pension_age", "jp_benefit_form"))
    _told(chromium, live_server.url, claim, email)
