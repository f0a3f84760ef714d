"""The registry adapter and its deterministic synthetic participants."""

from __future__ import annotations

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
                     "partial_taken"}
    assert sum(p["case"] == "eligible" for p in people[:100]) == 60


@pytest.mark.parametrize("case", list(seed.EXPECTED_FOR_CASE))
def test_each_case_gets_its_expected_verdict(case: str) -> None:
    from lapakasik.booking.policy import eligibility
    from lapakasik.registry.adapters import MemberRecord

    for i in [i for i in range(200) if seed.CYCLE[i % len(seed.CYCLE)] == case][:5]:
        p = seed.participant(i, TODAY)
        fields = {k: v for k, v in p.items() if k != "case"}
        verdict = eligibility(MemberRecord(**fields), "JHT", seed.REASON_FOR_CASE[case], TODAY)
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


def test_static_adapter_can_replace_the_demo(settings: Any) -> None:
    from lapakasik.registry import adapters

    settings.REGISTRY_ADAPTER = "lapakasik.registry.adapters.StaticRegistry"
    with pytest.raises(TypeError):
        adapters.get_adapter()  # needs records: a real adapter is configured by its own settings
    adapters._adapter.cache_clear()


def test_demo_participants_command_prints_csv(db: Any) -> None:
    import csv

    from django.core.management import call_command

    seed.seed_demo(participants=25)
    out = StringIO()
    call_command("demo_participants", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(StringIO(out.getvalue())))
    assert len(rows) == 25
    assert set(rows[0]) == {"nik", "kpj", "full_name", "birth_date", "case", "claim_type", "claim_reason", "expected"}
    eligible = [r for r in rows if r["expected"] == "eligible"]
    assert eligible and all(len(r["nik"]) == 16 for r in rows)
    only = StringIO()
    call_command("demo_participants", "--format", "json", "--case", "age_56", stdout=only)
    lines = [line for line in only.getvalue().splitlines() if line]
    assert lines and all('"age_56"' in line for line in lines)


def test_seed_demo_command_runs_registry_and_booking(db: Any) -> None:
    from django.core.management import call_command

    from lapakasik.booking.models import SlotQuota
    from lapakasik.registry.models import DemoParticipant

    out = StringIO()
    call_command("seed_demo", "--participants", "15", stdout=out)
    assert DemoParticipant.objects.count() == 15
    assert SlotQuota.objects.exists()
