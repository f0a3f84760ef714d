"""The ticket: PDF (parsed with pypdf: the text a participant reads, and the QR code really encodes
the booking code) and the .ics calendar file (parsed per RFC 5545). Access by the session that
booked / opened the booking with a one-time code, or by ``Authorization: Bearer <access token>`` —
never a token in the URL."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from lapakasik.booking.models import Booking

from .pages_support import book, booking_world, day_label, make_participant

__all__ = ["booking_world"]

pytestmark = pytest.mark.django_db


def pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def parse_ics(body: bytes) -> list[tuple[str, dict[str, str], str]]:
    """(name, params, value) per content line, after checking CRLF line ends and 75-octet folding."""
    raw = body.decode("utf-8")
    assert raw.endswith("\r\n")
    physical = raw.split("\r\n")[:-1]
    for line in physical:
        assert "\n" not in line and "\r" not in line
        assert len(line.encode("utf-8")) <= 75, line
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    out = []
    for line in logical:
        head, _sep, value = line.partition(":")
        name, *params = head.split(";")
        out.append((name, dict(p.split("=", 1) for p in params), value))
    return out


def unescape(value: str) -> str:
    return value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


@pytest.fixture
def booked(booking_world: dict[str, Any]) -> tuple[Client, str]:
    client = Client()
    return client, book(client, booking_world)


def test_ticket_pdf_says_what_the_participant_needs(booked: tuple[Client, str], booking_world: dict[str, Any]) -> None:
    client, code = booked
    r = client.get(reverse("booking:ticket_pdf", kwargs={"code": code}))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"] == f'attachment; filename="tiket-lapakasik-{code}.pdf"'
    assert "no-store" in r["Cache-Control"]
    text = pdf_text(r.content)
    branch = booking_world["branch"]
    booking = Booking.objects.select_related("claim").get(code=code)
    from lapakasik.intake.selectors import intake_links_get

    links = intake_links_get(booking.claim)
    assert links is not None
    for expected in (
        code, branch.name, branch.address, day_label(booking_world["day"]), "08:00–09:00 WIB",
        "Siti Rahayu", "Mengundurkan diri", links.email_address,
        # the checklist for JHT + resigned, from the intake catalogue
        "e-KTP", "Kartu Keluarga (KK)", "Formulir 5", "paklaring",
        # the deadline: H-1, 23:59 branch-local
        "paling lambat (H-1)", f"{day_label(booking_world['day'] - timedelta(days=1))} 23:59 WIB",
    ):
        assert expected in text, expected
    assert "Perjanjian bersama PHK" not in text  # not for this reason
    assert "3174014506900003" not in text  # no NIK on a ticket that may be printed and shared


def test_ticket_qr_encodes_the_booking_code(booked: tuple[Client, str]) -> None:
    from PIL import Image
    from pypdf import PdfReader

    from lapakasik.booking.ticket import qr_matrix
    from lapakasik.core.paper import QR_BORDER

    client, code = booked
    body = client.get(reverse("booking:ticket_pdf", kwargs={"code": code})).content
    images = PdfReader(io.BytesIO(body)).pages[0].images
    assert len(images) == 1
    img = Image.open(io.BytesIO(images[0].data)).convert("L")
    matrix = qr_matrix(code)
    n, border = len(matrix), QR_BORDER
    assert n >= 21  # a standard QR code (version 1 is 21 modules; Micro QR is at most 17)
    module = img.width / (n + 2 * border)
    seen = tuple(
        tuple(int(img.getpixel((int((border + x + 0.5) * module), int((border + y + 0.5) * module))) < 128)
              for x in range(n))
        for y in range(n))
    assert seen == matrix


def test_ticket_qr_is_read_by_a_real_decoder(booked: tuple[Client, str]) -> None:
    """The page as printed, rendered and read by zbar (what phone scanners and `zbarimg` do)."""
    from ..paper_support import decode_qr_codes

    client, code = booked
    body = client.get(reverse("booking:ticket_pdf", kwargs={"code": code})).content
    assert decode_qr_codes(body)[0] == [f"LAPAKASIK:{code}"]


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_ticket_text_overlaps_the_qr_code(booked: tuple[Client, str], booking_world: dict[str, Any],
                                             language: str) -> None:
    from ..paper_support import chars_over_images

    client, code = booked
    branch = booking_world["branch"]
    branch.address = ("Jl. Jenderal Sudirman Kav. 52-53 No. 1234, Kelurahan Senayan, Kecamatan Kebayoran Baru, "
                      "Gedung Menara Jamsostek Lantai 3 (data contoh)")
    branch.save()
    client.cookies["lapakasik_lang"] = language
    body = client.get(reverse("booking:ticket_pdf", kwargs={"code": code})).content
    assert chars_over_images(body) == []
    text = pdf_text(body)
    assert "(data contoh)" in text and "RESIGNED" not in text


def test_ticket_layout_keeps_every_line_clear_of_the_qr_code(booked: tuple[Client, str]) -> None:
    from lapakasik.booking.ticket import ticket_data, ticket_pdf_with_layout

    from ..paper_support import overlapping, overlapping_lines

    _client, code = booked
    booking = Booking.objects.select_related("claim", "claim__branch", "slot").get(code=code)
    data = ticket_data(booking.claim, start=booking.claim.documents_due_at + timedelta(days=1),
                       end=booking.claim.documents_due_at + timedelta(days=1, hours=1))
    data.full_name = "Siti Rahayu Kusumawardhani Prawiranegara Binti Abdullah Al-Habsyi"
    _pdf, layout = ticket_pdf_with_layout(data, "id")
    assert layout.text_boxes
    assert [b for page, b in layout.text_boxes if page == 1 and overlapping(b, layout.qr_box)] == []
    assert overlapping_lines(layout.text_boxes) == []  # "Kode booking" and the big code, too


def test_ics_file_is_a_valid_calendar_event(booked: tuple[Client, str], booking_world: dict[str, Any]) -> None:
    client, code = booked
    r = client.get(reverse("booking:ticket_ics", kwargs={"code": code}))
    assert r.status_code == 200
    assert r["Content-Type"] == "text/calendar; charset=utf-8"
    assert r["Content-Disposition"] == f'attachment; filename="jadwal-lapakasik-{code}.ics"'
    lines = parse_ics(r.content)
    names = [n for n, _p, _v in lines]
    assert names[0] == "BEGIN" and lines[0][2] == "VCALENDAR" and lines[-1] == ("END", {}, "VCALENDAR")
    assert names.count("BEGIN") == names.count("END") == 4  # calendar, event, two alarms
    props = {n: v for n, _p, v in lines if n not in {"BEGIN", "END", "DESCRIPTION", "ACTION", "TRIGGER"}}
    assert props["VERSION"] == "2.0" and props["PRODID"]
    assert props["UID"] == f"{code.lower()}@lapakasik"
    start_local = datetime.combine(booking_world["day"], datetime.strptime("08:00", "%H:%M").time(),
                                   tzinfo=ZoneInfo("Asia/Jakarta"))
    dtstart = datetime.strptime(props["DTSTART"], "%Y%m%dT%H%M%SZ").replace(tzinfo=ZoneInfo("UTC"))
    dtend = datetime.strptime(props["DTEND"], "%Y%m%dT%H%M%SZ").replace(tzinfo=ZoneInfo("UTC"))
    assert dtstart == start_local and dtend - dtstart == timedelta(hours=1)
    assert props["STATUS"] == "CONFIRMED"
    assert code in unescape(props["SUMMARY"])
    assert booking_world["branch"].address in unescape(props["LOCATION"])
    description = unescape(next(v for n, _p, v in lines if n == "DESCRIPTION"))
    assert f"Kode booking: {code}" in description and "08:00–09:00 WIB" in description
    assert "paling lambat (H-1)" in description
    triggers = [(p, v) for n, p, v in lines if n == "TRIGGER"]
    assert ({"VALUE": "DATE-TIME"}, triggers[0][1]) == triggers[0] and triggers[1][1] == "-PT1H"


def test_long_unicode_lines_fold_on_character_boundaries() -> None:
    from lapakasik.booking.ticket import _fold

    line = "DESCRIPTION:" + "Batas kirim dokumen — é漢字 " * 12
    folded = _fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_wita_branch_ticket_shows_wita(booking_world: dict[str, Any]) -> None:
    from lapakasik.booking.selectors import availability_for_branch
    from lapakasik.branches.models import Branch

    mks = Branch.objects.get(code="MKS01")
    day = next(d for d in availability_for_branch(branch="MKS01").days if d.status == "open").date
    client = Client()
    code = book(client, {**booking_world, "branch": mks, "day": day, "session": "10:00"})
    text = pdf_text(client.get(reverse("booking:ticket_pdf", kwargs={"code": code})).content)
    assert "10:00–11:00 WITA" in text and "23:59 WITA" in text
    props = {n: v for n, _p, v in parse_ics(client.get(reverse("booking:ticket_ics", kwargs={"code": code})).content)}
    assert props["DTSTART"] == f"{day:%Y%m%d}T020000Z"  # 10:00 WITA = 02:00 UTC


def test_bearer_access_token_opens_the_ticket(booking_world: dict[str, Any]) -> None:
    from lapakasik.booking import services

    result = services.booking_create(
        branch_code=booking_world["branch"].code, date=booking_world["day"], session_start="09:00",
        claim_type="JHT", claim_reason="RESIGNED", nik="3174014506900003", kpj="12345678901",
        full_name="Siti Rahayu", email="siti@example.id", phone="081234567890", channels=["email"])
    code, token = result.code, result.access_token
    url = reverse("booking:ticket_pdf", kwargs={"code": code})
    anonymous = Client()
    assert anonymous.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    r = anonymous.get(reverse("booking:ticket_ics", kwargs={"code": code}), HTTP_AUTHORIZATION=f"bearer {token}")
    assert r.status_code == 200 and b"BEGIN:VCALENDAR" in r.content
    # a wrong token, no token, or the token in the URL: the same 404
    assert anonymous.get(url, HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert anonymous.get(url).status_code == 404
    assert anonymous.get(url, {"token": token}).status_code == 404
    assert anonymous.get(url, {"access_token": token}).status_code == 404
    # a token of another booking does not open this one
    make_participant(nik="3174010101900003", kpj="10987654321", name="Budi Santoso")
    other_code = book(Client(), {**booking_world, "session": "10:00"}, nik="3174010101900003", kpj="10987654321",
                      full_name="Budi Santoso")
    assert anonymous.get(reverse("booking:ticket_pdf", kwargs={"code": other_code}),
                         HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 404


def test_unknown_code_and_foreign_session_get_404(booked: tuple[Client, str]) -> None:
    _client, code = booked
    stranger = Client()
    for name in ("booking:ticket_pdf", "booking:ticket_ics"):
        assert stranger.get(reverse(name, kwargs={"code": code})).status_code == 404
        assert stranger.get(reverse(name, kwargs={"code": "ZZZZ9999"})).status_code == 404


def test_cancelled_booking_ticket_says_so(booked: tuple[Client, str]) -> None:
    client, code = booked
    client.post(reverse("booking:cancel", kwargs={"code": code}), {"confirm": "on"})
    text = pdf_text(client.get(reverse("booking:ticket_pdf", kwargs={"code": code})).content)
    assert "BOOKING INI SUDAH DIBATALKAN" in text
    props = {n: v for n, _p, v in parse_ics(client.get(reverse("booking:ticket_ics", kwargs={"code": code})).content)}
    assert props["STATUS"] == "CANCELLED" and "TRIGGER" not in props


def test_ticket_in_english(booked: tuple[Client, str]) -> None:
    client, code = booked
    client.cookies["lapakasik_lang"] = "en"
    text = pdf_text(client.get(reverse("booking:ticket_pdf", kwargs={"code": code})).content)
    assert "Booking code" in text and "Resignation or reference letter" in text


def test_ticket_urls_returned_by_the_api_work_with_its_access_token(booking_world: dict[str, Any]) -> None:
    import json

    body = {"branch_code": booking_world["branch"].code, "date": booking_world["day"].isoformat(),
            "session_start": "11:00", "claim_type": "JHT", "claim_reason": "RESIGNED", "nik": "3174014506900003",
            "kpj": "12345678901", "full_name": "Siti Rahayu", "email": "siti@example.id", "phone": "081234567890",
            "language": "id", "channels": ["email"]}
    api = Client()
    r = api.post("/api/v1/bookings", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    out = r.json()
    token = out["access_token"]
    for key, marker in (("ticket_pdf_url", b"%PDF-"), ("calendar_ics_url", b"BEGIN:VCALENDAR")):
        url = out[key]
        assert token not in url
        path = url.split("://", 1)[-1].split("/", 1)[-1] if "://" in url else url.lstrip("/")
        got = Client().get("/" + path, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert got.status_code == 200 and got.content.startswith(marker)
        assert Client().get("/" + path).status_code == 404
