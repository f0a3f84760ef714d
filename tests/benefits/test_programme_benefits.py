"""JKM and JP on the officer's panel and through the decision: the components of the rule in force with the
facts they used and their formulas (no JHT percentage, no tax), the approval paying the per-type net into
the payment instruction (JP: the first month of the pension), the participant's breakdown, and the rule rows'
valid-from dates."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from lapakasik.benefits.programmes import PP_82_2019_JKM
from tests.casework.conftest import login

from .test_programme_traces import DECEASED_NIK, WIDOW_NIK, _claim, _family, _panel

pytestmark = pytest.mark.django_db


def _jkm(registry: Any, staff: Any, branch: Any, **fields: Any) -> Any:
    registry.put(DECEASED_NIK, **{"date_of_death": date.today() - timedelta(days=30), "family": _family(), **fields})
    return _claim(staff, branch, "JKM", "DEATH", applicant_nik=WIDOW_NIK, heir=True)


def test_a_jkm_claim_s_panel_shows_the_jkm_components_and_no_jht_percentage(client: Any, network: None, branch: Any,
                                                                             staff: Any, registry: Any,
                                                                             defaults: None) -> None:
    claim = _jkm(registry, staff, branch)  # member since 2010; the child (born 2005) is under 23
    page = _panel(client, staff, claim)
    for text in ('class="component-jkm_lump_sum"', "Santunan sekaligus", "ketentuan: Rp 20.000.000",
                 'class="component-jkm_periodic"', "Santunan berkala (dibayar sekaligus)", "ketentuan: Rp 12.000.000",
                 'class="component-jkm_funeral"', "Biaya pemakaman", "ketentuan: Rp 10.000.000",
                 'class="component-jkm_scholarship"', "Anak yang masih hidup, di bawah 23 tahun: <strong>1</strong>",
                 "1 anak (paling banyak 2) × paling banyak Rp 87.000.000", "hak, tidak dibayar sekarang",
                 "Perhitungan manfaat hari ini (PP 82/2019)", "tidak dipotong pajak",
                 "Dibayar sekarang (neto)</th><td><strong>Rp 42.000.000</strong>", "Setujui klaim"):
        assert text in page, text
    for jht in ("Dengan NPWP", "Pajak final", "Bebas pajak", "dari saldo", 'name="npwp"'):
        assert jht not in page, jht
    english = _panel(client, staff, claim, "en")
    for text in ("Lump-sum benefit", "Funeral allowance", "rule: Rp 10,000,000", "not taxed",
                 "Children&#x27;s education scholarship"):
        assert text in english, text


def test_jkm_without_three_years_of_membership_has_no_scholarship(client: Any, network: None, branch: Any,
                                                                 staff: Any, registry: Any, defaults: None) -> None:
    claim = _jkm(registry, staff, branch, membership_start=date.today() - timedelta(days=400))
    page = _panel(client, staff, claim)
    assert "bulan &lt; 36 bulan: tidak berhak" in page and "Rp 42.000.000" in page


def test_approving_a_jkm_claim_pays_42_million_untaxed(client: Any, network: None, branch: Any, staff: Any,
                                                      registry: Any, defaults: None) -> None:
    from lapakasik.benefits.models import Decision
    from lapakasik.benefits.selectors import participant_breakdown
    from lapakasik.payments.models import PaymentInstruction

    claim = _jkm(registry, staff, branch)
    login(client, staff["officer"])
    client.get(f"/petugas/klaim/{claim.code}/?kepesertaan=1")
    r = client.post(f"/petugas/putusan/{claim.code}/setujui/", {})  # no NPWP question for JKM
    assert r.status_code == 302
    claim.refresh_from_db()
    assert claim.state == "APPROVED"
    d = Decision.objects.get(claim=claim)
    assert (d.gross, d.tax, d.net, d.tax_rule_id, d.has_npwp) == (42_000_000, 0, 42_000_000, None, None)
    assert d.benefit_rule is not None and d.benefit_rule.legal_basis == "PP 82/2019"
    assert [c["rule"] for c in d.components] == ["jkm_lump_sum", "jkm_periodic", "jkm_funeral", "jkm_scholarship"]
    assert PaymentInstruction.objects.get(claim=claim).amount == 42_000_000
    page = client.get(f"/petugas/klaim/{claim.code}/").content.decode()
    assert "Biaya pemakaman Rp 10.000.000" in page and "neto <strong>Rp 42.000.000</strong>" in page
    english = participant_breakdown(claim, "en")
    assert english is not None and english["taxed"] is False and english["net_text"] == "42,000,000"
    assert [c["title"] for c in english["components"]] == [
        "Lump-sum benefit", "Periodic allowance (paid at once)", "Funeral allowance"]


def test_a_jp_monthly_pension_is_decided_with_its_monthly_amount_and_pays_the_first_month(
        network: None, branch: Any, staff: Any, registry: Any, defaults: None) -> None:
    from lapakasik.benefits.services import claim_approve
    from lapakasik.payments.models import PaymentInstruction

    registry.put(DECEASED_NIK, birth_date=date(1960, 1, 1), jp_contribution_months=200, jp_average_wage=5_000_000)
    claim = _claim(staff, branch, "JP", "OLD_AGE", applicant_nik=DECEASED_NIK, heir=False)
    d = claim_approve(user=staff["officer"], claim=claim)
    # 1 % × 200/12 years × Rp 5,000,000 = Rp 833,333 a month
    assert (d.monthly_amount, d.net, d.tax) == (833_333, 833_333, 0)
    assert d.components[0]["formula"] == "1% × (200 ÷ 12) × Rp 5.000.000 = Rp 833.333"
    assert PaymentInstruction.objects.get(claim=claim).amount == 833_333


def test_a_jp_lump_sum_and_the_179th_month(client: Any, network: None, branch: Any, staff: Any, registry: Any,
                                           defaults: None) -> None:
    registry.put(DECEASED_NIK, birth_date=date(1960, 1, 1), jp_contribution_months=179, jp_average_wage=5_000_000)
    claim = _claim(staff, branch, "JP", "OLD_AGE", applicant_nik=DECEASED_NIK, heir=False)
    page = _panel(client, staff, claim)
    assert "179 × Rp 135.000 = Rp 24.165.000" in page and "Setujui klaim" in page
    assert 'class="component-jp_monthly"' not in page


def test_a_jp_monthly_pension_without_the_average_wage_cannot_be_approved(
        client: Any, network: None, branch: Any, staff: Any, registry: Any, defaults: None) -> None:
    from lapakasik.benefits.models import Decision
    from lapakasik.benefits.services import claim_approve
    from lapakasik.core.errors import Conflict

    registry.put(DECEASED_NIK, birth_date=date(1960, 1, 1), jp_contribution_months=180)
    claim = _claim(staff, branch, "JP", "OLD_AGE", applicant_nik=DECEASED_NIK, heir=False)
    page = _panel(client, staff, claim)
    assert "Rata-rata upah peserta tidak tercatat" in page and "Setujui klaim" not in page
    with pytest.raises(Conflict) as refused:
        claim_approve(user=staff["officer"], claim=claim)
    assert refused.value.code == "benefit_not_computable"
    assert not Decision.objects.filter(claim=claim).exists()


def test_the_rule_valid_on_the_branch_s_day_is_used_and_a_past_decision_keeps_its_own(
        client: Any, network: None, branch: Any, staff: Any, registry: Any, defaults: None) -> None:
    from lapakasik.benefits.models import BenefitRule, Decision
    from lapakasik.benefits.selectors import branch_today, calculation, registry_record
    from lapakasik.benefits.services import claim_approve

    claim = _jkm(registry, staff, branch)
    today = branch_today(claim)
    raised = {**PP_82_2019_JKM.as_params(), "lump_sum": 25_000_000}
    later = BenefitRule.objects.create(programme="JKM", valid_from=today + timedelta(days=1),
                                       legal_basis="PP baru", params=raised)
    assert "Rp 42.000.000</strong>" in _panel(client, staff, claim)  # tomorrow's rule is not today's
    d = claim_approve(user=staff["officer"], claim=claim)
    assert d.net == 42_000_000 and d.benefit_rule is not None and d.benefit_rule.legal_basis == "PP 82/2019"

    BenefitRule.objects.filter(pk=later.pk).update(valid_from=today)  # now it is in force
    calc, rule = calculation(claim, registry_record(claim))
    assert calc.total == 47_000_000 and rule is not None and rule.legal_basis == "PP baru"
    login(client, staff["officer"])
    page = client.get(f"/petugas/klaim/{claim.code}/").content.decode()
    assert "neto <strong>Rp 42.000.000</strong>" in page and "PP 82/2019" in page  # the decision keeps its rule
    assert Decision.objects.get(pk=d.pk).net == 42_000_000


@pytest.mark.parametrize("params", [
    {"lump_sum": 20_000_000},  # numbers missing
    {**PP_82_2019_JKM.as_params(), "funeral": -5},
    "twenty million",
])
def test_a_rule_row_the_calculation_cannot_read_is_never_stored(defaults: None, params: Any) -> None:
    from lapakasik.benefits.models import BenefitRule

    before = BenefitRule.objects.count()
    with pytest.raises(ValidationError):
        BenefitRule.objects.create(programme="JKM", valid_from=date(2030, 1, 1), legal_basis="x", params=params)
    assert BenefitRule.objects.count() == before


def test_the_api_gives_the_components_and_approves_without_npwp(client: Any, network: None, branch: Any, staff: Any,
                                                               registry: Any, defaults: None) -> None:
    claim = _jkm(registry, staff, branch)
    login(client, staff["officer"])
    body = client.get(f"/api/v1/officer/claims/{claim.code}/eligibility").json()
    assert body["with_npwp"] is None and body["benefit"]["total"] == 42_000_000
    assert [c["rule"] for c in body["benefit"]["components"]][:3] == ["jkm_lump_sum", "jkm_periodic", "jkm_funeral"]
    r = client.post(f"/api/v1/officer/claims/{claim.code}/approve", {}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["decision"]["net"] == 42_000_000 and r.json()["decision"]["legal_basis"] == "PP 82/2019"


def test_a_jkm_approval_above_the_four_eyes_amount_waits_for_the_supervisor(
        client: Any, settings: Any, network: None, branch: Any, staff: Any, registry: Any, defaults: None) -> None:
    from lapakasik.payments.models import PaymentInstruction

    settings.BENEFITS_FOUR_EYES_ABOVE = 40_000_000
    claim = _jkm(registry, staff, branch)
    login(client, staff["officer"])
    client.get(f"/petugas/klaim/{claim.code}/?kepesertaan=1")
    assert client.post(f"/petugas/putusan/{claim.code}/setujui/", {}).status_code == 302
    claim.refresh_from_db()
    assert claim.state == "VERIFIED" and not PaymentInstruction.objects.filter(claim=claim).exists()
    login(client, staff["supervisor"])
    queue = client.get("/petugas/persetujuan/").content.decode()
    assert f'id="approval-{claim.code}"' in queue and "JKM: tidak dipotong pajak" in queue
    assert "Rp 42.000.000" in queue
    client.post(f"/petugas/putusan/{claim.code}/setujui-kedua/", {"next": "queue"})
    claim.refresh_from_db()
    assert claim.state == "APPROVED" and PaymentInstruction.objects.get(claim=claim).amount == 42_000_000


def test_the_participant_reads_the_jp_lump_sum_untaxed_in_both_languages(
        client: Any, network: None, branch: Any, staff: Any, registry: Any, defaults: None) -> None:
    from lapakasik.benefits.services import claim_approve
    from lapakasik.booking.models import SlotQuota
    from lapakasik.booking.services import booking_create, slots_generate
    from lapakasik.claims.models import Claim
    from lapakasik.core import clock

    from .conftest import KPJ
    from .test_pages import NIK, _grant

    registry.put(NIK, birth_date=date(1960, 1, 1), jp_contribution_months=137)
    slots_generate(branch_codes=[branch.code])
    slot = SlotQuota.objects.filter(branch=branch, starts_at__gt=clock.now() + timedelta(hours=2),
                                    closed=False).order_by("starts_at").first()
    made = booking_create(branch_code=branch.code, date=slot.date, session_start=f"{slot.session_start:%H:%M}",
                          claim_type="JP", claim_reason="OLD_AGE", nik=NIK, kpj=KPJ, full_name="Siti Rahayu",
                          email="siti@contoh.id", phone="+6281234567001", channels=["email"])
    Claim.objects.filter(pk=made.claim.pk).update(state="VERIFIED", assignee=staff["officer"])
    claim_approve(user=staff["officer"], claim=Claim.objects.get(pk=made.claim.pk))
    _grant(client, made.claim.code)
    mine = client.get(f"/antrean/saya/{made.claim.code}/").content.decode()
    for text in ("Rincian manfaat", "Manfaat sekaligus (iuran kurang dari 180 bulan)", "Rp 18.495.000",
                 "tidak dipotong pajak"):
        assert text in mine, text
    assert "Pajak final" not in mine and "Bebas pajak" not in mine
    english = client.get(f"/antrean/saya/{made.claim.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Lump sum (fewer than 180 contribution months)" in english and "not taxed" in english
    assert "Rp 18,495,000" in english
    api = client.get(f"/api/v1/bookings/{made.claim.code}", HTTP_AUTHORIZATION=f"Bearer {made.access_token}")
    assert api.status_code == 200 and api.json()["amounts"]["net"] == 18_495_000 and api.json()["amounts"]["tax"] == 0
