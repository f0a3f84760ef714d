"""The rules of JKM (the insured worker died; the claimant is their heir, first in the heir order among the
living), JP (pension age 56; a monthly pension from 180 contribution months, else a lump sum; the survivor's
pension to widow/widower, child, parent) and JKK (an accident report by an employer of the worker) — each
table-driven at its boundaries, with the trace the officer reads."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from django.utils import translation

from lapakasik.claims import policy
from lapakasik.claims.policy import Claimant
from lapakasik.registry.adapters import AccidentReport, EmploymentPeriod, FamilyMember, MemberRecord

TODAY = date(2026, 12, 21)
NPP, OTHER_NPP = "31001001", "32002002"


def person(relation: str, serial: int, *, died: date | None = None) -> FamilyMember:
    return FamilyMember(relation=relation, nik=f"11010101018{serial:05d}", full_name=f"{relation} {serial}",
                        birth_date=date(1980, 1, 1), date_of_death=died)


WIDOW = person("spouse", 1)
CHILD_A, CHILD_B = person("child", 2), person("child", 3)
FATHER, MOTHER = person("parent", 4), person("parent", 5, died=date(2020, 5, 1))
GRANDCHILD = person("grandchild", 6)
SIBLING = person("sibling", 7)
IN_LAW = person("parent_in_law", 8)
STRANGER = "3174010101800099"
FAMILY = (WIDOW, CHILD_A, CHILD_B, FATHER, MOTHER, GRANDCHILD, SIBLING, IN_LAW)

WORKER = MemberRecord(
    nik="3174010101700001", kpj="10000000001", full_name="BUDI SANTOSO", birth_date=date(1970, 12, 21),
    employer="PT Maju Bersama", membership_start=date(2012, 3, 1), membership_end=None, active=True,
    balance=40_000_000, last_contribution=date(2026, 11, 1), employer_npp=NPP, jp_contribution_months=137,
    employments=(EmploymentPeriod(OTHER_NPP, date(2012, 3, 1), date(2019, 6, 30)),
                 EmploymentPeriod(NPP, date(2019, 7, 1), None)),
    family=FAMILY)
DECEASED = replace(WORKER, date_of_death=date(2026, 11, 3), active=False, membership_end=date(2026, 11, 3))


def without(*gone: FamilyMember) -> tuple[FamilyMember, ...]:
    return tuple(m for m in FAMILY if m not in gone)


def dead(*who: FamilyMember) -> tuple[FamilyMember, ...]:
    return tuple(replace(m, date_of_death=date(2025, 1, 1)) if m in who else m for m in FAMILY)


def rules(trace: policy.Trace) -> list[tuple[str, bool]]:
    return [(c.rule, c.passed) for c in trace.checks]


def facts(trace: policy.Trace, rule: str) -> dict[str, str]:
    return {f.name: f.value for c in trace.checks if c.rule == rule for f in c.facts}


# --- JKM -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("family", "claimant", "rule"), [
    # the widow is first
    (FAMILY, Claimant(WIDOW.nik), ""),
    # a child while the widow lives: refused; once she has died (or is not in the family): a child claims
    (FAMILY, Claimant(CHILD_A.nik), "heir_order"),
    (dead(WIDOW), Claimant(CHILD_A.nik), ""),
    (without(WIDOW), Claimant(CHILD_B.nik), ""),
    # parent and grandchild share the third place
    (without(WIDOW, CHILD_A, CHILD_B), Claimant(FATHER.nik), ""),
    (without(WIDOW, CHILD_A, CHILD_B), Claimant(GRANDCHILD.nik), ""),
    (without(WIDOW, CHILD_A), Claimant(GRANDCHILD.nik), "heir_order"),
    # sibling, then parent-in-law, then a person named in a will
    (without(WIDOW, CHILD_A, CHILD_B, FATHER), Claimant(SIBLING.nik), "heir_order"),  # the grandchild is alive
    (without(WIDOW, CHILD_A, CHILD_B, FATHER, GRANDCHILD), Claimant(SIBLING.nik), ""),
    (dead(WIDOW, CHILD_A, CHILD_B, FATHER, GRANDCHILD), Claimant(SIBLING.nik), ""),  # dead mother: no matter
    (without(WIDOW, CHILD_A, CHILD_B, FATHER, GRANDCHILD), Claimant(IN_LAW.nik), "heir_order"),
    (without(WIDOW, CHILD_A, CHILD_B, FATHER, GRANDCHILD, SIBLING), Claimant(IN_LAW.nik), ""),
    (without(WIDOW, CHILD_A, CHILD_B, FATHER, GRANDCHILD, SIBLING), Claimant(STRANGER, named_in_will=True),
     "heir_order"),
    ((MOTHER,), Claimant(STRANGER, named_in_will=True), ""),
    ((), Claimant(STRANGER, named_in_will=True), ""),
    (FAMILY, Claimant(STRANGER, named_in_will=True), "heir_order"),
    # not an heir at all
    (FAMILY, Claimant(STRANGER), "heir_known"),
    (FAMILY, Claimant(""), "heir_known"),
    (FAMILY, None, "heir_known"),
    (FAMILY, Claimant(DECEASED.nik), "heir_known"),  # the insured worker themself
    (FAMILY, Claimant(MOTHER.nik), "heir_known"),  # recorded as dead
    (FAMILY, Claimant(MOTHER.nik, named_in_will=True), "heir_known"),  # a will does not revive her
    (FAMILY, Claimant(WIDOW.nik[:-1] + "9"), "heir_known"),  # one digit off
])
def test_jkm_heir_order(family: tuple[FamilyMember, ...], claimant: Claimant | None, rule: str) -> None:
    member = replace(DECEASED, family=family)
    verdict = policy.eligibility(member, "JKM", "DEATH", TODAY, claimant=claimant)
    assert (verdict.rule, verdict.eligible) == (rule, not rule)
    assert verdict.checked_here and verdict.possible_from is None
    assert bool(verdict.message) is bool(rule)


def test_a_jkm_claim_for_a_participant_the_registry_shows_alive_is_refused() -> None:
    t = policy.eligibility_trace(WORKER, "JKM", "DEATH", TODAY, claimant=Claimant(WIDOW.nik))
    assert rules(t) == [("insured_deceased", False), ("heir_known", True), ("heir_order", True)]
    assert t.verdict.rule == "insured_deceased" and "masih hidup" in t.verdict.message
    assert facts(t, "insured_deceased") == {"date_of_death": "—"}


def test_the_heir_order_trace_names_who_comes_first_without_personal_data() -> None:
    with translation.override("id"):
        t = policy.eligibility_trace(DECEASED, "JKM", "DEATH", TODAY, claimant=Claimant(SIBLING.nik))
    assert rules(t) == [("insured_deceased", True), ("heir_known", True), ("heir_order", False)]
    assert facts(t, "insured_deceased") == {"date_of_death": "Selasa, 3 November 2026"}
    assert facts(t, "heir_order") == {
        "relation": "saudara kandung",
        "before": "suami/istri (janda/duda) (1), anak (2), orang tua (1), cucu (1)"}
    assert "suami/istri" in t.verdict.message and "surat kuasa" in t.verdict.message
    text = repr(t.as_list())
    for m in FAMILY:
        assert m.nik not in text and m.full_name not in text


def test_the_will_is_a_fact_of_the_trace() -> None:
    t = policy.eligibility_trace(replace(DECEASED, family=()), "JKM", "DEATH", TODAY,
                                 claimant=Claimant(STRANGER, named_in_will=True))
    assert t.eligible and facts(t, "heir_order")["relation"] == "penerima wasiat"
    assert facts(t, "heir_known")["named_in_will"] == "ya"


@pytest.mark.parametrize(("claimant", "says"), [
    (None, "belum diketahui"), (Claimant(DECEASED.nik), "bukan atas nama peserta"),
    (Claimant(MOTHER.nik), "telah meninggal"), (Claimant(STRANGER), "surat wasiat"),
])
def test_each_refusal_of_an_heir_says_why(claimant: Claimant | None, says: str) -> None:
    with translation.override("id"):
        verdict = policy.eligibility(DECEASED, "JKM", "DEATH", TODAY, claimant=claimant)
    assert verdict.rule == "heir_known" and says in verdict.message


# --- JP ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("birth", "months", "form", "rule", "possible"), [
    (date(1970, 12, 21), 137, None, "", None),  # 56 today: lump sum
    (date(1970, 12, 22), 137, None, "pension_age", date(2026, 12, 22)),  # 56 tomorrow
    (date(1960, 2, 29), 137, None, "", None),
    (date(1970, 12, 21), 179, policy.MONTHLY, "jp_benefit_form", None),  # one month short
    (date(1970, 12, 21), 180, policy.MONTHLY, "", None),  # exactly 15 years
    (date(1970, 12, 21), 180, None, "", None),
    (date(1970, 12, 21), 179, policy.LUMP_SUM, "", None),
    (date(1970, 12, 21), 0, policy.LUMP_SUM, "", None),
    (date(1970, 12, 21), 180, policy.LUMP_SUM, "jp_benefit_form", None),  # 15 years are paid monthly
    (date(1970, 12, 21), 300, "yearly", "jp_benefit_form", None),
    (date(1970, 12, 21), 300, "", "jp_benefit_form", None),
    (date(1980, 1, 1), 100, policy.MONTHLY, "pension_age", date(2036, 1, 1)),  # the age is said first
])
def test_jp_old_age(birth: date, months: int, form: str | None, rule: str, possible: date | None) -> None:
    member = replace(WORKER, birth_date=birth, jp_contribution_months=months)
    verdict = policy.eligibility(member, "JP", "OLD_AGE", TODAY, benefit_form=form)
    assert (verdict.rule, verdict.eligible, verdict.possible_from) == (rule, not rule, possible)
    assert bool(verdict.message) is bool(rule)


@pytest.mark.parametrize(("months", "form"), [(0, "lump_sum"), (179, "lump_sum"), (180, "monthly"), (400, "monthly")])
def test_the_contribution_months_give_the_form(months: int, form: str) -> None:
    assert policy.jp_benefit_form(months) == form
    t = policy.eligibility_trace(replace(WORKER, jp_contribution_months=months), "JP", "OLD_AGE", TODAY)
    assert facts(t, "jp_benefit_form")["contribution_months"] == str(months)
    assert facts(t, "jp_benefit_form")["benefit_form"] == policy.benefit_form_label(form)


def test_a_monthly_pension_refused_says_the_months_in_both_languages() -> None:
    member = replace(WORKER, jp_contribution_months=137)
    with translation.override("id"):
        verdict = policy.eligibility(member, "JP", "OLD_AGE", TODAY, benefit_form="monthly")
        assert "180" in verdict.message and "137" in verdict.message and "sekaligus" in verdict.message
    with translation.override("en"):
        verdict = policy.eligibility(member, "JP", "OLD_AGE", TODAY, benefit_form="monthly")
        assert "180" in verdict.message and "137" in verdict.message and "lump sum" in verdict.message


@pytest.mark.parametrize(("family", "claimant", "rule"), [
    (FAMILY, Claimant(WIDOW.nik), ""),
    (FAMILY, Claimant(CHILD_A.nik), "heir_order"),
    (without(WIDOW), Claimant(CHILD_A.nik), ""),
    (without(WIDOW, CHILD_A, CHILD_B), Claimant(FATHER.nik), ""),  # the grandchild has no JP right
    (without(WIDOW, CHILD_A, CHILD_B), Claimant(GRANDCHILD.nik), "heir_known"),
    (without(WIDOW, CHILD_A, CHILD_B, FATHER), Claimant(SIBLING.nik), "heir_known"),
    ((), Claimant(STRANGER, named_in_will=True), "heir_known"),
])
def test_jp_survivors_pension_goes_to_widow_child_parent(family: tuple[FamilyMember, ...],
                                                         claimant: Claimant, rule: str) -> None:
    verdict = policy.eligibility(replace(DECEASED, family=family), "JP", "DEATH", TODAY, claimant=claimant)
    assert (verdict.rule, verdict.eligible) == (rule, not rule)


def test_a_jp_survivors_claim_for_a_living_worker_is_refused() -> None:
    assert policy.eligibility(WORKER, "JP", "DEATH", TODAY, claimant=Claimant(WIDOW.nik)).rule == "insured_deceased"


# --- JKK -----------------------------------------------------------------------------------------------

def report(day: date, npp: str = NPP, kind: str = "workplace") -> AccidentReport:
    return AccidentReport(occurred_on=day, npp=npp, kind=kind)


@pytest.mark.parametrize(("reason", "accidents", "rule"), [
    ("ACCIDENT", (report(date(2026, 12, 10)),), ""),
    ("ACCIDENT", (report(date(2026, 12, 10), kind="road"),), ""),
    ("ACCIDENT", (), "accident_reported"),
    ("ACCIDENT", (report(date(2026, 12, 10), kind="occupational_disease"),), "accident_reported"),
    ("ACCIDENT", (report(date(2026, 12, 22)),), "accident_reported"),  # dated tomorrow: not a report
    ("ACCIDENT", (report(TODAY),), ""),
    ("ACCIDENT", (report(date(2026, 12, 10), npp=OTHER_NPP),), "accident_employer"),  # left that job in 2019
    ("ACCIDENT", (report(date(2018, 5, 2), npp=OTHER_NPP),), ""),  # ... but worked there in 2018
    ("ACCIDENT", (report(date(2019, 6, 30), npp=OTHER_NPP),), ""),  # the last day there
    ("ACCIDENT", (report(date(2019, 7, 1), npp=OTHER_NPP),), "accident_employer"),  # the first day elsewhere
    ("ACCIDENT", (report(date(2012, 2, 29)),), "accident_employer"),  # before the membership
    ("ACCIDENT", (report(date(2018, 5, 2), npp=NPP), report(date(2026, 12, 1))), ""),  # the latest report counts
    ("OCCUPATIONAL_DISEASE", (report(date(2026, 10, 1), kind="occupational_disease"),), ""),
    ("OCCUPATIONAL_DISEASE", (report(date(2026, 10, 1)),), "accident_reported"),
])
def test_jkk_needs_an_accident_report_by_the_workers_employer(reason: str, accidents: tuple[AccidentReport, ...],
                                                                rule: str) -> None:
    verdict = policy.eligibility(replace(WORKER, accidents=accidents), "JKK", reason, TODAY)
    assert (verdict.rule, verdict.eligible) == (rule, not rule)
    assert verdict.checked_here and bool(verdict.message) is bool(rule)


def test_the_jkk_trace_shows_the_report() -> None:
    member = replace(WORKER, accidents=(report(date(2026, 12, 10), kind="road"),))
    with translation.override("id"):
        t = policy.eligibility_trace(member, "JKK", "ACCIDENT", TODAY)
    assert rules(t) == [("accident_reported", True), ("accident_employer", True)]
    assert facts(t, "accident_reported") == {"occurred_on": "Kamis, 10 Desember 2026", "npp": NPP,
                                             "kind": "kecelakaan lalu lintas"}
    none = policy.eligibility_trace(WORKER, "JKK", "ACCIDENT", TODAY)
    assert rules(none) == [("accident_reported", False)] and "Formulir 3" in none.verdict.message


def test_jkk_without_employment_periods_cannot_confirm_the_employer() -> None:
    member = replace(WORKER, employments=(), accidents=(report(date(2026, 12, 10)),))
    assert policy.eligibility(member, "JKK", "ACCIDENT", TODAY).rule == "accident_employer"


# --- the demo registry's people get the verdicts they were made for ---------------------------------

def test_the_demo_people_meet_the_rules_they_were_made_for() -> None:
    from lapakasik.registry import seed

    people = {i: seed.record(seed.participant(i, TODAY)) for i in range(120)}
    dead = people[2]
    widow, child = dead.relatives("spouse")[0], dead.relatives("child")[0]
    assert policy.eligibility(dead, "JKM", "DEATH", TODAY, claimant=Claimant(widow.nik)).eligible
    assert policy.eligibility(dead, "JKM", "DEATH", TODAY, claimant=Claimant(child.nik)).rule == "heir_order"
    assert policy.eligibility(people[0], "JKM", "DEATH", TODAY, claimant=Claimant(widow.nik)).rule == \
        "insured_deceased"
    for i in (12, 52, 92):
        assert policy.eligibility(people[i], "JKK", "ACCIDENT", TODAY).eligible, i
    assert policy.eligibility(people[0], "JKK", "ACCIDENT", TODAY).rule == "accident_reported"
    old = people[16]
    assert policy.eligibility(old, "JP", "OLD_AGE", TODAY).eligible
    assert policy.eligibility(old, "JP", "OLD_AGE", TODAY, benefit_form="monthly").rule == "jp_benefit_form"
    assert policy.eligibility(people[0], "JP", "OLD_AGE", TODAY).rule == "pension_age"
