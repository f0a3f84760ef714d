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
