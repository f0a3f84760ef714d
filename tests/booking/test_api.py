"""The booking API as a client meets it: availability, booking, my booking with the access token,
cancel, reschedule, slot_full with alternatives, duplicates, eligibility, rate limits."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.claims.factories import applicant
from tests.conftest import error_of

from .conftest import TOMORROW, snapshot_counts

pytestmark = pytest.mark.usefixtures("booking_env")
URL = "/api/v1/bookings"


def post(client: Client, url: str, body: Any, **headers: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def fill(slot_branch: str, day: str, start: str, capacity: int = 1) -> None:
    from lapakasik.booking.models import SlotQuota

    SlotQuota.objects.filter(branch__code=slot_branch, date=day, session_start=start).update(capacity=capacity)


def test_book_returns_everything_the_participant_needs(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.models import Booking
    from lapakasik.claims.models import Claim, ClaimEvent
    from lapakasik.notifications.models import Notification

    body = payload(branch_code="MKS01", session_start="09:00", full_name=None)  # WITA branch
    p_name = body.pop("full_name")
    from lapakasik.registry.models import DemoParticipant

    p = DemoParticipant.objects.get(nik=body["nik"])
    body["full_name"] = "  " + p.full_name.lower().replace(" ", "   ") + " "  # case/space-insensitive match
    assert p_name is None
    r = post(client, URL, body)
    assert r.status_code == 201, r.content
    data = r.json()
    assert len(data["code"]) == 8 and set(data["code"]) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert data["status"] == "ACTIVE" and data["claim_state"] == "BOOKED"
    assert data["branch"]["code"] == "MKS01" and data["branch"]["time_zone_abbreviation"] == "WITA"
    assert data["slot"] == {**data["slot"], "date": TOMORROW, "start": "09:00", "end": "10:00", "zone": "WITA"}
    assert data["slot"]["starts_at"].startswith("2026-12-22T01:00")  # 09:00 WITA = 01:00 UTC
    assert data["intake"]["email_address"].count("@") == 1 and data["intake"]["upload_url"]
    assert data["ticket_pdf_url"].endswith(".pdf") and data["calendar_ics_url"].endswith(".ics")
    assert data["code"] in data["ticket_pdf_url"]
    token = data["access_token"]
    assert len(token) >= 32 and token not in data["ticket_pdf_url"] + data["calendar_ics_url"]
    claim = Claim.objects.get(code=data["code"])
    assert claim.access_token_digest != token and applicant(claim).full_name.strip()
    assert claim.documents_due_at is not None and claim.documents_due_at.isoformat().startswith("2026-12-21T15:59")
    booking = Booking.objects.get(code=data["code"])
    assert booking.slot.booked == 1
    assert ClaimEvent.objects.filter(claim=claim, kind="booking_created").count() == 1
    assert Notification.objects.filter(claim=claim, event="booking_confirmed").exists()


def test_my_booking_needs_the_bearer_token(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    data = post(client, URL, payload()).json()
    code, token = data["code"], data["access_token"]
    ok = client.get(f"{URL}/{code}", **bearer(token))
    assert ok.status_code == 200 and ok.json()["code"] == code and "access_token" not in ok.json()
    assert client.get(f"{URL}/{code.lower()}", **bearer(token)).status_code == 200
    missing = client.get(f"{URL}/{code}")
    assert missing.status_code == 401 and error_of(missing)["code"] == "unauthorized"
    wrong = client.get(f"{URL}/{code}", **bearer("x" * 32))
    unknown = client.get(f"{URL}/ZZZZZZZZ", **bearer(token))
    assert wrong.status_code == unknown.status_code == 401
    assert error_of(wrong) == error_of(unknown) == error_of(missing)  # the same answer: codes cannot be probed
    # A token in the URL is not accepted.
    assert client.get(f"{URL}/{code}?access_token={token}").status_code == 401


def test_cancel_releases_the_seat_and_twice_is_refused(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.models import SlotQuota
    from lapakasik.notifications.models import Notification

    data = post(client, URL, payload()).json()
    slot = SlotQuota.objects.get(branch__code="JKT02", date=TOMORROW, session_start="08:00")
    assert slot.booked == 1
    r = post(client, f"{URL}/{data['code']}/cancel", {"reason": "berubah rencana"}, **bearer(data["access_token"]))
    assert r.status_code == 200 and r.json()["status"] == "CANCELLED" and r.json()["claim_state"] == "CANCELLED"
    slot.refresh_from_db()
    assert slot.booked == 0
    assert Notification.objects.filter(claim__code=data["code"], event="booking_cancelled").exists()
    before = snapshot_counts()
    again = post(client, f"{URL}/{data['code']}/cancel", {}, **bearer(data["access_token"]))
    assert again.status_code == 409 and error_of(again)["code"] == "booking_not_active"
    assert snapshot_counts() == before
    # After cancelling, the same person may book again.
    assert post(client, URL, {**payload(), "nik": None} if False else _rebook(data, payload)).status_code == 201


def _rebook(data: dict[str, Any], payload: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    from lapakasik.claims.models import Claim
    from lapakasik.registry.models import DemoParticipant

    claim = Claim.objects.get(code=data["code"])
    return payload(DemoParticipant.objects.get(nik=claim.insured_nik))


def test_reschedule_moves_the_seat(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    from lapakasik.booking.models import SlotQuota
    from lapakasik.claims.models import ClaimEvent
    from lapakasik.notifications.models import Notification

    data = post(client, URL, payload()).json()
    r = post(client, f"{URL}/{data['code']}/reschedule", {"date": "2026-12-23", "session_start": "13:00"},
             **bearer(data["access_token"]))
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["code"] == data["code"] and out["slot"]["date"] == "2026-12-23" and out["slot"]["start"] == "13:00"
    old = SlotQuota.objects.get(branch__code="JKT02", date=TOMORROW, session_start="08:00")
    new = SlotQuota.objects.get(branch__code="JKT02", date="2026-12-23", session_start="13:00")
    assert (old.booked, new.booked) == (0, 1)
    assert ClaimEvent.objects.filter(claim__code=data["code"], kind="booking_rescheduled").exists()
    assert Notification.objects.filter(claim__code=data["code"], event="booking_rescheduled").exists()
    # The same token still works.
    assert client.get(f"{URL}/{data['code']}", **bearer(data["access_token"])).json()["slot"]["start"] == "13:00"


def test_reschedule_into_a_full_slot_changes_nothing(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    fill("JKT02", "2026-12-23", "10:00", capacity=1)
    assert post(client, URL, payload(date="2026-12-23", session_start="10:00")).status_code == 201
    data = post(client, URL, payload()).json()
    before = snapshot_counts()
    r = post(client, f"{URL}/{data['code']}/reschedule", {"date": "2026-12-23", "session_start": "10:00"},
             **bearer(data["access_token"]))
    assert r.status_code == 409
    err = error_of(r)
    assert err["code"] == "slot_full" and err["alternatives"]["same_branch"]
    assert snapshot_counts() == before
    same = post(client, f"{URL}/{data['code']}/reschedule", {"date": TOMORROW, "session_start": "08:00"},
                **bearer(data["access_token"]))
    assert same.status_code == 409 and error_of(same)["code"] == "same_slot"


def test_slot_full_offers_alternatives_here_and_nearby(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    fill("JKT02", TOMORROW, "08:00", capacity=1)
    assert post(client, URL, payload()).status_code == 201
    before = snapshot_counts()
    r = post(client, URL, payload())
    assert r.status_code == 409
    err = error_of(r)
    assert err["code"] == "slot_full"
    same = err["alternatives"]["same_branch"]
    assert same[0] == {"branch_code": "JKT02", "date": TOMORROW, "session_start": "09:00", "end": "10:00",
                       "time_zone": "WIB", "remaining": 10}
    nearby = err["alternatives"]["nearby"]
    assert nearby and all(n["branch_code"] != "JKT02" and n["remaining"] > 0 for n in nearby)
    assert nearby[0]["distance_km"] is not None and nearby[0]["distance_km"] < 50  # another Jakarta branch
    assert snapshot_counts() == before


@pytest.mark.parametrize("store", ["cache", "database"])
def test_full_answer_from_cache_costs_no_database_write(payload: Callable[..., dict[str, Any]],
                                                        django_assert_max_num_queries: Any, settings: Any,
                                                        store: str) -> None:
    """With a shared cache (Redis) a full answer costs no query at all; on the embedded default the
    rate-limit counts (shared by the web processes through the database) are its only statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lapakasik.booking.services import SlotFull, booking_create

    settings.RATE_LIMIT_STORE = store
    fill("JKT02", TOMORROW, "08:00", capacity=1)
    booking_create(**payload())
    with pytest.raises(SlotFull):
        booking_create(**payload())  # the conditional UPDATE finds it full and marks it
    with pytest.raises(SlotFull):
        booking_create(**payload())  # the snapshot is rebuilt once per TTL
    body = payload()
    if store == "cache":
        with django_assert_max_num_queries(0), pytest.raises(SlotFull) as exc:
            booking_create(**body)  # answered from the cache: no query at all
    else:
        with CaptureQueriesContext(connection) as ctx, pytest.raises(SlotFull) as exc:
            booking_create(**body)
        statements = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
        assert len(statements) == 2 and all("core_ratewindow" in sql for sql in statements), statements
    assert exc.value.extra["alternatives"]["same_branch"]


def test_duplicate_active_booking_and_double_submit(client: Client, payload: Callable[..., dict[str, Any]]) -> None:
    body = payload()
    assert post(client, URL, body).status_code == 201
    before = snapshot_counts()
    again = post(client, URL, body)  # double submit of the very same request
    assert again.status_code == 409 and error_of(again)["code"] == "duplicate_active_booking"
    elsewhere = post(client, URL, {**body, "branch_code": "BDG01", "phone": "081299990000"})
    assert elsewhere.status_code == 409 and error_of(elsewhere)["code"] == "duplicate_active_booking"
    assert snapshot_counts() == before


@pytest.mark.parametrize(("case", "rule", "has_date"), [
    ("still_active", "membership_active", False),
    ("waiting_period", "waiting_period", True),
    ("partial_short", "membership_10_years", True),
    ("partial_taken", "partial_once", False),
])
def test_not_eligible_says_rule_and_date(client: Client, payload: Callable[..., dict[str, Any]],
                                         person: Callable[..., Any], case: str, rule: str, has_date: bool) -> None:
    before = snapshot_counts()
    r = post(client, URL, payload(person(case)))
    assert r.status_code == 409
    err = error_of(r)
    assert err["code"] == "not_eligible" and err["rule"] == rule and err["message"]
    assert (err["possible_from"] is not None) is has_date
    if has_date:
        assert err["possible_from"] > "2026-12-21"
    assert snapshot_counts() == before


def test_age_56_and_partial_cases_can_book(client: Client, payload: Callable[..., dict[str, Any]],
                                           person: Callable[..., Any]) -> None:
    assert post(client, URL, payload(person("age_56"))).status_code == 201
    assert post(client, URL, payload(person("partial_eligible"))).status_code == 201


def test_rate_limit_per_phone_answers_429_with_retry_after(client: Client, settings: Any,
                                                           payload: Callable[..., dict[str, Any]]) -> None:
    settings.LAPAKASIK = {**settings.LAPAKASIK, "RATE_LIMIT_PHONE_PER_MINUTE": 2}
    phone = "081277776666"
    # Well-formed by the document (a malformed request never reaches the services), refused by the registry
    codes = [post(client, URL, payload(phone=phone, kpj="99999999999")).status_code for _ in range(3)]
    assert codes == [409, 409, 429]
    r = post(client, URL, payload(phone=phone))
    assert r.status_code == 429 and int(r["Retry-After"]) >= 1
    assert error_of(r)["code"] == "rate_limited" and error_of(r)["retry_after"] >= 1


def test_rate_limit_per_ip_and_per_nik(client: Client, settings: Any, payload: Callable[..., dict[str, Any]],
                                       person: Callable[..., Any]) -> None:
    settings.LAPAKASIK = {**settings.LAPAKASIK, "RATE_LIMIT_IP_PER_MINUTE": 3, "RATE_LIMIT_NIK_PER_MINUTE": 2}
    p = person("still_active")
    statuses = [post(client, URL, payload(p)).status_code for _ in range(3)]
    assert statuses == [409, 409, 429]  # per NIK
    r = post(client, URL, payload())
    assert r.status_code == 429 and r["Retry-After"]  # the fourth request from this IP
    other_ip = post(client, URL, payload(), REMOTE_ADDR="10.1.2.3")
    assert other_ip.status_code == 201


def test_branch_availability(client: Client, payload: Callable[..., dict[str, Any]],
                             django_capture_on_commit_callbacks: Any) -> None:
    fill("JAP01", TOMORROW, "08:00", capacity=1)
    assert client.get("/api/v1/branches/JAP01/availability").json()["days"][0]["sessions"][0]["remaining"] == 1
    with django_capture_on_commit_callbacks(execute=True):  # the cache is refreshed when the booking commits
        assert post(client, URL, payload(branch_code="JAP01")).status_code == 201
    r = client.get("/api/v1/branches/jap01/availability", {"from": TOMORROW, "to": "2026-12-28"})
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["branch_code"] == "JAP01" and data["time_zone_abbreviation"] == "WIT"
    dates = [d["date"] for d in data["days"]]
    assert dates[0] == TOMORROW and dates[-1] == "2026-12-28"
    first = data["days"][0]["sessions"][0]
    assert first == {**first, "start": "08:00", "end": "09:00", "capacity": 1, "remaining": 0, "status": "full"}
    assert first["starts_at"].startswith("2026-12-22T08:00:00+09:00")
    christmas = next(d for d in data["days"] if d["date"] == "2026-12-25")
    assert christmas["status"] == "closed" and christmas["sessions"] == [] and christmas["closed_reason"]
    weekend = next(d for d in data["days"] if d["date"] == "2026-12-26")
    assert weekend["status"] == "closed" and weekend["closed_reason"] == "weekend"
    assert [d["status"] for d in data["days"]][1] == "open"
    assert client.get("/api/v1/branches/NOPE/availability").status_code == 404
    inverted = client.get("/api/v1/branches/JKT01/availability", {"from": "2026-12-30", "to": "2026-12-22"})
    assert inverted.status_code == 200 and inverted.json()["days"] == []  # no day lies between
    junk = client.get("/api/v1/branches/JKT01/availability", {"from": "kemarin"})
    assert junk.status_code == 422 and "from" in error_of(junk)["fields"]


def test_availability_search_lists_branches_with_room(client: Client) -> None:
    from lapakasik.booking.models import SlotQuota

    SlotQuota.objects.filter(branch__code="JKT03", date=TOMORROW).update(capacity=0)
    r = client.get("/api/v1/availability", {"region": "DKI", "date": TOMORROW, "claim_type": "JHT"})
    assert r.status_code == 200
    rows = r.json()
    codes = {row["branch_code"] for row in rows}
    assert "JKT01" in codes and "JKT03" not in codes and all(c.startswith("JK") for c in codes)
    assert rows[0]["remaining"] == 70 and rows[0]["sessions"][0]["status"] == "open"
    national = client.get("/api/v1/availability", {"date": TOMORROW})
    assert {"MKS01", "JAP01", "MDN01"} <= {row["branch_code"] for row in national.json()}
    assert client.get("/api/v1/availability", {"date": "2026-12-25"}).json() == []
    bad = client.get("/api/v1/availability", {"date": TOMORROW, "claim_type": "XYZ"})
    assert bad.status_code == 422 and "claim_type" in error_of(bad)["fields"]
    assert client.get("/api/v1/availability").status_code == 422
