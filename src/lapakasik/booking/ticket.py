"""The booking ticket: a one-page PDF (reportlab) with a QR code (segno) of the booking code, and
an iCalendar (.ics, RFC 5545) file for the participant's calendar.

Both are built from ``TicketData`` — plain values, so the PDF/ICS code needs no database. Times are
shown in the branch's own zone with WIB/WITA/WIT; the .ics uses UTC (unambiguous in every calendar
app) and states the local time in its description.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _

from lapakasik.claims.models import ClaimType
from lapakasik.claims.reasons import reason_label
from lapakasik.claims.selectors import claim_applicant
from lapakasik.claims.workflow import State
from lapakasik.intake.catalogue import claim_checklist
from lapakasik.intake.selectors import intake_links_get

QR_PREFIX = "LAPAKASIK:"  # the same scheme as the dropbox cover sheet: front desks scan either


@dataclass(frozen=True)
class ChecklistLine:
    label: str
    required: bool
    note: str = ""


@dataclass
class TicketData:
    code: str
    status: str  # human label, e.g. "Terdaftar di antrean"
    cancelled: bool
    full_name: str
    claim_type: str
    claim_type_label: str
    reason_label: str
    branch_name: str
    branch_address: str
    branch_city: str
    tz_name: str
    tz_abbr: str
    start: datetime  # aware
    end: datetime  # aware
    due: datetime  # aware: documents must arrive by then (H-1)
    intake_email: str = ""
    upload_url: str = ""
    checklist: list[ChecklistLine] = field(default_factory=list)
    contact_centre: str = "175"

    # --- local rendering -------------------------------------------------------------------
    def local(self, dt: datetime) -> datetime:
        return dt.astimezone(ZoneInfo(self.tz_name))

    @property
    def date_local(self) -> str:
        return str(formats.date_format(self.local(self.start), "l, j F Y"))

    @property
    def time_local(self) -> str:
        return f"{self.local(self.start):%H:%M}–{self.local(self.end):%H:%M} {self.tz_abbr}"

    @property
    def when_local(self) -> str:
        return f"{self.date_local}, {self.time_local}"

    @property
    def due_local(self) -> str:
        d = self.local(self.due)
        return f"{formats.date_format(d, 'l, j F Y')} {d:%H:%M} {self.tz_abbr}"


def default_due(start: datetime, tz_name: str) -> datetime:
    """H-1: the end of the day before the slot, branch-local (used when the claim has no due date)."""
    local = start.astimezone(ZoneInfo(tz_name))
    day_before = local.date() - timedelta(days=1)
    return datetime.combine(day_before, time(23, 59), tzinfo=ZoneInfo(tz_name))


def ticket_data(claim: Any, *, start: datetime, end: datetime, language: str | None = None) -> TicketData:
    """Collect what the ticket shows for ``claim`` (a claims.Claim) in slot ``start``–``end``. The
    checklist comes from the intake catalogue (claim type + reason), the addresses from intake."""
    applicant = claim_applicant(claim)
    lang = (language or translation.get_language() or applicant.language or "id")[:2]
    branch = claim.branch
    with translation.override(lang):
        checklist = [ChecklistLine(label=i.label, required=i.required, note=i.condition_note)
                     for i in claim_checklist(claim, language=lang).items]
        links = intake_links_get(claim)
        status = str(State(claim.state).label) if claim.state in State.values else claim.state
        type_label = str(ClaimType(claim.claim_type).label) if claim.claim_type in ClaimType.values else ""
        reason = reason_label(claim.claim_type, claim.claim_reason)
    return TicketData(
        code=claim.code, status=status, cancelled=claim.state == State.CANCELLED, full_name=applicant.full_name,
        claim_type=claim.claim_type, claim_type_label=type_label, reason_label=reason,
        branch_name=str(branch), branch_address=branch.address, branch_city=branch.city,
        tz_name=branch.time_zone or "Asia/Jakarta", tz_abbr=branch.tz_abbreviation, start=start, end=end,
        due=claim.documents_due_at or default_due(start, branch.time_zone or "Asia/Jakarta"),
        intake_email=links.email_address if links else "", upload_url=_absolute(links.upload_url) if links else "",
        checklist=checklist, contact_centre=str(settings.LAPAKASIK.get("CONTACT_CENTRE", "175")),
    )


def _absolute(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return f"{getattr(settings, 'PUBLIC_BASE_URL', '').rstrip('/')}{url}"


# --- PDF -----------------------------------------------------------------------------------------


def qr_matrix(code: str) -> tuple[tuple[int, ...], ...]:
    """The QR module matrix the ticket draws (tests compare the embedded image with it)."""
    import segno  # loaded when a ticket is drawn, not in every process that imports booking

    return tuple(tuple(int(bool(v)) for v in row) for row in segno.make(QR_PREFIX + code, error="m").matrix)


def ticket_pdf(data: TicketData, language: str | None = None) -> bytes:
    # reportlab and segno are loaded on the first ticket, not in every process that imports booking
    import segno
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader, simpleSplit
    from reportlab.pdfgen import canvas

    with translation.override(language or translation.get_language() or "id"):
        buf = io.BytesIO()
        pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
        pdf.setTitle(_("Tiket antrean Lapak Asik %(code)s") % {"code": data.code})
        pdf.setAuthor("BPJAMSOSTEK Lapak Asik")
        width, height = A4
        left, right = 18 * mm, width - 18 * mm
        y = height - 22 * mm

        def line(text: str, font: str = "Helvetica", size: float = 10.5, gap: float = 5.2, indent: float = 0,
                 max_width: float | None = None) -> None:
            nonlocal y
            pdf.setFont(font, size)
            for part in simpleSplit(text, font, size, (max_width or (right - left)) - indent) or [""]:
                if y < 22 * mm:
                    pdf.showPage()
                    y = height - 22 * mm
                    pdf.setFont(font, size)
                pdf.drawString(left + indent, y, part)
                y -= gap * mm

        pdf.setFont("Helvetica-Bold", 17)
        pdf.drawString(left, y, _("TIKET ANTREAN ONLINE — LAPAK ASIK"))
        y -= 7 * mm
        pdf.setFont("Helvetica", 10)
        pdf.drawString(left, y, _("BPJAMSOSTEK · Layanan Tanpa Kontak Fisik"))
        qr = segno.make(QR_PREFIX + data.code, error="m")
        png = io.BytesIO()
        qr.save(png, kind="png", scale=8, border=2)
        png.seek(0)
        pdf.drawImage(ImageReader(png), right - 42 * mm, height - 62 * mm, 42 * mm, 42 * mm)
        y -= 13 * mm
        pdf.setFont("Helvetica", 10)
        pdf.drawString(left, y, _("Kode booking"))
        y -= 10 * mm
        pdf.setFont("Helvetica-Bold", 28)
        pdf.drawString(left, y, data.code)
        y -= 8 * mm
        text_width = right - left - 46 * mm
        if data.cancelled:
            line(_("BOOKING INI SUDAH DIBATALKAN"), "Helvetica-Bold", 13, 7, max_width=text_width + 46 * mm)
        line(_("Status: %(status)s") % {"status": data.status}, max_width=text_width)
        y -= 2 * mm
        rows = [
            (_("Nama"), data.full_name),
            (_("Klaim"), f"{data.claim_type} — {data.claim_type_label}"),
            (_("Alasan"), data.reason_label),
            (_("Jadwal"), data.when_local),
            (_("Kantor cabang"), data.branch_name),
            (_("Alamat"), f"{data.branch_address}, {data.branch_city}"),
        ]
        for label, value in rows:
            line(f"{label}: {value}", max_width=right - left if y < height - 70 * mm else text_width)
        y -= 3 * mm
        line(_("Kirim dokumen paling lambat (H-1): %(due)s") % {"due": data.due_local}, "Helvetica-Bold", 11.5, 6)
        if data.intake_email:
            line(_("E-mail pribadi untuk dokumen: %(address)s") % {"address": data.intake_email})
        if data.upload_url:
            line(_("Tautan unggah pribadi: %(url)s") % {"url": data.upload_url}, size=9.5)
        y -= 3 * mm
        line(_("Dokumen yang perlu disiapkan"), "Helvetica-Bold", 12.5, 7)
        for item in data.checklist:
            suffix = "" if item.required else " " + _("(bila berlaku)")
            if y < 26 * mm:
                pdf.showPage()
                y = height - 22 * mm
            pdf.rect(left, y - 0.8 * mm, 3.6 * mm, 3.6 * mm)
            line(f"{item.label}{suffix}", indent=6 * mm, gap=5.6)
        y -= 3 * mm
        line(_("Pada jadwal Anda, petugas dapat menghubungi Anda lewat telepon atau panggilan video. "
               "Siapkan dokumen asli."), size=9.5, gap=4.6)
        line(_("Layanan ini gratis. Petugas tidak pernah meminta uang, kata sandi atau kode sekali pakai. "
               "Bantuan: %(phone)s.") % {"phone": data.contact_centre}, "Helvetica-Oblique", 9, 4.4)
        pdf.showPage()
        pdf.save()
        return buf.getvalue()


# --- iCalendar -------------------------------------------------------------------------------------


def _ics_escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", ""))


def _fold(line: str) -> str:
    """RFC 5545 §3.1: lines of at most 75 octets, continued with CRLF + one space; never split a
    UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with a space
        if size + n > limit:
            out.append(current)
            current, size = ch, n
        else:
            current += ch
            size += n
    out.append(current)
    return "\r\n ".join(out)


def _utc(dt: datetime) -> str:
    return dt.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")


def ticket_ics(data: TicketData, *, now: datetime, language: str | None = None) -> bytes:
    with translation.override(language or translation.get_language() or "id"):
        summary = _("Lapak Asik: jadwal klaim %(type)s (kode %(code)s)") % {"type": data.claim_type,
                                                                          "code": data.code}
        desc = [
            _("Kode booking: %(code)s") % {"code": data.code},
            _("Jadwal: %(when)s") % {"when": data.when_local},
            _("Kantor cabang: %(branch)s, %(address)s, %(city)s") % {
                "branch": data.branch_name, "address": data.branch_address, "city": data.branch_city},
            _("Kirim dokumen paling lambat (H-1): %(due)s") % {"due": data.due_local},
        ]
        if data.intake_email:
            desc.append(_("E-mail pribadi untuk dokumen: %(address)s") % {"address": data.intake_email})
        if data.upload_url:
            desc.append(_("Tautan unggah pribadi: %(url)s") % {"url": data.upload_url})
        desc.append(_("Bantuan: %(phone)s. Layanan ini gratis.") % {"phone": data.contact_centre})
        deadline_alarm = _("Batas kirim dokumen Lapak Asik (kode %(code)s)") % {"code": data.code}
        reminder = _("Jadwal Lapak Asik dimulai 1 jam lagi (kode %(code)s)") % {"code": data.code}
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//BPJAMSOSTEK//Lapak Asik//ID", "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH", "BEGIN:VEVENT",
        f"UID:{data.code.lower()}@lapakasik",
        f"DTSTAMP:{_utc(now)}", f"DTSTART:{_utc(data.start)}", f"DTEND:{_utc(data.end)}",
        f"SUMMARY:{_ics_escape(summary)}",
        f"LOCATION:{_ics_escape(f'{data.branch_name}, {data.branch_address}, {data.branch_city}')}",
        f"DESCRIPTION:{_ics_escape(chr(10).join(desc))}",
        f"STATUS:{'CANCELLED' if data.cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
    ]
    if not data.cancelled:
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{_ics_escape(deadline_alarm)}",
                  f"TRIGGER;VALUE=DATE-TIME:{_utc(data.due - timedelta(hours=3))}", "END:VALARM",
                  "BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{_ics_escape(reminder)}", "TRIGGER:-PT1H",
                  "END:VALARM"]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(_fold(x) for x in lines) + "\r\n").encode("utf-8")
