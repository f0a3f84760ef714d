"""Officers cancel and reschedule bookings of their own branch (or region), with a reason, also after
the session started; other branches' bookings are invisible (404), front-desk staff may not (403)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from tests.accounts.helpers import officer_login
from tests.conftest import error_of

from .conftest import TOMORROW, book, snapshot_counts

pytestmark = pytest.mark.usefixtures("booking_env", "officers")


def as_user(username: str) -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    officer_login(client, get_user_model().objects.get(username=username))
    return client


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_branch_officer_cancels_with_a_reason_even_after_the_start(
        payload: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    from lapakasik.claims.models import ClaimEvent
    from lapakasik.core import clock

    result = book(**payload(branch_code="JKT01"))
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 22, 1, 30, tzinfo=UTC))  # 08:30 WIB
    officer = as_user("petugas.sudirman")
    assert officer.get(f"/api/v1/officer/bookings/{result.code}").json()["code"] == result.code
    short = post(officer, f"/api/v1/officer/bookings/{result.code}/cancel", {"reason": ""})
    assert short.status_code == 422 and "reason" in error_of(short)["fields"]
    r = post(officer, f"/api/v1/officer/bookings/{result.code}/cancel", {"reason": "peserta menelepon 175"})
    assert r.status_code == 200 and r.json()["status"] == "CANCELLED"
    event = ClaimEvent.objects.filter(claim__code=result.code, kind="state_changed").last()
    assert event is not None and event.actor_kind == "officer" and event.actor_label == "petugas.sudirman"
    assert event.reason == "peserta menelepon 175"


def test_other_branches_and_front_desk_and_anonymous_are_refused(payload: Callable[..., dict[str, Any]]) -> None:
    result = book(**payload(branch_code="JKT01"))
    before = snapshot_counts()
    url = f"/api/v1/officer/bookings/{result.code}/cancel"
    elsewhere = post(as_user("petugas.makassar"), url, {"reason": "coba coba"})
    unknown = post(as_user("petugas.makassar"), "/api/v1/officer/bookings/ZZZZZZZZ/cancel", {"reason": "coba"})
    assert elsewhere.status_code == unknown.status_code == 404
    assert error_of(elsewhere) == error_of(unknown)
    assert post(as_user("satpam.bandung"), url, {"reason": "coba coba"}).status_code == 403
    assert post(Client(), url, {"reason": "coba coba"}).status_code == 401
    assert Client().get(f"/api/v1/officer/bookings/{result.code}").status_code == 401
    assert snapshot_counts() == before


def test_regional_admin_reschedules_within_the_region_only(payload: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.models import SlotQuota

    result = book(**payload(branch_code="JKT01"))
    kanwil = as_user("kanwil.dki")
    url = f"/api/v1/officer/bookings/{result.code}/reschedule"
    before = snapshot_counts()
    outside = post(kanwil, url, {"date": TOMORROW, "session_start": "09:00", "branch_code": "MKS01"})
    assert outside.status_code == 409 and error_of(outside)["fields"]["branch_code"]
    assert snapshot_counts() == before
    r = post(kanwil, url, {"date": TOMORROW, "session_start": "09:00", "branch_code": "JKT05"})
    assert r.status_code == 200, r.content
    assert r.json()["branch"]["code"] == "JKT05" and r.json()["slot"]["start"] == "09:00"
    assert SlotQuota.objects.get(branch__code="JKT01", date=TOMORROW, session_start="08:00").booked == 0
    assert SlotQuota.objects.get(branch__code="JKT05", date=TOMORROW, session_start="09:00").booked == 1
