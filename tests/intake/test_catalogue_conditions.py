"""The checklist's family and accident conditions come from the registry, through its adapter: the marriage
certificate when the worker has a living spouse, the children's birth certificates when they have a living
child, the police / Jasa Raharja report when the employer's report is of a road accident. Unknown (a worker
the registry does not know, a registry that is down, no report) stays "bila berlaku"."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

import pytest

from lapakasik.intake.catalogue import claim_checklist
from lapakasik.registry.adapters import FamilyMember

pytestmark = pytest.mark.django_db

NIK, KPJ = "3174010101700001", "10000000001"
NPP = "31001001"
SPOUSE = FamilyMember("spouse", "3174014402780002", "Sri Lestari", date(1978, 2, 4))
CHILD = FamilyMember("child", "3174011003050003", "Andi Santoso", date(2005, 3, 10))
GONE = date(2024, 6, 1)


def put(settings: Any, **changes: Any) -> None:
    """The insured worker's record, the only one in a static registry."""
    from lapakasik.registry import seed

    row = {k: v for k, v in seed.participant(0, date.today()).items() if k != "case"}
    row.update({"nik": NIK, "kpj": KPJ, "family": [], "accidents": [], **changes})
    settings.REGISTRY_ADAPTER = "lapakasik.registry.adapters.StaticRegistry"
    settings.REGISTRY_STATIC_RECORDS = [row]


def rows(claim: Any) -> dict[str, bool]:
    return {i.code: i.required for i in claim_checklist(claim).items}


@pytest.mark.parametrize(("family", "nikah", "akta_anak"), [
    ([SPOUSE, CHILD], True, True),
    ([SPOUSE], True, None),
    ([CHILD], None, True),  # a child of a spouse no longer in the family
    ([], None, None),
    ([FamilyMember(**{**asdict(SPOUSE), "date_of_death": GONE}), CHILD], None, True),  # widowed: no marriage row
    ([SPOUSE, FamilyMember(**{**asdict(CHILD), "date_of_death": GONE})], True, None),
])
def test_jp_family_conditions(make_claim: Any, settings: Any, family: list[FamilyMember], nikah: bool | None,
                              akta_anak: bool | None) -> None:
    put(settings, family=[asdict(m) for m in family])
    checklist = rows(make_claim(claim_type="JP", claim_reason="OLD_AGE", nik=NIK, kpj=KPJ))
    assert checklist.get("akta_nikah") is nikah
    assert checklist.get("akta_lahir_anak") is akta_anak
    if nikah is None:
        assert "akta_nikah" not in checklist  # the registry says there is no living spouse: no row at all


def test_a_worker_the_registry_does_not_know_keeps_the_rows_optional(make_claim: Any, settings: Any) -> None:
    put(settings, family=[asdict(SPOUSE), asdict(CHILD)])
    claim = make_claim(claim_type="JP", claim_reason="OLD_AGE", nik="3174010101700009", kpj=KPJ)
    items = {i.code: i for i in claim_checklist(claim).items}
    for code in ("akta_nikah", "akta_lahir_anak"):
        assert items[code].required is False and items[code].condition_note


def test_a_registry_that_is_down_keeps_the_rows_optional(make_claim: Any, settings: Any, monkeypatch: Any) -> None:
    put(settings, family=[asdict(SPOUSE)])
    claim = make_claim(claim_type="JP", claim_reason="OLD_AGE", nik=NIK, kpj=KPJ)

    def down(*, nik: str, kpj: str) -> Any:
        raise ConnectionError("registry unreachable")

    monkeypatch.setattr("lapakasik.intake.catalogue.registry_lookup", down)
    assert rows(claim)["akta_nikah"] is False
    monkeypatch.undo()
    assert rows(claim)["akta_nikah"] is True


@pytest.mark.parametrize(("accidents", "police"), [
    ([{"occurred_on": date.today() - timedelta(days=3), "npp": NPP, "kind": "road"}], True),
    ([{"occurred_on": date.today() - timedelta(days=3), "npp": NPP, "kind": "workplace"}], None),
    ([], False),
    # the latest report decides
    ([{"occurred_on": date.today() - timedelta(days=400), "npp": NPP, "kind": "road"},
      {"occurred_on": date.today() - timedelta(days=3), "npp": NPP, "kind": "workplace"}], None),
    ([{"occurred_on": date.today() + timedelta(days=3), "npp": NPP, "kind": "road"}], False),  # not yet happened
])
def test_the_police_report_row_follows_the_employers_report(make_claim: Any, settings: Any,
                                                             accidents: list[dict[str, Any]], police: bool | None) -> None:
    put(settings, accidents=accidents, employments=[{"npp": NPP, "start": date(2015, 1, 1), "end": None}])
    checklist = rows(make_claim(claim_type="JKK", claim_reason="ACCIDENT", nik=NIK, kpj=KPJ))
    # True: required; None: the registry says it was not a road accident, so the row is not shown;
    # False: no report yet, so it stays "bila berlaku"
    assert checklist.get("laporan_polisi") is police


def test_the_demo_seed_gives_the_rows_their_data(make_claim: Any) -> None:
    """Through the default demo adapter: the deceased participant's JP survivor's claim asks for the
    marriage certificate and the children's birth certificates; a road accident asks for the police report."""
    from lapakasik.registry import seed
    from lapakasik.registry.models import DemoParticipant

    seed.seed_demo(participants=100)
    dead = DemoParticipant.objects.get(case="deceased")
    jp = rows(make_claim(claim_type="JP", claim_reason="DEATH", nik=dead.nik, kpj=dead.kpj))
    assert jp["akta_nikah"] is True and jp["akta_lahir_anak"] is True
    road = DemoParticipant.objects.filter(case="accident").order_by("id").first()
    assert road is not None and road.accidents[0]["kind"] == "road"
    assert rows(make_claim(claim_type="JKK", claim_reason="ACCIDENT", nik=road.nik, kpj=road.kpj))["laporan_polisi"]
