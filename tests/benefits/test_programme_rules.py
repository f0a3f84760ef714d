"""The JKM, JP and JKK benefit rules, pure (``benefits.programmes``): the regulation's figures, the
boundaries (JP 179 / 180 months, the monthly pension's bounds, the STMB's twelfth month, JKM's scholarship
with and without three years of membership), and what a table or a report may not hold."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from lapakasik.benefits import programmes as p

JKM, JP, JKK = p.PP_82_2019_JKM, p.PP_45_2015_JP, p.PP_82_2019_JKK


@pytest.fixture(autouse=True)
def _indonesian() -> Any:
    with translation.override("id"):
        yield


def _by_rule(calc: p.Calculation) -> dict[str, p.Component]:
    return {c.rule: c for c in calc.components}


# --- JKM ----------------------------------------------------------------------------------------------

def test_jkm_pays_the_lump_sum_the_periodic_and_the_funeral_allowance_42_million() -> None:
    calc = p.jkm_benefit(JKM, membership_months=10, child_ages=[])
    parts = _by_rule(calc)
    assert (parts["jkm_lump_sum"].amount, parts["jkm_periodic"].amount, parts["jkm_funeral"].amount) == (
        20_000_000, 12_000_000, 10_000_000)
    assert calc.total == 42_000_000 and calc.payable and calc.monthly is None
    assert parts["jkm_funeral"].formula == "ketentuan: Rp 10.000.000"


@pytest.mark.parametrize(("months", "ages", "children"), [
    (35, [10, 12], 0),  # one month short of three years: no scholarship
    (36, [10, 12], 2),  # three years exactly
    (36, [5, 10, 12], 2),  # at most two children
    (120, [22, 23, 30], 1),  # a child of 23 or older does not count
    (120, [], 0),
])
def test_jkm_scholarship_needs_three_years_and_counts_at_most_two_young_children(months: int, ages: list[int],
                                                                                 children: int) -> None:
    calc = p.jkm_benefit(JKM, membership_months=months, child_ages=ages)
    scholarship = _by_rule(calc)["jkm_scholarship"]
    assert scholarship.amount == children * 87_000_000
    assert not scholarship.paid_now and calc.total == 42_000_000  # paid per school year, not now
    if months < 36:
        assert "35 bulan < 36 bulan: tidak berhak" in scholarship.formula
    else:
        assert f"{children} anak (paling banyak 2)" in scholarship.formula


# --- JP -----------------------------------------------------------------------------------------------

def test_jp_179_months_is_a_lump_sum_of_the_configured_figure() -> None:
    calc = p.jp_benefit(JP, reason="OLD_AGE", months=179, average_wage=5_000_000)
    (part,) = calc.components
    assert part.rule == "jp_lump_sum" and part.amount == 179 * 135_000 and calc.monthly is None
    assert part.formula == "179 × Rp 135.000 = Rp 24.165.000"


def test_jp_180_months_is_a_monthly_pension_of_one_per_cent_per_year_of_the_average_wage() -> None:
    calc = p.jp_benefit(JP, reason="OLD_AGE", months=180, average_wage=5_000_000)
    (part,) = calc.components
    # 1 % × 15 years × Rp 5,000,000 = Rp 750,000
    assert part.rule == "jp_monthly" and part.amount == 750_000 and calc.monthly == 750_000 and calc.total == 750_000
    assert part.formula == "1% × (180 ÷ 12) × Rp 5.000.000 = Rp 750.000"


@pytest.mark.parametrize(("months", "wage", "monthly", "raw"), [
    (180, 1_000_000, 300_000, 150_000),  # below the minimum: the minimum
    (180, 2_000_000, 300_000, 300_000),  # the minimum exactly
    (180, 2_000_008, 300_001, 300_001),  # a rupiah above it
    (360, 12_000_000, 3_600_000, 3_600_000),  # the maximum exactly
    (400, 20_000_000, 3_600_000, 6_666_666),  # above the maximum: the maximum
])
def test_jp_monthly_pension_bounds(months: int, wage: int, monthly: int, raw: int) -> None:
    calc = p.jp_benefit(JP, reason="OLD_AGE", months=months, average_wage=wage)
    assert calc.monthly == monthly == calc.components[0].amount
    assert f"= Rp {p.rupiah(raw)}" in calc.components[0].formula
    assert ("→ batas" in calc.components[0].formula) == (raw != monthly)


@pytest.mark.parametrize(("reason", "months", "wage", "says"), [
    ("OLD_AGE", 200, 0, "Rata-rata upah peserta tidak tercatat"),
    ("DEATH", 200, 5_000_000, "Pensiun janda/duda, anak atau orang tua belum dihitung otomatis"),
    ("DISABILITY", 50, 5_000_000, "pensiun cacat belum dihitung otomatis"),
])
def test_jp_what_is_not_computed_says_so_and_cannot_be_paid(reason: str, months: int, wage: int, says: str) -> None:
    calc = p.jp_benefit(JP, reason=reason, months=months, average_wage=wage)
    assert not calc.payable and any(says in problem for problem in calc.problems)


def test_jp_survivors_with_fewer_than_180_months_get_the_lump_sum() -> None:
    assert p.jp_benefit(JP, reason="DEATH", months=100, average_wage=0).total == 100 * 135_000


# --- JKK ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("days", "stmb"), [
    (0, 0),
    (30, 3_000_000),  # a month at 100 %
    (360, 36_000_000),  # twelve months at 100 %
    (361, 36_050_000),  # the first day after: 50 % of a day's wage (Rp 100,000)
    (390, 37_500_000),  # a thirteenth month at 50 %
])
def test_stmb_is_full_for_twelve_months_then_half(days: int, stmb: int) -> None:
    assert p.stmb_amount(JKK, monthly_wage=3_000_000, days_unable=days) == stmb


def test_jkk_treatment_and_stmb_from_the_employer_s_report() -> None:
    calc = p.jkk_benefit(JKK, stage2_filed=True, outcome="recovered", treatment_cost=2_500_000, days_unable=365,
                         monthly_wage=3_000_000)
    parts = _by_rule(calc)
    assert parts["jkk_treatment"].amount == 2_500_000
    assert parts["jkk_stmb"].amount == 36_250_000
    assert parts["jkk_stmb"].formula == ("100% × Rp 3.000.000 × 360/30 + 50% × Rp 3.000.000 × 5/30 = "
                                         "Rp 36.250.000")
    assert {i.source for i in parts["jkk_stmb"].inputs} == {"laporan tahap II perusahaan", "ketentuan"}
    assert calc.total == 38_750_000 and calc.payable


@pytest.mark.parametrize(("kw", "says"), [
    ({"stage2_filed": False}, "Laporan tahap II perusahaan (Formulir 3a) belum ada"),
    ({"treatment_cost": None}, "Biaya pengobatan tidak dilaporkan"),
    ({"monthly_wage": None}, "perlu dilaporkan perusahaan untuk STMB"),
    ({"treatment_cost": -1}, "Biaya pengobatan dalam laporan perusahaan tidak masuk akal (-1)"),
    ({"monthly_wage": 10**13}, "Upah sebulan dalam laporan perusahaan tidak masuk akal"),
    ({"days_unable": 99_999}, "Hari tidak mampu bekerja dalam laporan perusahaan tidak masuk akal"),
    ({"outcome": "death"}, "Santunan cacat atau kematian akibat kecelakaan kerja belum dihitung otomatis"),
])
def test_jkk_refuses_what_the_report_lacks_or_gets_wrong(kw: dict[str, Any], says: str) -> None:
    args: dict[str, Any] = {"stage2_filed": True, "outcome": "recovered", "treatment_cost": 1_000_000,
                            "days_unable": 10, "monthly_wage": 3_000_000, **kw}
    calc = p.jkk_benefit(JKK, **args)
    assert not calc.payable and any(says in problem for problem in calc.problems), calc.problems


# --- the tables ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("programme", "params", "says"), [
    ("JKM", {**JKM.as_params(), "lump_sum": -1}, "lump_sum must be a whole number"),
    ("JKM", {**JKM.as_params(), "lump_sum": "20000000"}, "lump_sum must be a whole number"),
    ("JKM", {**JKM.as_params(), "lump_sum": True}, "lump_sum must be a whole number"),
    ("JKM", {k: v for k, v in JKM.as_params().items() if k != "funeral"}, "missing numbers ['funeral']"),
    ("JKM", {**JKM.as_params(), "bonus": 1}, "unknown numbers ['bonus']"),
    ("JP", {**JP.as_params(), "min_monthly": 4_000_000}, "min_monthly is above max_monthly"),
    ("JKK", {**JKK.as_params(), "stmb_first_bp": 10_001}, "stmb_first_bp is in basis points"),
    ("JKK", {**JKK.as_params(), "days_per_month": 0}, "days_per_month must be at least 1"),
    ("JHT", {}, "no benefit rules for 'JHT'"),
    ("JKM", [1, 2], "must be a mapping"),
])
def test_a_table_the_calculation_cannot_read_is_refused(programme: str, params: Any, says: str) -> None:
    with pytest.raises(ValueError, match=None) as refused:
        p.table_of(programme, params)
    assert says in str(refused.value)


def test_the_defaults_round_trip() -> None:
    for programme, (_basis, table) in p.DEFAULTS.items():
        assert p.table_of(programme, table.as_params()) == table


def test_english_labels() -> None:
    with translation.override("en"):
        calc = p.jkm_benefit(JKM, membership_months=10, child_ages=[])
    assert _by_rule(calc)["jkm_funeral"].title == "Funeral allowance"
    assert _by_rule(calc)["jkm_funeral"].formula == "rule: Rp 10,000,000"
