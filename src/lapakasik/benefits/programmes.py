"""The benefit rules of JKM, JP and JKK, pure (no database): each programme's table of numbers (a
``BenefitRule`` row with a valid-from date gives them; this module never reads one itself) and the
calculation of a claim's benefit as components the officer can read — each with its rule name, the facts
it used (and where they came from), the formula and the amount.

- **JKM** (PP 44/2015 as amended by PP 82/2019): a lump sum, the periodic allowance paid at once and the
  funeral allowance; the education scholarship for up to ``scholarship_children`` children when the
  participant had at least ``scholarship_min_months`` months of membership — an entitlement paid per school
  year, not part of this payment.
- **JP** (PP 45/2015): fewer than 180 contribution months (``claims.policy.JP_MONTHLY_MIN_MONTHS``) → a
  lump sum, months × ``lump_sum_per_month``; from 180 months → a monthly pension of ``accrual_bp`` (1 %) ×
  years of contribution × the average wage, within ``min_monthly`` … ``max_monthly``. The decision pays
  the first month.
- **JKK** (PP 44/2015 as amended by PP 82/2019): the treatment costs the employer reports, and the wage
  replacement (STMB) — ``stmb_first_bp`` (100 %) of the wage for the first ``stmb_full_months`` months
  unable to work, ``stmb_after_bp`` (50 %) after, by days (``days_per_month`` to the month).

None of these benefits is taxed here (the final tax of PP 68/2009 is JHT's, ``policy.benefit``).
Amounts are whole rupiah, rounded down."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lapakasik.claims.policy import JP_MONTHLY_MIN_MONTHS
from lapakasik.employers.policy import MAX_DAYS_UNABLE, MAX_MONTHLY_WAGE, MAX_TREATMENT_COST

from .policy import BASIS_POINTS, rupiah

JKM, JP, JKK = "JKM", "JP", "JKK"


def _rp(amount: int) -> str:
    language = (get_language() or "id")[:2]
    return f"Rp {rupiah(amount, 'en' if language == 'en' else 'id')}"


def _pct(bp: int) -> str:
    whole, part = divmod(bp, 100)
    return f"{whole}%" if not part else f"{whole}.{part:02d}".rstrip("0") + "%"


# --- the tables ----------------------------------------------------------------------------------------

class _Table:
    """A programme's numbers: whole numbers ≥ 0, every one given (``from_params`` refuses unknown or
    missing names with the name in the message)."""

    PERCENTS: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def from_params(cls, params: object) -> Any:
        if not isinstance(params, dict):
            raise ValueError("the rule's numbers must be a mapping of name to whole number")
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        unknown, missing = sorted(set(params) - names), sorted(names - set(params))
        if unknown or missing:
            raise ValueError(f"unknown numbers {unknown}, missing numbers {missing}")
        return cls(**params)

    def __post_init__(self) -> None:
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{f.name} must be a whole number ≥ 0")
            if f.name in self.PERCENTS and value > BASIS_POINTS:
                raise ValueError(f"{f.name} is in basis points, at most 10000")

    def as_params(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]


@dataclass(frozen=True)
class JkmTable(_Table):
    lump_sum: int
    periodic: int
    funeral: int
    scholarship_max_per_child: int
    scholarship_children: int
    scholarship_min_months: int
    scholarship_max_age: int


@dataclass(frozen=True)
class JpTable(_Table):
    PERCENTS: ClassVar[frozenset[str]] = frozenset({"accrual_bp"})

    accrual_bp: int
    min_monthly: int
    max_monthly: int
    lump_sum_per_month: int

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.min_monthly > self.max_monthly:
            raise ValueError("min_monthly is above max_monthly")


@dataclass(frozen=True)
class JkkTable(_Table):
    PERCENTS: ClassVar[frozenset[str]] = frozenset({"stmb_first_bp", "stmb_after_bp"})

    stmb_full_months: int
    stmb_first_bp: int
    stmb_after_bp: int
    days_per_month: int

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.days_per_month == 0:
            raise ValueError("days_per_month must be at least 1")


TABLES: dict[str, type[_Table]] = {JKM: JkmTable, JP: JpTable, JKK: JkkTable}

#: PP 82/2019 (amending PP 44/2015): Rp 20,000,000 + Rp 12,000,000 + Rp 10,000,000 = Rp 42,000,000; the
#: scholarship (at most Rp 174,000,000 for two children) after three years of membership, for a child under 23.
PP_82_2019_JKM = JkmTable(lump_sum=20_000_000, periodic=12_000_000, funeral=10_000_000,
                          scholarship_max_per_child=87_000_000, scholarship_children=2, scholarship_min_months=36,
                          scholarship_max_age=23)
#: PP 45/2015 with the 2019 bounds; the lump sum's monthly figure stands in for the JP balance the registry
#: does not give (accumulated contributions, 3 % of a wage of about Rp 4,500,000).
PP_45_2015_JP = JpTable(accrual_bp=100, min_monthly=300_000, max_monthly=3_600_000, lump_sum_per_month=135_000)
#: PP 82/2019: STMB 100 % of the wage for the first 12 months, 50 % after.
PP_82_2019_JKK = JkkTable(stmb_full_months=12, stmb_first_bp=10_000, stmb_after_bp=5_000, days_per_month=30)
DEFAULTS: dict[str, tuple[str, _Table]] = {JKM: ("PP 82/2019", PP_82_2019_JKM), JP: ("PP 45/2015", PP_45_2015_JP),
                                           JKK: ("PP 82/2019", PP_82_2019_JKK)}


def table_of(programme: str, params: object) -> Any:
    """The programme's table from a rule row's numbers (``ValueError`` names what is wrong)."""
    if programme not in TABLES:
        raise ValueError(f"no benefit rules for {programme!r}")
    return TABLES[programme].from_params(params)


# --- the calculation -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Input:
    """A fact a component used: as the officer reads it, and its source (the registry, the employer's
    report, the rule)."""

    label: str
    value: str
    source: str


@dataclass(frozen=True)
class Component:
    """One part of the benefit: ``rule`` its name, ``amount`` whole rupiah; ``paid_now`` False for an
    entitlement paid later (the JKM scholarship), not part of the total."""

    rule: str
    title: str
    inputs: tuple[Input, ...]
    formula: str
    amount: int
    paid_now: bool = True

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "title": self.title, "formula": self.formula, "amount": self.amount,
                "paid_now": self.paid_now,
                "inputs": [{"label": i.label, "value": i.value, "source": i.source} for i in self.inputs]}


@dataclass(frozen=True)
class Calculation:
    """A claim's benefit: its components, why it cannot be paid yet (``problems``, each a sentence), and a
    JP pension's monthly amount (the first month is the payment)."""

    programme: str
    components: tuple[Component, ...]
    problems: tuple[str, ...] = ()
    monthly: int | None = None

    @property
    def total(self) -> int:
        return sum(c.amount for c in self.components if c.paid_now)

    @property
    def payable(self) -> bool:
        return not self.problems and self.total > 0

    def as_list(self) -> list[dict[str, object]]:
        return [c.as_dict() for c in self.components]


#: The components' titles by rule name (the participant's breakdown reads them in their own language).
TITLES = {
    "jkm_lump_sum": _("Santunan sekaligus"), "jkm_periodic": _("Santunan berkala (dibayar sekaligus)"),
    "jkm_funeral": _("Biaya pemakaman"), "jkm_scholarship": _("Beasiswa pendidikan anak"),
    "jp_lump_sum": _("Manfaat sekaligus (iuran kurang dari 180 bulan)"),
    "jp_monthly": _("Pensiun bulanan (dibayar bulan pertama)"),
    "jkk_treatment": _("Penggantian biaya pengobatan dan perawatan"),
    "jkk_stmb": _("Santunan sementara tidak mampu bekerja (STMB)"),
}


def title(rule: str) -> str:
    return str(TITLES.get(rule, rule))


def _registry() -> str:
    return str(_("data kepesertaan"))


def _rule() -> str:
    return str(_("ketentuan"))


def _report() -> str:
    return str(_("laporan tahap II perusahaan"))


def jkm_benefit(table: JkmTable, *, membership_months: int, child_ages: list[int]) -> Calculation:
    """JKM: lump sum + periodic allowance + funeral allowance, paid now; the scholarship's entitlement
    (children under ``scholarship_max_age`` on the day of death, at most ``scholarship_children``) after
    ``scholarship_min_months`` months of membership."""
    if membership_months < 0 or any(a < 0 for a in child_ages):
        raise ValueError("months and ages are never negative")
    fixed = [
        Component("jkm_lump_sum", title("jkm_lump_sum"), (), f"{_rule()}: {_rp(table.lump_sum)}", table.lump_sum),
        Component("jkm_periodic", title("jkm_periodic"), (),
                  f"{_rule()}: {_rp(table.periodic)}", table.periodic),
        Component("jkm_funeral", title("jkm_funeral"), (), f"{_rule()}: {_rp(table.funeral)}", table.funeral),
    ]
    young = sum(1 for a in child_ages if a < table.scholarship_max_age)
    children = min(young, table.scholarship_children)
    inputs = (Input(str(_("Masa kepesertaan (bulan)")), str(membership_months), _registry()),
              Input(str(_("Anak yang masih hidup, di bawah %(age)s tahun") % {"age": table.scholarship_max_age}),
                    str(young), _registry()),
              Input(str(_("Syarat masa kepesertaan (bulan)")), str(table.scholarship_min_months), _rule()))
    if membership_months < table.scholarship_min_months:
        formula = str(_("%(months)s bulan < %(need)s bulan: tidak berhak") % {
            "months": membership_months, "need": table.scholarship_min_months})
        amount = 0
    else:
        amount = children * table.scholarship_max_per_child
        formula = str(_("%(n)s anak (paling banyak %(cap)s) × paling banyak %(each)s = %(total)s, dibayar per tahun "
                        "ajaran, tidak termasuk pembayaran ini") % {
            "n": children, "cap": table.scholarship_children, "each": _rp(table.scholarship_max_per_child),
            "total": _rp(amount)})
    scholarship = Component("jkm_scholarship", title("jkm_scholarship"), inputs, formula, amount,
                            paid_now=False)
    return Calculation(JKM, (*fixed, scholarship))


def jp_benefit(table: JpTable, *, reason: str, months: int, average_wage: int) -> Calculation:
    """JP: a lump sum below 180 contribution months, else the monthly pension (old age); the survivor's
    and the disability pension are not computed here (a problem says so)."""
    if months < 0 or average_wage < 0:
        raise ValueError("months and wages are never negative")
    month_input = Input(str(_("Masa iuran JP (bulan)")), str(months), _registry())
    if reason == "DISABILITY":
        return Calculation(JP, (), (str(_("Manfaat pensiun cacat belum dihitung otomatis; petugas menghitungnya "
                                          "dari dokumen.")),))
    if months < JP_MONTHLY_MIN_MONTHS:
        amount = months * table.lump_sum_per_month
        return Calculation(JP, (Component(
            "jp_lump_sum", title("jp_lump_sum"),
            (month_input, Input(str(_("Akumulasi iuran dan hasil pengembangan per bulan iuran")),
                                _rp(table.lump_sum_per_month), _rule())),
            f"{months} × {_rp(table.lump_sum_per_month)} = {_rp(amount)}", amount),))
    if reason != "OLD_AGE":
        return Calculation(JP, (), (str(_("Pensiun janda/duda, anak atau orang tua belum dihitung otomatis; petugas "
                                          "menghitungnya dari dokumen.")),))
    wage_input = Input(str(_("Rata-rata upah tertimbang sebulan")), _rp(average_wage) if average_wage else "—",
                       _registry())
    if average_wage <= 0:
        return Calculation(JP, (), (str(_("Rata-rata upah peserta tidak tercatat di data kepesertaan: pensiun "
                                          "bulanan belum dapat dihitung.")),))
    raw = table.accrual_bp * months * average_wage // (12 * BASIS_POINTS)
    monthly = min(max(raw, table.min_monthly), table.max_monthly)
    bounds = Input(str(_("Batas pensiun bulanan")), f"{_rp(table.min_monthly)} – {_rp(table.max_monthly)}", _rule())
    formula = (f"{_pct(table.accrual_bp)} × ({months} ÷ 12) × {_rp(average_wage)} = {_rp(raw)}"
               + ("" if raw == monthly else " → " + str(_("batas")) + f" {_rp(monthly)}"))
    return Calculation(JP, (Component(
        "jp_monthly", title("jp_monthly"), (month_input, wage_input, bounds), formula,
        monthly),), monthly=monthly)


def jkk_figures_problems(*, treatment_cost: int | None, days_unable: int | None,
                         monthly_wage: int | None) -> list[str]:
    """What is wrong with the employer's figures: negative, or beyond any real case."""
    checks = ((treatment_cost, MAX_TREATMENT_COST, _("Biaya pengobatan")),
              (days_unable, MAX_DAYS_UNABLE, _("Hari tidak mampu bekerja")),
              (monthly_wage, MAX_MONTHLY_WAGE, _("Upah sebulan")))
    return [str(_("%(what)s dalam laporan perusahaan tidak masuk akal (%(value)s); perusahaan perlu "
                  "memperbaikinya.") % {"what": what, "value": value})
            for value, limit, what in checks
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit)]


def stmb_amount(table: JkkTable, *, monthly_wage: int, days_unable: int) -> int:
    """The wage replacement: ``stmb_first_bp`` of the daily wage for the first ``stmb_full_months`` ×
    ``days_per_month`` days, ``stmb_after_bp`` after (rounded down once, at the end)."""
    if monthly_wage < 0 or days_unable < 0:
        raise ValueError("wages and days are never negative")
    full_days = min(days_unable, table.stmb_full_months * table.days_per_month)
    later = days_unable - full_days
    return ((monthly_wage * full_days * table.stmb_first_bp + monthly_wage * later * table.stmb_after_bp)
            // (table.days_per_month * BASIS_POINTS))


def jkk_benefit(table: JkkTable, *, stage2_filed: bool, outcome: str, treatment_cost: int | None,
                days_unable: int | None, monthly_wage: int | None) -> Calculation:
    """JKK: the treatment costs and the STMB from the employer's stage II report (None: not reported)."""
    if not stage2_filed:
        return Calculation(JKK, (), (str(_("Laporan tahap II perusahaan (Formulir 3a) belum ada: biaya pengobatan, "
                                           "hari tidak mampu bekerja dan upah belum dilaporkan.")),))
    bad = jkk_figures_problems(treatment_cost=treatment_cost, days_unable=days_unable, monthly_wage=monthly_wage)
    if bad:
        return Calculation(JKK, (), tuple(bad))
    problems = []
    components = []
    if treatment_cost is None:
        problems.append(str(_("Biaya pengobatan tidak dilaporkan perusahaan pada laporan tahap II.")))
    else:
        components.append(Component(
            "jkk_treatment", title("jkk_treatment"),
            (Input(str(_("Biaya pengobatan")), _rp(treatment_cost), _report()),),
            str(_("sesuai biaya yang dilaporkan: %(amount)s") % {"amount": _rp(treatment_cost)}), treatment_cost))
    if days_unable is None or monthly_wage is None:
        problems.append(str(_("Hari tidak mampu bekerja dan upah sebulan perlu dilaporkan perusahaan untuk STMB.")))
    else:
        full = table.stmb_full_months * table.days_per_month
        first, later = min(days_unable, full), max(0, days_unable - full)
        amount = stmb_amount(table, monthly_wage=monthly_wage, days_unable=days_unable)
        formula = f"{_pct(table.stmb_first_bp)} × {_rp(monthly_wage)} × {first}/{table.days_per_month}"
        if later:
            formula += f" + {_pct(table.stmb_after_bp)} × {_rp(monthly_wage)} × {later}/{table.days_per_month}"
        components.append(Component(
            "jkk_stmb", title("jkk_stmb"),
            (Input(str(_("Upah sebulan")), _rp(monthly_wage), _report()),
             Input(str(_("Hari tidak mampu bekerja")), str(days_unable), _report()),
             Input(str(_("Penuh selama (bulan)")), str(table.stmb_full_months), _rule())),
            f"{formula} = {_rp(amount)}", amount))
    if outcome in {"disability", "death"}:
        problems.append(str(_("Santunan cacat atau kematian akibat kecelakaan kerja belum dihitung otomatis; petugas "
                              "menghitungnya dari dokumen.")))
    return Calculation(JKK, tuple(components), tuple(problems))
