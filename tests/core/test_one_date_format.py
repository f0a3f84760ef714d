"""One date format per language wherever a participant reads a date: "Rabu, 2 Desember 2026" /
"Wednesday, 2 December 2026" (``lapakasik.core.dates``). The report found the same deadline as
"Rabu, 2 Desember 2026", "02-12-2026" and "2026-12-02"."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from lapakasik.core import dates
from lapakasik.notifications import defaults
from lapakasik.notifications.rendering import render

from ..notifications.test_sms_alphabet import realistic_context

SRC = Path(__file__).resolve().parents[2] / "src" / "lapakasik"
NUMERIC_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})\b")


def test_the_one_format() -> None:
    day = date(2026, 12, 2)
    assert dates.long_date(day, "id") == "Rabu, 2 Desember 2026"
    assert dates.long_date(day, "en") == "Wednesday, 2 December 2026"
    assert dates.long_date("2026-12-02", "id") == "Rabu, 2 Desember 2026"
    with translation.override("en"):
        assert dates.long_date(day) == "Wednesday, 2 December 2026"  # the active language by default
    due = datetime(2026, 12, 1, 16, 59, tzinfo=ZoneInfo("UTC"))
    assert dates.long_moment(due, "WIB", "id", time_zone="Asia/Jakarta") == "Selasa, 1 Desember 2026 23:59 WIB"
    assert dates.long_moment(due, "WITA", "en", time_zone="Asia/Makassar") == "Wednesday, 2 December 2026 00:59 WITA"


@pytest.mark.parametrize("value", ["", "besok", "2026-13-45", "H-1"])
def test_what_is_not_a_date_is_left_alone(value: str) -> None:
    assert dates.long_date(value, "id") == value


def test_template_filters() -> None:
    t = Template("{% load lapakasik_dates %}{{ d|long_date }} · {{ m|long_moment:'WIB' }} · {{ n|long_date }}")
    with translation.override("id"):
        out = t.render(Context({"d": date(2026, 12, 2), "m": datetime(2026, 12, 1, 23, 59), "n": None}))
    assert out == "Rabu, 2 Desember 2026 · Selasa, 1 Desember 2026 23:59 WIB · "


MESSAGE_ROWS = [r for r in defaults.default_rows() if r["channel"] in {"email", "whatsapp", "sms"}]


@pytest.mark.parametrize("row", MESSAGE_ROWS, ids=lambda r: f"{r['event']}-{r['channel']}-{r['language']}")
def test_every_message_shows_dates_in_the_one_format(row: dict[str, Any]) -> None:
    language = row["language"]
    template = SimpleNamespace(subject=row.get("subject", ""), body=row["body"], body_html="",
                               provider_template="", provider_parameters="")
    text = render(template=template, channel=row["channel"], language=language, ctx=realistic_context(language),
                  verification_code="ABCD2345").text
    assert not NUMERIC_DATE.findall(text), text
    if "session_date" in row["body"]:
        assert dates.long_date(date(2026, 12, 2), language) in text
    if "documents_due_local }}" in row["body"] and "{% if documents_due_local" not in row["body"]:
        assert dates.long_date(date(2026, 12, 1), language) in text


def test_eligibility_dates_use_the_one_format() -> None:
    from lapakasik.claims.policy import eligibility
    from lapakasik.registry.adapters import MemberRecord

    member = MemberRecord(nik="3174014506900003", kpj="12345678901", full_name="Siti", birth_date=date(1990, 6, 5),
                          employer="PT Contoh", membership_start=date(2015, 1, 1), membership_end=date(2026, 11, 2),
                          active=False, balance=1, last_contribution=None)
    for language, expected in (("id", "Rabu, 2 Desember 2026"), ("en", "Wednesday, 2 December 2026")):
        with translation.override(language):
            verdict = eligibility(member, "JHT", "RESIGNED", date(2026, 11, 20))
        assert not verdict.eligible and expected in verdict.message, verdict.message
        assert not NUMERIC_DATE.findall(verdict.message)


# Numeric date formats in code that builds participant-facing text. Machine formats (ISO dates in URLs,
# forms, the API, storage paths, iCalendar's UTC stamps) are written with isoformat() or listed here.
_DISPLAY_FORMAT = re.compile(r"""(strftime\(\s*["'][^"']*%[dmY][^"']*["']|:%[dY][-.]%m|%d-%m-%Y|%Y-%m-%d %H)""")
_MACHINE_USES = {
    ("booking/ticket.py", '.strftime("%Y%m%dT%H%M%SZ")'),  # iCalendar UTC stamp
    ("intake/files.py", 'strftime("%Y/%m")'),  # storage folder
}
# Known numeric formats still to switch to core.dates.long_date (none today).
_PENDING: set[tuple[str, str]] = set()


def test_no_numeric_date_format_in_participant_facing_code() -> None:
    found = set()
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if "/migrations/" in rel or rel.startswith(("benchmarks/", "core/dates.py")):
            continue
        for line in path.read_text().splitlines():
            for match in _DISPLAY_FORMAT.finditer(line):
                key = next(((r, snippet) for r, snippet in _MACHINE_USES | _PENDING if r == rel and snippet in line),
                           (rel, line.strip()))
                found.add(key)
    assert found - _MACHINE_USES - _PENDING == set()
    assert _PENDING <= found, "fixed: remove it from _PENDING"


PARTICIPANT_TEMPLATES = ["booking", "intake", "notifications/templates/notifications/check.html", "templates"]
_OFFICER_OR_DEV = {"notifications/inbox.html", "claims/calls.html", "casework/claim.html", "casework/tokens.html"}


def test_participant_templates_use_the_one_format() -> None:
    offending = []
    for path in SRC.rglob("templates/**/*.html"):
        rel = path.relative_to(SRC).as_posix()
        if any(rel.endswith(x) for x in _OFFICER_OR_DEV):
            continue
        for match in re.finditer(r"""\|date:["']([^"']+)["']""", path.read_text()):
            if match.group(1) not in {"Y-m-d", "c"}:  # machine values in URLs and form fields
                offending.append(f"{rel}: {match.group(0)}")
    assert offending == [], "use {% load lapakasik_dates %} … |long_date / |long_moment"
