"""The pages and the API: the participant gives the account (page and API, masked back), the officer
checks it on the claim page (unmasked only there), the supervisor closes the batch, downloads its files
and imports the bank's result."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from tests.accounts.helpers import officer_login

from .conftest import approve, give_account

pytestmark = pytest.mark.django_db


def _participant(claim: Any) -> Client:
    from lapakasik.booking.access import AUTH_KEY
    from lapakasik.core import clock

    client = Client()
    session = client.session
    session[AUTH_KEY] = {claim.code: clock.now().timestamp() + 600}
    session.save()
    return client


def test_the_participant_gives_the_account_on_the_booking_page_and_sees_it_masked(
        booked_verified: Any, caplog: Any) -> None:
    from lapakasik.claims.selectors import claim_applicant
    from lapakasik.payments.models import BankAccount

    claim = booked_verified()
    name = claim_applicant(claim).full_name
    client = _participant(claim)
    page = client.get(f"/antrean/saya/{claim.code}/")
    assert page.status_code == 200 and "Isi rekening bank" in page.content.decode()
    bad = client.post(f"/antrean/saya/{claim.code}/rekening/", {
        "bank_code": "014", "account_number": "12345ABCDE", "holder_name": name})
    assert bad.status_code == 422 and "hanya berisi angka" in bad.content.decode()
    other = client.post(f"/antrean/saya/{claim.code}/rekening/", {
        "bank_code": "014", "account_number": "1234567890", "holder_name": "Budi Santosa Wijaya"})
    assert other.status_code == 422 and "nama pemohon" in other.content.decode()
    assert not BankAccount.objects.exists()
    ok = client.post(f"/antrean/saya/{claim.code}/rekening/", {
        "bank_code": "014", "account_number": "1234567890", "holder_name": "Bpk. " + name.upper() + ", S.E."})
    assert ok.status_code == 302 and ok["Location"] == f"/antrean/saya/{claim.code}/"
    page = client.get(f"/antrean/saya/{claim.code}/").content.decode()
    assert "******7890" in page and "1234567890" not in page
    assert "belum diperiksa petugas" in page.lower()
    assert "1234567890" not in caplog.text


def test_without_a_grant_the_account_page_sends_to_booking_saya(verified_claim: Any) -> None:
    claim = verified_claim()
    r = Client().post(f"/antrean/saya/{claim.code}/rekening/", {
        "bank_code": "014", "account_number": "1234567890", "holder_name": "Siti Rahayu"})
    assert r.status_code == 302 and r["Location"] == "/antrean/saya/"


def _api_client(claim: Any) -> tuple[Client, dict[str, str]]:
    from lapakasik.claims.models import Claim
    from lapakasik.core.codes import token_digest

    token = "tok-payments-api-" + claim.code
    Claim.objects.filter(pk=claim.pk).update(access_token_digest=token_digest(token))
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.parametrize("body, field, status", [
    ({"bank_code": "014", "account_number": "12345678901", "holder_name": "Siti Rahayu"}, "account_number", 409),
    ({"bank_code": "999", "account_number": "1234567890", "holder_name": "Siti Rahayu"}, "bank_code", 409),
    ({"bank_code": "014", "account_number": "1234567890", "holder_name": "S1ti"}, "holder_name", 409),
    ({"bank_code": "014", "account_number": "1234567890", "holder_name": "Budi Santoso"}, "holder_name", 409),
    ({"bank_code": "14", "account_number": "1234567890", "holder_name": "Siti Rahayu"}, "bank_code", 422),
    ({"bank_code": "014", "account_number": "1234567890", "holder_name": "Siti Rahayu", "x": 1}, "x", 422),
    ({"bank_code": "014", "account_number": 1234567890, "holder_name": "Siti Rahayu"}, "account_number", 422),
])
def test_the_api_refuses_a_bad_account_with_the_field_named(verified_claim: Any, body: dict[str, Any],
                                                             field: str, status: int) -> None:
    from lapakasik.payments.models import BankAccount

    claim = verified_claim()
    client, auth = _api_client(claim)
    r = client.put(f"/api/v1/claims/{claim.code}/bank-account", json.dumps(body), content_type="application/json",
                   **auth)  # type: ignore[arg-type]
    assert r.status_code == status, r.content  # 422: the document refuses it; 409: the rules beyond it
    assert field in r.json()["error"]["fields"]
    assert not BankAccount.objects.exists()


def test_the_api_saves_the_account_and_answers_it_masked_with_the_promised_date(verified_claim: Any) -> None:
    claim = verified_claim()
    client, auth = _api_client(claim)
    body = {"bank_code": "002", "account_number": "1234 5678 9012 345", "holder_name": "SITI RAHAYU"}
    r = client.put(f"/api/v1/claims/{claim.code}/bank-account", json.dumps(body), content_type="application/json",
                   **auth)  # type: ignore[arg-type]
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["bank_account"]["account_number"] == "***********2345"
    assert out["bank_account"]["check"] == "unchecked" and not out["ready"]
    assert Client().get(f"/api/v1/claims/{claim.code}/payment").status_code == 401
    assert client.get("/api/v1/claims/ZZZZZZZZ/payment", **auth).status_code == 401  # type: ignore[arg-type]
    banks = Client().get("/api/v1/banks").json()
    assert {"code": "002", "name": "Bank Rakyat Indonesia (BRI)", "account_lengths": [15]} in banks


def test_the_officer_checks_the_account_on_the_claim_page(verified_claim: Any, staff: dict[str, Any]) -> None:
    from lapakasik.payments.models import BankAccount

    claim = verified_claim()
    give_account(claim, check=False)
    officer = officer_login(Client(), staff["officer"])
    page = officer.get(f"/petugas/klaim/{claim.code}/").content.decode()
    assert "1234567890" in page and "Pembayaran ditahan" in page
    regional = officer_login(Client(), staff["regional"]).get(f"/petugas/klaim/{claim.code}/").content.decode()
    assert "1234567890" not in regional and "******7890" in regional
    r = officer.post(f"/petugas/klaim/{claim.code}/rekening/periksa/", {"result": "differs", "note": ""})
    assert r.status_code == 302 and BankAccount.objects.get().check_result == "unchecked"
    officer.post(f"/petugas/klaim/{claim.code}/rekening/periksa/", {"result": "matches"})
    assert BankAccount.objects.get().check_result == "matches"


def test_the_supervisor_closes_downloads_and_imports_through_the_pages(
        verified_claim: Any, branch: Any, staff: dict[str, Any]) -> None:
    from lapakasik.claims.models import Claim
    from lapakasik.payments import bankfiles
    from lapakasik.payments.models import PaymentBatch

    claim = verified_claim()
    give_account(claim, officer=staff["officer"])
    instr = approve(claim, amount=73_750_000)
    boss = officer_login(Client(), staff["supervisor"])
    page = boss.get("/petugas/pembayaran/").content.decode()
    assert "1 dari 1 siap dibayar" in page
    assert boss.post("/petugas/pembayaran/tutup/", {"cabang": branch.code}).status_code == 302
    batch = PaymentBatch.objects.get()
    csv = boss.get(f"/petugas/pembayaran/batch/{batch.reference}/csv/")
    assert csv["Content-Disposition"] == f'attachment; filename="{batch.reference}.csv"'
    assert csv.content.decode().splitlines()[-1] == "T,1,73750000"
    pdf = boss.get(f"/petugas/pembayaran/batch/{batch.reference}/pdf/")
    assert pdf.content[:5] == b"%PDF-"
    result = bankfiles.result_csv(batch_reference=batch.reference,
                                  lines=[(instr.reference, True, 73_750_000, date(2026, 12, 3), "", "")])
    upload = io.BytesIO(result)
    upload.name = "hasil.csv"
    r = boss.post(f"/petugas/pembayaran/batch/{batch.reference}/hasil/", {"file": upload})
    assert r.status_code == 302
    assert Claim.objects.get(pk=claim.pk).state == "PAID"
    again = io.BytesIO(result)
    again.name = "hasil.csv"
    r = boss.post(f"/petugas/pembayaran/batch/{batch.reference}/hasil/", {"file": again}, follow=True)
    assert "sudah diimpor" in r.content.decode()


def test_the_api_result_import_refuses_a_file_that_does_not_reconcile(
        verified_claim: Any, branch: Any, staff: dict[str, Any]) -> None:
    from lapakasik.payments import bankfiles
    from lapakasik.payments.batches import batch_close

    claim = verified_claim()
    give_account(claim, officer=staff["officer"])
    instr = approve(claim, amount=1000)
    batch = batch_close(branch=branch, user=staff["supervisor"])
    boss = officer_login(Client(), staff["supervisor"])
    content = bankfiles.result_csv(batch_reference=batch.reference,
                                   lines=[(instr.reference, True, 999, date(2026, 12, 3), "", "")])
    r = boss.post(f"/api/v1/officer/payments/batches/{batch.reference}/result", content, content_type="text/csv")
    assert r.status_code == 422, r.content
    assert any("Total tidak cocok" in m for m in r.json()["error"]["fields"]["file"])
    ok = bankfiles.result_csv(batch_reference=batch.reference,
                              lines=[(instr.reference, True, 1000, date(2026, 12, 3), "", "")])
    r = boss.post(f"/api/v1/officer/payments/batches/{batch.reference}/result", ok, content_type="text/csv")
    assert r.status_code == 200 and r.json()["paid"] == 1
    r = boss.post(f"/api/v1/officer/payments/batches/{batch.reference}/result", ok, content_type="text/csv")
    assert r.status_code == 409 and r.json()["error"]["code"] == "batch_already_settled"
