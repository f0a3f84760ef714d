"""The dropbox cover sheet: a one-page PDF with a QR code of the claim code and its checklist."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from lapakasik.claims.selectors import claim_applicant

from .catalogue import claim_checklist
from .policy import STATUS_LABELS


def cover_sheet_pdf(claim: Any) -> bytes:
    # reportlab and segno are loaded on the first cover sheet, not in every process that imports intake
    import segno
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"Lembar sampul {claim.code}")
    pdf.setAuthor("Lapak Asik")
    width, height = A4
    y = height - 25 * mm
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(20 * mm, y, _("LEMBAR SAMPUL DOKUMEN — DROPBOX"))
    y -= 9 * mm
    pdf.setFont("Helvetica", 11)
    pdf.drawString(20 * mm, y, _("Tempelkan lembar ini di atas dokumen, masukkan ke amplop, lalu ke dropbox."))
    qr = segno.make(f"LAPAKASIK:{claim.code}", error="m")
    png = io.BytesIO()
    qr.save(png, kind="png", scale=6, border=2)
    png.seek(0)
    pdf.drawImage(ImageReader(png), width - 65 * mm, height - 75 * mm, 45 * mm, 45 * mm)
    y -= 14 * mm
    pdf.setFont("Helvetica-Bold", 26)
    pdf.drawString(20 * mm, y, claim.code)
    y -= 10 * mm
    pdf.setFont("Helvetica", 11)
    rows = [
        (_("Nama"), claim_applicant(claim).full_name),
        (_("Jenis klaim"), f"{claim.claim_type} / {claim.claim_reason}"),
        (_("Kantor cabang"), f"{claim.branch.name} — {claim.branch.address}"),
    ]
    for label, value in rows:
        pdf.drawString(20 * mm, y, f"{label}: {value}"[:95])
        y -= 6 * mm
    y -= 6 * mm
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawString(20 * mm, y, _("Daftar dokumen (centang yang Anda masukkan)"))
    y -= 8 * mm
    pdf.setFont("Helvetica", 11)
    for item in claim_checklist(claim).items:
        if y < 30 * mm:
            pdf.showPage()
            y = height - 25 * mm
            pdf.setFont("Helvetica", 11)
        pdf.rect(20 * mm, y - 1 * mm, 4 * mm, 4 * mm)
        suffix = "" if item.required else " " + _("(bila berlaku)")
        pdf.drawString(27 * mm, y, f"{item.label}{suffix}"[:80])
        pdf.drawRightString(width - 20 * mm, y, str(STATUS_LABELS[item.status])[:30])
        y -= 7 * mm
    pdf.setFont("Helvetica-Oblique", 9)
    pdf.drawString(20 * mm, 15 * mm, _("Jangan masukkan dokumen asli yang masih Anda perlukan. Bantuan: 175."))
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
