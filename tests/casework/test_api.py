"""The officer API with a personal token: made on the page, shown once, acts as its officer, revoked."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from .conftest import login


@pytest.mark.django_db
def test_a_personal_token_works_like_its_officer_and_dies_when_revoked(client: Any, staff: Any,
                                                                        ready_claim: Any) -> None:
    from lapakasik.casework.models import OfficerApiToken

    claim = ready_claim()
    login(client, staff["officer"])
    page = client.post("/petugas/token-api/", {"name": "aplikasi loket"}).content.decode()
    token = re.search(r'id="new-token">(la_[^<]+)<', page).group(1)
    stored = OfficerApiToken.objects.get()
    assert token not in stored.digest and stored.digest  # only a digest is kept
    api = client.__class__()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    queue = api.get("/api/v1/officer/queue", **auth)
    assert queue.status_code == 200 and claim.code in {r["code"] for r in queue.json()["items"]}
    taken = api.post("/api/v1/officer/queue/take-next", **auth)
    assert taken.status_code == 200 and taken.json()["code"] == claim.code and taken.json()["state"] == "IN_REVIEW"
    doc = taken.json()["documents"][0]
    bad = api.post(f"/api/v1/officer/claims/{claim.code}/documents/{doc['id']}/review",
                   data=json.dumps({"verdict": "refuse", "reason": "nope"}), content_type="application/json", **auth)
    assert bad.status_code == 409 and bad.json()["error"]["code"] == "unknown_reason"
    ok = api.post(f"/api/v1/officer/claims/{claim.code}/documents/{doc['id']}/review",
                  data=json.dumps({"verdict": "refuse", "reason": "unreadable"}), content_type="application/json", **auth)
    assert ok.status_code == 200
    assert next(d for d in ok.json()["documents"] if d["id"] == doc["id"])["status"] == "REFUSED"
    assert api.post("/api/v1/officer/queue/take-next", **auth).status_code == 204  # nothing else to take
    client.post("/petugas/token-api/", {"revoke": stored.pk})
    assert api.get("/api/v1/officer/queue", **auth).status_code == 401
    assert api.get("/api/v1/officer/queue", HTTP_AUTHORIZATION="Bearer la_guessed").status_code == 401


@pytest.mark.django_db
def test_a_front_desk_token_cannot_review(client: Any, staff: Any, ready_claim: Any) -> None:
    from lapakasik.casework.services import api_token_create

    claim = ready_claim()
    token = api_token_create(user=staff["front_desk"], name="pintu")
    r = client.get(f"/api/v1/officer/claims/{claim.code}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 403
