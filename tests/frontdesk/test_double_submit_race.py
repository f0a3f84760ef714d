"""A double tap on a slow phone: the same screening form sent several times at the same moment gives one
record and one count. Threads with their own database connections, released together by a barrier — on
SQLite (writers serialised) and on PostgreSQL (the unique ``form_id`` index makes the later inserts wait for
the first and fail; they then answer with its record)."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def _race(branch: Any, user: Any, form_id: str, n: int = 4) -> list[tuple[int, bool]]:
    from lapakasik.frontdesk.services import screening_record

    barrier = threading.Barrier(n)
    got: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=30)
            done = screening_record(branch=branch, user=user, temperature=Decimal("37.6"), form_id=form_id,
                                    visitor_name="Budi")
            got.append((done.record.pk, done.created))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return got


def _check(network: None) -> None:
    from lapakasik.branches.models import Branch
    from lapakasik.frontdesk.models import ScreeningDay, ScreeningRecord
    from lapakasik.frontdesk.services import form_id_new
    from tests.accounts.factories import make_officer

    branch = Branch.objects.get(code="BDG01")
    user = make_officer("satpam.balap", "front_desk", branch=branch)
    got = _race(branch, user, form_id_new())
    assert len(got) == 4 and len({pk for pk, _ in got}) == 1
    assert sorted(created for _, created in got) == [False, False, False, True]
    assert ScreeningRecord.objects.count() == 1
    day = ScreeningDay.objects.get(branch=branch)
    assert (day.admitted, day.sent_home) == (0, 1)


def test_a_form_sent_four_times_at_once_is_one_record(network: None) -> None:
    _check(network)


@pytest.mark.postgres
def test_a_form_sent_four_times_at_once_is_one_record_on_postgresql(network: None) -> None:
    assert connection.vendor == "postgresql"
    _check(network)
