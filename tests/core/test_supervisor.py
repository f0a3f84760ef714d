"""The restart policy of `lapakasik up` (``Supervisor``) with real child processes and a driven clock."""

from __future__ import annotations

import io
import sys
import time

from lapakasik.core.management.commands.up import CRASH_LOOP, Child, Supervisor, describe_exit


def _crashing(code: int = 3) -> Child:
    return Child("worker", [sys.executable, "-c", f"import sys; sys.exit({code})"])


def _wait_dead(child: Child) -> None:
    assert child.proc is not None
    child.proc.wait(timeout=10)


def test_a_crashed_child_is_restarted_with_doubling_delays_and_one_line_each() -> None:
    err = io.StringIO()
    child = _crashing()
    child.start()
    sup = Supervisor([child], err)
    now = time.monotonic()
    delays = []
    for _ in range(CRASH_LOOP - 1):
        _wait_dead(child)
        assert sup.check(now)
        assert child.restart_at is not None
        delays.append(round(child.restart_at - now, 3))
        first = child.proc
        assert sup.check(child.restart_at - 0.01) and child.proc is first  # not before its delay
        now = child.restart_at
        assert sup.check(now) and child.proc is not first and child.restart_at is None
    assert delays == [0.5, 1.0, 2.0, 4.0]
    lines = err.getvalue().splitlines()
    assert len(lines) == CRASH_LOOP - 1
    assert lines[0].startswith("worker stopped (exit 3)") and lines[0].endswith("restarting in 0.5 s")
    assert lines[3].endswith("restarting in 4 s")
    # the fifth crash within 60 s is a crash loop: supervision ends with the reason
    _wait_dead(child)
    assert not sup.check(now)
    assert sup.failure is not None and "worker crashed 5 times in a row, each within 60 s" in sup.failure
    assert "stopping all" in err.getvalue().splitlines()[-1]


def test_a_child_that_ran_a_minute_starts_again_from_the_short_delay_and_old_crashes_are_forgotten() -> None:
    err = io.StringIO()
    child = _crashing()
    child.start()
    sup = Supervisor([child], err)
    now = time.monotonic()
    for _ in range(3):  # delays 0.5, 1, 2 → next would be 4
        _wait_dead(child)
        sup.check(now)
        now = child.restart_at or now
        sup.check(now)
    _wait_dead(child)
    child.started_at = now - 61  # it ran for a minute before this crash
    now += 61
    assert sup.check(now)
    assert child.restart_at == now + 0.5
    assert child.crashes == 1  # the crashes before it was healthy no longer count towards a loop


def test_exit_descriptions() -> None:
    assert describe_exit(-9) == "signal SIGKILL"
    assert describe_exit(-15) == "signal SIGTERM"
    assert describe_exit(1) == "exit 1"
    assert describe_exit(0) == "exit 0"
