from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_and_readyz(client: Any) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"


def test_home_is_indonesian_with_english_switch(client: Any, network: None) -> None:
    page = client.get("/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="id">' in html and "Klaim BPJAMSOSTEK tanpa antre" in html
    assert 'value="en"' in html  # the language switch
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english and "Klaim BPJAMSOSTEK tanpa antre" not in english


def test_security_headers(client: Any) -> None:
    response = client.get("/healthz")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_api_docs_served_without_cdn(client: Any) -> None:
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', html)  # nothing loaded from elsewhere
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Lapak Asik API"


def test_officer_login_page(client: Any, officers: None) -> None:
    assert client.get("/petugas/masuk/").status_code == 200
    response = client.post("/petugas/masuk/", {"username": "petugas.sudirman", "password": "lapakasik-demo"})
    assert response.status_code == 302
