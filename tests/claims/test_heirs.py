"""Who the heirs are for the heir statement: the first living place of the heir order (several of them name a
representative with a power of attorney) and the heirs the statement lists — table-driven over the family."""

from __future__ import annotations

from dataclasses import replace

import pytest

from lapakasik.claims.heirs import co_heirs, heirs_first_rank, heirs_listed
from lapakasik.claims.policy import JP_HEIRS
from lapakasik.registry.adapters import FamilyMember

from .test_policy_programmes import (
    CHILD_A,
    CHILD_B,
    DECEASED,
    FAMILY,
    FATHER,
    GRANDCHILD,
    IN_LAW,
    SIBLING,
    WIDOW,
    dead,
    without,
)


def names(people: list[FamilyMember]) -> list[str]:
    return [p.full_name for p in people]


@pytest.mark.parametrize(("family", "first", "several"), [
    (FAMILY, [WIDOW], False),  # one widow: nobody to represent
    (dead(WIDOW), [CHILD_A, CHILD_B], True),  # two children after her: a representative
    (without(WIDOW, CHILD_B), [CHILD_A], False),
    (without(WIDOW, CHILD_A, CHILD_B), [FATHER, GRANDCHILD], True),  # parent and grandchild share a place
    ((SIBLING, IN_LAW), [SIBLING], False),
    ((replace(SIBLING, date_of_death=IN_LAW.birth_date),), [], False),  # nobody alive
    ((), [], False),
])
def test_the_first_living_place(family: tuple[FamilyMember, ...], first: list[FamilyMember], several: bool) -> None:
    member = replace(DECEASED, family=family)
    assert heirs_first_rank(member) == first
    assert co_heirs(member) is several


def test_the_jp_survivors_have_their_own_heirs() -> None:
    member = replace(DECEASED, family=(GRANDCHILD, SIBLING))  # neither has a JP survivor's right
    assert heirs_first_rank(member, JP_HEIRS) == [] and co_heirs(member, JP_HEIRS) is False
    assert co_heirs(replace(DECEASED, family=without(WIDOW, CHILD_A, CHILD_B)), JP_HEIRS) is False  # the father


def test_the_statement_lists_the_household_in_the_heir_order() -> None:
    younger = replace(CHILD_B, birth_date=CHILD_A.birth_date.replace(year=2010))
    member = replace(DECEASED, family=(younger, FATHER, CHILD_A, WIDOW, SIBLING))
    assert names(heirs_listed(member)) == [WIDOW.full_name, CHILD_A.full_name, younger.full_name]
    assert names(heirs_listed(replace(DECEASED, family=dead(WIDOW)))) == [CHILD_A.full_name, CHILD_B.full_name]
    assert names(heirs_listed(replace(DECEASED, family=(SIBLING, IN_LAW)))) == [SIBLING.full_name]
