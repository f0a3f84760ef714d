"""Fixtures of the forms tests: claims with intake open (intake's fixtures), a registry that knows the
insured worker, and helpers to fill a section through the participant's pages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.booking.pages_support import booking_world  # noqa: F401 - fixture re-used
from tests.intake.conftest import _fresh_rate_limits, _private_storage, make_claim  # noqa: F401 - fixtures re-used

NIK = "3174011505800001"
KPJ = "12345678901"
HEIR_NIK = "3174014402780002"


@pytest.fixture
def registry(settings: Any) -> dict[str, Any]:
    """A static registry holding the insured worker (employer, employment, a living wife)."""
    from lapakasik.registry import seed

    row = {k: v for k, v in seed.participant(0, date.today()).items() if k != "case"}
    row.update({"nik": NIK, "kpj": KPJ, "full_name": "Budi Santoso", "birth_date": "1980-05-15",
                "employer": "PT Maju Bersama", "employer_npp": "31001001", "membership_start": "2010-01-04",
                "membership_end": "2026-06-30", "family": [
                    {"relation": "spouse", "nik": HEIR_NIK, "full_name": "Sri Lestari", "birth_date": "1978-02-04"}],
                "accidents": []})
    settings.REGISTRY_ADAPTER = "lapakasik.registry.adapters.StaticRegistry"
    settings.REGISTRY_STATIC_RECORDS = [row]
    return row


def token_of(claim: Any) -> str:
    from lapakasik.intake.models import IntakeAccess

    return str(IntakeAccess.objects.get(claim=claim, kind="upload", revoked_at__isnull=True).token)


def form_url(claim: Any, code: str, section: str = "") -> str:
    return f"/formulir/{token_of(claim)}/{code}/" + (f"{section}/" if section else "")


F5_PEMOHON = {"nama_pemohon": "Budi Santoso", "nik_pemohon": NIK, "alamat": "Jl. Melati 3, Jakarta Timur",
              "telepon": "0812 3456 7890", "email": "budi@example.id", "hubungan": "self"}
F5_PESERTA = {"nama_peserta": "Budi Santoso", "nik_peserta": NIK, "kpj": KPJ, "tempat_lahir": "Bandung",
              "tanggal_lahir": "1980-05-15", "nama_ibu": "Aminah", "email_peserta": "",
              "perusahaan_terakhir": "PT Maju Bersama", "mulai_bekerja": "2010-01-04", "berhenti_bekerja": "2026-06-30",
              "alasan": "RESIGNED", "bank": "BRI", "nomor_rekening": "0123 4567 8901", "nama_rekening": "Budi Santoso"}


def sign(client: Any, claim: Any, code: str, section: str, data: dict[str, str], name: str = "Budi Santoso",
         **extra: str) -> Any:
    return client.post(form_url(claim, code, section),
                       {**data, "action": "sign", "konfirmasi": "ya", "nama_tanda_tangan": name, **extra})
