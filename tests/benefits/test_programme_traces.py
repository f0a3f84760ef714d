"""The officer's "Kelayakan dan manfaat" panel shows the JKM, JP and JKK rules with the registry facts they
used — the heir order checked against the applicant heir's NIK — and offers no approval while one says no."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

import pytest

from tests.casework.conftest import login

from .conftest import KPJ

DECEASED_NIK = "3174010101750001"
WIDOW_NIK, CHILD_NIK = "3174014402780002", "3174011003050003"
STRANGER_NIK = "3174011212800004"
NPP = "31001001"

pytestmark = pytest.mark.django_db


def _family() -> list[dict[str, Any]]:
    from lapakasik.registry.adapters import FamilyMember

    return [asdict(FamilyMember("spouse", WIDOW_NIK, "Sri Lestari", date(1978, 2, 4))),
            asdict(FamilyMember("child", CHILD_NIK, "Andi Santoso", date(2005, 3, 10)))]


def _claim(staff: Any, branch: Any, claim_type: str, reason: str, *, applicant_nik: str, heir: bool) -> Any:
    from lapakasik.claims.models import Claim
    from lapakasik.claims.parties import Insured, Role
    from tests.claims.factories import open_claim

    claim = open_claim(branch=branch, state="VERIFIED", claim_type=claim_type, claim_reason=reason, kpj=KPJ,
                       nik=applicant_nik, role=Role.HEIR if heir else Role.PARTICIPANT,
                       insured=Insured(nik=DECEASED_NIK, kpj=KPJ) if heir else None)
    Claim.objects.filter(pk=claim.pk).update(assignee=staff["officer"])
    claim.refresh_from_db()
    return claim


def _panel(client: Any, staff: Any, claim: Any, language: str = "id") -> str:
    login(client, staff["officer"])
    page = client.get(f"/petugas/klaim/{claim.code}/?kepesertaan=1", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    return page.content.decode()


def test_a_widow_s_jkm_claim_passes_the_heir_order(client: Any, network: None, branch: Any, staff: Any,
                                                   registry: Any, defaults: None) -> None:
    registry.put(DECEASED_NIK, date_of_death=date.today() - timedelta(days=30), family=_family())
    claim = _claim(staff, branch, "JKM", "DEATH", applicant_nik=WIDOW_NIK, heir=True)
    page = _panel(client, staff, claim)
    for text in ('class="rule-insured_deceased"', "Peserta tercatat meninggal dunia", 'class="rule-heir_known"',
                 "suami/istri (janda/duda)", 'class="rule-heir_order"', "Urutan ahli waris", "Setujui klaim"):
        assert text in page, text
    assert "belum</span>" not in page and WIDOW_NIK not in page and "Sri Lestari" not in page


def test_a_child_while_the_widow_lives_is_refused_with_the_reason(client: Any, network: None, branch: Any,
                                                                  staff: Any, registry: Any, defaults: None) -> None:
    registry.put(DECEASED_NIK, date_of_death=date.today() - timedelta(days=30), family=_family())
    claim = _claim(staff, branch, "JKM", "DEATH", applicant_nik=CHILD_NIK, heir=True)
    page = _panel(client, staff, claim)
    assert "Menurut urutan ahli waris, suami/istri (janda/duda) yang masih hidup berhak lebih dahulu" in page
    assert "Klaim belum dapat disetujui" in page and "Setujui klaim" not in page
    english = _panel(client, staff, claim, "en")
    assert "By the order of heirs, the living husband/wife (widower/widow) comes first" in english


@pytest.mark.parametrize(("applicant", "says"), [
    (STRANGER_NIK, "tidak tercatat sebagai keluarga peserta"),
    (DECEASED_NIK, "bukan atas nama peserta sendiri"),
])
def test_a_jkm_claim_by_someone_who_is_not_an_heir_is_refused(client: Any, network: None, branch: Any, staff: Any,
                                                               registry: Any, defaults: None, applicant: str,
                                                               says: str) -> None:
    registry.put(DECEASED_NIK, date_of_death=date.today() - timedelta(days=30), family=_family())
    claim = _claim(staff, branch, "JKM", "DEATH", applicant_nik=applicant, heir=applicant != DECEASED_NIK)
    page = _panel(client, staff, claim)
    assert says in page and "Setujui klaim" not in page


def _declare_will(claim: Any, document_status: str | None) -> None:
    """The heir statement says there is a will; the will itself sent (and reviewed: ``document_status``)."""
    import io

    from lapakasik.claims.services import Actor
    from lapakasik.core import clock
    from lapakasik.forms.definitions import HEIRS_SECTION
    from lapakasik.forms.models import FormResponse
    from lapakasik.intake.models import Document
    from lapakasik.intake.receive import document_receive
    from tests.intake.conftest import jpeg_bytes

    FormResponse.objects.create(claim=claim, form_code="formulir_4", version="2026.2", created_at=clock.now(),
                                updated_at=clock.now(), answers={HEIRS_SECTION.code: {"wasiat": "ya"}})
    if document_status is None:
        return
    from lapakasik.claims.models import Claim

    state = claim.state
    Claim.objects.filter(pk=claim.pk).update(state="AWAITING_DOCUMENTS")  # sent while it accepted documents
    claim.refresh_from_db()
    got = document_receive(claim=claim, fileobj=io.BytesIO(jpeg_bytes(seed=claim.pk)), filename="wasiat.jpg",
                           declared_type="image/jpeg", source="WEB", requirement_code="surat_wasiat",
                           actor=Actor.participant())
    assert got.outcome == "received", got.reason_code
    Document.objects.filter(claim=claim, requirement__code="surat_wasiat").update(status=document_status)
    Claim.objects.filter(pk=claim.pk).update(state=state)
    claim.refresh_from_db()


@pytest.mark.parametrize(("document_status", "heir"), [
    (None, False), ("RECEIVED", False), ("REFUSED", False), ("ACCEPTED", True),
])
def test_someone_outside_the_family_is_an_heir_only_once_the_officer_accepted_the_will(
        client: Any, network: None, branch: Any, staff: Any, registry: Any, defaults: None,
        document_status: str | None, heir: bool) -> None:
    from lapakasik.benefits.selectors import claim_claimant

    registry.put(DECEASED_NIK, date_of_death=date.today() - timedelta(days=30), family=[])
    claim = _claim(staff, branch, "JKM", "DEATH", applicant_nik=STRANGER_NIK, heir=True)
    _declare_will(claim, document_status)
    assert claim_claimant(claim).named_in_will is heir  # type: ignore[union-attr]
    page = _panel(client, staff, claim)
    assert ("tidak tercatat sebagai keluarga peserta" not in page) is heir
    assert ("penerima wasiat" in page) is heir


def test_a_jkm_claim_for_a_living_participant_is_refused(client: Any, network: None, branch: Any, staff: Any,
                                                         registry: Any, defaults: None) -> None:
    registry.put(DECEASED_NIK, family=_family())
    claim = _claim(staff, branch, "JKM", "DEATH", applicant_nik=WIDOW_NIK, heir=True)
    page = _panel(client, staff, claim)
    assert "peserta ini masih hidup" in page and "Setujui klaim" not in page


def test_a_jp_claim_at_pension_age_shows_the_lump_sum(client: Any, network: None, branch: Any, staff: Any,
                                                      registry: Any, defaults: None) -> None:
    registry.put(DECEASED_NIK, birth_date=date(1960, 1, 1), jp_contribution_months=137)
    claim = _claim(staff, branch, "JP", "OLD_AGE", applicant_nik=DECEASED_NIK, heir=False)
    page = _panel(client, staff, claim)
    for text in ("Usia pensiun 56 tahun", "Masa iuran JP (bulan): <strong>137</strong>",
                 "Bentuk manfaat: <strong>manfaat sekaligus</strong>", "Setujui klaim"):
        assert text in page, text


def test_a_jp_claim_before_pension_age_gives_the_date(client: Any, network: None, branch: Any, staff: Any,
                                                      registry: Any, defaults: None) -> None:
    birth = date.today().replace(year=date.today().year - 50, month=1, day=1)
    registry.put(DECEASED_NIK, birth_date=birth, jp_contribution_months=100)
    claim = _claim(staff, branch, "JP", "OLD_AGE", applicant_nik=DECEASED_NIK, heir=False)
    page = _panel(client, staff, claim)
    assert "Jaminan Pensiun hari tua bisa diajukan saat Anda mencapai usia pensiun 56 tahun" in page
    assert "Setujui klaim" not in page


def test_a_jkk_claim_shows_the_registry_s_accident_report(client: Any, network: None, branch: Any, staff: Any,
                                                registry: Any, defaults: None) -> None:
    day = date.today() - timedelta(days=5)
    registry.put(DECEASED_NIK, active=True, membership_end=None, employer_npp=NPP,
                 employments=[{"npp": NPP, "start": date(2015, 1, 1), "end": None}],
                 accidents=[{"occurred_on": day, "npp": NPP, "kind": "road"}])
    claim = _claim(staff, branch, "JKK", "ACCIDENT", applicant_nik=DECEASED_NIK, heir=False)
    page = _panel(client, staff, claim)
    for text in ("Laporan kecelakaan kerja dari perusahaan", f"NPP perusahaan pelapor: <strong>{NPP}</strong>",
                 "kecelakaan lalu lintas", "Peserta bekerja di perusahaan pelapor pada hari kejadian",
                 "Sumber laporan kecelakaan: <strong>data kepesertaan</strong>",
                 # the rules pass, but the benefit needs the employer's stage II figures
                 "Laporan tahap II perusahaan (Formulir 3a) belum ada",
                 "Klaim belum dapat disetujui selama manfaatnya belum dapat dihitung"):
        assert text in page, text
    assert "Setujui klaim" not in page


def test_a_jkk_claim_without_a_report_cannot_be_approved(client: Any, network: None, branch: Any, staff: Any,
                                                         registry: Any, defaults: None) -> None:
    registry.put(DECEASED_NIK, active=True, membership_end=None)
    claim = _claim(staff, branch, "JKK", "ACCIDENT", applicant_nik=DECEASED_NIK, heir=False)
    page = _panel(client, staff, claim)
    assert "Belum ada laporan kecelakaan kerja dari perusahaan" in page and "Setujui klaim" not in page


@pytest.mark.parametrize(("applicant", "alive", "rules"), [
    (CHILD_NIK, False, ["heir_order"]),  # the widow lives
    (STRANGER_NIK, False, ["heir_known"]),
    (WIDOW_NIK, True, ["insured_deceased"]),  # the registry shows the participant alive
])
def test_the_approval_service_refuses_what_the_heir_rules_refuse(network: None, branch: Any, staff: Any,
                                                                 registry: Any, defaults: None, applicant: str,
                                                                 alive: bool, rules: list[str]) -> None:
    from lapakasik.benefits.models import Decision
    from lapakasik.benefits.services import claim_approve
    from lapakasik.core.errors import Conflict

    death = None if alive else date.today() - timedelta(days=30)
    registry.put(DECEASED_NIK, date_of_death=death, family=_family())
    claim = _claim(staff, branch, "JKM", "DEATH", applicant_nik=applicant, heir=True)
    events = claim.events.count()
    with pytest.raises(Conflict) as refused:
        claim_approve(user=staff["officer"], claim=claim, has_npwp=True)
    assert refused.value.code == "not_eligible" and refused.value.extra["rules"] == rules
    claim.refresh_from_db()
    assert claim.state == "VERIFIED" and claim.events.count() == events
    assert not Decision.objects.filter(claim=claim).exists()
