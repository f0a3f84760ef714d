"""The registry adapter and its deterministic synthetic participants."""

from __future__ import annotations

import re
from datetime import date
from io import StringIO
from typing import Any

import pytest

from lapakasik.core.validators import parse_nik, validate_kpj
from lapakasik.registry import seed

TODAY = date(2026, 12, 21)


def test_participants_are_deterministic_valid_and_varied() -> None:
    people = [seed.participant(i, TODAY) for i in range(20_050)]
    assert people[:50] == [seed.participant(i, TODAY) for i in range(50)]
    assert len({p["nik"] for p in people}) == len(people)
    assert len({p["kpj"] for p in people}) == len(people)
    for p in people[:2000] + people[-50:]:
        info = parse_nik(p["nik"], today=TODAY)
        assert info.birth_date == p["birth_date"]
        validate_kpj(p["kpj"])
    cases = {p["case"] for p in people[:20]}
    assert cases == {"eligible", "still_active", "waiting_period", "age_56", "partial_eligible", "partial_short",
                     "partial_taken", "deceased", "accident"}
    # one in a hundred of the cycle's eligible people has died instead (a JKM case)
    assert sum(p["case"] == "eligible" for p in people[:100]) == 59
    assert sum(p["case"] == "deceased" for p in people[:100]) == 1


@pytest.mark.parametrize("case", list(seed.EXPECTED_FOR_CASE))
def test_each_case_gets_its_expected_verdict(case: str) -> None:
    from lapakasik.claims.policy import eligibility

    for i in [i for i in range(200) if seed.case_of(i) == case][:5]:
        p = seed.participant(i, TODAY)
        verdict = eligibility(seed.record(p), "JHT", seed.REASON_FOR_CASE[case], TODAY)
        assert (verdict.rule or "eligible") == seed.EXPECTED_FOR_CASE[case], (i, p)


def test_seed_is_idempotent_and_lookup_needs_matching_kpj(db: Any) -> None:
    from lapakasik.registry.adapters import registry_lookup
    from lapakasik.registry.models import DemoParticipant

    out = StringIO()
    assert seed.seed_demo(stdout=out, participants=30) == 30
    assert seed.seed_demo(participants=30) == 0
    assert seed.seed_demo(participants=40) == 10
    assert DemoParticipant.objects.count() == 40 and "30 synthetic participants" in out.getvalue()
    p = DemoParticipant.objects.order_by("id").first()
    assert p is not None
    record = registry_lookup(nik=p.nik, kpj=p.kpj)
    assert record is not None and record.full_name == p.full_name and record.balance == p.balance
    other = DemoParticipant.objects.order_by("id").last()
    assert other is not None
    assert registry_lookup(nik=p.nik, kpj=other.kpj) is None
    assert registry_lookup(nik="3174010101900001", kpj=p.kpj) is None


def _static_row(index: int, today: date, **changes: Any) -> dict[str, Any]:
    """A synthetic participant that is NOT in the demo table, as a JSON-ready row of the static table."""
    row = {k: v for k, v in seed.participant(index, today).items() if k != "case"}
    row.update(changes)
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}


def test_static_adapter_can_replace_the_demo(network: None, settings: Any, tmp_path: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Configured by settings alone, a static table answers every registry question the product asks:
    booking's identity and eligibility check and intake's NPWP requirement; the demo table is not read."""
    import json
    from datetime import UTC, datetime, timedelta

    from lapakasik.booking.services import booking_create, booking_eligibility, slots_generate
    from lapakasik.core import clock
    from lapakasik.core.errors import Conflict, InvalidInput
    from lapakasik.intake.catalogue import catalogue_seed, claim_checklist
    from lapakasik.registry import adapters
    from lapakasik.registry.models import DemoParticipant

    now = datetime(2026, 12, 21, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB
    monkeypatch.setattr(clock, "now", lambda: now)
    today = now.date()
    seed.seed_demo(participants=20)
    slots_generate(branch_codes=["JKT02"])
    catalogue_seed()
    rich = _static_row(5001, today, membership_end=today - timedelta(days=90), active=False, balance=60_000_000,
                       partial_withdrawal_taken=False)
    waiting = _static_row(5002, today, membership_end=date(2026, 12, 1), active=False, balance=1_000_000,
                          partial_withdrawal_taken=False)
    table = tmp_path / "registry.json"
    table.write_text(json.dumps([rich, waiting]), encoding="utf-8")
    settings.REGISTRY_ADAPTER = "lapakasik.registry.adapters.StaticRegistry"
    settings.REGISTRY_STATIC_RECORDS = str(table)
    assert isinstance(adapters.get_adapter(), adapters.StaticRegistry)
    assert not DemoParticipant.objects.filter(nik__in=[rich["nik"], waiting["nik"]]).exists()

    def body(who: dict[str, Any], n: int) -> dict[str, Any]:
        return {"branch_code": "JKT02", "date": "2026-12-22", "session_start": "08:00", "claim_type": "JHT",
                "claim_reason": "RESIGNED", "nik": who["nik"], "kpj": who["kpj"], "full_name": who["full_name"],
                "email": f"static{n}@contoh.id", "phone": f"08129900{n:04d}", "channels": ["email"]}

    # a worker only the static table knows: eligible, books, and their balance asks for NPWP
    assert booking_eligibility(nik=rich["nik"], kpj=rich["kpj"], full_name=rich["full_name"], claim_type="JHT",
                               claim_reason="RESIGNED").eligible
    booked = booking_create(**body(rich, 1))
    npwp = claim_checklist(booked.claim).item("npwp")
    assert npwp is not None and npwp.required
    # the static table's dates decide the waiting period
    with pytest.raises(Conflict) as refused:
        booking_create(**body(waiting, 2))
    assert refused.value.code == "not_eligible"
    assert refused.value.extra == {"rule": "waiting_period", "possible_from": "2027-01-01"}
    # a worker only the demo table knows is unknown to the product now
    demo = DemoParticipant.objects.filter(case="eligible").order_by("id").first()
    assert demo is not None
    demo_who = {"nik": demo.nik, "kpj": demo.kpj, "full_name": demo.full_name}
    with pytest.raises(InvalidInput) as mismatch:
        booking_create(**body(demo_who, 3))
    assert mismatch.value.code == "registry_mismatch"
    with pytest.raises(InvalidInput):
        booking_eligibility(nik=demo.nik, kpj=demo.kpj, full_name=demo.full_name, claim_type="JHT",
                            claim_reason="RESIGNED")

    # and back: the demo adapter answers again once the setting goes
    settings.REGISTRY_ADAPTER = "lapakasik.registry.adapters.DemoRegistry"
    assert adapters.registry_lookup(nik=demo.nik, kpj=demo.kpj) is not None
    assert adapters.registry_lookup(nik=rich["nik"], kpj=rich["kpj"]) is None


def test_static_records_from_a_list_of_mappings(settings: Any) -> None:
    from lapakasik.registry import adapters

    row = _static_row(7, TODAY, balance=123)
    settings.REGISTRY_ADAPTER = "lapakasik.registry.adapters.StaticRegistry"
    settings.REGISTRY_STATIC_RECORDS = [row]
    record = adapters.registry_lookup(nik=row["nik"], kpj=row["kpj"])
    assert record is not None and record.balance == 123 and record.birth_date == date.fromisoformat(row["birth_date"])
    assert adapters.registry_lookup(nik=row["nik"], kpj="00000000000") is None


@pytest.mark.parametrize(("records", "says"), [
    (None, "is not set"),
    ({"nik": "1"}, "must be a list"),
    (42, "must be a list"),
    (["not a mapping"], "[0]: not a mapping"),
    ([{"nik": "3174010101900001"}], "missing fields"),
    ("__BADJSON__", "cannot read a JSON list"),
    ("/nonexistent/registry.json", "cannot read a JSON list"),
])
def test_a_malformed_static_table_is_refused_clearly(settings: Any, tmp_path: Any, records: Any, says: str) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from lapakasik.registry import adapters

    if records == "__BADJSON__":
        bad = tmp_path / "bad.json"
        bad.write_text("[{nik: ", encoding="utf-8")
        records = str(bad)
    settings.REGISTRY_ADAPTER = "lapakasik.registry.adapters.StaticRegistry"
    settings.REGISTRY_STATIC_RECORDS = records
    with pytest.raises(ImproperlyConfigured, match=re.escape(says)):
        adapters.registry_lookup(nik="3174010101900001", kpj="10000000000")


@pytest.mark.parametrize(("field", "value", "says"), [
    ("birth_date", "21-12-1990", "birth_date is not an ISO date"),
    ("membership_start", 19900101, "membership_start is not a date"),
    ("balance", -1, "balance is not a whole number"),
    ("balance", "50000000", "balance is not a whole number"),
    ("balance", True, "balance is not a whole number"),
    ("active", "yes", "active is not true/false"),
    ("nik", "  ", "nik is not a non-empty text"),
    ("full_name", None, "full_name is not a non-empty text"),
    ("shoe_size", 42, "unknown fields ['shoe_size']"),
])
def test_a_bad_field_names_its_row_and_field(settings: Any, field: str, value: Any, says: str) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from lapakasik.registry import adapters

    good = _static_row(1, TODAY)
    settings.REGISTRY_ADAPTER = "lapakasik.registry.adapters.StaticRegistry"
    settings.REGISTRY_STATIC_RECORDS = [good, {**good, field: value}]
    with pytest.raises(ImproperlyConfigured, match=re.escape(f"REGISTRY_STATIC_RECORDS[1]: {says}")):
        adapters.get_adapter()


def test_demo_participants_command_prints_csv(db: Any) -> None:
    import csv

    from django.core.management import call_command

    seed.seed_demo(participants=25)
    out = StringIO()
    call_command("demo_participants", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(StringIO(out.getvalue())))
    assert set(rows[0]) == {"nik", "kpj", "full_name", "birth_date", "case", "claim_type", "claim_reason", "expected",
                            "applicant", "insured_nik", "insured_kpj"}
    participants = [r for r in rows if r["applicant"] == "participant"]
    assert len(participants) == 25 and all(r["insured_nik"] == "" for r in participants)
    eligible = [r for r in participants if r["expected"] == "eligible"]
    assert eligible and all(len(r["nik"]) == 16 for r in rows)
    only = StringIO()
    call_command("demo_participants", "--format", "json", "--case", "age_56", stdout=only)
    lines = [line for line in only.getvalue().splitlines() if line]
    assert lines and all('"age_56"' in line for line in lines)


def test_demo_participants_lists_the_heirs_of_the_deceased(db: Any) -> None:
    """After the deceased participant: the widow (JKM, eligible) and a child (refused by the heir order), with
    their own NIK and name, no KPJ, and the deceased's NIK/KPJ — what a newcomer types to book as an heir."""
    import csv

    from django.core.management import call_command

    from lapakasik.registry.models import DemoParticipant

    seed.seed_demo(participants=5)
    dead = DemoParticipant.objects.get(case="deceased")
    out = StringIO()
    call_command("demo_participants", "--format", "csv", "--case", "deceased", stdout=out)
    rows = list(csv.DictReader(StringIO(out.getvalue())))
    assert [(r["applicant"], r["claim_type"], r["expected"]) for r in rows] == [
        ("participant", "JHT", "eligible"), ("heir", "JKM", "eligible"), ("heir", "JKM", "heir_order")]
    widow, child = rows[1], rows[2]
    spouse = next(m for m in dead.family if m["relation"] == "spouse")
    assert (widow["nik"], widow["full_name"], widow["kpj"]) == (spouse["nik"], spouse["full_name"], "")
    assert (widow["insured_nik"], widow["insured_kpj"]) == (child["insured_nik"], child["insured_kpj"]) == (dead.nik,
                                                                                                             dead.kpj)
    assert child["nik"] in {m["nik"] for m in dead.family if m["relation"] == "child"}


def test_seed_demo_command_runs_registry_and_booking(db: Any) -> None:
    from django.core.management import call_command

    from lapakasik.booking.models import SlotQuota
    from lapakasik.registry.models import DemoParticipant

    out = StringIO()
    call_command("seed_demo", "--participants", "15", stdout=out)
    assert DemoParticipant.objects.count() == 15
    assert SlotQuota.objects.exists()
