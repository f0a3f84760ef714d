"""A double tap on the last "Tanda tangani" as two requests at once (PostgreSQL row locks): one signature,
one PDF in the claim; the other request is refused because the section is signed by then."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from lapakasik.claims.services import Actor
from lapakasik.core.errors import Conflict
from lapakasik.forms.models import FormResponse
from lapakasik.forms.services import claim_form, form_section_sign
from lapakasik.intake.models import Document, Source

from .conftest import F5_PEMOHON, F5_PESERTA, KPJ, NIK


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_last_signature_twice_at_once_submits_once(make_claim: Any, registry: dict[str, Any]) -> None:
    claim = make_claim(nik=NIK, kpj=KPJ, full_name="Budi Santoso")
    form = claim_form(claim, "formulir_5")
    kw = {"claim": claim, "definition": form, "party": "participant", "typed_name": "Budi Santoso", "confirmed": True,
          "signer_name": "Budi Santoso", "actor": Actor.participant()}
    form_section_sign(section_code="pemohon", data=F5_PEMOHON, **kw)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def tap() -> None:
        try:
            barrier.wait(timeout=30)  # a thread that failed before it must not hang the others
            form_section_sign(section_code="peserta", data=F5_PESERTA, **kw)
            outcomes.append("signed")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["form_submitted", "signed"] or sorted(outcomes) == ["section_signed", "signed"]
    assert FormResponse.objects.get(claim=claim).status == "SUBMITTED"
    assert Document.objects.filter(claim=claim, source=Source.ONLINE_FORM).count() == 1
