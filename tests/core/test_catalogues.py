"""Indonesian first, English second: every English catalogue is complete, has no fuzzy guesses, keeps
every placeholder, and its compiled .mo is what the .po says (a stale .mo shows old English)."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

from lapakasik.core.i18n import po_files, stale_catalogues

PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|\{\w*\}")
CATALOGUES = po_files()


def test_there_is_a_catalogue_per_app_with_strings() -> None:
    names = {p.parts[-5] for p in CATALOGUES}  # <app>/locale/en/LC_MESSAGES/django.po
    assert {"lapakasik", "booking", "intake", "mailgateway", "notifications"} <= names


@pytest.mark.parametrize("po_path", CATALOGUES, ids=[str(p.parent.parent.parent.parent.name) for p in CATALOGUES])
def test_every_string_is_translated_and_keeps_its_placeholders(po_path: Path) -> None:
    problems = []
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if not all(t.strip() for t in translations):
            problems.append(f"untranslated: {entry.msgid!r}")
            continue
        wanted = set(PLACEHOLDER.findall(entry.msgid))
        for t in translations:
            if set(PLACEHOLDER.findall(t)) != wanted:
                problems.append(f"placeholders differ: {entry.msgid!r} → {t!r}")
    assert problems == []


def test_compiled_catalogues_are_up_to_date() -> None:
    assert stale_catalogues() == [], "run `make messages` (or `lapakasik compile_po`)"
