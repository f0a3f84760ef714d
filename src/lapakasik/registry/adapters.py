"""The adapter to the agency's core membership system.

``registry_lookup(nik=..., kpj=...)`` returns a ``MemberRecord`` or ``None`` (unknown NIK, or a KPJ
that does not belong to the NIK — the two are not told apart, so the lookup cannot be used to probe
which NIKs are members). The record carries everything the claim rules read about the insured worker:
the JHT facts, the date of death, the JP contribution months, the employment periods (by employer NPP),
the family members (relation, NIK, birth date, alive or the date of death) and the accident reports.
``registry_employer(npp=...)`` returns an ``Employer`` (name, address, the HR officers' e-mail
addresses) or ``None``. The adapter class is chosen by ``settings.REGISTRY_ADAPTER`` (dotted path);
the default is the seeded demo implementation backed by ``DemoParticipant`` and ``DemoEmployer`` rows;
``StaticRegistry`` serves a fixed table from ``settings.REGISTRY_STATIC_RECORDS`` (and
``REGISTRY_STATIC_EMPLOYERS``). Everything that needs a registry fact (booking's eligibility check,
intake's conditions, the claim rules' trace) asks this module, never a table.
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


class Relation:
    """A family member's relation to the insured worker (the registry's family data, from the KK)."""

    SPOUSE = "spouse"  # husband or wife; the widow or widower once the worker has died
    CHILD = "child"
    PARENT = "parent"
    GRANDCHILD = "grandchild"
    SIBLING = "sibling"
    PARENT_IN_LAW = "parent_in_law"
    ALL = (SPOUSE, CHILD, PARENT, GRANDCHILD, SIBLING, PARENT_IN_LAW)


class AccidentKind:
    """What an accident report is about."""

    WORKPLACE = "workplace"  # at the place of work or on duty
    ROAD = "road"  # a traffic accident (on the way to or from work, or on duty): police / Jasa Raharja report
    OCCUPATIONAL_DISEASE = "occupational_disease"
    ALL = (WORKPLACE, ROAD, OCCUPATIONAL_DISEASE)


@dataclass(frozen=True)
class FamilyMember:
    relation: str
    nik: str
    full_name: str
    birth_date: date
    date_of_death: date | None = None

    @property
    def alive(self) -> bool:
        return self.date_of_death is None


@dataclass(frozen=True)
class EmploymentPeriod:
    """The worker was employed by the employer ``npp`` from ``start`` to ``end`` (None: still employed)."""

    npp: str
    start: date
    end: date | None = None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class AccidentReport:
    """An accident (or occupational disease) the employer ``npp`` reported for the worker."""

    occurred_on: date
    npp: str
    kind: str


@dataclass(frozen=True)
class Employer:
    """A company registered with the agency, identified by its NPP (Nomor Pendaftaran Perusahaan)."""

    npp: str
    name: str
    address: str
    hr_emails: tuple[str, ...] = ()


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
    employer_npp: str = ""
    date_of_death: date | None = None
    jp_contribution_months: int = 0
    jp_average_wage: int = 0  # the JP pension's average monthly wage (rupiah); 0: not given
    employments: tuple[EmploymentPeriod, ...] = ()
    family: tuple[FamilyMember, ...] = ()
    accidents: tuple[AccidentReport, ...] = ()

    @property
    def deceased(self) -> bool:
        return self.date_of_death is not None

    def relatives(self, relation: str) -> tuple[FamilyMember, ...]:
        return tuple(m for m in self.family if m.relation == relation)

    def family_member(self, nik: str) -> FamilyMember | None:
        return next((m for m in self.family if nik and m.nik == nik), None)


class RegistryAdapter(Protocol):
    def lookup(self, *, nik: str, kpj: str) -> MemberRecord | None: ...

    def employer(self, *, npp: str) -> Employer | None: ...


class DemoRegistry:
    """Reads the synthetic participants and employers seeded by ``lapakasik seed_demo --participants N``
    (one row per participant: the family, employment periods and accident reports are kept on it)."""

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
            partial_withdrawal_taken=row.partial_withdrawal_taken, employer_npp=row.employer_npp,
            date_of_death=row.date_of_death, jp_contribution_months=row.jp_contribution_months,
            employments=tuple(_employment(f"employments[{i}]", e) for i, e in enumerate(row.employments or [])),
            family=tuple(_family_member(f"family[{i}]", m) for i, m in enumerate(row.family or [])),
            accidents=tuple(_accident(f"accidents[{i}]", a) for i, a in enumerate(row.accidents or [])),
        )

    def employer(self, *, npp: str) -> Employer | None:
        from .models import DemoEmployer

        row = DemoEmployer.objects.filter(npp=npp).first()
        if row is None:
            return None
        return Employer(npp=row.npp, name=row.name, address=row.address, hr_emails=tuple(row.hr_emails or ()))


class StaticRegistry:
    """A fixed table of records held in memory: ``StaticRegistry([record, ...], [employer, ...])``, or,
    configured as the product's adapter (``REGISTRY_ADAPTER = "lapakasik.registry.adapters.StaticRegistry"``),
    the records of ``settings.REGISTRY_STATIC_RECORDS``: a list of mappings with ``MemberRecord``'s fields
    (dates as ISO strings or dates; ``employments``, ``family`` and ``accidents`` as lists of mappings with
    the fields of ``EmploymentPeriod``, ``FamilyMember`` and ``AccidentReport``), or the path of a JSON file
    holding such a list; and the employers of ``settings.REGISTRY_STATIC_EMPLOYERS`` (optional, the same
    forms, ``Employer``'s fields). A malformed table is refused with ``ImproperlyConfigured`` naming the row
    and the field, before any lookup."""

    def __init__(self, records: Iterable[MemberRecord] | None = None,
                 employers: Iterable[Employer] | None = None) -> None:
        if records is None:
            records = static_records(getattr(settings, "REGISTRY_STATIC_RECORDS", None))
            if employers is None:
                employers = static_employers(getattr(settings, "REGISTRY_STATIC_EMPLOYERS", None))
        self.records = {(r.nik, r.kpj): r for r in records}
        self.employers = {e.npp: e for e in employers or ()}

    def lookup(self, *, nik: str, kpj: str) -> MemberRecord | None:
        return self.records.get((nik, kpj))

    def employer(self, *, npp: str) -> Employer | None:
        return self.employers.get(npp)


_RECORD_FIELDS = {f.name: f for f in fields(MemberRecord)}
_DATE_FIELDS = {"birth_date", "membership_start", "membership_end", "last_contribution", "date_of_death"}
_OPTIONAL = {"membership_end", "last_contribution", "partial_withdrawal_taken", "employer_npp", "date_of_death",
             "jp_contribution_months", "jp_average_wage", "employments", "family", "accidents"}
_NULLABLE = {"membership_end", "last_contribution", "date_of_death"}


class _Bad(ValueError):
    """A malformed value; the message names the field (the caller adds the row)."""


def _date(name: str, value: object, *, nullable: bool = False) -> date | None:
    if value is None and nullable:
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _Bad(f"{name} is not an ISO date") from None
    if isinstance(value, date):
        return value
    raise _Bad(f"{name} is not a date")


def _day(name: str, value: object) -> date:
    day = _date(name, value)
    if day is None:  # pragma: no cover - _date answers None only when nullable
        raise _Bad(f"{name} is not a date")
    return day


def _text(name: str, value: object, *, required: bool = True) -> str:
    if not isinstance(value, str) or (required and not value.strip()):
        raise _Bad(f"{name} is not a non-empty text" if required else f"{name} is not a text")
    return value


def _npp(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) != 8:
        raise _Bad(f"{name} is not an NPP (8 digits)")
    return value


def _fields(name: str, row: object, cls: type, optional: set[str]) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise _Bad(f"{name} is not a mapping")
    known = {f.name for f in fields(cls)}
    unknown, missing = set(row) - known, known - optional - set(row)
    if unknown or missing:
        raise _Bad(f"{name}: unknown fields {sorted(unknown)}, missing fields {sorted(missing)}")
    return row


def _employment(name: str, row: object) -> EmploymentPeriod:
    if isinstance(row, EmploymentPeriod):
        return row
    values = _fields(name, row, EmploymentPeriod, {"end"})
    start = _day(f"{name}.start", values["start"])
    end = _date(f"{name}.end", values.get("end"), nullable=True)
    if end is not None and end < start:
        raise _Bad(f"{name}.end is before its start")
    return EmploymentPeriod(npp=_npp(f"{name}.npp", values["npp"]), start=start, end=end)


def _family_member(name: str, row: object) -> FamilyMember:
    if isinstance(row, FamilyMember):
        return row
    values = _fields(name, row, FamilyMember, {"date_of_death"})
    if values["relation"] not in Relation.ALL:
        raise _Bad(f"{name}.relation is not one of {list(Relation.ALL)}")
    nik = _text(f"{name}.nik", values["nik"])
    if not nik.isascii() or not nik.isdigit() or len(nik) != 16:
        raise _Bad(f"{name}.nik is not 16 digits")
    birth = _day(f"{name}.birth_date", values["birth_date"])
    death = _date(f"{name}.date_of_death", values.get("date_of_death"), nullable=True)
    if death is not None and death < birth:
        raise _Bad(f"{name}.date_of_death is before the birth date")
    return FamilyMember(relation=values["relation"], nik=nik, full_name=_text(f"{name}.full_name", values["full_name"]),
                        birth_date=birth, date_of_death=death)


def _accident(name: str, row: object) -> AccidentReport:
    if isinstance(row, AccidentReport):
        return row
    values = _fields(name, row, AccidentReport, set())
    if values["kind"] not in AccidentKind.ALL:
        raise _Bad(f"{name}.kind is not one of {list(AccidentKind.ALL)}")
    return AccidentReport(occurred_on=_day(f"{name}.occurred_on", values["occurred_on"]),
                          npp=_npp(f"{name}.npp", values["npp"]), kind=values["kind"])


def _list(name: str, value: object) -> list[Any]:
    if not isinstance(value, (list, tuple)):
        raise _Bad(f"{name} is not a list")
    return list(value)


def _load(setting: str, source: object) -> list[Any]:
    if isinstance(source, (str, Path)):
        try:
            source = json.loads(Path(source).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ImproperlyConfigured(f"{setting}: cannot read a JSON list: {exc}") from None
    if not isinstance(source, (list, tuple)):
        raise ImproperlyConfigured(f"{setting} must be a list of records or a JSON file's path.")
    return list(source)


def static_records(source: object) -> list[MemberRecord]:
    """The records of ``REGISTRY_STATIC_RECORDS`` (a list of mappings, or a JSON file's path)."""
    if source is None:
        raise ImproperlyConfigured("REGISTRY_STATIC_RECORDS is not set: the static registry has no records.")
    return [_record(i, row) for i, row in enumerate(_load("REGISTRY_STATIC_RECORDS", source))]


def static_employers(source: object) -> list[Employer]:
    """The employers of ``REGISTRY_STATIC_EMPLOYERS`` (None: none; a list of mappings, or a JSON file's path)."""
    if source is None:
        return []
    out = []
    for index, row in enumerate(_load("REGISTRY_STATIC_EMPLOYERS", source)):
        try:
            out.append(_employer(row))
        except _Bad as exc:
            raise ImproperlyConfigured(f"REGISTRY_STATIC_EMPLOYERS[{index}]: {exc}") from None
    return out


def _employer(row: object) -> Employer:
    if isinstance(row, Employer):
        return row
    if not isinstance(row, dict):
        raise _Bad("not a mapping")
    values = _fields("employer", row, Employer, {"hr_emails"})
    emails = _list("hr_emails", values.get("hr_emails", []))
    for i, e in enumerate(emails):
        if not isinstance(e, str) or e.count("@") != 1 or not e.partition("@")[0] or "." not in e.partition("@")[2]:
            raise _Bad(f"hr_emails[{i}] is not an e-mail address")
    return Employer(npp=_npp("npp", values["npp"]), name=_text("name", values["name"]),
                    address=_text("address", values["address"], required=False), hr_emails=tuple(emails))


def _record(index: int, row: object) -> MemberRecord:
    if isinstance(row, MemberRecord):
        return row
    if not isinstance(row, dict):
        raise ImproperlyConfigured(f"REGISTRY_STATIC_RECORDS[{index}]: not a mapping")
    try:
        return _record_values(row)
    except _Bad as exc:
        raise ImproperlyConfigured(f"REGISTRY_STATIC_RECORDS[{index}]: {exc}") from None


def member_record(row: dict[str, Any]) -> MemberRecord:
    """One record from a mapping of ``MemberRecord``'s fields (dates as ISO strings or dates; the family,
    employment periods and accident reports as lists of mappings). ``ValueError`` names a bad field."""
    return _record_values(row)


def _record_values(row: dict[str, Any]) -> MemberRecord:
    unknown = set(row) - set(_RECORD_FIELDS)
    missing = set(_RECORD_FIELDS) - _OPTIONAL - set(row)
    if unknown or missing:
        raise _Bad(f"unknown fields {sorted(unknown)}, missing fields {sorted(missing)}")
    values: dict[str, object] = {}
    for name, value in row.items():
        if name in _DATE_FIELDS:
            value = _date(name, value, nullable=name in _NULLABLE)
        elif name in {"active", "partial_withdrawal_taken"}:
            if not isinstance(value, bool):
                raise _Bad(f"{name} is not true/false")
        elif name in {"balance", "jp_contribution_months", "jp_average_wage"}:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise _Bad("balance is not a whole number of rupiah ≥ 0" if name == "balance"
                           else f"{name} is not a whole number ≥ 0")
        elif name == "employer_npp":
            value = _npp(name, value) if value != "" else ""
        elif name == "employments":
            value = tuple(_employment(f"employments[{i}]", e) for i, e in enumerate(_list(name, value)))
        elif name == "family":
            value = tuple(_family_member(f"family[{i}]", m) for i, m in enumerate(_list(name, value)))
        elif name == "accidents":
            value = tuple(_accident(f"accidents[{i}]", a) for i, a in enumerate(_list(name, value)))
        else:
            value = _text(name, value, required=name in {"nik", "kpj", "full_name"})
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
    if setting in {"REGISTRY_ADAPTER", "REGISTRY_STATIC_RECORDS", "REGISTRY_STATIC_EMPLOYERS"}:
        _adapter.cache_clear()


def registry_lookup(*, nik: str, kpj: str) -> MemberRecord | None:
    return get_adapter().lookup(nik=nik, kpj=kpj)


def registry_employer(*, npp: str) -> Employer | None:
    """The employer registered under ``npp`` (8 digits), or None."""
    return get_adapter().employer(npp=npp)
