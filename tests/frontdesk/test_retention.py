"""Screening records are personal health data: the periodic job deletes those older than
``SCREENING_RETENTION_DAYS``; the counts per day (nobody in them) stay."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from .conftest import FIXED_NOW, Desk

pytestmark = pytest.mark.django_db


def _screen(desk: Desk, *, days_ago: float, temperature: str = "36.5", branch: Any = None) -> Any:
    from lapakasik.frontdesk import services

    return services.screening_record(branch=branch or desk.branch, user=desk.users["front_desk"],
                                     temperature=Decimal(temperature), form_id=services.form_id_new(),
                                     visitor_name="Siti", now=FIXED_NOW - timedelta(days=days_ago)).record


def _left() -> list[int]:
    from lapakasik.frontdesk.models import ScreeningRecord

    return sorted(ScreeningRecord.objects.values_list("pk", flat=True))


def test_records_past_the_retention_are_deleted_and_the_counts_stay(desk: Desk) -> None:
    from lapakasik.frontdesk import selectors
    from lapakasik.frontdesk.tasks import screening_records_purge

    old = [_screen(desk, days_ago=20), _screen(desk, days_ago=14.01, temperature="38.0"),
           _screen(desk, days_ago=15, branch=desk.other_branch)]
    kept = [_screen(desk, days_ago=13.99), _screen(desk, days_ago=0, temperature="37.9")]
    before = selectors.counts_per_day(desk.branch, selectors.local_day(desk.branch))

    assert screening_records_purge.call() == len(old)

    assert _left() == sorted(r.pk for r in kept)
    assert selectors.counts_per_day(desk.branch, selectors.local_day(desk.branch)) == before
    assert selectors.total(before).screened == 4  # the deleted ones are still counted


def test_a_second_run_deletes_nothing_more(desk: Desk) -> None:
    from lapakasik.frontdesk import services

    _screen(desk, days_ago=30)
    _screen(desk, days_ago=1)
    assert services.screening_records_purge() == 1
    assert services.screening_records_purge() == 0
    assert len(_left()) == 1


def test_the_retention_is_configurable(desk: Desk, settings: Any) -> None:
    from lapakasik.frontdesk import services

    recent = _screen(desk, days_ago=2.5)
    _screen(desk, days_ago=3.5)
    settings.LAPAKASIK = {**settings.LAPAKASIK, "SCREENING_RETENTION_DAYS": 3}
    assert services.screening_records_purge() == 1
    assert _left() == [recent.pk]


def test_a_retention_of_zero_days_is_a_configuration_error_not_a_wipe(desk: Desk, settings: Any) -> None:
    from lapakasik.frontdesk import services

    _screen(desk, days_ago=0)
    settings.LAPAKASIK = {**settings.LAPAKASIK, "SCREENING_RETENTION_DAYS": 0}
    with pytest.raises(ValueError):
        services.screening_records_purge()
    assert len(_left()) == 1


def test_many_records_are_deleted_in_batches(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    from lapakasik.frontdesk import services

    monkeypatch.setattr(services, "PURGE_BATCH", 3)
    for _ in range(8):
        _screen(desk, days_ago=40)
    keep = _screen(desk, days_ago=1)
    assert services.screening_records_purge() == 8
    assert _left() == [keep.pk]


def test_the_job_is_registered_hourly_and_enqueued_once_per_period(desk: Desk) -> None:
    from lapakasik.core.models import PeriodicRun
    from lapakasik.core.periodic import autodiscover, tick

    job = autodiscover()["screening_records_purge"]
    assert job.every == timedelta(hours=1)
    assert "screening_records_purge" in tick(FIXED_NOW)
    assert "screening_records_purge" not in tick(FIXED_NOW + timedelta(minutes=5))
    assert PeriodicRun.objects.filter(job="screening_records_purge").count() == 1
