"""Apps import only the layers below them (``[tool.importlinter]`` in pyproject.toml; the picture is in
docs/architecture.md): the whole source must keep every contract, and an upward import, an import
between two apps of one layer or a circle between an app's modules must break one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def lint_imports(root: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the ``lapakasik`` package under ``root/src`` with ``root/pyproject.toml``."""
    args = [LINT_IMPORTS, "--no-cache", "--no-logo", *(a for c in contracts for a in ("--contract", c)),
            str(root / "pyproject.toml")]
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_the_source_keeps_every_import_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture(scope="module")
def copy_of_the_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("layers")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(ROOT / "src" / "lapakasik", root / "src" / "lapakasik",
                    ignore=shutil.ignore_patterns("__pycache__", "static", "templates", "locale"))
    return root


@pytest.mark.parametrize(("module", "line", "contract", "says"), [
    # core is the ground
    ("core/clock.py", "from lapakasik.branches import models", "layers",
     "lapakasik.core is not allowed to import lapakasik.branches"),
    # notifications return outcomes; they never record the claim's history themselves
    ("notifications/services.py", "from lapakasik.claims import services as _claims", "layers",
     "lapakasik.notifications is not allowed to import lapakasik.claims"),
    ("notifications/selectors.py", "from lapakasik.mailgateway import models as _mail", "layers",
     "lapakasik.notifications is not allowed to import lapakasik.mailgateway"),
    ("notifications/rendering.py", "from lapakasik.branches import models as _branches", "notifications-ground",
     "lapakasik.notifications is not allowed to import lapakasik.branches"),
    # claims never imports a channel; two channels never import each other
    ("claims/services.py", "from lapakasik.intake import selectors as _intake", "layers",
     "lapakasik.claims is not allowed to import lapakasik.intake"),
    ("mailgateway/services.py", "from lapakasik.booking import models as _booking", "layers",
     "lapakasik.mailgateway is not allowed to import lapakasik.booking"),
    # an app does not reach for the composed API
    ("intake/api.py", "from lapakasik.api.api import api as _api", "layers",
     "lapakasik.intake is not allowed to import lapakasik.api.api"),
    # no circle between an app's modules, not even inside a function
    ("intake/selectors.py", "def _late() -> None:\n    from . import services  # noqa", "acyclic",
     "No cycles are allowed in lapakasik.intake"),
])
def test_an_import_against_the_rule_breaks_a_contract(copy_of_the_source: Path, module: str, line: str,
                                                      contract: str, says: str) -> None:
    path = copy_of_the_source / "src" / "lapakasik" / module
    original = path.read_text()
    path.write_text(original + "\n\n" + line + "\n")
    try:
        result = lint_imports(copy_of_the_source, contract)
    finally:
        path.write_text(original)
    assert result.returncode != 0, result.stdout
    assert says in result.stdout, result.stdout
