"""A small world for the employer side: the branch network, a static registry with two companies and four
workers (one of each company, one who left the own company, one the other company employs), the clock
fixed, and a company HR officer of the own company."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import Client, override_settings

from tests.accounts.factories import make_officer
from tests.accounts.helpers import officer_login

FIXED_NOW = datetime(2026, 12, 21, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB
OWN_NPP, OTHER_NPP = "31001001", "32002002"
OWN_HR, OTHER_HR = "hrd@maju-bersama.contoh.id", "hrd@sinar-jaya-abadi.contoh.id"


def _worker(i: int, employments: list[dict[str, Any]]) -> dict[str, Any]:
    from lapakasik.registry.seed import participant

    row = {k: v for k, v in participant(i, FIXED_NOW.date()).items() if k != "case"}
    row.update(employments=employments, employer_npp=employments[-1]["npp"], accidents=[], date_of_death=None,
               membership_end=None, active=True)
    return row


WORKERS = {
    "own": [{"npp": OWN_NPP, "start": "2020-01-01", "end": None}],
    "left": [{"npp": OWN_NPP, "start": "2018-01-01", "end": "2025-06-30"},
             {"npp": OTHER_NPP, "start": "2025-07-01", "end": None}],
    "other": [{"npp": OTHER_NPP, "start": "2019-03-01", "end": None}],
    "own2": [{"npp": OWN_NPP, "start": "2021-05-01", "end": None}],
}


@pytest.fixture
def registry() -> Any:
    rows = {name: _worker(i, employments) for i, (name, employments) in
            zip((3, 5, 7, 9), WORKERS.items(), strict=True)}
    employers = [
        {"npp": OWN_NPP, "name": "PT Maju Bersama", "address": "Jl. Gatot Subroto No. 12", "hr_emails": [OWN_HR, "personalia@maju-bersama.contoh.id"]},
        {"npp": OTHER_NPP, "name": "PT Sinar Jaya Abadi", "address": "Bandung", "hr_emails": [OTHER_HR]},
    ]
    with override_settings(REGISTRY_ADAPTER="lapakasik.registry.adapters.StaticRegistry",
                           REGISTRY_STATIC_RECORDS=list(rows.values()), REGISTRY_STATIC_EMPLOYERS=employers):
        yield rows


@pytest.fixture
def now(monkeypatch: Any) -> datetime:
    from lapakasik.core import clock

    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def branch(network: None) -> Any:
    from lapakasik.branches.models import Branch

    return Branch.objects.get(code="JKT01")


@pytest.fixture
def hr(network: None) -> Any:
    user = make_officer("hrd@maju-bersama.contoh.id", "employer_officer", npp=OWN_NPP)
    user.email, user.first_name = OWN_HR, "Rina Personalia"
    user.save()
    return user


@pytest.fixture
def other_hr(network: None) -> Any:
    user = make_officer("hrd@sinar-jaya-abadi.contoh.id", "employer_officer", npp=OTHER_NPP)
    user.email = OTHER_HR
    user.save()
    return user


@pytest.fixture
def hr_client(hr: Any) -> Client:
    return officer_login(Client(), hr)


def stage_one_form(worker: dict[str, Any], *, day: date | None = None, at: str = "08:30", **kw: Any) -> dict[str, Any]:
    return {"branch": "JKT01", "nik": worker["nik"], "kpj": worker["kpj"],
            "occurred_on": (day or date(2026, 12, 20)).isoformat(), "occurred_time": at, "kind": "workplace",
            "place": "Gudang B, lantai 2", "description": "Terjatuh dari tangga saat menurunkan barang.",
            "worker_phone": "081234567890", "worker_email": "pekerja@contoh.id", "worker_language": "id",
            **FORM3_COMPANY, **kw}


#: What stage I asks beyond the report for Formulir 3's company section, and the officer's signature.
FORM3_COMPANY = {"saksi_1": "Agus Salim", "saksi_2": "Dewi Lestari", "upah": "Rp 5.500.000",
                 "jabatan_petugas": "Staf Personalia", "konfirmasi": "on", "nama_tanda_tangan": "Rina Personalia"}
#: What stage II asks beyond the outcome for Formulir 3a's company section, and the signature.
FORM3A_COMPANY = {"hari_tidak_bekerja": "1", "biaya_pengobatan": "1.250.000", "biaya_pengangkutan": "",
                  "upah": "5500000", "jabatan_petugas": "Staf Personalia", "konfirmasi": "on",
                  "nama_tanda_tangan": "Rina Personalia"}
