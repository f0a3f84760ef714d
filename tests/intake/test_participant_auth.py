"""The participant's bearer token, resolved by the API's auth class (``api.auth.AccessToken``) to the claim
the URL names: a token of another claim gets exactly the answer of an unknown code — a 401, as a missing or
malformed header does — and the operations receive the claim itself."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import error_of

from .conftest import jpeg_bytes

pytestmark = pytest.mark.django_db

UNKNOWN = "ZZZZZZZZ"


def _requests(code: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        ("GET", f"/api/v1/bookings/{code}", {}),
        ("POST", f"/api/v1/bookings/{code}/cancel", {"data": json.dumps({"reason": "x"}),
                                                     "content_type": "application/json"}),
        ("POST", f"/api/v1/bookings/{code}/reschedule", {"data": json.dumps({"date": "2026-12-22",
                                                                             "session_start": "09:00"}),
                                                         "content_type": "application/json"}),
        ("GET", f"/api/v1/claims/{code}/documents", {}),
        ("POST", f"/api/v1/claims/{code}/documents", {"data": {"file": SimpleUploadedFile(
            "ktp.jpg", jpeg_bytes(), content_type="image/jpeg")}}),
    ]


def _send(method: str, path: str, kwargs: dict[str, Any], **headers: str) -> Any:
    client = Client()
    return client.get(path, **headers) if method == "GET" else client.post(path, **kwargs, **headers)


def test_another_claims_token_gets_the_answer_of_an_unknown_code(make_claim: Any) -> None:
    from lapakasik.claims.models import Claim, ClaimEvent
    from lapakasik.intake.models import Document

    mine, theirs = make_claim(), make_claim()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {theirs.test_token}"}
    before = (list(Claim.objects.values_list("state", flat=True)), ClaimEvent.objects.count(),
              Document.objects.count())
    for (method, path, kwargs), (_m, unknown_path, unknown_kwargs) in zip(_requests(mine.code), _requests(UNKNOWN),
                                                                         strict=True):
        wrong = _send(method, path, kwargs, **bearer)
        unknown = _send(method, unknown_path, unknown_kwargs, **bearer)
        assert wrong.status_code == unknown.status_code == 401, (method, path)
        assert error_of(wrong) == error_of(unknown)
        assert error_of(wrong)["code"] == "unauthorized"
    after = (list(Claim.objects.values_list("state", flat=True)), ClaimEvent.objects.count(),
             Document.objects.count())
    assert after == before


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Bearer    ", "Basic abc", "Token abc"])
def test_a_missing_or_malformed_header_is_401(claim: Any, header: str | None) -> None:
    headers = {} if header is None else {"HTTP_AUTHORIZATION": header}
    for method, path, kwargs in _requests(claim.code):
        r = _send(method, path, kwargs, **headers)
        assert r.status_code == 401, (method, path, header)
        assert error_of(r)["code"] == "unauthorized"


def test_a_token_in_the_url_is_not_a_token(claim: Any) -> None:
    assert Client().get(f"/api/v1/claims/{claim.code}/documents?access_token={claim.test_token}").status_code == 401


def test_the_operation_receives_the_claim_the_token_opens(claim: Any) -> None:
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {claim.test_token}"}
    r = Client().get(f"/api/v1/claims/{claim.code.lower()}/documents", **bearer)
    assert r.status_code == 200 and r.json()["claim_code"] == claim.code
    # A claim without a booking: the token is good, the booking is what is missing.
    r = Client().get(f"/api/v1/bookings/{claim.code}", **bearer)
    assert r.status_code == 404 and error_of(r)["code"] == "booking_not_found"


def test_the_token_is_checked_by_a_constant_time_digest_comparison(claim: Any, make_claim: Any,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import hmac

    from lapakasik.claims import selectors
    from lapakasik.core.codes import token_digest

    other = make_claim()
    seen: list[tuple[str, str]] = []
    real = hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(selectors.hmac, "compare_digest", spy)
    Client().get(f"/api/v1/claims/{claim.code}/documents", HTTP_AUTHORIZATION=f"Bearer {other.test_token}")
    assert seen == [(claim.access_token_digest, token_digest(other.test_token))]


def test_oversized_upload_with_a_wrong_token_is_refused_before_its_size(claim: Any, make_claim: Any,
                                                                        settings: Any) -> None:
    """Authorisation runs first: someone without the claim's token learns nothing, not even the size rule."""
    settings.INTAKE_MAX_REQUEST_BYTES = 50_000
    other = make_claim()
    big = SimpleUploadedFile("ktp.jpg", b"\xff\xd8\xff" + b"\x00" * 80_000, content_type="image/jpeg")
    r = Client().post(f"/api/v1/claims/{claim.code}/documents", {"file": big},
                      HTTP_AUTHORIZATION=f"Bearer {other.test_token}")
    assert r.status_code == 401 and error_of(r)["code"] == "unauthorized"


def test_waiting_list_tokens(db: Any) -> None:
    bearer = {"HTTP_AUTHORIZATION": "Bearer some-token"}
    unknown = Client().get("/api/v1/waitlist/987654", **bearer)
    assert unknown.status_code == 401 and error_of(unknown)["code"] == "unauthorized"
    not_a_number = Client().get("/api/v1/waitlist/abc", **bearer)
    assert not_a_number.status_code == 422 and "entry_id" in error_of(not_a_number)["fields"]
    assert Client().get("/api/v1/waitlist/987654").status_code == 401
    assert Client().post("/api/v1/waitlist/987654/accept", **bearer).status_code == 401


def test_the_openapi_document_keeps_the_bearer_scheme() -> None:
    from lapakasik.api.api import api

    schema = api.get_openapi_schema()
    assert schema["components"]["securitySchemes"]["AccessToken"] == {"type": "http", "scheme": "bearer"}
    for path, method in [("/api/v1/bookings/{code}", "get"), ("/api/v1/claims/{code}/documents", "post"),
                         ("/api/v1/waitlist/{entry_id}/accept", "post")]:
        assert schema["paths"][path][method]["security"] == [{"AccessToken": []}]
