"""The batch's PDF summary for the branch's files: who closed it when, its count and control total, and
its lines (claim, bank, masked account, amount) — no unmasked account number on paper."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.translation import gettext as _

from lapakasik.core.dates import long_date, long_moment
from lapakasik.core.masking import mask_account
from lapakasik.core.paper import PageFlow

from . import banks
from .models import PaymentBatch, PaymentInstruction
from .money import rupiah


def batch_summary_pdf(batch: PaymentBatch, language: str | None = None) -> bytes:
    # reportlab is loaded when a summary is drawn, not by every page that imports this module.
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    zone = ZoneInfo(batch.branch.time_zone or "Asia/Jakarta")
    with translation.override(language or translation.get_language() or "id"):
        buf = io.BytesIO()
        pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
        pdf.setTitle(_("Ringkasan batch pembayaran %(ref)s") % {"ref": batch.reference})
        pdf.setAuthor("BPJAMSOSTEK Lapak Asik")
        width, height = A4
        flow = PageFlow(pdf, left=18 * mm, right=width - 18 * mm, top=height - 20 * mm, bottom=16 * mm)
        flow.line(_("RINGKASAN BATCH PEMBAYARAN"), font="Helvetica-Bold", size=15)
        flow.line(f"{batch.branch} · {long_date(batch.business_date)}", size=11)
        flow.space(3 * mm)
        closed = long_moment(batch.closed_at, batch.branch.tz_abbreviation, time_zone=str(zone))
        facts = [
            (_("Referensi batch"), batch.reference),
            (_("Ditutup oleh"), f"{batch.closed_by.get_full_name() or batch.closed_by.get_username()}, {closed}"),
            (_("Jumlah instruksi"), str(batch.count)),
            (_("Total kontrol"), "Rp " + rupiah(batch.control_total)),
            (_("Status"), str(batch.get_status_display())),
        ]
        if batch.status == PaymentBatch.Status.SETTLED:
            facts.append((_("Hasil bank"), _("%(paid)s dibayar, %(failed)s gagal") % {
                "paid": batch.paid_count, "failed": batch.failed_count}))
        for label, value in facts:
            flow.line(f"{label}: {value}", size=10.5)
        flow.space(4 * mm)
        flow.line(_("Rincian"), font="Helvetica-Bold", size=12)
        rows = (PaymentInstruction.objects.filter(batch=batch).order_by("id")
                .values_list("reference", "claim__code", "bank_code", "account_number", "amount", "status"))
        for n, (ref, code, bank, number, amount, status) in enumerate(rows.iterator(chunk_size=2000), start=1):
            name = banks.bank_get(bank)
            flow.line(f"{n}. {code} · {ref} · {name.name if name else bank} {mask_account(number)} · {status}",
                      size=9, right_text="Rp " + rupiah(amount))
        flow.space(3 * mm)
        flow.line(_("Total kontrol"), font="Helvetica-Bold", size=11, right_text="Rp " + rupiah(batch.control_total))
        pdf.showPage()
        pdf.save()
        return buf.getvalue()
