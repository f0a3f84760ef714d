"""accounts.policy without a database: every role × every action × own branch / another branch of the same
region / another region, against a table written out here (not derived from the code under test)."""

from __future__ import annotations

import pytest

from lapakasik.accounts.models import Role
from lapakasik.accounts.policy import (
    ALLOWED,
    OUT_OF_SCOPE,
    WRONG_ROLE,
    Action,
    Decision,
    Principal,
    Target,
    branch_filter,
    decide,
    in_scope,
)

# Y = the role may do the action (within its scope); . = never (403 whatever the target).
#                         officer supervisor front_desk regional_admin national_admin employer_officer
EXPECTED_TABLE = """
view_claim                Y       Y          .          Y              Y          .
view_documents            Y       Y          .          Y              Y          .
open_document             Y       Y          .          Y              Y          .
review_document           Y       Y          .          .              .          .
view_registry_record      Y       Y          .          Y              Y          .
cancel_booking            Y       Y          .          Y              Y          .
reschedule_booking        Y       Y          .          Y              Y          .
reschedule_to_branch      Y       Y          .          Y              Y          .
record_phone_call         Y       Y          .          .              .          .
view_queue                Y       Y          .          Y              Y          .
take_claim                Y       Y          .          .              .          .
decide_claim              Y       Y          .          .              .          .
confirm_claim             Y       Y          .          .              .          .
view_load                 .       Y          .          Y              Y          .
assign_claim              .       Y          .          .              .          .
approve_second            .       Y          .          .              .          .
set_channel_policy        .       .          .          Y              Y          .
screen_visitor            .       Y          Y          .              .          .
view_screening_counts     .       Y          Y          Y              Y          .
receive_envelope          Y       Y          Y          .              .          .
digitise_envelope         Y       Y          .          .              .          .
view_dropbox              .       Y          .          Y              Y          .
view_bank_account         Y       Y          .          .              .          .
check_bank_account        Y       Y          .          .              .          .
view_payments             .       Y          .          Y              Y          .
close_batch               .       Y          .          .              .          .
import_bank_result        .       Y          .          .              .          .
view_opening              .       .          .          Y              Y          .
set_opening               .       .          .          .              Y          .
set_branch_quota          .       .          .          Y              Y          .
invite_employer_officer   .       Y          .          Y              Y          .
employer_view_claims      .       .          .          .              .          Y
employer_report_jkk       .       .          .          .              .          Y
"""
ROLES = [Role.OFFICER, Role.SUPERVISOR, Role.FRONT_DESK, Role.REGIONAL_ADMIN, Role.NATIONAL_ADMIN,
         Role.EMPLOYER_OFFICER]


def _expected() -> dict[tuple[str, Role], bool]:
    table = {}
    for line in EXPECTED_TABLE.strip().splitlines():
        action, *marks = line.split()
        assert len(marks) == len(ROLES), line
        for role, mark in zip(ROLES, marks, strict=True):
            table[(action, role)] = mark == "Y"
    return table


EXPECTED = _expected()

# A small network: region 1 holds branches 10 and 11; region 2 holds branch 20.
HOME_BRANCH, SAME_REGION_BRANCH, HOME_REGION = 10, 11, 1
OWN_NPP, OTHER_NPP = "31001001", "32002002"  # the employer officer's company, and another
OTHER_REGION_BRANCH, OTHER_REGION = 20, 2
PLACES = {
    "own_branch": Target(branch_id=HOME_BRANCH, region_id=HOME_REGION),
    "other_branch_same_region": Target(branch_id=SAME_REGION_BRANCH, region_id=HOME_REGION),
    "other_region": Target(branch_id=OTHER_REGION_BRANCH, region_id=OTHER_REGION),
}
REACH = {  # where each role's scope reaches, for an action the role may do
    Role.OFFICER: {"own_branch"},
    Role.SUPERVISOR: {"own_branch"},
    Role.FRONT_DESK: {"own_branch"},
    Role.REGIONAL_ADMIN: {"own_branch", "other_branch_same_region"},
    Role.NATIONAL_ADMIN: {"own_branch", "other_branch_same_region", "other_region"},
    Role.EMPLOYER_OFFICER: set(),  # a company's officer reaches no branch: only their company's claims
}


def principal(role: Role | None) -> Principal:
    if role == Role.REGIONAL_ADMIN:
        return Principal(user_id=7, role=role, region_id=HOME_REGION)
    if role == Role.NATIONAL_ADMIN:
        return Principal(user_id=7, role=role)
    if role == Role.EMPLOYER_OFFICER:
        return Principal(user_id=7, role=role, npp=OWN_NPP)
    return Principal(user_id=7, role=role, branch_id=HOME_BRANCH, region_id=HOME_REGION)


def test_the_expected_table_names_every_action_once() -> None:
    names = [line.split()[0] for line in EXPECTED_TABLE.strip().splitlines()]
    assert sorted(names) == sorted(a.value for a in Action)
    assert set(ALLOWED) == set(Action)  # every action has a row in the policy's table


@pytest.mark.parametrize("place", list(PLACES))
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(Action))
def test_role_action_place(action: Action, role: Role, place: str) -> None:
    decision = decide(principal(role), action, PLACES[place])
    if not EXPECTED[(action.value, role)]:
        assert decision == Decision(False, WRONG_ROLE)
    elif place in REACH[role]:
        assert decision == Decision(True, None)
    else:
        assert decision == Decision(False, OUT_OF_SCOPE)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(Action))
def test_without_a_target_only_the_role_counts(action: Action, role: Role) -> None:
    decision = decide(principal(role), action)
    assert decision.allowed is EXPECTED[(action.value, role)]
    assert decision.reason == (None if decision.allowed else WRONG_ROLE)


@pytest.mark.parametrize("action", list(Action))
def test_a_user_without_an_officer_profile_may_do_nothing(action: Action) -> None:
    nobody = Principal(user_id=3, role=None)
    assert decide(nobody, action) == Decision(False, WRONG_ROLE)
    for target in PLACES.values():
        assert decide(nobody, action, target) == Decision(False, WRONG_ROLE)


def test_the_role_is_checked_before_the_scope() -> None:
    """The front desk gets 403 for another region's claim too: the answer does not depend on where (or
    whether) the claim exists."""
    desk = principal(Role.FRONT_DESK)
    assert decide(desk, Action.REVIEW_DOCUMENT, PLACES["other_region"]) == Decision(False, WRONG_ROLE)


def test_region_targets() -> None:
    own, other = Target(region_id=HOME_REGION), Target(region_id=OTHER_REGION)
    regional, national = principal(Role.REGIONAL_ADMIN), principal(Role.NATIONAL_ADMIN)
    assert decide(regional, Action.SET_CHANNEL_POLICY, own).allowed
    assert decide(regional, Action.SET_CHANNEL_POLICY, other) == Decision(False, OUT_OF_SCOPE)
    assert decide(national, Action.SET_CHANNEL_POLICY, other).allowed
    # A branch role reaches its branch, never its whole region.
    for role in (Role.OFFICER, Role.SUPERVISOR, Role.FRONT_DESK):
        assert not in_scope(principal(role), own)


def test_a_half_configured_principal_reaches_nothing() -> None:
    """A regional admin without a region, or a branch role without a branch, is out of scope everywhere
    (the database forbids such profiles; the policy does not rely on it)."""
    loose_admin = Principal(user_id=1, role=Role.REGIONAL_ADMIN)
    loose_officer = Principal(user_id=1, role=Role.OFFICER)
    for target in [*PLACES.values(), Target(region_id=HOME_REGION)]:
        assert decide(loose_admin, Action.VIEW_CLAIM, target) == Decision(False, OUT_OF_SCOPE)
        assert decide(loose_officer, Action.VIEW_CLAIM, target) == Decision(False, OUT_OF_SCOPE)


def test_a_target_names_a_branch_or_a_region() -> None:
    with pytest.raises(ValueError):
        Target()
    with pytest.raises(ValueError):
        Target(claim_type="JKK")


# --- the employer side: a company's claims, by NPP and claim type ------------------------------------------

COMPANY_TARGETS = {
    "own_company_jkk": Target(npp=OWN_NPP, claim_type="JKK"),
    "own_company_jht": Target(npp=OWN_NPP, claim_type="JHT"),
    "other_company_jkk": Target(npp=OTHER_NPP, claim_type="JKK"),
    "own_company_at_a_branch": Target(branch_id=HOME_BRANCH, region_id=HOME_REGION, npp=OWN_NPP, claim_type="JKK"),
}
#: Expected answers of the employer officer, written out: the JKK report is for the own company's JKK claims
#: only; reading the list is by company, whatever the type.
COMPANY_EXPECTED = {
    (Action.EMPLOYER_REPORT_JKK, "own_company_jkk"): Decision(True, None),
    (Action.EMPLOYER_REPORT_JKK, "own_company_jht"): Decision(False, OUT_OF_SCOPE),
    (Action.EMPLOYER_REPORT_JKK, "other_company_jkk"): Decision(False, OUT_OF_SCOPE),
    (Action.EMPLOYER_REPORT_JKK, "own_company_at_a_branch"): Decision(True, None),
    (Action.EMPLOYER_VIEW_CLAIMS, "own_company_jkk"): Decision(True, None),
    (Action.EMPLOYER_VIEW_CLAIMS, "own_company_jht"): Decision(True, None),
    (Action.EMPLOYER_VIEW_CLAIMS, "other_company_jkk"): Decision(False, OUT_OF_SCOPE),
    (Action.EMPLOYER_VIEW_CLAIMS, "own_company_at_a_branch"): Decision(True, None),
}


@pytest.mark.parametrize(("action", "target"), list(COMPANY_EXPECTED))
def test_an_employer_officer_reaches_their_company_only(action: Action, target: str) -> None:
    assert decide(principal(Role.EMPLOYER_OFFICER), action, COMPANY_TARGETS[target]) == COMPANY_EXPECTED[(action, target)]


@pytest.mark.parametrize("role", [r for r in ROLES if r != Role.EMPLOYER_OFFICER])
@pytest.mark.parametrize("target", list(COMPANY_TARGETS))
def test_agency_roles_never_act_for_a_company(role: Role, target: str) -> None:
    for action in (Action.EMPLOYER_REPORT_JKK, Action.EMPLOYER_VIEW_CLAIMS):
        assert decide(principal(role), action, COMPANY_TARGETS[target]) == Decision(False, WRONG_ROLE)


def test_an_employer_officer_without_a_company_reaches_nothing() -> None:
    loose = Principal(user_id=1, role=Role.EMPLOYER_OFFICER)
    for target in COMPANY_TARGETS.values():
        assert decide(loose, Action.EMPLOYER_REPORT_JKK, target) == Decision(False, OUT_OF_SCOPE)
    # and a company's target never reaches an agency officer's branch scope
    assert not in_scope(principal(Role.OFFICER), Target(npp=OWN_NPP))


@pytest.mark.parametrize("role", [*ROLES, None])
@pytest.mark.parametrize("action", list(Action))
def test_the_list_filter_agrees_with_decide(action: Action, role: Role | None) -> None:
    """``branch_filter`` (what ``branches_visible_to`` queries) selects exactly the branches where
    ``decide`` allows."""
    who = principal(role)
    scope = branch_filter(who, action)
    branches = {HOME_BRANCH: HOME_REGION, SAME_REGION_BRANCH: HOME_REGION, OTHER_REGION_BRANCH: OTHER_REGION}
    selected = {b for b, r in branches.items()
                if scope.everything or scope.branch_id == b or (scope.region_id is not None and scope.region_id == r)}
    allowed = {b for b, r in branches.items() if decide(who, action, Target(branch_id=b, region_id=r)).allowed}
    assert selected == allowed
    assert scope.nothing is (not allowed)
