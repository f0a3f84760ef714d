"""The message catalogue shipped with the product: every event, its variables, and default texts in
Indonesian and English. Installed by a data migration and by ``template_defaults_install``; admins
edit the stored copies.

Per event and language: ``subject`` (e-mail), ``text`` (e-mail, WhatsApp, phone script) and ``short``
(SMS). Texts are Django templates; the verification code and the "Cek keaslian pesan" address are
appended to every message by the renderer, so templates need not mention them.

This module is the one registry: the texts and variables of each family of events live in ``texts/``
(``booking``, ``documents``, ``claim``, ``branch``, ``payments``, ``dropbox``, ``employer``); an event defined twice, or without its variables, stops the
import.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .texts import booking, branch, claim, documents, dropbox, employer, payments

# Available in every template.
COMMON_VARIABLES = frozenset({
    "name", "claim_code", "claim_type", "claim_type_label", "branch", "branch_address", "state", "state_label",
    "reason", "contact_centre", "check_url", "verification_code", "status_url", "upload_url", "email_address",
    "documents_due_local",
})
# WhatsApp template parameters may also use ``message`` (the rendered text).
PARAMETER_VARIABLES = frozenset({"message"})

# Per event: the variables it may use besides the common ones, and its texts. Each family of events keeps
# its texts in its own module under ``texts/``.
_FAMILIES = (booking, documents, claim, branch, payments, dropbox, employer)


def _merged(tables: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for table in tables:
        twice = set(merged) & set(table)
        if twice:
            raise ImproperlyConfigured(f"notification events defined in two families: {sorted(twice)}")
        merged.update(table)
    return merged


EVENT_VARIABLES: dict[str, frozenset[str]] = _merged([f.VARIABLES for f in _FAMILIES])
TEXTS: dict[str, dict[str, dict[str, str]]] = _merged([f.TEXTS for f in _FAMILIES])
if set(TEXTS) != set(EVENT_VARIABLES):
    raise ImproperlyConfigured("every notification event needs both its texts and its variables")

PHONE_INTRO = {
    "id": ("Skrip telepon (sebutkan nama Anda dan \"petugas BPJAMSOSTEK {{ branch|default:'' }}\"; "
           "jangan meminta PIN/OTP/biaya):\n\n"),
    "en": ("Call script (give your name and \"BPJAMSOSTEK officer {{ branch|default:'' }}\"; never ask for "
           "a PIN/OTP/fee):\n\n"),
}


def all_events() -> list[str]:
    """Every event the catalogue ships texts for (a claim state's event is named by
    ``claims.workflow.EVENT_FOR_STATE``; ``claim_status`` is the generic text for events not listed)."""
    return sorted(TEXTS)


def variables_for(event: str) -> frozenset[str]:
    return COMMON_VARIABLES | EVENT_VARIABLES.get(event, frozenset())


def texts_for(event: str) -> dict[str, dict[str, str]]:
    return TEXTS[event]


def default_rows() -> list[dict[str, Any]]:
    """Every default template row: event × channel × language."""
    rows = []
    for event in all_events():
        for language, t in texts_for(event).items():
            rows.append(dict(event=event, channel="email", language=language, subject=t["subject"], body=t["text"]))
            rows.append(dict(event=event, channel="whatsapp", language=language, body=t["text"],
                             provider_template="lapakasik_pesan", provider_parameters="message,verification_code"))
            rows.append(dict(event=event, channel="sms", language=language, body=t["short"]))
            rows.append(dict(event=event, channel="phone", language=language,
                             body=PHONE_INTRO[language] + t["text"]))
    return rows

# Example values for the admin preview (every variable of every event).
SAMPLE_CONTEXT: dict[str, Any] = {
    "name": "Siti Rahayu", "claim_code": "7KQ2M9XD", "claim_type": "JHT", "claim_type_label": "Jaminan Hari Tua",
    "branch": "KC Jakarta Cilandak", "branch_address": "Jl. T.B. Simatupang Kav. 1, Jakarta Selatan",
    "state": "APPROVED", "state_label": "Disetujui", "reason": "", "contact_centre": "175",
    "status_url": "https://lapakasik.example/klaim/", "upload_url": "https://lapakasik.example/unggah/contoh/",
    "email_address": "k-7kq2m9xd@dokumen.lapakasik.local", "documents_due_local": "Selasa, 1 Desember 2026 23:59 WIB",
    "session_date": "Rabu, 2 Desember 2026", "session_time": "09:00–10:00 WIB", "session_label": "Sesi 2",
    "booking_url": "https://lapakasik.example/antrean/saya/", "old_session_date": "Senin, 30 November 2026",
    "old_session_time": "13:00–14:00 WIB", "offer_url": "https://lapakasik.example/antrean/tawaran/",
    "hold_until_local": "Selasa, 1 Desember 2026 17:30 WIB", "otp": "482913", "valid_minutes": 10, "purpose": "booking",
    "position": 2,
    "received": [{"filename": "ktp.jpg", "requirement": "e-KTP"}],
    "refused": [{"filename": "kk.pdf", "reason": "Berkas PDF terenkripsi"}],
    "missing": [{"code": "KK", "label": "Kartu Keluarga"}, {"code": "BANK", "label": "Buku tabungan"}],
    "complete": False, "held_sender": False, "documents_due_at": "2026-12-01T16:59:00Z", "outcome": "partial",
    "outcome_label": "sebagian dokumen tidak dapat kami terima",
    "held_count": 3, "sender_masked": "a***@example.id",
    "dropbox_allowed": True, "nearest_dropbox_branch": "KC Tangerang", "nearest_dropbox_address": "Jl. Daan Mogot 1",
    "cover_sheet_url": "https://lapakasik.example/unggah/contoh/lembar-sampul.pdf",
    "call_window_local": "Kamis, 3 Desember 2026 10:00–11:00 WIB", "officer_name": "Budi", "call_channel": "WhatsApp video",
    "reschedule_url": "https://lapakasik.example/konfirmasi/ubah/", "amount": "12.345.678",
    "transfer_date": "Jumat, 4 Desember 2026", "bank_account_masked": "BRI ****1234", "paid_date": "Jumat, 4 Desember 2026",
    "next_step": "Ajukan kembali setelah masa tunggu 1 bulan berakhir.",
    "mode": "ONLINE_ONLY", "valid_from_local": "Kamis, 3 Desember 2026 00:00 WIB",
    "policy_reason": "Pembatasan sosial berskala besar di DKI Jakarta",
    "overdue_count": 1,
    "overdue": [{"code": "7KQ2M9XD", "type": "JHT", "state": "Disetujui", "due": "Jumat, 4 Desember 2026",
                 "reason": "Rekening belum diperiksa petugas terhadap buku tabungan."}],
    "employer_name": "PT Maju Bersama", "invite_url": "https://lapakasik.example/perusahaan/undangan/contoh/",
    "expires_local": "Minggu, 6 Desember 2026 10:00 WIB", "occurred_local": "Selasa, 1 Desember 2026 08:30 WIB",
    "report_url": "https://lapakasik.example/perusahaan/klaim/7KQ2M9XD/tahap-2/", "stage": 1, "npp": "31001001",
    "signin_url": "https://lapakasik.example/perusahaan/masuk/contoh/", "minutes": 15,
}
