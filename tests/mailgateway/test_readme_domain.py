"""The intake domain is defined once and the README tells the truth about it: mail sent the way the
README says (to ``<token>@<the documented INTAKE_DOMAIN>``) through the real gateway is accepted and
becomes a document; any other domain is refused at RCPT."""

from __future__ import annotations

import re
import smtplib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from lapakasik.intake.models import Document, IntakeAccess

from .conftest import jpeg_bytes, mail, run_worker, smtp_send

README = Path(__file__).resolve().parents[2] / "README.md"


def documented_domain() -> str:
    rows = re.findall(r"^\| `INTAKE_DOMAIN` \| `([^`]+)` \|", README.read_text(), re.M)
    assert len(rows) == 1, "the README documents INTAKE_DOMAIN in exactly one settings row"
    return rows[0]


def test_readme_documents_the_domain_in_force() -> None:
    domain = documented_domain()
    assert domain == django_settings.INTAKE_DOMAIN
    assert f"<token>@{domain}" in README.read_text()  # the walk-through names the same domain


def test_only_one_settings_module_defines_the_domain() -> None:
    settings_dir = Path(__file__).resolve().parents[2] / "src" / "lapakasik" / "settings"
    defining = [p.name for p in settings_dir.glob("*.py") if re.search(r"^INTAKE_DOMAIN\s*=", p.read_text(), re.M)]
    assert defining == ["intake.py"]


@pytest.mark.parametrize("case", ["as documented", "upper case"])
def test_mail_sent_as_the_readme_says_is_accepted(gateway: Any, claim: Any, case: str) -> None:
    token = IntakeAccess.objects.get(claim=claim, kind="email", revoked_at__isnull=True).token
    to = f"{token}@{documented_domain()}"
    if case == "upper case":
        to = to.upper()
    refused = smtp_send(gateway, mail(to=to, attachments=[(jpeg_bytes(), "ktp.jpg", "image/jpeg")]), to=[to])
    assert refused == {}
    run_worker()
    doc = Document.objects.get(claim=claim)
    assert doc.status == "RECEIVED" and doc.source == "EMAIL"


@pytest.mark.parametrize("domain", ["klaim.lapakasik.localhost", "dokumen.lapakasik.local.evil.example",
                                    "lapakasik.local"])
def test_the_same_token_at_another_domain_is_refused(gateway: Any, claim: Any, domain: str) -> None:
    token = IntakeAccess.objects.get(claim=claim, kind="email", revoked_at__isnull=True).token
    to = f"{token}@{domain}"
    with pytest.raises(smtplib.SMTPRecipientsRefused) as exc:
        smtp_send(gateway, mail(to=to), to=[to])
    assert exc.value.recipients[to][0] == 550
    assert Document.objects.filter(claim=claim).count() == 0
