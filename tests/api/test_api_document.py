"""The API document states the rules the server enforces, in both directions: what the document calls valid
is not refused as malformed (422), what it calls invalid is refused — the failures schemathesis found
(issue "Security and resilience", finding 7), each kept as a regression test."""

from __future__ import annotations

import json
from typing import Any, get_args

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lapakasik.core import validators
from tests.conftest import error_of


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    from lapakasik.api.api import api

    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1"), default=str))


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        return _resolve(document, document["components"]["schemas"][ref.rsplit("/", 1)[1]])
    return schema


def _inputs(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(operation, input name, its schema) for every parameter and JSON body property."""
    out = []
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            label = f"{method.upper()} {path}"
            for parameter in op.get("parameters", []):
                out.append((label, parameter["name"], parameter["schema"]))
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                schema = _resolve(document, body["schema"])
                for name, prop in schema.get("properties", {}).items():
                    out.append((label, name, prop))
    return out


def _constrained(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return all(o.get("type") != "string" or any(k in o for k in ("pattern", "enum", "const", "format"))
               for o in options) and all(
        o.get("type") != "array" or ("maxItems" in o and _constrained(o.get("items", {}))) for o in options)


def test_every_text_input_of_every_operation_states_its_format(document: dict[str, Any]) -> None:
    loose = [(op, name) for op, name, schema in _inputs(document) if not _constrained(schema)]
    assert loose == []


def test_request_bodies_refuse_unknown_properties(document: dict[str, Any]) -> None:
    for schema in document["components"]["schemas"].values():
        if schema["title"].endswith("In"):
            assert schema.get("additionalProperties") is False, schema["title"]


@pytest.mark.parametrize(("schema", "field", "pattern"), [
    ("BookingIn", "nik", validators.NIK_PATTERN),
    ("BookingIn", "kpj", validators.KPJ_PATTERN),  # optional (an heir has none): the pattern of its string form
    ("BookingIn", "insured_nik", validators.NIK_PATTERN),
    ("BookingIn", "insured_kpj", validators.KPJ_PATTERN),
    ("BookingIn", "phone", validators.PHONE_PATTERN),
    ("BookingIn", "full_name", validators.FULL_NAME_PATTERN),
    ("BookingIn", "branch_code", validators.BRANCH_CODE_PATTERN),
    ("BookingIn", "session_start", validators.SESSION_START_PATTERN),
    ("BookingIn", "date", validators.ISO_DATE_PATTERN),
    ("RescheduleIn", "date", validators.ISO_DATE_PATTERN),
])
def test_the_document_carries_the_validators_own_patterns(document: dict[str, Any], schema: str, field: str,
                                                           pattern: str) -> None:
    prop = document["components"]["schemas"][schema]["properties"][field]
    options = prop.get("anyOf", [prop])  # an optional field: its string form, beside null
    assert [o["pattern"] for o in options if o.get("type") != "null"] == [pattern]


def test_email_date_and_code_formats_are_declared(document: dict[str, Any]) -> None:
    booking = document["components"]["schemas"]["BookingIn"]["properties"]
    assert booking["email"]["format"] == "email" and booking["email"]["maxLength"] == 254
    assert booking["date"]["format"] == "date"
    code = next(p for p in document["paths"]["/api/v1/bookings/{code}"]["get"]["parameters"] if p["name"] == "code")
    assert code["schema"]["pattern"] == validators.PUBLIC_CODE_PATTERN


def test_enums_are_the_domains_own_lists() -> None:
    from lapakasik.booking.api import ClaimReason, ClaimType
    from lapakasik.claims.parties import CHANNELS, LANGUAGES
    from lapakasik.claims.reasons import REASONS
    from lapakasik.claims.schemas import Channel, Language

    assert set(get_args(ClaimType)) == set(REASONS)
    assert set(get_args(ClaimReason)) == {reason for reasons in REASONS.values() for reason in reasons}
    assert set(get_args(Channel)) == set(CHANNELS) and set(get_args(Language)) == set(LANGUAGES)


# --- what the patterns call valid, the validators accept -----------------------------------------------

@settings(max_examples=500, suppress_health_check=list(HealthCheck))
@given(st.from_regex(validators.NIK_PATTERN, fullmatch=True))
def test_every_nik_the_document_allows_is_accepted(nik: str) -> None:
    assert validators.parse_nik(nik).nik == nik


@settings(max_examples=300, suppress_health_check=list(HealthCheck))
@given(st.from_regex(validators.PHONE_PATTERN, fullmatch=True))
def test_every_phone_the_document_allows_is_an_indonesian_mobile(phone: str) -> None:
    assert validators.normalize_phone(phone).startswith("+628")


@settings(max_examples=300, suppress_health_check=list(HealthCheck))
@given(st.from_regex(validators.FULL_NAME_PATTERN, fullmatch=True))
def test_every_name_the_document_allows_is_accepted(name: str) -> None:
    from lapakasik.claims.parties import full_name_clean

    assert full_name_clean(name)


@pytest.mark.parametrize("nik", [
    "3174011212260001",  # 12 Dec of the current two-digit year, after today: read as 1926, not the future
    "3174012902000001",  # 29 Feb 2000
    "3174016902960001",  # 29 Feb 1996, a woman (+40)
    "9774017112990001",  # Papua Pegunungan, 31 Dec 1999, a woman
])
def test_schema_valid_niks_that_used_to_be_refused_are_accepted(nik: str) -> None:
    import re

    assert re.fullmatch(validators.NIK_PATTERN, nik)
    validators.parse_nik(nik)


@pytest.mark.parametrize("nik", ["3174013002900001", "3174012902010001", "9974010101900001", "3174010101900000",
                                 "3100010101900001", "317401010190001"])
def test_niks_the_document_refuses_the_validator_refuses(nik: str) -> None:
    import re

    assert not re.fullmatch(validators.NIK_PATTERN, nik)
    with pytest.raises(ValidationError):
        validators.parse_nik(nik)


# --- through the API ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["date=0", "date=1700000000", "date=2026-1-5", "date=", "date=2026-12-03T00:00"])
def test_availability_search_refuses_a_date_that_is_not_a_date(network: None, query: str) -> None:
    r = Client().get(f"/api/v1/availability?{query}")
    assert r.status_code == 422, r.content
    assert error_of(r)["fields"]["date"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["to=0", "from=0", "from=2026-12-03&to=0", "to=1700000000"])
def test_branch_availability_refuses_a_range_end_that_is_not_a_date(network: None, query: str) -> None:
    r = Client().get(f"/api/v1/branches/JKT01/availability?{query}")
    assert r.status_code == 422, r.content
    assert set(error_of(r)["fields"]) & {"from", "to"}


@pytest.mark.django_db
def test_an_inverted_range_is_an_empty_answer_not_an_error(network: None) -> None:
    r = Client().get("/api/v1/branches/JKT01/availability?from=2026-12-10&to=2026-12-03")
    assert r.status_code == 200 and r.json()["days"] == []


@pytest.mark.django_db
def test_a_region_the_document_refuses_is_refused(network: None) -> None:
    assert Client().get("/api/v1/branches?region=DKI").status_code == 200
    r = Client().get("/api/v1/branches?region=%3Cscript%3E")
    assert r.status_code == 422 and error_of(r)["fields"]["region"]


def _booking_body(**changes: Any) -> dict[str, Any]:
    body = {"branch_code": "ZZZ99", "date": "2026-12-22", "session_start": "08:00", "claim_type": "JHT",
            "claim_reason": "RESIGNED", "nik": "3174011212260001", "kpj": "12345678901", "full_name": "Siti Rahayu",
            "email": "siti@contoh.id", "phone": "+6281234567890", "language": "id", "channels": ["email"]}
    return {**body, **changes}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/bookings", "/api/v1/waitlist"])
def test_a_schema_valid_booking_is_never_refused_as_malformed(network: None, url: str) -> None:
    """Every field as the document describes it (a NIK the old validator read as born in the future, a
    +62 phone): the answer is about the world — here an unknown branch, 409 — not a 422."""
    r = Client().post(url, data=json.dumps(_booking_body()), content_type="application/json")
    assert r.status_code == 409, r.content
    assert set(error_of(r)["fields"]) == {"branch_code"}


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), [
    ("nik", "3174013002900001"), ("kpj", "1234567890"), ("phone", "0812 3456 7890"), ("phone", "+14155552671"),
    ("email", "bukan-email"), ("date", "0"), ("session_start", "8:00"), ("claim_type", "jht"),
    ("channels", []), ("full_name", "Budi\x01"), ("extra", "unknown property"),
])
def test_a_booking_the_document_calls_invalid_is_a_422(network: None, field: str, value: Any) -> None:
    r = Client().post("/api/v1/bookings", data=json.dumps(_booking_body(**{field: value})),
                      content_type="application/json")
    assert r.status_code == 422, r.content
    assert field in error_of(r)["fields"]


@pytest.mark.django_db
def test_allow_names_exactly_the_documented_methods(network: None, document: dict[str, Any]) -> None:
    """An undocumented method gets 405 and an ``Allow`` header listing the methods the document lists for
    the path (the WhatsApp webhook advertised GET, which the document did not have)."""
    client = Client()
    for path, operations in document["paths"].items():
        url = (path.replace("{code}", "JKT01" if path.startswith("/api/v1/branches/") else "ABCDEFGH")
               .replace("{entry_id}", "1"))
        r = client.generic("PATCH", url)
        assert r.status_code == 405, (path, r.status_code)
        allowed = {m.strip().upper() for m in r["Allow"].split(",")} - {"HEAD", "OPTIONS"}
        assert allowed == {m.upper() for m in operations}, (path, r["Allow"])
        assert error_of(r)["code"]


@pytest.mark.django_db
def test_the_whatsapp_handshake_is_documented_and_answers_as_documented(settings: Any,
                                                                         document: dict[str, Any]) -> None:
    settings.WHATSAPP_VERIFY_TOKEN = "rahasia-verifikasi"
    op = document["paths"]["/api/v1/notifications/webhooks/whatsapp"]["get"]
    assert {p["name"] for p in op["parameters"]} == {"hub.mode", "hub.verify_token", "hub.challenge"}
    url = "/api/v1/notifications/webhooks/whatsapp"
    good = {"hub.mode": "subscribe", "hub.verify_token": "rahasia-verifikasi", "hub.challenge": "12345"}
    r = Client().get(url, good)
    assert r.status_code == 200 and r.content == b"12345" and r["Content-Type"].startswith("text/plain")
    assert Client().get(url, {**good, "hub.verify_token": "salah"}).status_code == 401
    assert Client().get(url, {"hub.mode": "subscribe"}).status_code == 422
