"""Reading printed paper the way a phone or a front-desk scanner does.

- ``decode_qr_codes(pdf)``: renders each page of the PDF to an image (pdfplumber over pypdfium2) and
  decodes every QR code on it with zbar (pyzbar over Debian's libzbar0) — the same decoder family as
  ``zbarimg`` and many phone scanners.
- ``text_and_image_boxes(pdf)``: the position of every character and every image on each page
  (pdfplumber), to check that no text runs into the QR code.

Without the decoder or the renderer the test is skipped with the reason; in CI (``CI=true`` or
``LAPAKASIK_REQUIRE_QR_DECODER=1``) that is a failure instead.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import Any

import pytest


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true" or os.environ.get("LAPAKASIK_REQUIRE_QR_DECODER") == "1":
        pytest.fail(f"QR decoding required in CI but {reason}")
    pytest.skip(f"QR decoding skipped: {reason} (mandatory in CI)")


def _tools() -> tuple[Any, Any]:
    try:
        import pdfplumber
    except ImportError:
        _unavailable("pdfplumber is not installed (pip install -e '.[test]')")
    try:
        from pyzbar import pyzbar
    except ImportError as exc:  # the package, or Debian's libzbar0 under it
        _unavailable(f"the zbar decoder is missing ({exc}; apt-get install libzbar0, pip install pyzbar)")
    return pdfplumber, pyzbar


def decode_qr_codes(pdf: bytes, *, resolution: int = 150) -> list[list[str]]:
    """Per page, the payloads of the QR codes zbar finds in the rendered page (standard QR only:
    zbar does not read Micro QR, nor do most phone scanners)."""
    pdfplumber, pyzbar = _tools()
    found: list[list[str]] = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            image = page.to_image(resolution=resolution).original.convert("L")
            found.append([s.data.decode("utf-8") for s in pyzbar.decode(image)
                          if s.type == "QRCODE"])
    return found


@dataclass(frozen=True)
class PageBoxes:
    number: int
    chars: list[tuple[str, tuple[float, float, float, float]]]  # (text, (x0, top, x1, bottom))
    images: list[tuple[float, float, float, float]]


def text_and_image_boxes(pdf: bytes) -> list[PageBoxes]:
    """Characters and images with their boxes (pdfplumber: points, top-left origin)."""
    pdfplumber, _pyzbar = _tools()
    out = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages, start=1):
            chars = [(c["text"], (c["x0"], c["top"], c["x1"], c["bottom"])) for c in page.chars]
            images = [(i["x0"], i["top"], i["x1"], i["bottom"]) for i in page.images]
            out.append(PageBoxes(number=number, chars=chars, images=images))
    return out


def overlapping(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def chars_over_images(pdf: bytes) -> list[str]:
    """Every character drawn over (part of) an image, as 'page N: <text around it>' — empty when the
    layout keeps text clear of the QR code."""
    problems = []
    for page in text_and_image_boxes(pdf):
        for image in page.images:
            hits = "".join(ch for ch, box in page.chars if overlapping(box, image))
            if hits:
                problems.append(f"page {page.number}: {hits!r} over the image at {image}")
    return problems


def overlapping_lines(boxes: list[tuple[int, tuple[float, float, float, float]]]) -> list[tuple[int, int]]:
    """Pairs of text boxes (indexes) on the same page that run into each other."""
    return [(i, j) for i, (pi, a) in enumerate(boxes) for j, (pj, b) in enumerate(boxes)
            if i < j and pi == pj and overlapping(a, b)]


def decode_qr_image(png: bytes) -> list[str]:
    """The payloads of the QR codes zbar finds in a PNG image (a QR code shown on a page)."""
    _pdfplumber, pyzbar = _tools()
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    return [s.data.decode("utf-8") for s in pyzbar.decode(image) if s.type == "QRCODE"]
