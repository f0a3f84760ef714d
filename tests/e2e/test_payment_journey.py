"""Issue #13's journey to the money, in a real browser (Debian Chromium via Playwright): a verified JHT
claim of Rp 75,000,000 with NPWP; the participant gives the bank account on "Booking saya"; the officer
checks it against the bank book and approves, the supervisor signs the second approval (above the
four-eyes amount); the participant reads the breakdown (tax Rp 1,250,000, net Rp 73,750,000); the supervisor
closes the day's batch, downloads the bank's CSV and imports the bank's result file; the participant
receives "paid" with the amount and the masked account (the e-mail carries its authenticity code, which
``/cek-pesan/`` confirms, and no link asking for a password or a one-time code), and the page says paid."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import pytest
from tests.e2e.journey import officer_signs_in
from tests.e2e.test_decision_journey import _open_booking, _world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_approved_batched_paid_and_the_participant_told(
        chromium: Any, phone_factory: Any, live_server: Any, settings: Any, tmp_path: Any) -> None:
    from playwright.sync_api import expect

    from lapakasik.claims.models import Claim
    from lapakasik.core.dates import long_date
    from lapakasik.notifications.delivery import notification_dispatch
    from lapakasik.notifications.models import Notification
    from lapakasik.payments import bankfiles
    from lapakasik.payments.models import PaymentDue

    settings.PUBLIC_BASE_URL = live_server.url
    claim, people = _world(settings)

    phone = phone_factory()
    _open_booking(phone, live_server.url, claim.code)
    phone.locator("#account-link").click()
    phone.select_option("#id_bank_code", "014")
    phone.fill("#id_account_number", "1234-567-890")
    phone.fill("#id_holder_name", "Ibu SITI RAHAYU")
    phone.locator("#save-account").click()
    expect(phone.locator("#payment-account")).to_contain_text("******7890")
    assert "1234567890" not in phone.content()

    desk = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    desk.set_default_timeout(20000)
    page = officer_signs_in(desk, live_server.url, username="budi", device=people["budi"][1])
    page.goto(f"{live_server.url}/petugas/klaim/{claim.code}/")
    expect(page.locator("#officer-account")).to_contain_text("1234567890")
    page.locator("#payment input[name=result][value=matches]").check()
    page.locator("#check-account").click()
    expect(page.locator("#officer-account-check")).to_contain_text("Sesuai buku tabungan")
    page.get_by_role("link", name="Buka data kepesertaan dan periksa kelayakan").click()
    panel = page.locator("#manfaat")
    panel.locator("input[name=npwp][value=ya]").check()
    panel.get_by_role("button", name="Setujui klaim").click()
    expect(page.locator("#manfaat")).to_contain_text("menunggu persetujuan kedua")

    boss = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID", accept_downloads=True)
    boss.set_default_timeout(20000)
    second = officer_signs_in(boss, live_server.url, username="kepala", device=people["kepala"][1])
    second.get_by_role("link", name="Persetujuan kedua").click()
    second.locator(f"#approval-{claim.code}").get_by_role("button", name="Setujui").click()
    expect(second.locator("body")).to_contain_text("Persetujuan kedua tercatat.")
    assert Claim.objects.get(pk=claim.pk).state == "APPROVED"

    phone.goto(f"{live_server.url}/antrean/saya/{claim.code}/")
    expect(phone.locator("#amounts")).to_contain_text("Rp 1.250.000")
    expect(phone.locator("#amounts")).to_contain_text("Rp 73.750.000")
    # The expected payment date (the branch's working days after verification) and the masked account.
    due = PaymentDue.objects.get(claim=claim).due_on
    expect(phone.locator("#payment-due")).to_have_text(long_date(due))
    expect(phone.locator("#payment-account")).to_contain_text("******7890")
    expect(phone.locator("#payment-check")).to_contain_text("Sesuai buku tabungan")

    second.goto(f"{live_server.url}/petugas/pembayaran/")
    expect(second.locator("#ready-summary")).to_contain_text("1 dari 1 siap dibayar")
    second.locator("#close-batch").click()
    expect(second.locator("tr.batch")).to_have_count(1)
    with second.expect_download() as download:
        second.locator("tr.batch").get_by_role("link", name="CSV").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert rows[-1] == ["T", "1", "73750000"]
    header, (detail,) = rows[0], [r for r in rows if r[0] == "D"]
    assert detail[3:6] == ["1234567890", "Ibu SITI RAHAYU", "73750000"]
    result = tmp_path / "hasil-bank.csv"
    result.write_bytes(bankfiles.result_csv(batch_reference=header[1], lines=[
        (detail[1], True, 73_750_000, date(2026, 12, 3), "", "")]))
    second.locator("tr.batch input[type=file]").set_input_files(str(result))
    second.locator("tr.batch .import-result").click()
    expect(second.locator("body")).to_contain_text("Hasil bank diterapkan: 1 dibayar, 0 gagal.")
    assert Claim.objects.get(pk=claim.pk).state == "PAID"

    paid = Notification.objects.get(claim=claim, event="claim_paid")
    assert paid.context["amount"] == "73.750.000" and paid.context["bank_account_masked"] == "******7890"
    assert "3 Desember 2026" in paid.context["paid_date"]
    phone.goto(f"{live_server.url}/antrean/saya/{claim.code}/")
    expect(phone.locator("#payment-status")).to_contain_text("Dibayar")
    expect(phone.locator("#payment-status")).to_contain_text("Rp 73.750.000")
    expect(phone.locator("#payment-account")).to_contain_text("******7890")
    assert "1234567890" not in phone.content()

    # The "paid" e-mail as the participant receives it: the amount, the masked account, its authenticity
    # code, and no link that asks for anything; the code checks out on /cek-pesan/.
    notification_dispatch(notification_id=paid.pk)  # the worker's task; a no-op when it has already run
    paid.refresh_from_db()
    assert paid.status == "SENT" and paid.subject == f"Klaim {claim.code} telah dibayar"
    body = paid.body_text  # the text as it was handed to the channel
    code = f"{paid.verification_code[:4]}-{paid.verification_code[4:]}"
    assert "Rp 73.750.000" in body and "******7890" in body and "1234567890" not in body
    assert f"Kode keaslian pesan: {code}" in body
    links = re.findall(r"https?://\S+", body)
    assert links and all(link.startswith(f"{live_server.url}/cek-pesan/") for link in links), links
    phone.goto(f"{live_server.url}/cek-pesan/")
    phone.fill("input[name=kode]", code)
    phone.locator("form button[type=submit]").click()
    expect(phone.locator("body")).to_contain_text("asli dari Lapak Asik")
