"""The documents deadline reads the same on the upload page and in the acknowledgement as in the
booking messages and the ticket: "Selasa, 1 Desember 2026 23:59 WIB" (``core.dates``)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lapakasik.intake.models import IntakeAccess

pytestmark = pytest.mark.django_db

DUE = datetime(2026, 12, 1, 23, 59, tzinfo=ZoneInfo("Asia/Jakarta"))
NUMERIC_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2}|\d{1,2}-\d{1,2}-\d{4})\b")


def test_upload_page_shows_the_deadline_in_the_one_format(client: Any, make_claim: Any) -> None:
    claim = make_claim(documents_due_at=DUE)
    abbr = claim.branch.tz_abbreviation
    token = IntakeAccess.objects.get(claim=claim, kind="upload", revoked_at__isnull=True).token
    local = DUE.astimezone(ZoneInfo(claim.branch.time_zone))
    html = client.get(f"/unggah/{token}/").content.decode()
    from lapakasik.core.dates import long_moment

    assert long_moment(local, abbr, "id") in html
    assert f"{local:%d-%m-%Y}" not in html and f"{local:%Y-%m-%d}" not in html
    client.cookies["lapakasik_lang"] = "en"
    html = client.get(f"/unggah/{token}/").content.decode()
    assert long_moment(local, abbr, "en") in html


@pytest.mark.parametrize(("language", "expected"), [("id", "Selasa, 1 Desember 2026 23:59 WIB"),
                                                    ("en", "Tuesday, 1 December 2026 23:59 WIB")])
def test_acknowledgement_deadline_in_the_one_format(make_claim: Any, language: str, expected: str) -> None:
    from lapakasik.branches.models import Branch
    from lapakasik.intake.selectors import ack_context

    jakarta = Branch.objects.filter(time_zone="Asia/Jakarta").exclude(region__code__iexact="DKI").order_by("code")[0]
    claim = make_claim(documents_due_at=DUE, branch=jakarta)
    due = ack_context(claim, [], language=language)["documents_due_local"]
    assert due == expected and not NUMERIC_DATE.search(due)
