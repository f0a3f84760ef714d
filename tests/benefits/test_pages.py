"""The decision through the pages and the API, as people use them: the officer reads the rules and the
amounts on the claim page and approves; above the four-eyes amount the supervisor signs on the approvals
page; the participant then reads the breakdown at /antrean/saya/<code>/ and in GET /bookings/{code}, in
Indonesian and English. Malformed and misplaced requests change nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from tests.casework.conftest import login

from .conftest import KPJ

NIK = "3174014505850002"


@pytest.fixture
def booked(network: Any, branch: Any, staff: Any, registry: Any, defaults: None) -> Any:
    """A claim booked at ``branch`` the way participants book, then (its casework being casework's tests')
    VERIFIED and held by the officer. Returns (claim, participant access token)."""
    from lapakasik.booking.models import SlotQuota
    from lapakasik.booking.services import booking_create, slots_generate
    from lapakasik.claims.models import Claim
    from lapakasik.core import clock

    registry.put(NIK)
    slots_generate(branch_codes=[branch.code])
    slot = SlotQuota.objects.filter(branch=branch, starts_at__gt=clock.now() + timedelta(hours=2),
                                    closed=False).order_by("starts_at").first()
    made = booking_create(branch_code=branch.code, date=slot.date, session_start=f"{slot.session_start:%H:%M}",
                          claim_type="JHT", claim_reason="RESIGNED", nik=NIK, kpj=KPJ, full_name="Siti Rahayu",
                          email="siti@contoh.id", phone="+6281234567001", channels=["email"])
    Claim.objects.filter(pk=made.claim.pk).update(state="VERIFIED", assignee=staff["officer"])
    made.claim.refresh_from_db()
    return made.claim, made.access_token


def _grant(client: Any, code: str) -> None:
    """The participant's session grant for the booking (how it is earned — the one-time code — is booking's)."""
    from lapakasik.booking.access import AUTH_KEY
    from lapakasik.core import clock

    session = client.session
    session[AUTH_KEY] = {code: clock.now().timestamp() + 600}
    session.save()


def _state(claim: Any) -> str:
    claim.refresh_from_db()
    return str(claim.state)


@pytest.mark.django_db
def test_the_four_eyes_journey_through_the_pages(client: Any, staff: Any, booked: Any) -> None:
    claim, token = booked
    login(client, staff["officer"])
    page = client.get(f"/petugas/klaim/{claim.code}/").content.decode()
    assert "Buka data kepesertaan dan periksa kelayakan" in page and "Rp 73.750.000" not in page
    page = client.get(f"/petugas/klaim/{claim.code}/?kepesertaan=1").content.decode()
    for text in ("Kepesertaan sudah nonaktif", "Masa tunggu satu bulan", "terpenuhi", "Rp 75.000.000",
                 "Rp 1.250.000", "Rp 73.750.000", "Rp 1.500.000", "Rp 73.500.000", "PP 68/2009"):
        assert text in page, text
    r = client.post(f"/petugas/putusan/{claim.code}/setujui/", {"npwp": "ya"})
    assert r.status_code == 302 and r["Location"] == f"/petugas/klaim/{claim.code}/"
    assert _state(claim) == "VERIFIED"  # above the four-eyes amount: waits
    page = client.get(f"/petugas/klaim/{claim.code}/").content.decode()
    assert "menunggu persetujuan kedua" in page
    assert client.get("/petugas/persetujuan/").status_code == 403  # an officer signs no second approval

    boss = client.__class__()
    login(boss, staff["supervisor"])
    queue = boss.get("/petugas/persetujuan/").content.decode()
    assert claim.code in queue and "Rp 73.750.000" in queue
    r = boss.post(f"/petugas/putusan/{claim.code}/setujui-kedua/", {"next": "queue"})
    assert r.status_code == 302 and r["Location"] == "/petugas/persetujuan/"
    assert _state(claim) == "APPROVED"
    assert claim.code not in boss.get("/petugas/persetujuan/").content.decode()
    history = boss.get(f"/petugas/klaim/{claim.code}/").content.decode()
    assert "budi" in history and "kepala" in history and "persetujuan kedua" in history

    participant = client.__class__()
    _grant(participant, claim.code)
    mine = participant.get(f"/antrean/saya/{claim.code}/").content.decode()
    for text in ("Rincian manfaat", "Rp 75.000.000", "Rp 50.000.000", "Pajak final 5% atas Rp 25.000.000",
                 "Rp 1.250.000", "Rp 73.750.000", "dengan NPWP"):
        assert text in mine, text
    english = participant.get(f"/antrean/saya/{claim.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in ("Benefit breakdown", "Rp 73,750,000", "Final tax 5% on Rp 25,000,000", "with NPWP"):
        assert text in english, text
    api = participant.get(f"/api/v1/bookings/{claim.code}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert {k: api["amounts"][k] for k in ("gross", "tax", "net", "rate_percent", "has_npwp", "tax_free")} == {
        "gross": 75_000_000, "tax": 1_250_000, "net": 73_750_000, "rate_percent": "5", "has_npwp": True,
        "tax_free": 50_000_000}


@pytest.mark.django_db
def test_before_approval_the_participant_sees_no_amounts(client: Any, booked: Any) -> None:
    claim, token = booked
    _grant(client, claim.code)
    assert "Rincian manfaat" not in client.get(f"/antrean/saya/{claim.code}/").content.decode()
    assert client.get(f"/api/v1/bookings/{claim.code}", HTTP_AUTHORIZATION=f"Bearer {token}").json()["amounts"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("form", [{}, {"npwp": "mungkin"}, {"npwp": "ya", "percent": "abc"},
                                  {"npwp": "ya", "percent": "10"}, {"npwp": "ya", "percent": "-1"}])
def test_a_malformed_approval_form_changes_nothing(client: Any, staff: Any, booked: Any, form: dict[str, str]) -> None:
    from lapakasik.benefits.models import Decision

    claim, _token = booked
    login(client, staff["officer"])
    r = client.post(f"/petugas/putusan/{claim.code}/setujui/", form, follow=True)
    assert r.status_code == 200 and r.context["messages"] and _state(claim) == "VERIFIED"
    assert any(m.level_tag == "error" for m in r.context["messages"])
    assert not Decision.objects.filter(claim=claim).exists()


@pytest.mark.django_db
def test_pages_refuse_the_wrong_people(client: Any, staff: Any, booked: Any) -> None:
    from lapakasik.benefits.models import Decision

    claim, _token = booked
    login(client, staff["other"])  # an officer of another branch: the claim does not exist for them
    assert client.post(f"/petugas/putusan/{claim.code}/setujui/", {"npwp": "ya"}).status_code == 404
    front = client.__class__()
    login(front, staff["front_desk"])
    assert front.post(f"/petugas/putusan/{claim.code}/setujui/", {"npwp": "ya"}).status_code == 403
    login(client, staff["officer"])
    assert client.post(f"/petugas/putusan/{claim.code}/hapus/", {}).status_code == 404  # no such action
    assert client.get(f"/petugas/putusan/{claim.code}/setujui/").status_code == 405
    assert _state(claim) == "VERIFIED" and not Decision.objects.exists()


def _token(user: Any) -> dict[str, str]:
    from lapakasik.casework.services import api_token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='tes')}"}


def _post(client: Any, path: str, body: Any, auth: dict[str, str]) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json", **auth)


@pytest.mark.django_db
def test_the_api_with_personal_tokens(client: Any, staff: Any, booked: Any) -> None:
    claim, _t = booked
    officer, boss = _token(staff["officer"]), _token(staff["supervisor"])
    base = f"/api/v1/officer/claims/{claim.code}"
    e = client.get(f"{base}/eligibility", **officer).json()
    assert e["eligible"] and [r["rule"] for r in e["rules"]] == ["membership_active", "waiting_period"]
    assert (e["with_npwp"]["net"], e["without_npwp"]["tax"], e["four_eyes_above"]) == (73_750_000, 1_500_000, 50_000_000)
    r = _post(client, f"{base}/approve", {}, officer)  # well formed, but a JHT claim's tax needs the answer
    assert r.status_code == 409 and r.json()["error"]["code"] == "npwp_choice_required"
    for bad in ({"has_npwp": "mungkin"}, {"has_npwp": True, "extra": 1}, {"has_npwp": True, "percent": 0},
                {"has_npwp": True, "percent": 31}, {"has_npwp": True, "percent": 2.5}, [1]):
        r = _post(client, f"{base}/approve", bad, officer)
        assert r.status_code == 422, (bad, r.content)
    r = _post(client, f"{base}/approve", {"has_npwp": True, "percent": 10}, officer)
    assert r.status_code == 409 and "percent" in r.json()["error"]["fields"]  # a share only for a partial claim
    r = _post(client, f"{base}/approve", {"has_npwp": True}, officer)
    assert r.status_code == 200 and r.json()["decision"]["status"] == "pending" and r.json()["state"] == "VERIFIED"
    r = _post(client, f"{base}/approve", {"has_npwp": True}, officer)  # a double submit
    assert r.status_code == 409 and r.json()["error"]["code"] == "approval_pending"
    r = _post(client, f"{base}/second-approval", {"approve": True}, officer)
    assert r.status_code == 403
    listed = client.get("/api/v1/officer/approvals", **boss).json()
    assert [row["code"] for row in listed] == [claim.code] and listed[0]["decision"]["net"] == 73_750_000
    r = _post(client, f"{base}/second-approval", {"approve": True}, boss)
    assert r.status_code == 200 and r.json()["state"] == "APPROVED"
    d = r.json()["decision"]
    assert (d["decided_by"], d["second_by"], d["status"], d["tax"]) == ("budi", "kepala", "final", 1_250_000)
    r = _post(client, f"{base}/second-approval", {"approve": True}, boss)
    assert r.status_code == 409 and r.json()["error"]["code"] == "nothing_pending"
    other = _token(staff["other"])
    assert client.get(f"{base}/decision", **other).status_code == 404
    assert client.get(f"{base}/decision", **officer).json()["decision"]["net"] == 73_750_000


@pytest.mark.django_db
def test_the_api_reject_and_a_supervisor_cannot_sign_their_own(client: Any, staff: Any, booked: Any,
                                                               settings: Any) -> None:
    from lapakasik.claims.models import Claim

    claim, _t = booked
    boss = _token(staff["supervisor"])
    Claim.objects.filter(pk=claim.pk).update(assignee=staff["supervisor"])
    base = f"/api/v1/officer/claims/{claim.code}"
    assert _post(client, f"{base}/approve", {"has_npwp": False}, boss).json()["decision"]["rate_bp"] == 600
    r = _post(client, f"{base}/second-approval", {"approve": True}, boss)
    assert r.status_code == 409 and r.json()["error"]["code"] == "four_eyes_same_person"
    r = _post(client, f"{base}/second-approval", {"approve": False, "note": ""}, _token(staff["officer"]))
    assert r.status_code == 403
    boss2 = _token(__import__("tests.accounts.factories", fromlist=["make_officer"]).make_officer(
        "kepala2", "supervisor", branch=claim.branch))
    r = _post(client, f"{base}/second-approval", {"approve": False, "note": "cek NPWP"}, boss2)
    assert r.status_code == 200 and r.json()["state"] == "VERIFIED" and r.json()["decision"]["status"] == "declined"
    for bad, code in (({"reason": "NOPE!"}, 422), ({"reason": "nope"}, 409), ({"reason": "other"}, 409)):
        r = _post(client, f"{base}/reject-verified", bad, boss)
        assert r.status_code == code, (bad, r.content)
    r = _post(client, f"{base}/reject-verified", {"reason": "npwp_missing"}, boss)
    assert r.status_code == 200 and r.json()["state"] == "REJECTED"
    assert r.json()["decision"]["next_step"] == "Kirim NPWP Anda yang benar dan booking kembali."
