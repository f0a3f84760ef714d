"""The benefit decision in a real browser (Debian Chromium via Playwright): a verified JHT claim of
Rp 75,000,000 with NPWP; the officer opens the registry record on the claim page, reads every rule with its
facts and the amounts, approves; being above the four-eyes amount it waits until the branch supervisor
signs on the approvals page; the participant, on a phone, opens "Booking saya" with the one-time code and
reads the breakdown (tax Rp 1,250,000, net Rp 73,750,000) and gets the "approved" e-mail with the amount.
Another claim, of Rp 60,000,000 and without NPWP, shows the participant the 6 % rate on the part above
Rp 50,000,000 (tax Rp 600,000, net Rp 59,400,000)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from tests.benefits.conftest import KPJ, record
from tests.e2e.journey import OFFICER_PASSWORD, officer_signs_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NIK = "3174014505850002"


def _world(settings: Any, *, balance: int = 75_000_000) -> tuple[Any, dict[str, Any]]:
    from tests.accounts.factories import make_officer
    from tests.accounts.helpers import totp_device

    from lapakasik.benefits.seed import defaults_seed
    from lapakasik.booking.models import SlotQuota
    from lapakasik.booking.services import booking_create, slots_generate
    from lapakasik.branches.models import Branch
    from lapakasik.branches.seed import seed_demo
    from lapakasik.claims.models import Claim
    from lapakasik.claims.services import Actor, claim_transition
    from lapakasik.core import clock
    from lapakasik.intake.catalogue import catalogue_seed
    from lapakasik.notifications.services import template_defaults_install

    seed_demo()
    catalogue_seed()
    template_defaults_install()
    defaults_seed()  # transactional tests flush the data migration's rows
    settings.REGISTRY_ADAPTER = "lapakasik.registry.adapters.StaticRegistry"
    settings.REGISTRY_STATIC_RECORDS = [record(NIK, balance=balance)]
    branch = Branch.objects.exclude(region__code__iexact="DKI").order_by("code").first()
    people: dict[str, Any] = {}
    for name, role in (("budi", "officer"), ("kepala", "supervisor")):
        user = make_officer(name, role, branch=branch)
        user.set_password(OFFICER_PASSWORD)
        user.save()
        people[name] = (user, totp_device(user))
    slots_generate(branch_codes=[branch.code])
    slot = SlotQuota.objects.filter(branch=branch, starts_at__gt=clock.now() + timedelta(hours=2),
                                    closed=False).order_by("starts_at").first()
    made = booking_create(branch_code=branch.code, date=slot.date, session_start=f"{slot.session_start:%H:%M}",
                          claim_type="JHT", claim_reason="RESIGNED", nik=NIK, kpj=KPJ, full_name="Siti Rahayu",
                          email="siti@example.id", phone="+6281234567001", channels=["email"])
    # Its casework (documents, confirmation) is the officer journey's test; the verification itself goes
    # through the claim's life cycle, so the promised payment date is set as it is in production.
    Claim.objects.filter(pk=made.claim.pk).update(state="IN_REVIEW", assignee=people["budi"][0])
    made.claim.refresh_from_db()
    claim_transition(claim=made.claim, to="VERIFIED", actor=Actor.officer(people["budi"][0]), notify=False)
    made.claim.refresh_from_db()
    return made.claim, people




def _open_booking(phone: Any, url: str, code: str) -> None:
    """The participant opens "Booking saya" with the claim's code and the one-time code sent to them."""
    from lapakasik.notifications.models import Notification

    phone.goto(f"{url}/antrean/saya/")
    phone.fill("#id_code", code.lower())
    phone.get_by_role("button", name="Kirim kode sekali pakai").click()
    otp = Notification.objects.filter(claim__code=code, event="otp_code").order_by("-id").first()
    phone.fill("#id_otp", otp.context["otp"])
    phone.get_by_role("button", name="Buka booking").click()


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
    page = officer_signs_in(desk, live_server.url, username="budi", device=people["budi"][1])

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
    second = officer_signs_in(boss, live_server.url, username="kepala", device=people["kepala"][1])
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
    _open_booking(phone, live_server.url, claim.code)
    amounts = phone.locator("#amounts")
    expect(amounts).to_contain_text("Rp 75.000.000")
    expect(amounts).to_contain_text(re.compile(r"Pajak final 5% atas Rp 25\.000\.000"))
    expect(amounts).to_contain_text("Rp 1.250.000")
    expect(amounts).to_contain_text("Rp 73.750.000")
    expect(amounts).to_contain_text("dengan NPWP")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_claim_without_npwp_shows_the_6_percent_rate_on_the_part_above_50_million(
        chromium: Any, phone_factory: Any, live_server: Any, settings: Any) -> None:
    """At or below the four-eyes amount the officer's approval is final; without NPWP the participant reads
    6 % on the part above Rp 50,000,000, the amounts, and the promised payment date."""
    from playwright.sync_api import expect

    from lapakasik.benefits.models import Decision
    from lapakasik.claims.models import Claim
    from lapakasik.core.dates import long_date
    from lapakasik.notifications.models import Notification
    from lapakasik.payments.models import PaymentDue, PaymentInstruction

    settings.PUBLIC_BASE_URL = live_server.url
    settings.BENEFITS_FOUR_EYES_ABOVE = 100_000_000
    claim, people = _world(settings, balance=60_000_000)
    desk = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    desk.set_default_timeout(20000)
    page = officer_signs_in(desk, live_server.url, username="budi", device=people["budi"][1])
    page.goto(f"{live_server.url}/petugas/klaim/{claim.code}/")
    page.get_by_role("link", name="Buka data kepesertaan dan periksa kelayakan").click()
    panel = page.locator("#manfaat")
    # The officer sees both outcomes before choosing: 5 % or 6 % of the Rp 10,000,000 above the threshold.
    expect(panel.locator("table.amounts")).to_contain_text("5% × Rp 10.000.000 = Rp 500.000")
    expect(panel.locator("table.amounts")).to_contain_text("6% × Rp 10.000.000 = Rp 600.000")
    panel.locator("input[name=npwp][value=tidak]").check()
    panel.get_by_role("button", name="Setujui klaim").click()
    expect(page.locator("#manfaat .decision")).to_contain_text("6% (tanpa NPWP) Rp 600.000")
    assert Claim.objects.get(pk=claim.pk).state == "APPROVED"
    decision = Decision.objects.get(claim=claim)
    assert (decision.status, decision.rate_bp, decision.tax, decision.net) == ("final", 600, 600_000, 59_400_000)
    assert decision.second_by is None
    assert PaymentInstruction.objects.get(claim=claim).amount == 59_400_000
    approved = Notification.objects.get(claim=claim, event="claim_approved")
    due = PaymentDue.objects.get(claim=claim).due_on
    assert approved.context["amount"] == "59.400.000" and approved.context["transfer_date"] == long_date(due)

    phone = phone_factory()
    _open_booking(phone, live_server.url, claim.code)
    amounts = phone.locator("#amounts")
    expect(amounts).to_contain_text("Rp 60.000.000")
    expect(amounts).to_contain_text("sampai Rp 50.000.000")
    expect(amounts).to_contain_text(re.compile(r"Pajak final 6% atas Rp 10\.000\.000"))
    expect(amounts).to_contain_text("tanpa NPWP: tarif 20% lebih tinggi")
    expect(amounts).to_contain_text("− Rp 600.000")
    expect(amounts).to_contain_text("Rp 59.400.000")
    expect(amounts).not_to_contain_text("Pajak final 5%")
    expect(phone.locator("#payment-due")).to_have_text(long_date(due))
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
