"""The shipped package holds the product: benchmark code and its CSRF-exempt endpoints stay in the checkout."""

from __future__ import annotations

from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[1]


def test_no_benchmark_code_in_the_installed_packages() -> None:
    packages = find_packages(where=str(ROOT / "src"))
    assert "lapakasik" in packages
    assert not [p for p in packages if "bench" in p], packages


def test_no_benchmark_endpoint_in_the_product_source() -> None:
    hits = [str(p.relative_to(ROOT)) for p in (ROOT / "src").rglob("*.py") if "_bench/" in p.read_text(encoding="utf-8")]
    assert hits == []


def test_benchmarks_still_run_from_the_checkout() -> None:
    from lapakasik.core.management.commands.bench import available

    assert {"booking", "server", "upload", "mail", "notifications"} <= set(available())
