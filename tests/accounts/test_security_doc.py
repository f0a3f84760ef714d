"""docs/security.md shows the roles × actions table the code enforces."""

from __future__ import annotations

from pathlib import Path

from lapakasik.accounts.policy import table_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def test_the_security_page_holds_the_policy_table() -> None:
    assert table_markdown() in DOC.read_text(encoding="utf-8"), (
        "docs/security.md is out of step with accounts/policy.py: paste accounts.policy.table_markdown()")
