"""The shipped form definitions are well-formed, versioned, and each belongs to a requirement row."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lapakasik.forms.definitions import (
    EMPLOYER_OFFICER,
    FORMS,
    HEIR,
    PARTICIPANT,
    Field,
    FormDefinition,
    Section,
    definition_current,
    definition_get,
    definition_problems,
    sections_for_party,
)
from lapakasik.intake.catalogue import DEFAULTS, online_form_codes


def test_the_six_forms_are_defined() -> None:
    assert set(FORMS) == {"formulir_5", "formulir_3", "formulir_3a", "formulir_3b", "formulir_4", "formulir_7"}


@pytest.mark.parametrize("code", sorted(FORMS))
def test_every_version_is_valid_and_matches_a_requirement_row(code: str) -> None:
    for definition in FORMS[code]:
        assert definition_problems(definition) == []
        assert definition.version and definition.valid_from
        for claim_type in definition.claim_types:
            assert code in {row[0] for row in DEFAULTS[claim_type]}, f"{code} has no requirement row for {claim_type}"
        assert definition_get(code, definition.version) is definition


def test_the_upload_page_knows_every_form() -> None:
    assert online_form_codes() >= set(FORMS)


def test_a_version_applies_from_its_date_only() -> None:
    assert definition_current("formulir_5", date(2020, 1, 1)) is None
    assert definition_current("formulir_5", date(2026, 12, 3)).version == "2026.1"  # type: ignore[union-attr]
    assert definition_current("formulir_99", date(2026, 12, 3)) is None


def test_who_fills_what() -> None:
    f3 = FORMS["formulir_3"][0]
    assert [s.code for s in sections_for_party(f3, EMPLOYER_OFFICER)] == ["laporan"]
    assert [s.code for s in sections_for_party(f3, PARTICIPANT)] == ["pekerja"]
    assert sections_for_party(f3, HEIR) == []
    f4 = FORMS["formulir_4"][0]
    assert [s.code for s in sections_for_party(f4, HEIR)] == ["ahli_waris", "almarhum"]
    assert sections_for_party(f4, PARTICIPANT) == []  # a JKM claim is the heirs'
    f5 = FORMS["formulir_5"][0]
    assert sections_for_party(f5, PARTICIPANT) == sections_for_party(f5, HEIR) == list(f5.sections)


@pytest.mark.parametrize(("section", "problem"), [
    (Section("a", "A", "A", ("doctor",), (Field("x", "text", "X", "X"),)), "unknown or no party"),
    (Section("a", "A", "A", (PARTICIPANT,), (Field("x", "text", "X", "X", required=False),)), "nothing mandatory"),
    (Section("a", "A", "A", (PARTICIPANT,), (Field("x", "colour", "X", "X"),)), "unknown kind"),
    (Section("a", "A", "A", (PARTICIPANT,), (Field("x", "choice", "X", "X"),)), "choices belong"),
    (Section("a", "A", "A", (PARTICIPANT,), (Field("x", "text", "X", ""),)), "label missing"),
    (Section("a", "A", "A", (PARTICIPANT,), (Field("x", "number", "X", "X", minimum=5, maximum=1),)), "minimum above"),
    (Section("a", "A", "A", (PARTICIPANT,), (Field("x", "text", "X", "X"), Field("x", "text", "Y", "Y"))),
     "field code repeated"),
    (Section("a", "A", "A", (PARTICIPANT,), (Field("x", "text", "X", "X", required_when="co_heirs"),)),
     "required_when on a mandatory field"),
    (Section("a", "A", "A", (PARTICIPANT,), (Field("x", "text", "X", "X"),
                                              Field("y", "text", "Y", "Y", required=False, required_when="rich"))),
     "unknown fact"),
    (Section("a", "A", "A", (PARTICIPANT,), (Field("x", "text", "X", "X"),
                                              Field("y", "text", "Y", "Y", required=False, required_when="x=ya"))),
     "names no choice"),
])
def test_a_broken_definition_is_reported(section: Section, problem: Any) -> None:
    broken = FormDefinition("formulir_x", ("JHT",), "X", "X", "1", date(2026, 1, 1), (section,))
    assert any(problem in p for p in definition_problems(broken))
