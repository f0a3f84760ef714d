"""The benefit decision in a real browser (Debian Chromium via Playwright): a verified JHT claim of
Rp 75,000,000 with NPWP; the officer opens the registry record on the claim page, reads every rule with its
facts and the amounts, approves; being above the four-eyes amount it waits until the branch supervisor
signs on the approvals page; the participant, on a phone, opens "Booking saya" with the one-time code and
reads the breakdown (tax Rp 1,250,000, net Rp 73,750,000) and gets the "approved" e-mail with the amount."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from tests.benefits.conftest import KPJ, record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "kata-sandi-petugas-2026"
NIK = "3174014505850002"


def _world(settings: Any) -> tuple[Any, dict[str, Any]]:
    from tests.accounts.factories import make_officer
    from tests.accounts.helpers import totp_device

    from lapakasik.benefits.seed import defaults_seed
    from lapakasik.booking.models import SlotQuota
    from lapakasik.booking.services import booking_create, slots_generate
    from lapakasik.branches.models import Branch
    from lapakasik.branches.seed import seed_demo
    from lapakasik.claims.models import Claim
    from lapakasik.core import clock
    from lapakasik.intake.catalogue import catalogue_seed
    from lapakasik.notifications.services import template_defaults_install

    seed_demo()
    catalogue_seed()
    template_defaults_install()
    defaults_seed()  # transactional tests flush the data migration's rows
    settings.REGISTRY_ADAPTER = "lapakasik.registry.adapters.StaticRegistry"
    settings.REGISTRY_STATIC_RECORDS = [record(NIK, balance=75_000_000)]
    branch = Branch.objects.exclude(region__code__iexact="DKI").order_by("code").first()
    people: dict[str, Any] = {}
    for name, role in (("budi", "officer"), ("kepala", "supervisor")):
        user = make_officer(name, role, branch=branch)
        user.set_password(PASSWORD)
        user.save()
        people[name] = (user, totp_device(user))
    slots_generate(branch_codes=[branch.code])
    slot = SlotQuota.objects.filter(branch=branch, starts_at__gt=clock.now() + timedelta(hours=2),
                                    closed=False).order_by("starts_at").first()
    made = booking_create(branch_code=branch.code, date=slot.date, session_start=f"{slot.session_start:%H:%M}",
                          claim_type="JHT", claim_reason="RESIGNED", nik=NIK, kpj=KPJ, full_name="Siti Rahayu",
                          email="siti@example.id", phone="+6281234567001", channels=["email"])
    # Its casework (documents, confirmation, verification) is the officer journey's test.
    Claim.objects.filter(pk=made.claim.pk).update(state="VERIFIED", assignee=people["budi"][0])
    return made.claim, people


def _sign_in(context: Any, url: str, username: str, device: Any) -> Any:
    from tests.accounts.helpers import totp_code

    page = context.new_page()
    page.goto(f"{url}/petugas/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=code]", totp_code(device))
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/petugas/")
    return page


def test_an_approval_above_the_amount_needs_the_supervisor_and_the_participant_reads_the_breakdown(
        chromium: Any, phone_factory: Any, live_server: Any, settings: Any) -> None:
    from playwright.sync_api import expect

    from lapakasik.claims.models import Claim
    from lapakasik.notifications.models import Notification
    from lapakasik.payments.models import PaymentInstruction

    settings.PUBLIC_BASE_URL = live_server.url
    claim, people = _world(settings)
    desk = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    desk.set_default_timeout(20000)
    page = _sign_in(desk, live_server.url, "budi", people["budi"][1])

    page.goto(f"{live_server.url}/petugas/klaim/{claim.code}/")
    page.get_by_role("link", name="Buka data kepesertaan dan periksa kelayakan").click()
    panel = page.locator("#manfaat")
    expect(panel.locator("tr.rule-waiting_period")).to_contain_text("terpenuhi")
    expect(panel.locator("tr.rule-membership_active")).to_contain_text("Kepesertaan aktif: tidak")
    expect(panel.locator("table.amounts")).to_contain_text("Rp 1.250.000")
    expect(panel.locator("table.amounts")).to_contain_text("Rp 73.750.000")
    panel.locator("input[name=npwp][value=ya]").check()
    panel.get_by_role("button", name="Setujui klaim").click()
    expect(page.locator("#manfaat")).to_contain_text("menunggu persetujuan kedua")
    claim.refresh_from_db()
    assert claim.state == "VERIFIED" and not PaymentInstruction.objects.filter(claim=claim).exists()

    boss = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    boss.set_default_timeout(20000)
    second = _sign_in(boss, live_server.url, "kepala", people["kepala"][1])
    second.get_by_role("link", name="Persetujuan kedua").click()
    row = second.locator(f"#approval-{claim.code}")
    expect(row).to_contain_text("Rp 73.750.000")
    expect(row).to_contain_text("budi")
    row.get_by_role("button", name="Setujui").click()
    expect(second.locator("body")).to_contain_text("Persetujuan kedua tercatat.")
    expect(second.locator(f"#approval-{claim.code}")).to_have_count(0)
    assert Claim.objects.get(pk=claim.pk).state == "APPROVED"
    assert PaymentInstruction.objects.get(claim=claim).amount == 73_750_000
    approved = Notification.objects.get(claim=claim, event="claim_approved")
    assert approved.context["amount"] == "73.750.000" and approved.context["transfer_date"]

    phone = phone_factory()
    phone.goto(f"{live_server.url}/antrean/saya/")
    phone.fill("#id_code", claim.code.lower())
    phone.get_by_role("button", name="Kirim kode sekali pakai").click()
    otp = Notification.objects.filter(claim=claim, event="otp_code").order_by("-id").first()
    phone.fill("#id_otp", otp.context["otp"])
    phone.get_by_role("button", name="Buka booking").click()
    amounts = phone.locator("#amounts")
    expect(amounts).to_contain_text("Rp 75.000.000")
    expect(amounts).to_contain_text(re.compile(r"Pajak final 5% atas Rp 25\.000\.000"))
    expect(amounts).to_contain_text("Rp 1.250.000")
    expect(amounts).to_contain_text("Rp 73.750.000")
    expect(amounts).to_contain_text("dengan NPWP")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
