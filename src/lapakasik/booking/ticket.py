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
from django.utils import translation
from django.utils.translation import gettext as _

from lapakasik.branches.selectors import branch_effective_policy
from lapakasik.claims.models import ClaimType
from lapakasik.claims.reasons import reason_label
from lapakasik.claims.selectors import claim_applicant
from lapakasik.claims.workflow import State
from lapakasik.core import dates
from lapakasik.core.paper import PageFlow, qr_code, qr_png
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
    upload_url: str = ""  # absolute (PUBLIC_BASE_URL): it leaves the site on paper and in calendars
    upload_link: str = ""  # as the site links it on its own pages: relative unless INTAKE_PUBLIC_BASE_URL is set
    checklist: list[ChecklistLine] = field(default_factory=list)
    contact_centre: str = "175"
    dropbox_allowed: bool = True  # the branch's channel policy when the ticket is drawn

    # --- local rendering -------------------------------------------------------------------
    def local(self, dt: datetime) -> datetime:
        return dt.astimezone(ZoneInfo(self.tz_name))

    @property
    def date_local(self) -> str:
        return dates.long_date(self.local(self.start))

    @property
    def time_local(self) -> str:
        return dates.time_range(self.local(self.start), self.local(self.end), self.tz_abbr)

    @property
    def when_local(self) -> str:
        return f"{self.date_local}, {self.time_local}"

    @property
    def due_local(self) -> str:
        return dates.long_moment(self.local(self.due), self.tz_abbr)


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
        upload_link=links.upload_url if links else "",
        checklist=checklist, contact_centre=str(settings.LAPAKASIK.get("CONTACT_CENTRE", "175")),
        dropbox_allowed=branch_effective_policy(branch).dropbox_allowed,
    )


def policy_line(data: TicketData) -> str:
    """The branch's channel policy in force, in one line (ticket and calendar entry)."""
    if data.dropbox_allowed:
        return _("Dokumen juga dapat dimasukkan ke dropbox di depan kantor cabang.")
    return _("Kantor cabang ini hanya melayani secara daring: dropbox dihentikan. Kirim dokumen lewat tautan "
             "unggah atau e-mail pribadi.")


def _absolute(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return f"{getattr(settings, 'PUBLIC_BASE_URL', '').rstrip('/')}{url}"


# --- PDF -----------------------------------------------------------------------------------------


def qr_matrix(code: str) -> tuple[tuple[int, ...], ...]:
    """The QR module matrix the ticket draws: a standard QR code (never Micro QR)."""
    return tuple(tuple(int(bool(v)) for v in row) for row in qr_code(QR_PREFIX + code).matrix)


@dataclass
class TicketLayout:
    """Where the ticket put things (points, bottom-left origin, page 1 = first page): the QR code and
    every line of text. The PDF itself is checked against the same rule in the tests."""
    qr_box: tuple[float, float, float, float]
    text_boxes: list[tuple[int, tuple[float, float, float, float]]]


def ticket_pdf(data: TicketData, language: str | None = None) -> bytes:
    return ticket_pdf_with_layout(data, language)[0]


def ticket_pdf_with_layout(data: TicketData, language: str | None = None) -> tuple[bytes, TicketLayout]:
    # reportlab is loaded when a ticket is drawn, not by every page that imports the ticket's data.
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    with translation.override(language or translation.get_language() or "id"):
        buf = io.BytesIO()
        pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
        pdf.setTitle(_("Tiket antrean Lapak Asik %(code)s") % {"code": data.code})
        pdf.setAuthor("BPJAMSOSTEK Lapak Asik")
        width, height = A4
        flow = PageFlow(pdf, left=18 * mm, right=width - 18 * mm, top=height - 22 * mm, bottom=18 * mm)
        # The QR code top right, with the text beside it wrapped short of it (never under it).
        side = 44 * mm
        qr_box = (flow.right - side, height - 16 * mm - side, flow.right, height - 16 * mm)
        pdf.drawImage(ImageReader(qr_png(QR_PREFIX + data.code)), qr_box[0], qr_box[1], side, side)
        flow.reserve(qr_box)

        flow.line(_("TIKET ANTREAN ONLINE — LAPAK ASIK"), font="Helvetica-Bold", size=16)
        flow.line(_("BPJAMSOSTEK · Layanan Tanpa Kontak Fisik"), size=10)
        flow.space(4 * mm)
        flow.line(_("Kode booking"), size=10)
        flow.line(data.code, font="Helvetica-Bold", size=28, leading=11 * mm)
        if data.cancelled:
            flow.line(_("BOOKING INI SUDAH DIBATALKAN"), font="Helvetica-Bold", size=13)
        flow.line(_("Status: %(status)s") % {"status": data.status})
        flow.space(2 * mm)
        for label, value in (
            (_("Nama"), data.full_name),
            (_("Klaim"), data.claim_type_label or data.claim_type),
            (_("Alasan"), data.reason_label),
            (_("Jadwal"), data.when_local),
            (_("Kantor cabang"), data.branch_name),
            (_("Alamat"), f"{data.branch_address}, {data.branch_city}"),
        ):
            flow.line(f"{label}: {value}")
        flow.space(3 * mm)
        flow.line(_("Kirim dokumen paling lambat (H-1): %(due)s") % {"due": data.due_local},
                  font="Helvetica-Bold", size=11.5)
        if data.intake_email:
            flow.line(_("E-mail pribadi untuk dokumen: %(address)s") % {"address": data.intake_email})
        if data.upload_url:
            flow.line(_("Tautan unggah pribadi: %(url)s") % {"url": data.upload_url}, size=9.5)
        flow.line(policy_line(data), size=9.5)
        flow.space(3 * mm)
        flow.line(_("Dokumen yang perlu disiapkan"), font="Helvetica-Bold", size=12.5)
        for item in data.checklist:
            suffix = "" if item.required else " " + _("(bila berlaku)")
            flow.line(f"{item.label}{suffix}", indent=6 * mm, box=True, leading=5.6 * mm)
        flow.space(3 * mm)
        flow.line(_("Pada jadwal Anda, petugas dapat menghubungi Anda lewat telepon atau panggilan video. "
                    "Siapkan dokumen asli."), size=9.5)
        flow.line(_("Layanan ini gratis. Petugas tidak pernah meminta uang, kata sandi atau kode sekali pakai. "
                    "Bantuan: %(phone)s.") % {"phone": data.contact_centre}, font="Helvetica-Oblique", size=9)
        pdf.showPage()
        pdf.save()
        return buf.getvalue(), TicketLayout(qr_box=qr_box, text_boxes=list(flow.boxes))


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
        summary = _("Lapak Asik: jadwal klaim %(type)s (kode %(code)s)") % {
            "type": data.claim_type_label or data.claim_type, "code": data.code}
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
        desc.append(policy_line(data))
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
