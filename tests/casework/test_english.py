"""The officer's pages and the participant's call-window page in English: an officer who switches the
language sees the queue and the claim in English, and so does a participant on the link we send."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from lapakasik.casework import services
from lapakasik.casework.models import CallWindowOffer
from lapakasik.core import clock
from lapakasik.core.codes import token_digest
from tests.casework.conftest import login

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_an_officer_who_chooses_english_works_in_english(client: Any, staff: Any, ready_claim: Any) -> None:
    claim = ready_claim()
    login(client, staff["officer"])
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/petugas/"})
    assert response.status_code == 302

    queue = _text(client.get("/petugas/"))
    assert "Work queue" in queue and "Take next" in queue and "Officer workload" in queue
    for indonesian in ("Antrean kerja", "Ambil berikutnya", "Beban petugas", "Cari (kode, NIK, nama)"):
        assert indonesian not in queue

    services.claim_take(user=staff["officer"], claim=claim)
    page = _text(client.get(f"/petugas/klaim/{claim.code}/"))
    assert "Request documents" in page and "Membership record" in page and "Confirmation" in page
    assert "Unreadable" in page and "Wrong document" in page  # the refusal reasons the officer picks from
    for indonesian in ("Antrean kerja", "Minta dokumen", "Data kepesertaan", "Riwayat klaim", "Tidak terbaca",
                       "Kartu Keluarga", "Halaman depan buku tabungan"):
        assert indonesian not in page


def test_the_default_stays_indonesian(client: Any, staff: Any, ready_claim: Any) -> None:
    claim = ready_claim()
    login(client, staff["officer"])
    queue = _text(client.get("/petugas/"))
    assert "Antrean kerja" in queue and "Work queue" not in queue
    services.claim_take(user=staff["officer"], claim=claim)
    page = _text(client.get(f"/petugas/klaim/{claim.code}/"))
    assert "Minta dokumen" in page and "Tidak terbaca" in page
    assert "Request documents" not in page and "Unreadable" not in page


def test_the_participant_picks_a_call_time_in_english(client: Any, staff: Any, ready_claim: Any) -> None:
    claim = ready_claim()
    services.claim_take(user=staff["officer"], claim=claim)
    claim.refresh_from_db()
    start = (clock.now() + timedelta(hours=24)).replace(second=0, microsecond=0)
    c = services.confirmation_schedule(user=staff["officer"], claims=[claim], channel="phone",
                                       window=services.Window(start, start + timedelta(minutes=30)))[0]
    services.confirmation_record(user=staff["officer"], confirmation_id=c.pk, outcome="asked_to_move")
    token = "t" + str(claim.pk) * 8
    CallWindowOffer.objects.filter(claim=claim).update(token_digest=token_digest(token))

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = _text(client.get(f"/panggilan/pilih/{token}/"))
    assert "Choose a time for your confirmation call" in page and f"Claim {claim.code}" in page
    assert "local time" in page
    assert "Pilih waktu konfirmasi" not in page and "akan menghubungi Anda" not in page

    assert client.get("/panggilan/pilih/not-a-token/").status_code == 404
