"""One real HTTP multipart upload against the live server (a real socket, real parsing)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import jpeg_bytes, stored_files


@pytest.mark.django_db(transaction=True)
def test_real_http_multipart_upload(live_server: Any, make_claim: Any) -> None:
    claim = make_claim()
    url = f"{live_server.url}/api/v1/claims/{claim.code}/documents"
    headers = {"Authorization": f"Bearer {claim.test_token}"}
    files = [("file", ("Buku Tabungan.JPG", jpeg_bytes(), "image/jpeg")),
             ("file", ("virus.jpg", b"MZ\x90\x00" * 10, "image/jpeg"))]
    r = httpx.post(url, headers=headers, files=files, data={"requirement": "buku_tabungan"}, timeout=30)
    assert r.status_code == 201, r.text
    outcomes = [(x["filename"], x["outcome"], x["reason_code"]) for x in r.json()["results"]]
    assert outcomes == [("Buku Tabungan.JPG", "received", ""), ("virus.jpg", "refused", "type_mismatch")]
    g = httpx.get(url, headers=headers, timeout=30)
    item = next(i for i in g.json()["requirements"] if i["code"] == "buku_tabungan")
    assert item["status"] == "received"
    assert len(stored_files()) == 2
