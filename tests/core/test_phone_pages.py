"""What keeps the participant pages usable on a small phone without a browser: the ``copyable`` filter
(long addresses wrap, one tap selects them, a copy button that only JavaScript shows) and the site's own
404 page. The browser check at 360 px is ``tests/e2e/test_phone_layout.py``."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import translation

RENDER = Template("{% load lapakasik_copy %}<p>{{ value|copyable }}</p>")


def test_copyable_wraps_the_text_with_a_hidden_copy_button() -> None:
    with translation.override("id"):
        html = RENDER.render(Context({"value": "abc123@dokumen.lapakasik.local"}))
    assert '<span class="copy-text">abc123@dokumen.lapakasik.local</span>' in html
    button = re.search(r"<button[^>]*>([^<]*)</button>", html)
    assert button is not None and button.group(1) == "Salin"
    assert ' hidden' in button.group(0) and 'type="button"' in button.group(0)  # never submits a form
    assert 'data-done="Tersalin"' in html and 'aria-label="Salin abc123@dokumen.lapakasik.local"' in html


def test_copyable_speaks_english() -> None:
    with translation.override("en"):
        html = RENDER.render(Context({"value": "x@y.z"}))
    assert ">Copy</button>" in html and 'data-done="Copied"' in html


@pytest.mark.parametrize("value", ["", None])
def test_copyable_of_nothing_is_nothing(value: Any) -> None:
    assert RENDER.render(Context({"value": value})) == "<p></p>"


def test_copyable_escapes_what_it_is_given() -> None:
    html = RENDER.render(Context({"value": '<script>alert(1)</script>"x'}))
    assert "<script>" not in html and "&lt;script&gt;" in html and '"x' not in html


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "title"), [("id", "Halaman tidak ditemukan"), ("en", "Page not found")])
def test_a_missing_page_is_the_sites_own_404(client: Any, language: str, title: str) -> None:
    response = client.get("/antrean/tidak-ada/halaman-ini/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 404
    assert f"<h1>{title}</h1>" in html and f'<html lang="{language}">' in html
    assert 'name="viewport"' in html and 'href="/antrean/saya/"' in html and 'href="/"' in html
