"""Several officers press "Ambil berikutnya" at the same moment: nobody gets a claim somebody else got,
and every claim handed out is held by exactly the officer it was handed to. Threads with their own
database connections, released together by a barrier — on SQLite (writers serialised) and on PostgreSQL
(``FOR UPDATE SKIP LOCKED``)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from lapakasik.casework.services import claim_take_next
from lapakasik.claims.models import Claim, ClaimEvent

pytestmark = pytest.mark.django_db(transaction=True)


def race(officers: list[Any], branch_id: int) -> list[str | None]:
    barrier = threading.Barrier(len(officers))
    got: list[str | None] = [None] * len(officers)
    errors: list[BaseException] = []

    def worker(i: int, user: Any) -> None:
        try:
            barrier.wait(timeout=30)
            claim = claim_take_next(user=user, branch_id=branch_id)
            got[i] = claim.code if claim else None
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, u)) for i, u in enumerate(officers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return got


def _check(staff: Any, ready_claim: Any, branch: Any) -> None:
    from tests.accounts.factories import make_officer

    claims = [ready_claim() for _ in range(3)]
    officers = [staff["officer"], staff["officer2"], staff["supervisor"]] + [
        make_officer(f"cso{i}", "officer", branch=branch) for i in range(3)]
    got = race(officers, branch.pk)
    handed = [c for c in got if c]
    assert sorted(handed) == sorted(c.code for c in claims)  # each claim once; 3 officers got nothing
    for user, code in zip(officers, got, strict=True):
        if code:
            claim = Claim.objects.get(code=code)
            assert claim.assignee_id == user.pk and claim.state == "IN_REVIEW"
            assert ClaimEvent.objects.filter(claim=claim, kind="claim_assigned").count() == 1


def test_officers_racing_for_the_next_claim_never_share_one(staff: Any, ready_claim: Any, branch: Any) -> None:
    _check(staff, ready_claim, branch)


@pytest.mark.postgres
def test_officers_racing_for_the_next_claim_never_share_one_postgres(staff: Any, ready_claim: Any,
                                                                     branch: Any) -> None:
    _check(staff, ready_claim, branch)
