"""Hostile and malformed booking requests: each gets its clear error (status, code, field) and
changes nothing — no claim, booking, event, notification or seat counter moves."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.conftest import error_of

from .conftest import TOMORROW, snapshot_counts

pytestmark = pytest.mark.usefixtures("booking_env")
URL = "/api/v1/bookings"


def post(client: Client, body: Any, content_type: str = "application/json") -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data=data, content_type=content_type)


# (name, overrides, status, error code, field that must carry a message). 422: malformed by the API document's
# rules; 409: well-formed, refused by the state of the world (branch, window, calendar, sessions, registry).
CASES: list[tuple[str, dict[str, Any], int, str, str | None]] = [
    ("nik too short", {"nik": "317401010190"}, 422, "invalid", "nik"),
    ("nik letters", {"nik": "31740101019O0001"}, 422, "invalid", "nik"),
    ("nik unknown province", {"nik": "9974010101900001"}, 422, "invalid", "nik"),
    ("nik impossible birth date", {"nik": "3174013102900001"}, 422, "invalid", "nik"),
    ("nik serial 0000", {"nik": "3174010101900000"}, 422, "invalid", "nik"),
    ("nik empty", {"nik": ""}, 422, "invalid", "nik"),
    ("nik arabic-indic digits", {"nik": "٣١٧٤٠١٠١٠١٩٠٠٠٠١"}, 422, "invalid", "nik"),
    ("kpj wrong length", {"kpj": "123"}, 422, "invalid", "kpj"),
    ("kpj not matching the nik", {"kpj": "99999999999"}, 409, "registry_mismatch", "kpj"),
    ("name mismatch", {"full_name": "Orang Lain Sekali"}, 409, "name_mismatch", "full_name"),
    ("name empty", {"full_name": "   "}, 422, "invalid", "full_name"),
    ("name control characters", {"full_name": "Budi\x00Santoso"}, 422, "invalid", "full_name"),
    ("email invalid", {"email": "bukan-email"}, 422, "invalid", "email"),
    ("phone landline-ish garbage", {"phone": "12"}, 422, "invalid", "phone"),
    ("phone foreign", {"phone": "+14155552671"}, 422, "invalid", "phone"),
    ("past date", {"date": "2026-12-18"}, 409, "refused", "date"),
    ("today", {"date": "2026-12-21"}, 409, "refused", "date"),
    ("beyond the window", {"date": "2027-01-08"}, 409, "refused", "date"),
    ("holiday (Christmas)", {"date": "2026-12-25"}, 409, "refused", "date"),
    ("weekend", {"date": "2026-12-26"}, 409, "refused", "date"),
    ("date not a date", {"date": "besok"}, 422, "invalid", "date"),
    ("date impossible", {"date": "2026-02-30"}, 422, "invalid", "date"),
    ("unknown session", {"session_start": "07:00"}, 409, "refused", "session_start"),
    ("session malformed", {"session_start": "8 pagi"}, 422, "invalid", "session_start"),
    ("unknown branch", {"branch_code": "XXX99"}, 409, "refused", "branch_code"),
    ("reason of another claim type", {"claim_type": "JKK", "claim_reason": "RESIGNED"}, 409, "refused",
     "claim_reason"),
    ("claim type unknown", {"claim_type": "ABC"}, 422, "invalid", "claim_type"),
    ("claim reason unknown", {"claim_reason": "BOSAN"}, 422, "invalid", "claim_reason"),
    ("language unknown", {"language": "fr"}, 422, "invalid", "language"),
    ("channel unknown", {"channels": ["pigeon"]}, 422, "invalid", "channels"),
    ("no channel", {"channels": []}, 422, "invalid", "channels"),
    ("channels not a list", {"channels": "email"}, 422, "invalid", "channels"),
    ("nik not a string", {"nik": ["3174010101900001"]}, 422, "invalid", "nik"),
    ("field far too long", {"full_name": "A" * 5000}, 422, "invalid", "full_name"),
    ("missing field", {"nik": None}, 422, "invalid", "nik"),
]


@pytest.mark.parametrize(("name", "overrides", "status", "code", "field"), CASES, ids=[c[0] for c in CASES])
def test_bad_booking_request(client: Client, payload: Callable[..., dict[str, Any]], name: str,
                             overrides: dict[str, Any], status: int, code: str, field: str | None) -> None:
    body = payload(**overrides)
    body = {k: v for k, v in body.items() if v is not None}
    before = snapshot_counts()
    r = post(client, body)
    assert r.status_code == status, (name, r.content)
    err = error_of(r)
    assert err["code"] == code, err
    assert err["message"]
    if field:
        assert err["fields"].get(field), err
        assert all(isinstance(m, str) and m for m in err["fields"][field])
    assert snapshot_counts() == before


def test_a_claim_type_left_out_of_the_queue_is_refused(client: Client, payload: Callable[..., dict[str, Any]],
                                                       settings: Any) -> None:
    """``BOOKING_CLAIM_TYPES`` narrows what the queue takes (all four by default)."""
    settings.LAPAKASIK = {**settings.LAPAKASIK, "BOOKING_CLAIM_TYPES": "JHT"}
    before = snapshot_counts()
    r = post(client, payload(claim_type="JKK", claim_reason="ACCIDENT"))
    assert r.status_code == 409, r.content
    err = error_of(r)
    assert err["code"] == "refused" and "Pilih: JHT" in err["fields"]["claim_type"][0]
    assert snapshot_counts() == before


def test_several_errors_are_reported_together(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    r = post(client, payload(nik="1", kpj="2", email="x", phone="3", date="besok"))
    assert r.status_code == 422
    assert {"nik", "kpj", "email", "phone", "date"} <= set(error_of(r)["fields"])


def test_closed_branch_is_refused(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    from django.core.cache import cache

    from lapakasik.branches.models import Branch

    Branch.objects.filter(code="JKT02").update(is_active=False)
    cache.clear()
    before = snapshot_counts()
    r = post(client, payload())
    assert r.status_code == 409 and error_of(r)["fields"]["branch_code"]
    assert snapshot_counts() == before


def test_branch_closure_day_is_refused(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    from datetime import date

    from django.core.cache import cache

    from lapakasik.booking.services import slots_generate
    from lapakasik.branches.models import Branch, Closure

    Closure.objects.create(date=date(2026, 12, 24), branch=Branch.objects.get(code="JKT02"), reason="Renovasi kantor")
    cache.clear()
    slots_generate()
    before = snapshot_counts()
    r = post(client, payload(date="2026-12-24"))
    assert r.status_code == 409
    assert "Renovasi kantor" in error_of(r)["fields"]["date"][0]
    assert snapshot_counts() == before
    avail = client.get("/api/v1/branches/JKT02/availability", {"from": "2026-12-24", "to": "2026-12-24"}).json()
    assert avail["days"][0]["status"] == "closed" and avail["days"][0]["closed_reason"] == "Renovasi kantor"


@pytest.mark.parametrize(("body", "content_type", "status", "code"), [
    ("{not json", "application/json", 422, "malformed_body"),
    ("", "application/json", 422, None),
    ("[1, 2, 3]", "application/json", 422, None),
    ('"a string"', "application/json", 422, None),
    ("nik=3174010101900001", "application/x-www-form-urlencoded", 422, None),
    (b"\xff\xfe\x00garbage", "application/json", 422, None),
], ids=["broken-json", "empty", "array", "string", "form-encoded", "binary"])
def test_non_json_bodies(client: Client, body: Any, content_type: str, status: int, code: str | None) -> None:
    before = snapshot_counts()
    r = post(client, body, content_type=content_type)
    assert r.status_code == status, r.content
    err = error_of(r)
    if code:
        assert err["code"] == code
    assert snapshot_counts() == before


def test_oversized_body_is_refused(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    body = payload()
    body["padding"] = "x" * (2 * 1024 * 1024)
    before = snapshot_counts()
    r = post(client, body)
    assert r.status_code == 413
    assert error_of(r)["code"] == "body_too_large"
    assert snapshot_counts() == before


def test_cancel_and_reschedule_bad_input(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    created = post(client, payload()).json()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {created['access_token']}"}
    url = f"{URL}/{created['code']}/reschedule"
    before = snapshot_counts()
    for body, field in [({"date": "2026-12-25", "session_start": "08:00"}, "date"),
                        ({"date": "2027-02-01", "session_start": "08:00"}, "date"),
                        ({"date": TOMORROW, "session_start": "06:00"}, "session_start"),
                        ({"date": TOMORROW, "session_start": "08:00", "branch_code": "NOPE"}, "branch_code")]:
        r = client.post(url, data=json.dumps(body), content_type="application/json", **auth)
        assert r.status_code == 409 and error_of(r)["fields"][field], (body, r.content)
    no_auth = client.post(url, data=json.dumps({"date": TOMORROW, "session_start": "09:00"}),
                          content_type="application/json")
    assert no_auth.status_code == 401
    basic = client.post(f"{URL}/{created['code']}/cancel", data="{}", content_type="application/json",
                        HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
    assert basic.status_code == 401
    assert snapshot_counts() == before
