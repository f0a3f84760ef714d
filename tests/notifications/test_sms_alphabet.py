"""Every SMS a participant can get stays in the GSM-7 alphabet (160 characters a segment; a single "–"
or "’" would make it UCS-2: 70 a segment) and within its segment budget, rendered with realistic
values: a production-length address, real token lengths, long names and dates in both languages."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from lapakasik.notifications import defaults, policy
from lapakasik.notifications.rendering import derived_context, render

BASE = "https://lapakasik.bpjsketenagakerjaan.go.id"
SEGMENT_BUDGET = 2  # every default SMS; the renderer cuts at SMS_MAX_SEGMENTS (4) as a last resort

SMS_ROWS = [r for r in defaults.default_rows() if r["channel"] == "sms"]


def realistic_context(language: str) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        **defaults.SAMPLE_CONTEXT,
        # what services store: facts, relative links; the renderer derives the participant's wording
        "name": "Siti Rahayu Kusumawardhani", "branch": "KC Jakarta Cilandak",
        "code": "PA53WHVM", "claim_code": "PA53WHVM",
        "date": "2026-12-02", "start": "09:00", "end": "10:00", "time_zone": "WIB",
        "old_date": "2026-11-30", "old_start": "13:00", "old_end": "14:00",
        "documents_due": "2026-12-01T23:59:59+07:00",
        "hold_until": "2026-12-01T10:30:00+00:00", "branch_time_zone": "Asia/Jakarta",
        "upload_url": "/unggah/" + "A" * 32 + "/", "offer_url": "/antrean/tunggu/" + "B" * 32 + "/",
        "cover_sheet_url": "/unggah/" + "A" * 32 + "/lembar-sampul.pdf",
        "email_address": "k7kq2m9xdabcdefghjkm@dokumen.lapakasik.local",
        "status_url": "/klaim/PA53WHVM/", "reschedule_url": "/konfirmasi/ubah/" + "C" * 32 + "/",
        "state_label": "Dokumen belum lengkap" if language == "id" else "Documents incomplete",
    }
    for key in ("session_date", "session_time", "old_session_date", "old_session_time", "documents_due_local",
                "hold_until_local", "booking_url"):
        ctx.pop(key, None)
    ctx.update(derived_context(ctx, language))
    return ctx


def _row_id(row: dict[str, Any]) -> str:
    return f"{row['event']}-{row['language']}"


@pytest.mark.parametrize("row", SMS_ROWS, ids=_row_id)
def test_every_sms_template_is_gsm7_within_budget(row: dict[str, Any], settings: Any) -> None:
    settings.PUBLIC_BASE_URL = BASE
    template = SimpleNamespace(subject="", body=row["body"], body_html="", provider_template="",
                               provider_parameters="")
    out = render(template=template, channel="sms", language=row["language"],
                 ctx=realistic_context(row["language"]), verification_code="ABCD2345")
    bad = sorted({ch for ch in out.text if ch not in policy.GSM7_BASIC and ch not in policy.GSM7_EXTENDED})
    assert policy.sms_encoding(out.text) == "GSM-7", (bad, out.text)
    assert policy.sms_segments(out.text) <= SEGMENT_BUDGET, (policy.sms_segments(out.text), out.text)
    assert out.text.endswith(f"ABCD-2345 {BASE}/cek-pesan/")  # the verification footer is never cut


def test_the_confirmation_sms_keeps_its_meaning_in_gsm7(settings: Any) -> None:
    """The message from the report: a "–" in "09:00–10:00" made it UCS-2 in 4 segments."""
    settings.PUBLIC_BASE_URL = BASE
    row = next(r for r in SMS_ROWS if r["event"] == "booking_confirmed" and r["language"] == "id")
    template = SimpleNamespace(subject="", body=row["body"], body_html="", provider_template="",
                               provider_parameters="")
    text = render(template=template, channel="sms", language="id", ctx=realistic_context("id"),
                  verification_code="ABCD2345").text
    assert "Rabu, 2 Desember 2026 09:00-10:00 WIB" in text
    assert policy.sms_segments(text) <= 2


@pytest.mark.parametrize(("raw", "plain"), [
    ("09:00–10:00 WIB", "09:00-10:00 WIB"),
    ("“Dokumen” Anda’s…", '"Dokumen" Anda\'s...'),
    ("Şükrü Öztürk", "Sükrü Öztürk"),  # ü and Ö are GSM-7; ş is not
    ("Nguyễn Văn Ánh", "Nguyen Van Anh"),
    ("a\u00a0b\u200bc\tz", "a bc z"),
    ("漢字 😀 ✅ ok", "??   ok"),  # unknown letters show as "?", emoji are dropped
    ("{[~]} € é Ñ ß", "{[~]} € é Ñ ß"),  # already GSM-7 (with the extension table): unchanged
])
def test_gsm7_transliteration(raw: str, plain: str) -> None:
    assert policy.gsm7_transliterate(raw) == plain
    assert policy.sms_encoding(policy.gsm7_transliterate(raw)) == "GSM-7"


def test_email_and_whatsapp_keep_typography(settings: Any) -> None:
    """Only SMS is squeezed into GSM-7; e-mail and WhatsApp keep "–" (Unicode costs nothing there)."""
    row = next(r for r in defaults.default_rows() if r["event"] == "booking_confirmed" and r["channel"] == "email"
               and r["language"] == "id")
    template = SimpleNamespace(subject=row["subject"], body=row["body"], body_html="", provider_template="",
                               provider_parameters="")
    assert "09:00–10:00 WIB" in render(template=template, channel="email", language="id",
                                       ctx=realistic_context("id"), verification_code="ABCD2345").text
