"""The dropbox's pure rules: what the desk's search reads, the quarantine, the steps, reconciliation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lapakasik.dropbox import policy


@pytest.mark.parametrize(("typed", "kinds"), [
    ("3201 0123 4567 8901", ["nik"]),
    ("3201012345678901", ["nik"]),
    ("320101234567890", []),  # 15 digits
    ("32010123456789012", []),
    ("12345678", ["claim_code"]),  # Crockford codes may be all digits
    ("ab-cd 2345", ["claim_code"]),
    ("HERMAWAN", ["claim_code", "name"]),  # eight letters: the code first, then the name
    ("Siti Rahayu", ["name"]),
    ("O'Neil-Putri", ["name"]),
    ("ab", []),
    ("", []),
    ("   ", []),
    ("<script>", []),
    ("Budi\x00", []),
    ("x" * 101, []),
    ("١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦", []),  # Arabic-Indic digits are neither a NIK nor a name
])
def test_what_the_search_reads(typed: str, kinds: list[str]) -> None:
    assert [s.kind for s in policy.search_parse(typed)] == kinds


def test_quarantine() -> None:
    at = datetime(2026, 12, 21, 3, 0, tzinfo=UTC)
    until = policy.quarantine_until(at, 24)
    assert until == at + timedelta(hours=24)
    assert not policy.quarantine_over(now=until - timedelta(seconds=1), until=until)
    assert policy.quarantine_over(now=until, until=until)
    assert not policy.quarantine_over(now=until, until=None)  # never disinfected: never handled


@pytest.mark.parametrize("value", ["24", 24, "0", 336])
def test_quarantine_hours_accepted(value: object) -> None:
    assert policy.quarantine_hours_valid(value) == int(str(value))


@pytest.mark.parametrize("value", ["-1", "337", "1.5", "", "abc", None, True, 2.0, "٢٤"])
def test_quarantine_hours_refused(value: object) -> None:
    with pytest.raises(ValueError):
        policy.quarantine_hours_valid(value)


def test_steps_follow_each_other() -> None:
    assert policy.step_allowed("disinfect", "RECEIVED") and not policy.step_allowed("disinfect", "DISINFECTED")
    assert policy.step_allowed("hand_over", "DISINFECTED") and not policy.step_allowed("hand_over", "RECEIVED")
    assert policy.step_allowed("accept", "HANDED_OVER") and not policy.step_allowed("digitise", "MISSING")


def test_counts() -> None:
    assert policy.batch_count_refusal(listed=0, counted=0) == "empty"
    assert policy.batch_count_refusal(listed=2, counted=None) == "count_mismatch"
    assert policy.batch_count_refusal(listed=2, counted=3) == "count_mismatch"
    assert policy.batch_count_refusal(listed=2, counted=2) is None
    assert policy.reconciles(sent=2, counted=2, present=2)
    assert not policy.reconciles(sent=2, counted=2, present=1)
    assert not policy.reconciles(sent=2, counted=1, present=2)
