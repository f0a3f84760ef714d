"""The dropbox cover sheet as a front desk meets it: its QR code is a standard QR code that zbar reads
from the rendered page (Micro QR is not) and holds the sheet's own serial only, no text runs into the code,
and it names the claim type and reason by their labels, never by internal codes."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from lapakasik.intake.models import IntakeAccess

from ..paper_support import (
    chars_over_images,
    decode_qr_codes,
    overlapping,
    overlapping_lines,
    text_and_image_boxes,
)
from .conftest import print_sheet

pytestmark = pytest.mark.django_db


def _cover_sheet(client: Any, claim: Any, language: str = "id") -> bytes:
    token = IntakeAccess.objects.get(claim=claim, kind="upload", revoked_at__isnull=True).token
    if language != "id":
        client.cookies["lapakasik_lang"] = language
    print_sheet(client, claim)
    r = client.get(f"/unggah/{token}/lembar-sampul.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    return r.content


def _text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages))


def test_cover_sheet_qr_holds_the_sheets_serial_only(client: Any, claim: Any) -> None:
    from lapakasik.intake.models import CoverSheet
    from lapakasik.intake.policy import serial_display

    pdf = _cover_sheet(client, claim)
    sheet = CoverSheet.objects.get(claim=claim)
    pages = decode_qr_codes(pdf)
    assert pages[0] == [f"LAPAKASIK:LS:{sheet.serial}"]
    assert claim.code not in pages[0][0] and claim.insured_nik not in pages[0][0]
    assert serial_display(sheet.serial) in _text(pdf)  # printed for typing by hand


def test_each_print_is_a_new_sheet_with_its_own_serial(client: Any, claim: Any) -> None:
    from lapakasik.intake.models import CoverSheet

    first = decode_qr_codes(_cover_sheet(client, claim))[0][0]
    second = decode_qr_codes(_cover_sheet(client, claim))[0][0]
    assert first != second and CoverSheet.objects.filter(claim=claim).count() == 2


def test_segno_make_would_have_been_micro_qr(claim: Any) -> None:
    """Why make_qr: for this short payload segno.make picks Micro QR, which zbar cannot read."""
    import segno

    from lapakasik.core.paper import qr_code

    assert segno.make(f"LAPAKASIK:{claim.code}", error="m").is_micro
    assert not qr_code(f"LAPAKASIK:{claim.code}").is_micro


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_text_overlaps_the_qr_code(client: Any, make_claim: Any, language: str) -> None:
    from lapakasik.branches.models import Branch

    # A long branch address and name: the lines beside the code must wrap short of it.
    branch = Branch.objects.exclude(region__code__iexact="DKI").order_by("code").first()
    branch.address = ("Jl. Jenderal Sudirman Kav. 52-53 No. 1234, Kelurahan Senayan, Kecamatan Kebayoran Baru, "
                      "Gedung Menara Jamsostek Lantai 3 (data contoh)")
    branch.save()
    claim = make_claim(branch=branch, full_name="Siti Rahayu Kusumawardhani Prawiranegara Binti Abdullah")
    pdf = _cover_sheet(client, claim, language)
    assert chars_over_images(pdf) == []
    page = text_and_image_boxes(pdf)[0]
    assert len(page.images) == 1
    text = _text(pdf)
    assert "(data contoh)" in text and claim.code in text
    assert ("lalu ke dropbox" in text) if language == "id" else ("drop box" in text.lower() or "dropbox" in text)


def test_layout_boxes_agree_with_the_pdf(client: Any, claim: Any) -> None:
    """The builder's own layout (what it meant to draw) has no text in the QR code's box either, and
    its QR box is where the PDF has the image."""
    from lapakasik.intake.coversheet import cover_sheet_pdf_with_layout
    from lapakasik.intake.models import CoverSheet

    print_sheet(client, claim)
    pdf, qr_box, boxes = cover_sheet_pdf_with_layout(CoverSheet.objects.get(claim=claim))
    assert boxes and not [b for _page, b in boxes if overlapping(b, qr_box)]
    assert overlapping_lines(boxes) == []
    from reportlab.lib.pagesizes import A4

    image = text_and_image_boxes(pdf)[0].images[0]  # top-left origin
    x0, y0, x1, y1 = qr_box
    assert image == pytest.approx((x0, A4[1] - y1, x1, A4[1] - y0), abs=0.5)


@pytest.mark.parametrize(("language", "type_label", "reason"), [
    ("id", "Jaminan Hari Tua", "Mengundurkan diri"),
    ("en", "Old-Age Savings (JHT)", "Resignation"),
])
def test_cover_sheet_shows_labels_not_codes(client: Any, claim: Any, language: str, type_label: str,
                                            reason: str) -> None:
    text = _text(_cover_sheet(client, claim, language))
    assert "RESIGNED" not in text and "JHT /" not in text
    assert f"{type_label} — {reason}" in text
