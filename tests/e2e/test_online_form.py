"""Formulir 5 filled and signed on a phone (360 px wide): from the upload page's "Isi formulir online",
prefilled from the registry, a malformed NIK refused under its field, both sections signed, and the
checklist row met by the PDF — with no sideways scrolling on the way."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from tests.e2e.journey import fill, fits
from tests.forms.conftest import F5_PEMOHON, F5_PESERTA, KPJ, NIK, registry  # noqa: F401 - fixture re-used

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def form_claim(db: Any, registry: dict[str, Any]) -> Any:  # noqa: F811
    from tests.claims.factories import open_claim

    from lapakasik.branches.models import Branch
    from lapakasik.branches.seed import seed_demo
    from lapakasik.core import clock
    from lapakasik.intake.catalogue import catalogue_seed
    from lapakasik.intake.models import IntakeAccess
    from lapakasik.intake.services import intake_open

    seed_demo()
    catalogue_seed()
    branch = Branch.objects.exclude(region__code="DKI").order_by("code").first()
    claim = open_claim(branch=branch, nik=NIK, kpj=KPJ, full_name="Budi Santoso",
                       documents_due_at=clock.now() + timedelta(days=2))
    intake_open(claim=claim)
    claim.upload_path = f"/unggah/{IntakeAccess.objects.get(claim=claim, kind='upload').token}/"
    return claim






def test_formulir_5_on_a_phone(live_server: Any, phone: Any, form_claim: Any) -> None:
    from playwright.sync_api import expect

    page = phone
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + form_claim.upload_path)
    page.locator("#req-formulir_5 .online-form a").click()
    expect(page.locator("#section-pemohon")).to_be_visible()
    fits(page)
    page.locator("#section-pemohon a").click()
    expect(page.locator("#id_nama_pemohon")).to_have_value("Budi Santoso")
    fits(page)
    fill(page, {**F5_PEMOHON, "nik_pemohon": "123"})
    page.locator("button[value=save]").click()
    expect(page.locator("#error-nik_pemohon")).to_be_visible()
    fits(page)
    fill(page, F5_PEMOHON)
    page.locator("input[name=konfirmasi]").check()
    page.fill("#id_nama_tanda_tangan", "Budi Santoso")
    page.locator("button[value=sign]").click()
    expect(page.locator("#section-pemohon")).to_have_attribute("data-signed", "yes")
    page.locator("#section-peserta a").click()
    expect(page.locator("#id_tanggal_lahir")).to_have_value("1980-05-15")  # from the registry
    fill(page, {k: v for k, v in F5_PESERTA.items() if k not in {"tanggal_lahir", "mulai_bekerja", "berhenti_bekerja"}})
    page.locator("input[name=konfirmasi]").check()
    page.fill("#id_nama_tanda_tangan", "Budi Santoso")
    page.locator("button[value=sign]").click()
    expect(page.locator("#form-submitted")).to_be_visible()
    fits(page)
    page.goto(live_server.url + form_claim.upload_path)
    expect(page.locator("#req-formulir_5")).to_have_attribute("data-status", "received")
