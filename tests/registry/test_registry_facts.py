"""The registry facts the JKK, JKM and JP rules read: employers (NPP), employment periods, family members,
accident reports and JP contribution months — generated consistently by the demo seed, served by both
adapters, and a malformed static table refused naming the row and the field."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from lapakasik.core.validators import parse_nik
from lapakasik.registry import adapters, seed
from lapakasik.registry.adapters import AccidentKind, Relation

TODAY = date(2026, 12, 21)


def people(n: int) -> list[adapters.MemberRecord]:
    return [seed.record(seed.participant(i, TODAY)) for i in range(n)]


def test_families_are_valid_unique_and_consistent_with_the_participant() -> None:
    records = people(3000)
    niks = [r.nik for r in records] + [m.nik for r in records for m in r.family]
    assert len(niks) == len(set(niks))  # no family member shares a NIK with anyone
    for r in records:
        assert {m.relation for m in r.family} <= set(Relation.ALL)
        assert len(r.relatives(Relation.PARENT)) == 2
        names = [r.full_name, *(m.full_name for m in r.family)]
        assert len(names) == len(set(names)), names  # nobody shares a name within the family
        for m in r.family:
            info = parse_nik(m.nik, today=TODAY)
            assert info.birth_date == m.birth_date, (r.kpj, m)
            assert m.date_of_death is None or m.birth_date <= m.date_of_death < TODAY
        for child in r.relatives(Relation.CHILD):
            assert seed.add_years(r.birth_date, 18) <= child.birth_date < TODAY, (r.kpj, child)
            assert r.relatives(Relation.SPOUSE), "children only in a family with a spouse"
        for parent in r.relatives(Relation.PARENT):
            assert parent.birth_date < seed.add_years(r.birth_date, -21)
    married = sum(bool(r.relatives(Relation.SPOUSE)) for r in records)
    assert 0.6 * len(records) < married < 0.8 * len(records)
    assert any(not m.alive for r in records for m in r.relatives(Relation.PARENT))


def test_employment_periods_cover_the_membership_at_known_employers() -> None:
    npps = {row["npp"] for row in (seed.employer(k) for k in range(len(seed.EMPLOYERS)))}
    records = people(400)
    for r in records:
        assert r.employer_npp in npps and r.employments[-1].npp == r.employer_npp
        assert r.employments[0].start == r.membership_start
        assert r.employments[-1].end == r.membership_end
        for a, b in zip(r.employments, r.employments[1:], strict=False):
            assert a.end is not None and b.start == a.end + timedelta(days=1)
        assert r.jp_contribution_months == seed.jp_months(r.membership_start, r.last_contribution)
        assert 0 <= r.jp_contribution_months <= 138  # JP began in July 2015
    assert any(len(r.employments) == 2 for r in records)


def test_the_demo_has_a_deceased_participant_with_a_widow_and_two_children() -> None:
    dead = [r for i, r in enumerate(people(300)) if seed.case_of(i) == "deceased"]
    assert len(dead) == 3
    for r in dead:
        assert r.deceased and r.date_of_death is not None and TODAY - timedelta(days=90) <= r.date_of_death < TODAY
        assert not r.active and r.membership_end == r.date_of_death
        assert parse_nik(r.nik, today=TODAY).sex == "M"
        (widow,) = r.relatives(Relation.SPOUSE)
        assert widow.alive and parse_nik(widow.nik, today=TODAY).sex == "F"
        children = r.relatives(Relation.CHILD)
        assert len(children) == 2 and all(c.alive for c in children)


def test_the_demo_has_workers_with_a_recent_accident_at_their_employer() -> None:
    hurt = [(i, r) for i, r in enumerate(people(200)) if seed.case_of(i) == "accident"]
    assert [i for i, _ in hurt] == [12, 52, 92, 132, 172]
    for i, r in hurt:
        (report,) = r.accidents
        assert r.active and TODAY - timedelta(days=20) <= report.occurred_on <= TODAY - timedelta(days=2)
        assert report.npp == r.employer_npp and any(p.covers(report.occurred_on) and p.npp == report.npp
                                                    for p in r.employments)
        assert report.kind == (AccidentKind.ROAD if i % 80 == 12 else AccidentKind.WORKPLACE)
    assert all(not r.accidents for i, r in enumerate(people(200)) if seed.case_of(i) != "accident")


def test_the_demo_has_participants_at_pension_age() -> None:
    from lapakasik.claims.policy import age_on

    old = [r for i, r in enumerate(people(100)) if seed.case_of(i) == "age_56"]
    assert old and all(age_on(r.birth_date, TODAY) >= 56 and r.jp_contribution_months > 0 for r in old)


def test_jp_months_count_from_july_2015() -> None:
    assert seed.jp_months(date(2010, 1, 1), date(2015, 7, 1)) == 1
    assert seed.jp_months(date(2010, 1, 1), date(2015, 6, 1)) == 0
    assert seed.jp_months(date(2020, 3, 15), date(2021, 2, 1)) == 12
    assert seed.jp_months(date(2020, 3, 15), None) == 0


def test_the_demo_adapter_serves_the_facts_and_the_employers(db: Any) -> None:
    from lapakasik.registry.models import DemoEmployer, DemoParticipant

    seed.seed_demo(participants=20)
    seed.seed_demo(participants=20)
    assert DemoEmployer.objects.count() == len(seed.EMPLOYERS)
    row = DemoParticipant.objects.get(case="deceased")
    record = adapters.registry_lookup(nik=row.nik, kpj=row.kpj)
    assert record is not None and record.deceased and record.date_of_death == row.date_of_death
    assert [m.relation for m in record.family][:3] == ["spouse", "child", "child"]
    assert record == seed.record({f: getattr(row, f) for f in (
        "nik", "kpj", "full_name", "birth_date", "employer", "membership_start", "membership_end", "active",
        "balance", "last_contribution", "partial_withdrawal_taken", "employer_npp", "date_of_death",
        "jp_contribution_months", "employments", "family", "accidents")})
    hurt = DemoParticipant.objects.get(case="accident")
    hurt_record = adapters.registry_lookup(nik=hurt.nik, kpj=hurt.kpj)
    assert hurt_record is not None and len(hurt_record.accidents) == 1
    company = adapters.registry_employer(npp=hurt_record.employer_npp)
    assert company is not None and company.name == hurt_record.employer
    assert company.hr_emails and all(e.endswith(".contoh.id") for e in company.hr_emails)
    for unknown in ("", "99999999", "3100100", "31001001 ", "' OR 1=1 --"):
        assert adapters.registry_employer(npp=unknown) is None


def _row(i: int, **changes: Any) -> dict[str, Any]:
    row = {k: v for k, v in seed.participant(i, TODAY).items() if k != "case"}
    row.update(changes)
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}


def test_the_static_adapter_serves_the_same_facts(settings: Any, tmp_path: Any) -> None:
    dead = _row(2)
    employers = tmp_path / "employers.json"
    employers.write_text(json.dumps([seed.employer(k) for k in range(3)]), encoding="utf-8")
    settings.REGISTRY_ADAPTER = "lapakasik.registry.adapters.StaticRegistry"
    settings.REGISTRY_STATIC_RECORDS = [dead]
    settings.REGISTRY_STATIC_EMPLOYERS = str(employers)
    record = adapters.registry_lookup(nik=dead["nik"], kpj=dead["kpj"])
    assert record == seed.record(seed.participant(2, TODAY))
    assert record is not None and record.family_member(record.family[0].nik) == record.family[0]
    assert record.family_member("") is None and record.family_member(record.nik) is None
    company = adapters.registry_employer(npp=seed.employer(1)["npp"])
    assert company is not None and company.name == seed.EMPLOYERS[1]
    assert adapters.registry_employer(npp=seed.employer(5)["npp"]) is None


def test_without_employers_the_static_adapter_knows_none(settings: Any) -> None:
    settings.REGISTRY_ADAPTER = "lapakasik.registry.adapters.StaticRegistry"
    settings.REGISTRY_STATIC_RECORDS = [_row(1)]
    assert adapters.registry_employer(npp=seed.employer(1)["npp"]) is None


def test_old_static_rows_without_the_new_fields_still_load(settings: Any) -> None:
    row = {k: v for k, v in _row(3).items() if k not in {
        "employer_npp", "date_of_death", "jp_contribution_months", "employments", "family", "accidents"}}
    settings.REGISTRY_ADAPTER = "lapakasik.registry.adapters.StaticRegistry"
    settings.REGISTRY_STATIC_RECORDS = [row]
    record = adapters.registry_lookup(nik=row["nik"], kpj=row["kpj"])
    assert record is not None and record.family == () and not record.deceased and record.jp_contribution_months == 0


MEMBER = {"relation": "child", "nik": "1101010101100001", "full_name": "Anak", "birth_date": "2010-01-01"}


@pytest.mark.parametrize(("field", "value", "says"), [
    ("family", "spouse", "family is not a list"),
    ("family", [["spouse"]], "family[0] is not a mapping"),
    ("family", [{**MEMBER, "relation": "cousin"}], "family[0].relation is not one of"),
    ("family", [{**MEMBER, "relation": None}], "family[0].relation is not one of"),
    ("family", [{**MEMBER, "nik": "12345"}], "family[0].nik is not 16 digits"),
    ("family", [{**MEMBER, "nik": "１１０１０１０１０１１０００１"}], "family[0].nik is not 16 digits"),
    ("family", [{**MEMBER, "birth_date": "01/01/2010"}], "family[0].birth_date is not an ISO date"),
    ("family", [{**MEMBER, "date_of_death": "2009-12-31"}], "family[0].date_of_death is before the birth date"),
    ("family", [{**MEMBER, "alive": True}], "family[0]: unknown fields ['alive']"),
    ("family", [{k: v for k, v in MEMBER.items() if k != "nik"}], "family[0]: unknown fields [], missing fields ['nik']"),
    ("family", [{**MEMBER, "full_name": " "}], "family[0].full_name is not a non-empty text"),
    ("employments", [{"npp": "1234567", "start": "2020-01-01"}], "employments[0].npp is not an NPP"),
    ("employments", [{"npp": "12345678", "start": "2020-01-01", "end": "2019-01-01"}],
     "employments[0].end is before its start"),
    ("employments", [{"npp": 12345678, "start": "2020-01-01"}], "employments[0].npp is not an NPP"),
    ("accidents", [{"occurred_on": "2026-12-01", "npp": "12345678", "kind": "fell"}], "accidents[0].kind is not one"),
    ("accidents", [{"occurred_on": "2026-12-01", "npp": "12345678"}], "accidents[0]: unknown fields [], missing fields ['kind']"),
    ("accidents", [{"occurred_on": None, "npp": "12345678", "kind": "road"}], "accidents[0].occurred_on is not a date"),
    ("jp_contribution_months", -1, "jp_contribution_months is not a whole number"),
    ("jp_contribution_months", "180", "jp_contribution_months is not a whole number"),
    ("jp_contribution_months", True, "jp_contribution_months is not a whole number"),
    ("date_of_death", "yesterday", "date_of_death is not an ISO date"),
    ("employer_npp", "ABCDEFGH", "employer_npp is not an NPP"),
])
def test_a_bad_fact_names_its_row_and_field(settings: Any, field: str, value: Any, says: str) -> None:
    settings.REGISTRY_ADAPTER = "lapakasik.registry.adapters.StaticRegistry"
    settings.REGISTRY_STATIC_RECORDS = [_row(1), {**_row(2), field: value}]
    with pytest.raises(ImproperlyConfigured, match=re.escape(f"REGISTRY_STATIC_RECORDS[1]: {says}")):
        adapters.get_adapter()


@pytest.mark.parametrize(("employers", "says"), [
    ("not a list", "cannot read a JSON list"),
    (42, "must be a list"),
    (["x"], "REGISTRY_STATIC_EMPLOYERS[0]: not a mapping"),
    ([{"npp": "1234567", "name": "PT A", "address": ""}], "[0]: npp is not an NPP"),
    ([{"npp": "12345678", "name": "", "address": ""}], "[0]: name is not a non-empty text"),
    ([{"npp": "12345678", "name": "PT A", "address": "", "hr_emails": ["hrd"]}], "hr_emails[0] is not an e-mail"),
    ([{"npp": "12345678", "name": "PT A", "address": "", "hr_emails": "hrd@a.id"}], "hr_emails is not a list"),
    ([{"npp": "12345678", "name": "PT A"}], "missing fields ['address']"),
])
def test_a_bad_employer_table_is_refused(settings: Any, employers: Any, says: str) -> None:
    settings.REGISTRY_ADAPTER = "lapakasik.registry.adapters.StaticRegistry"
    settings.REGISTRY_STATIC_RECORDS = [_row(1)]
    settings.REGISTRY_STATIC_EMPLOYERS = employers
    with pytest.raises(ImproperlyConfigured, match=re.escape(says)):
        adapters.get_adapter()


def test_the_admin_lists_employers_and_hides_niks_and_families(db: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from lapakasik.registry.models import DemoEmployer, DemoParticipant
    from tests.accounts.helpers import officer_login

    seed.seed_demo(participants=5)
    client = Client()
    officer_login(client, get_user_model().objects.create_superuser("reg-admin", "a@example.id", "x"))
    employers = client.get("/admin/registry/demoemployer/").content.decode()
    assert all(e.npp in employers for e in DemoEmployer.objects.all())
    dead = DemoParticipant.objects.get(case="deceased")
    page = client.get(f"/admin/registry/demoparticipant/{dead.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert dead.kpj in html and dead.nik not in html
    assert [m[k] for m in dead.family for k in ("nik", "full_name") if m[k] in html] == []
