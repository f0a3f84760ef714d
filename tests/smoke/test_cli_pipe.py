"""Command output into a pipe whose reader stops early (``lapakasik demo_participants | head``) ends
quietly: no BrokenPipeError traceback, the shell's usual status for a writer cut off by its reader."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from lapakasik.manage import EXIT_BROKEN_PIPE

from .procs import child_env, lapakasik

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seeded_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = child_env(tmp_path_factory.mktemp("cli") / "data")
    for args in (("migrate", "-v", "0"), ("seed_demo",)):
        done = subprocess.run(lapakasik(*args), env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    return env


def test_head_of_demo_participants_ends_quietly(seeded_env: dict[str, str]) -> None:
    """The README's own example, through a real shell pipeline."""
    cmd = " ".join(lapakasik("demo_participants")) + " | head -1"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], env=seeded_env, capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.startswith("nik,kpj,full_name")
    assert done.stdout.count("\n") == 1
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
    assert done.returncode in (0, EXIT_BROKEN_PIPE)


@pytest.mark.parametrize("command", [("demo_participants",), ("demo_participants", "--format", "json"), ("help",)])
def test_a_reader_that_is_already_gone(seeded_env: dict[str, str], command: tuple[str, ...],
                                       tmp_path: Path) -> None:
    """Deterministic: the pipe's read end is closed before the command writes its first line."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    err_path = tmp_path / "stderr"
    with err_path.open("wb") as err:
        proc = subprocess.Popen(lapakasik(*command), env=seeded_env, stdout=write_end, stderr=err)
    os.close(write_end)
    assert proc.wait(timeout=120) == EXIT_BROKEN_PIPE
    assert err_path.read_text() == ""
