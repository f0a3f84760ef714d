"""Who the heirs of a deceased insured worker are, by the registry's family data and the heir order of
``claims.policy`` — what the heir statement lists and whether several heirs must name a representative.
Pure: the caller passes the registry record."""

from __future__ import annotations

from lapakasik.registry.adapters import FamilyMember, MemberRecord, Relation

from .policy import ALL_HEIRS, HEIR_RANK, WILL


def heirs_first_rank(member: MemberRecord, allowed: frozenset[str] = ALL_HEIRS) -> list[FamilyMember]:
    """The living family members of the first place in the heir order that has anyone alive: the heirs
    who have the right to claim (several of them name one representative with a power of attorney)."""
    living = [m for m in member.family if m.alive and m.relation in allowed]
    if not living:
        return []
    first = min(HEIR_RANK[m.relation] for m in living)
    return [m for m in living if HEIR_RANK[m.relation] == first]


def co_heirs(member: MemberRecord, allowed: frozenset[str] = ALL_HEIRS) -> bool:
    """More than one heir of the same (first) place is alive: they claim through one representative, who
    holds the power of attorney (surat kuasa) the others sign."""
    return len(heirs_first_rank(member, allowed)) > 1


def heirs_listed(member: MemberRecord) -> list[FamilyMember]:
    """The heirs an heir statement lists, in the heir order: the living widow/widower and children (the
    deceased's own household on the family card), or — when none of them lives — the heirs of the first
    place that has anyone alive."""
    order = [*Relation.ALL, WILL]
    core = [m for m in member.family if m.alive and m.relation in (Relation.SPOUSE, Relation.CHILD)]
    chosen = core or heirs_first_rank(member)
    return sorted(chosen, key=lambda m: (HEIR_RANK[m.relation], order.index(m.relation), m.birth_date))
