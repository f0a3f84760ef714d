"""The adapter to the agency's core membership system.

``registry_lookup(nik=..., kpj=...)`` returns a ``MemberRecord`` or ``None`` (unknown NIK, or a KPJ
that does not belong to the NIK — the two are not told apart, so the lookup cannot be used to probe
which NIKs are members). The adapter class is chosen by ``settings.REGISTRY_ADAPTER`` (dotted path);
the default is the seeded demo implementation backed by ``DemoParticipant`` rows; ``StaticRegistry``
serves a fixed table from ``settings.REGISTRY_STATIC_RECORDS``. Everything that needs a registry fact
(booking's eligibility check, intake's NPWP requirement) asks ``registry_lookup``, never a table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
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
    """A fixed table of records held in memory: ``StaticRegistry([record, ...])``, or, configured as the
    product's adapter (``REGISTRY_ADAPTER = "lapakasik.registry.adapters.StaticRegistry"``), the records
    of ``settings.REGISTRY_STATIC_RECORDS``: a list of mappings with ``MemberRecord``'s fields (dates as
    ISO strings or dates), or the path of a JSON file holding such a list. A malformed table is refused
    with ``ImproperlyConfigured`` naming the row and the field, before any lookup."""

    def __init__(self, records: Iterable[MemberRecord] | None = None) -> None:
        if records is None:
            records = static_records(getattr(settings, "REGISTRY_STATIC_RECORDS", None))
        self.records = {(r.nik, r.kpj): r for r in records}

    def lookup(self, *, nik: str, kpj: str) -> MemberRecord | None:
        return self.records.get((nik, kpj))


_RECORD_FIELDS = {f.name: f for f in fields(MemberRecord)}
_DATE_FIELDS = {"birth_date", "membership_start", "membership_end", "last_contribution"}
_OPTIONAL = {"membership_end", "last_contribution", "partial_withdrawal_taken"}


def static_records(source: object) -> list[MemberRecord]:
    """The records of ``REGISTRY_STATIC_RECORDS`` (a list of mappings, or a JSON file's path)."""
    if source is None:
        raise ImproperlyConfigured("REGISTRY_STATIC_RECORDS is not set: the static registry has no records.")
    if isinstance(source, (str, Path)):
        try:
            source = json.loads(Path(source).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ImproperlyConfigured(f"REGISTRY_STATIC_RECORDS: cannot read a JSON list: {exc}") from None
    if not isinstance(source, (list, tuple)):
        raise ImproperlyConfigured("REGISTRY_STATIC_RECORDS must be a list of records or a JSON file's path.")
    return [_record(i, row) for i, row in enumerate(source)]


def _record(index: int, row: object) -> MemberRecord:
    def bad(why: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(f"REGISTRY_STATIC_RECORDS[{index}]: {why}")

    if isinstance(row, MemberRecord):
        return row
    if not isinstance(row, dict):
        raise bad("not a mapping")
    unknown = set(row) - set(_RECORD_FIELDS)
    missing = set(_RECORD_FIELDS) - _OPTIONAL - set(row)
    if unknown or missing:
        raise bad(f"unknown fields {sorted(unknown)}, missing fields {sorted(missing)}")
    values: dict[str, object] = {}
    for name, value in row.items():
        if name in _DATE_FIELDS:
            if value is None and name in _OPTIONAL:
                pass
            elif isinstance(value, str):
                try:
                    value = date.fromisoformat(value)
                except ValueError:
                    raise bad(f"{name} is not an ISO date") from None
            elif not isinstance(value, date):
                raise bad(f"{name} is not a date")
        elif name in {"active", "partial_withdrawal_taken"}:
            if not isinstance(value, bool):
                raise bad(f"{name} is not true/false")
        elif name == "balance":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise bad("balance is not a whole number of rupiah ≥ 0")
        elif not isinstance(value, str) or (name in {"nik", "kpj", "full_name"} and not value.strip()):
            raise bad(f"{name} is not a non-empty text")
        values[name] = value
    return MemberRecord(**values)  # type: ignore[arg-type]


@lru_cache(maxsize=4)
def _adapter(path: str) -> RegistryAdapter:
    adapter: RegistryAdapter = import_string(path)()
    return adapter


def get_adapter() -> RegistryAdapter:
    return _adapter(getattr(settings, "REGISTRY_ADAPTER", "lapakasik.registry.adapters.DemoRegistry"))


@receiver(setting_changed)
def _forget_the_adapter(*, setting: str, **kwargs: Any) -> None:
    """A test that switches the adapter or its records gets a fresh one (the instance is cached)."""
    if setting in {"REGISTRY_ADAPTER", "REGISTRY_STATIC_RECORDS"}:
        _adapter.cache_clear()


def registry_lookup(*, nik: str, kpj: str) -> MemberRecord | None:
    return get_adapter().lookup(nik=nik, kpj=kpj)
