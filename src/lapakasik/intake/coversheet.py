"""The dropbox cover sheet: a one-page PDF with a standard QR code of the sheet's own serial (never the claim
code or anything of the participant: ``policy.cover_sheet_payload``), the serial printed for typing by
hand, the dropbox and day the participant chose, and the claim's checklist.

The text flows beside the QR code, wrapped short of it, never under it; the claim type and reason are
shown by their labels in the participant's language, never by their internal codes."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from lapakasik.claims.models import ClaimType
from lapakasik.claims.reasons import reason_label
from lapakasik.claims.selectors import claim_applicant
from lapakasik.core.dates import long_date
from lapakasik.core.paper import PageFlow, qr_png

from .catalogue import claim_checklist
from .policy import STATUS_LABELS, cover_sheet_payload, serial_display

Box = tuple[float, float, float, float]


def cover_sheet_pdf(sheet: Any) -> bytes:
    return cover_sheet_pdf_with_layout(sheet)[0]


def cover_sheet_pdf_with_layout(sheet: Any) -> tuple[bytes, Box, list[tuple[int, Box]]]:
    """The PDF, the QR code's box and every text box (points, bottom-left origin, with page numbers)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    claim = sheet.claim
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    pdf.setTitle(_("Lembar sampul %(code)s") % {"code": claim.code})
    pdf.setAuthor("Lapak Asik")
    width, height = A4
    flow = PageFlow(pdf, left=20 * mm, right=width - 20 * mm, top=height - 25 * mm, bottom=24 * mm)
    side = 45 * mm
    qr_box = (flow.right - side, height - 18 * mm - side, flow.right, height - 18 * mm)
    pdf.drawImage(ImageReader(qr_png(cover_sheet_payload(sheet.serial), scale=6)), qr_box[0], qr_box[1], side, side)
    flow.reserve(qr_box)

    flow.line(_("LEMBAR SAMPUL DOKUMEN — DROPBOX"), font="Helvetica-Bold", size=17)
    flow.line(_("Tempelkan lembar ini di atas dokumen, masukkan ke amplop, lalu ke dropbox."), size=11)
    flow.space(5 * mm)
    flow.line(claim.code, font="Helvetica-Bold", size=26, leading=11 * mm)
    type_label = str(ClaimType(claim.claim_type).label) if claim.claim_type in ClaimType.values else claim.claim_type
    for label, value in (
        (_("Nama"), claim_applicant(claim).full_name),
        (_("Jenis klaim"), f"{type_label} — {reason_label(claim.claim_type, claim.claim_reason)}"),
        (_("Kantor cabang"), f"{claim.branch.name} — {claim.branch.address}"),
        (_("Dropbox"), f"{sheet.branch.name} — {sheet.branch.address}"),
        (_("Rencana datang"), long_date(sheet.planned_on)),
        (_("Nomor lembar"), serial_display(sheet.serial)),
    ):
        flow.line(f"{label}: {value}", size=11)
    flow.space(6 * mm)
    flow.line(_("Daftar dokumen (centang yang Anda masukkan)"), font="Helvetica-Bold", size=13)
    flow.space(1 * mm)
    for item in claim_checklist(claim).items:
        suffix = "" if item.required else " " + _("(bila berlaku)")
        flow.line(f"{item.label}{suffix}", size=11, indent=7 * mm, box=True, leading=7 * mm,
                  right_text=str(STATUS_LABELS[item.status]))
    pdf.setFont("Helvetica-Oblique", 9)
    footer = _("Jangan masukkan dokumen asli yang masih Anda perlukan. Bantuan: 175.")
    pdf.drawString(flow.left, 15 * mm, footer)
    from reportlab.pdfbase.pdfmetrics import stringWidth

    flow.boxes.append((flow.page, (flow.left, 15 * mm - 2.25, flow.left + stringWidth(footer, "Helvetica-Oblique", 9),
                                   15 * mm + 8.55)))
    pdf.showPage()
    pdf.save()
    return buf.getvalue(), qr_box, list(flow.boxes)
