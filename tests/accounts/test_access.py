"""accounts.access and accounts.selectors against the database: the principal of a user, the refusal as an
error, and list filters that agree with single decisions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404

from lapakasik.accounts.access import authorise, principal_of, require, require_page
from lapakasik.accounts.models import Role
from lapakasik.accounts.policy import Action, Decision
from lapakasik.core.errors import NotFound, PermissionDenied

from .factories import make_officer

pytestmark = pytest.mark.django_db


def _user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _branch(code: str) -> Any:
    from lapakasik.branches.models import Branch

    return Branch.objects.get(code=code)


def test_the_principal_of_each_kind_of_user(officers: None) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    assert principal_of(AnonymousUser()) is None
    plain = get_user_model().objects.create_user(username="biasa", password=None, is_staff=True,
                                                  is_superuser=True)
    assert principal_of(plain).role is None  # staff and superuser flags give no officer rights
    officer = principal_of(_user("petugas.sudirman"))
    jkt01 = _branch("JKT01")
    assert (officer.role, officer.branch_id, officer.region_id) == (Role.OFFICER, jkt01.pk, jkt01.region_id)
    regional = principal_of(_user("kanwil.dki"))
    assert (regional.role, regional.branch_id, regional.region_id) == (Role.REGIONAL_ADMIN, None, jkt01.region_id)
    assert principal_of(_user("admin")).role == Role.NATIONAL_ADMIN


def test_require_turns_refusals_into_the_api_and_page_errors(officers: None) -> None:
    officer, desk = _user("petugas.sudirman"), _user("satpam.bandung")
    own, elsewhere = _branch("JKT01"), _branch("MKS01")
    assert require(officer, Action.CANCEL_BOOKING, branch=own).role == Role.OFFICER
    with pytest.raises(NotFound) as out_of_scope:
        require(officer, Action.CANCEL_BOOKING, branch=elsewhere, not_found_code="booking_not_found")
    assert out_of_scope.value.status == 404 and out_of_scope.value.code == "booking_not_found"
    with pytest.raises(PermissionDenied) as wrong_role:
        require(desk, Action.CANCEL_BOOKING)
    assert wrong_role.value.status == 403 and wrong_role.value.as_dict()["error"]["code"] == "forbidden"
    with pytest.raises(Http404):
        require_page(officer, Action.VIEW_DOCUMENTS, branch=elsewhere)
    with pytest.raises(DjangoPermissionDenied):
        require_page(desk, Action.VIEW_DOCUMENTS, branch=_branch("BDG01"))


def test_a_record_without_a_branch_is_in_nobodys_scope(officers: None) -> None:
    """``branch=None`` (say, a phone-call task without a branch) is refused, never taken as 'no target'."""
    assert authorise(_user("petugas.sudirman"), Action.RECORD_PHONE_CALL, branch=None) == Decision(False,
                                                                                                  "out_of_scope")
    assert authorise(_user("admin"), Action.VIEW_CLAIM, claim=None) == Decision(False, "out_of_scope")
    assert authorise(_user("satpam.bandung"), Action.RECORD_PHONE_CALL, branch=None) == Decision(False,
                                                                                                "wrong_role")
    with pytest.raises(TypeError):
        authorise(_user("admin"), Action.VIEW_CLAIM, branch=_branch("JKT01"), region=_branch("JKT01").region)


def test_region_targets(officers: None) -> None:
    dki, jabar = _branch("JKT01").region, _branch("BDG01").region
    kanwil = _user("kanwil.dki")
    assert authorise(kanwil, Action.SET_CHANNEL_POLICY, region=dki).allowed
    assert authorise(kanwil, Action.SET_CHANNEL_POLICY, region=jabar) == Decision(False, "out_of_scope")
    assert authorise(_user("kepala.sudirman"), Action.SET_CHANNEL_POLICY, region=dki) == Decision(False,
                                                                                                 "wrong_role")


def test_branches_visible_to_agrees_with_every_single_decision(officers: None) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    from lapakasik.accounts.selectors import branches_visible_to
    from lapakasik.branches.models import Branch

    branches = list(Branch.objects.all())
    users = [*get_user_model().objects.filter(officer__isnull=False), AnonymousUser(),
             make_officer("kepala.bandung", "supervisor", branch=_branch("BDG01"))]
    for user in users:
        for action in Action:
            listed = set(branches_visible_to(user, action).values_list("pk", flat=True))
            decided = {b.pk for b in branches if authorise(user, action, branch=b).allowed}
            assert listed == decided, (user, action)
    assert set(branches_visible_to(_user("kanwil.dki")).values_list("code", flat=True)) == set(
        Branch.objects.filter(region__code="DKI").values_list("code", flat=True))
    assert not branches_visible_to(_user("satpam.bandung")).exists()  # the front desk sees no claims
