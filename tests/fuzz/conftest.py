"""The fuzzing's figures at the end of the run: operations, generated cases (and the failures pytest counts)."""

from __future__ import annotations

import sys
from typing import Any


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    module = sys.modules.get("tests.fuzz.test_api_fuzz")
    calls = getattr(module, "CALLS", None)
    if calls:
        failed = len(terminalreporter.stats.get("failed", []))
        terminalreporter.write_line(
            f"schemathesis: {len(calls)} operations, {sum(calls.values())} cases "
            f"({min(calls.values())}–{max(calls.values())} per operation), {failed} failing operations")
