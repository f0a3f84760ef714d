"""Property tests of the pipeline without a database: whatever bytes and name arrive, the result is
either a refusal with a known reason or a cleaned file of an allowed kind — never a crash."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lapakasik.intake import pipeline

from .conftest import jpeg_bytes, pdf_bytes, png_bytes

SEEDS = [jpeg_bytes((400, 320)), png_bytes((400, 320)), pdf_bytes()]
NAMES = st.sampled_from(["ktp.jpg", "KK.PNG", "scan.pdf", "x", "a.exe", "photo.jpeg", "doc.PDF", ""])


def _check(data: bytes, name: str) -> None:
    try:
        prepared = pipeline.process(io.BytesIO(data), name)
    except pipeline.Refused as exc:
        assert exc.code in pipeline.REASONS
        return
    try:
        assert prepared.kind in {"jpeg", "png", "pdf"}
        with open(prepared.path, "rb") as fh:
            head = fh.read(8)
        assert pipeline.sniff(head) == prepared.kind
    finally:
        prepared.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4096), name=NAMES)
def test_random_bytes_never_crash(data: bytes, name: str, in_process: Any) -> None:
    _check(data, name)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(SEEDS), cut=st.integers(min_value=0, max_value=5000),
       junk=st.binary(max_size=64), name=NAMES)
def test_mangled_real_files_never_crash(seed: bytes, cut: int, junk: bytes, name: str, in_process: Any) -> None:
    data = seed[: len(seed) - cut % max(1, len(seed))] + junk
    _check(data, name)


@pytest.mark.parametrize("mode", ["I;16", "CMYK", "P", "LA", "1"])
def test_unusual_image_modes_are_handled(mode: str, in_process: Any) -> None:
    from PIL import Image

    img = Image.new(mode if mode != "I;16" else "I;16", (400, 400))
    buf = io.BytesIO()
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    img.save(buf, format=fmt)
    prepared = pipeline.process(io.BytesIO(buf.getvalue()), "scan." + fmt.lower().replace("jpeg", "jpg"))
    try:
        assert prepared.kind in {"jpeg", "png"}
    finally:
        prepared.close()


@pytest.fixture
def in_process(settings: Any) -> None:
    settings.INTAKE_IMAGE_SUBPROCESS = False
