"""A completed form as a PDF (reportlab, through ``core.paper.PageFlow`` like the ticket and the cover
sheet): the form's title and version, the claim code, every section with its answers, and each section's
electronic signature (typed name, party, time in the branch's time zone).

Written in Indonesian, the language of the agency's records, whatever language the form was filled in."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.utils import translation

from lapakasik.core.dates import long_date, long_moment
from lapakasik.core.paper import PageFlow

from .definitions import FormDefinition
from .validation import display_value

PARTY_LABELS = {"participant": "Peserta", "heir": "Ahli waris", "employer_officer": "Petugas perusahaan"}


def form_pdf(claim: Any, definition: FormDefinition, response: Any) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    with translation.override("id"):
        buf = io.BytesIO()
        pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
        pdf.setTitle(f"{definition.title_id} — {claim.code}")
        pdf.setAuthor("Lapak Asik")
        width, height = A4
        flow = PageFlow(pdf, left=18 * mm, right=width - 18 * mm, top=height - 20 * mm, bottom=20 * mm)
        flow.line("BPJS Ketenagakerjaan — Lapak Asik", size=9)
        flow.line(definition.title_id, font="Helvetica-Bold", size=15)
        flow.line(f"Versi formulir {definition.version} (berlaku sejak {long_date(definition.valid_from, 'id')})"
                  f" · Kode klaim {claim.code}", size=9)
        flow.space(4 * mm)
        tz = claim.branch.time_zone or "Asia/Jakarta"
        answers = response.answers or {}
        signatures = response.signatures or {}
        for number, section in enumerate(definition.sections, start=1):
            flow.line(f"{number}. {section.title_id}", font="Helvetica-Bold", size=12)
            values = answers.get(section.code, {})
            for field in section.fields:
                flow.line(f"{field.label_id}: {display_value(field, str(values.get(field.code, '')), 'id')}",
                          size=10, indent=4 * mm)
            sig = signatures.get(section.code)
            if sig:
                at = datetime.fromisoformat(sig["at"])
                flow.line(f"Ditandatangani secara elektronik oleh {sig['name']} "
                          f"({PARTY_LABELS.get(sig['party'], sig['party'])}) pada "
                          f"{long_moment(at, claim.branch.tz_abbreviation, 'id', time_zone=tz)}",
                          font="Helvetica-Oblique", size=9.5, indent=4 * mm)
            flow.space(4 * mm)
        pdf.setFont("Helvetica-Oblique", 8)
        pdf.drawString(flow.left, 12 * mm, "Diisi dan ditandatangani secara elektronik melalui Lapak Asik.")
        pdf.showPage()
        pdf.save()
        return buf.getvalue()
