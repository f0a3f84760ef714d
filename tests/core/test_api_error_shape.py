"""Framework-level errors under /api/ (before any view runs) still have the API error shape."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import error_of

pytestmark = pytest.mark.django_db


def test_unknown_api_route_is_a_json_404(client: Any) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert error_of(response)["code"] == "not_found"


def test_path_with_encoded_slash_is_a_json_404(client: Any, network: None) -> None:
    response = client.get("/api/v1/branches/JKT01%2Fx/y")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "trace"])
def test_wrong_method_is_a_json_405_with_allow(client: Any, method: str) -> None:
    response = getattr(client, method)("/api/v1/branches")
    assert response.status_code == 405
    error = error_of(response)
    assert error["code"] == "method_not_allowed" and error["message"]
    assert "GET" in response["Allow"]


def test_english_message_when_asked(client: Any) -> None:
    indonesian = error_of(client.get("/api/v1/no-such-thing"))["message"]
    english = error_of(client.get("/api/v1/no-such-thing", HTTP_ACCEPT_LANGUAGE="en"))["message"]
    assert indonesian != english


def test_pages_keep_their_html_errors(client: Any) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_request_id_is_kept(client: Any) -> None:
    response = client.get("/api/v1/no-such-thing", HTTP_X_REQUEST_ID="abc123")
    assert response["X-Request-ID"] == "abc123"


@pytest.mark.parametrize("url", [
    "/api/v1/branches?region=DK%00I",
    "/api/v1/branches/JKT%0001",
    "/api/v1/branches?re%00gion=DKI",
])
def test_nul_characters_are_refused_before_the_database(client: Any, network: None, url: str) -> None:
    """PostgreSQL cannot store NUL; without the guard these were 500s on PostgreSQL (found by fuzzing)."""
    response = client.get(url)
    assert response.status_code in (404, 422)
    assert error_of(response)["code"] in ("invalid", "not_found")


def test_nul_in_json_body_is_refused_with_the_field_named(client: Any) -> None:
    body = '{"participant": {"full_name": "Budi\\u0000Santoso"}, "ok": "x"}'
    response = client.post("/api/v1/branches", data=body, content_type="application/json")
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["participant.full_name"]


def test_nul_in_an_api_form_body_is_refused(client: Any) -> None:
    response = client.post("/api/v1/branches", data="name=a%00b", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["name"]


def test_pages_are_left_to_their_forms(client: Any, officers: None) -> None:
    """Django's form fields refuse NUL themselves; the guard only covers /api/."""
    response = client.post("/petugas/masuk/", data="username=a%00b&password=x",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200  # the log-in form, with its own error


def test_ordinary_input_passes_the_guard(client: Any, network: None) -> None:
    assert client.get("/api/v1/branches?region=DKI").status_code == 200
    assert client.get("/api/v1/branches/JKT01").status_code == 200
    ok = client.post("/api/v1/branches", data='{"name": "Budi \\\\u0000 literal"}', content_type="application/json")
    assert ok.status_code == 405  # passed the guard (escaped backslash, no NUL); the route is GET-only


def test_deeply_nested_json_around_a_nul_is_a_422_not_a_500(client: Any) -> None:
    """5,000 ``[`` around a NUL made the recursive scan raise RecursionError (a 500)."""
    body = "[" * 5000 + '"a\\u0000b"' + "]" * 5000
    response = client.post("/api/v1/bookings", data=body, content_type="application/json")
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["_body"]


def test_deep_nesting_without_nul_passes_the_guard_to_the_api_parser(client: Any) -> None:
    body = "[" * 5000 + "]" * 5000
    response = client.post("/api/v1/bookings", data=body, content_type="application/json")
    assert response.status_code in (400, 422)
    error_of(response)


@pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream", "application/merge-patch+json",
                                          "application/json; charset=utf-8", ""])
def test_nul_is_refused_whatever_the_declared_content_type(client: Any, content_type: str) -> None:
    """A text/plain body skipped the guard; Django Ninja still parses it as JSON, so the NUL was stored."""
    body = '{"participant": {"full_name": "Budi\\u0000Santoso"}}'
    response = client.post("/api/v1/bookings", data=body, content_type=content_type)
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["participant.full_name"]


@pytest.mark.parametrize("body", [b'{"a": "x\x00y"}', b"plain\x00text", b'{"a": "x\\u0000', b'"\\\\\\u0000"'])
def test_raw_nul_bytes_and_unparseable_bodies_with_a_nul_escape_are_refused(client: Any, body: bytes) -> None:
    response = client.post("/api/v1/bookings", data=body, content_type="text/plain")
    assert response.status_code == 422
    assert error_of(response)["code"] == "invalid"


def test_nul_in_a_multipart_text_field_is_refused(client: Any) -> None:
    response = client.post("/api/v1/branches", data={"note": "a\x00b"})
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["note"]


@pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=x", "multipart/form-data",
                                          "multipart/form-data; boundary="])
def test_a_malformed_multipart_body_is_a_4xx_with_the_error_shape(client: Any, content_type: str) -> None:
    response = client.post("/api/v1/bookings", data=b"--x\r\nContent-Disposition: form-data\r\n\r\nzz",
                           content_type=content_type)
    assert 400 <= response.status_code < 500
    error_of(response)
