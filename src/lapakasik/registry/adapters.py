"""The adapter to the agency's core membership system.

``registry_lookup(nik=..., kpj=...)`` returns a ``MemberRecord`` or ``None`` (unknown NIK, or a KPJ
that does not belong to the NIK — the two are not told apart, so the lookup cannot be used to probe
which NIKs are members). The adapter class is chosen by ``settings.REGISTRY_ADAPTER`` (dotted path);
the default is the seeded demo implementation backed by ``DemoParticipant`` rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class MemberRecord:
    nik: str
    kpj: str
    full_name: str
    birth_date: date
    employer: str
    membership_start: date
    membership_end: date | None
    active: bool
    balance: int
    last_contribution: date | None
    partial_withdrawal_taken: bool = False


class RegistryAdapter(Protocol):
    def lookup(self, *, nik: str, kpj: str) -> MemberRecord | None: ...


class DemoRegistry:
    """Reads the synthetic participants seeded by ``lapakasik seed_demo --participants N``."""

    def lookup(self, *, nik: str, kpj: str) -> MemberRecord | None:
        # Here, not at the top: MemberRecord is imported by pure policy code that needs no ORM.
        from .models import DemoParticipant

        row = DemoParticipant.objects.filter(nik=nik, kpj=kpj).first()
        if row is None:
            return None
        return MemberRecord(
            nik=row.nik, kpj=row.kpj, full_name=row.full_name, birth_date=row.birth_date, employer=row.employer,
            membership_start=row.membership_start, membership_end=row.membership_end, active=row.active,
            balance=row.balance, last_contribution=row.last_contribution,
            partial_withdrawal_taken=row.partial_withdrawal_taken,
        )


class StaticRegistry:
    """An in-memory adapter for tests: ``StaticRegistry([record, ...])``."""

    def __init__(self, records: list[MemberRecord]) -> None:
        self.records = {(r.nik, r.kpj): r for r in records}

    def lookup(self, *, nik: str, kpj: str) -> MemberRecord | None:
        return self.records.get((nik, kpj))


@lru_cache(maxsize=4)
def _adapter(path: str) -> RegistryAdapter:
    adapter: RegistryAdapter = import_string(path)()
    return adapter


def get_adapter() -> RegistryAdapter:
    return _adapter(getattr(settings, "REGISTRY_ADAPTER", "lapakasik.registry.adapters.DemoRegistry"))


def registry_lookup(*, nik: str, kpj: str) -> MemberRecord | None:
    return get_adapter().lookup(nik=nik, kpj=kpj)
