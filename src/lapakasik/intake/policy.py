"""Pure intake rules (no database): when a requirement applies, a requirement's status, keyword
classification of file names, and when repeated refusals mean the upload has failed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

MISSING = "missing"
RECEIVED = "received"
REFUSED = "refused"
ACCEPTED = "accepted"

STATUS_LABELS: dict[str, Any] = {
    MISSING: _("Belum ada"),
    RECEIVED: _("Diterima, menunggu pemeriksaan"),
    REFUSED: _("Ditolak — kirim ulang"),
    ACCEPTED: _("Disetujui"),
}

CONDITION_NOTES: dict[str, Any] = {
    "npwp_threshold": _("Wajib bila saldo di atas Rp 50.000.000."),
    "married": _("Wajib bila peserta menikah."),
    "has_children": _("Wajib bila peserta memiliki anak."),
    "road_accident": _("Wajib untuk kecelakaan lalu lintas."),
    "death": _("Wajib untuk klaim karena meninggal dunia."),
    "co_heirs": _("Wajib bila lebih dari satu ahli waris yang sama urutannya masih hidup: surat kuasa kepada wakil "
                  "mereka, ditandatangani ahli waris lainnya."),
    "will_declared": _("Wajib bila ahli waris menyatakan ada surat wasiat pada Formulir 4."),
}

#: Conditions that rest on what the claimant declared, not on a registry fact: a row they make required
#: says so, for the officer who verifies the document.
DECLARED_NOTES: dict[str, Any] = {
    "will_declared": _("Dinyatakan ahli waris pada Formulir 4; dokumen diperiksa petugas."),
}


@dataclass(frozen=True)
class Facts:
    claim_type: str
    reason: str
    balance: int | None = None
    married: bool | None = None
    has_children: bool | None = None
    road_accident: bool | None = None
    npwp_threshold: int = 50_000_000
    co_heirs: bool | None = None  # several heirs of the same place alive (registry family data)
    will_declared: bool | None = None  # the heir statement declares a will (the heir's own word)


def requirement_applies(*, reasons: list[str], condition: str, unconditional_reasons: list[str],
                        facts: Facts) -> bool | None:
    """True = required, False = does not apply, None = applies only if a condition we cannot
    evaluate holds (shown as optional with its condition)."""
    if reasons and facts.reason not in reasons:
        return False
    if condition == "always" or facts.reason in (unconditional_reasons or []):
        return True
    if condition == "npwp_threshold":
        return None if facts.balance is None else facts.balance > facts.npwp_threshold
    if condition == "married":
        return facts.married
    if condition == "has_children":
        return facts.has_children
    if condition == "road_accident":
        return facts.road_accident
    if condition == "death":
        return facts.reason == "DEATH"
    if condition == "co_heirs":
        return facts.co_heirs
    if condition == "will_declared":
        return facts.will_declared
    return True


def requirement_status(*, stored_statuses: list[str], refused_count: int, min_files: int) -> str:
    """missing / received / refused / accepted for one requirement."""
    accepted = sum(1 for s in stored_statuses if s == "ACCEPTED")
    if stored_statuses and accepted >= max(1, min_files) and accepted == len(stored_statuses):
        return ACCEPTED
    if len(stored_statuses) >= max(1, min_files):
        return RECEIVED
    if refused_count:
        return REFUSED
    return MISSING


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\.[a-z0-9]{1,5}$", "", text)  # extension
    return " " + re.sub(r"[^a-z0-9]+", " ", text).strip() + " "


def classify(*, filename: str, text: str, candidates: list[tuple[str, list[str]]]) -> str | None:
    """The candidate whose keywords appear (as whole words) in the file name, else in the text. A
    keyword inside a longer matching one does not count ("ktp ahli waris" beats "ktp"); two different
    requirements still matching ("ktp dan kk") → None (an officer decides)."""
    for haystack in (_normalise(filename), _normalise(text)):
        hits: list[tuple[str, str]] = []
        for code, keywords in candidates:
            for kw in [code.replace("_", " "), *keywords]:
                needle = _normalise(kw).strip()
                if needle and f" {needle} " in haystack:
                    hits.append((code, needle))
        kept = {code for code, needle in hits
                if not any(other != code and needle != longer and f" {needle} " in f" {longer} "
                           for other, longer in hits)}
        if len(kept) == 1:
            return kept.pop()
        if len(kept) > 1:
            return None
    return None


def upload_has_failed(*, refusals_since_last_stored: int, threshold: int) -> bool:
    return threshold > 0 and refusals_since_last_stored >= threshold


def storage_refusal(*, held: bool, size: int, files: int, total_bytes: int, max_files: int, max_bytes: int,
                    requirement_files: int = 0, requirement_max: int | None = None) -> str | None:
    """The limit a new file would break (a reason code), or None. ``files``/``total_bytes`` are what is
    already counted against the same budget: the participant's own files (everything stored except
    HELD ones) for a participant's file, and the HELD files (from unverified senders) for a held one —
    so files from a stranger never use up the participant's limits, and the stranger's own budget is
    small. A held file is not checked against the requirement's maximum (it does not count for the
    checklist until an officer or the participant accepts it)."""
    if held:
        if files >= max_files or total_bytes + size > max_bytes:
            return "unverified_sender_limit"
        return None
    if files >= max_files:
        return "claim_file_limit"
    if total_bytes + size > max_bytes:
        return "claim_size_limit"
    if requirement_max is not None and requirement_files >= requirement_max:
        return "requirement_full"
    return None


def ack_outcome(*, received: int, refused: int) -> str:
    """What an acknowledgement's subject says: ``received`` (everything taken), ``partial`` (some
    refused), ``refused`` (every file refused) or ``none`` (nothing arrived at all)."""
    if refused and received:
        return "partial"
    if refused:
        return "refused"
    return "received" if received else "none"


def reminder_quiet(*, now: Any, confirmed_at: Any, quiet_hours: int) -> bool:
    """True while a reminder would follow the booking confirmation too closely: within ``quiet_hours``
    after it (a next-day booking's deadline reminder 41 s after the confirmation says nothing new)."""
    from datetime import timedelta

    return confirmed_at is not None and quiet_hours > 0 and now < confirmed_at + timedelta(hours=quiet_hours)


# --- Word, Excel and other office files ----------------------------------------------------------------

OFFICE_EXTENSIONS = frozenset({".doc", ".docx", ".docm", ".dot", ".dotx", ".xls", ".xlsx", ".xlsm", ".xlt",
                               ".xltx", ".csv", ".odt", ".ods", ".rtf", ".ppt", ".pptx", ".odp", ".pages",
                               ".numbers"})
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
_OOXML_MARKS = (b"[Content_Types].xml", b"word/", b"xl/", b"ppt/", b"docProps/")
_ODF_MARK = b"application/vnd.oasis.opendocument."


def is_office_document(head: bytes, extension: str) -> bool:
    """A Word, Excel (or PowerPoint, OpenDocument, RTF) file: by its content (an OLE2 container, a ZIP
    whose first entries are an Office Open XML or OpenDocument package) or, when the content is not a
    kind we accept anyway, by its name. The participant then hears "save it as PDF", not "archive"."""
    if head.startswith(_OLE2) or head.startswith(b"{\\rtf"):
        return True
    if head.startswith(b"PK\x03\x04") and (any(m in head for m in _OOXML_MARKS) or _ODF_MARK in head):
        return True
    return extension.lower() in OFFICE_EXTENSIONS


# --- "Saya tidak bisa mengunggah": what went wrong, and what helps ---------------------------------------

#: The problems the participant can choose before asking for another way, each with what usually helps.
#: (code → (label, tip)); ``other`` has no tip of its own.
UPLOAD_PROBLEMS: dict[str, tuple[Any, Any]] = {
    "refused": (_("Berkas saya terus ditolak"),
                _("Baca alasan penolakan di daftar dokumen. Foto dokumen di tempat terang, seluruh halaman "
                  "terlihat, lalu kirim satu berkas per dokumen sebagai JPG atau PDF.")),
    "connection": (_("Unggahan terputus atau tidak selesai"),
                   _("Kirim satu berkas sekali kirim, di tempat dengan sinyal lebih baik atau lewat Wi-Fi. "
                     "Anda juga bisa mengirim dokumen sebagai lampiran e-mail ke alamat pribadi Anda.")),
    "too_large": (_("Berkas saya terlalu besar"),
                  _("Perkecil resolusi kamera atau pindai dengan kualitas lebih rendah. Satu halaman dokumen "
                    "cukup sekitar 1–2 MB.")),
    "no_device": (_("Saya tidak bisa memotret atau memindai dokumen"),
                  _("Minta bantuan keluarga atau kenalan untuk memotret dokumen dengan ponselnya, lalu kirim "
                    "lewat tautan ini atau lewat e-mail ke alamat pribadi Anda.")),
    "other": (_("Masalah lain"), ""),
}


def upload_problem_valid(code: str) -> bool:
    return code in UPLOAD_PROBLEMS


def usable_dropbox_branches(*, home_region: Any, home_branch: Any, candidates: list[tuple[Any, Any, bool, float]],
                            limit: int = 3) -> list[Any]:
    """The branches whose dropbox the participant may use: their own branch when its effective channel
    policy allows a dropbox, else other branches of their OWN region that allow one (a region that
    serves online only is never sent to a dropbox in another province), nearest first.
    ``candidates``: (branch, region, dropbox_allowed, distance). Empty: the online alternatives only."""
    own = [c for c in candidates if c[0] == home_branch and c[2]]
    if own:
        return [home_branch]
    same_region = sorted((c for c in candidates if c[1] == home_region and c[2] and c[0] != home_branch),
                         key=lambda c: (c[3], str(c[0])))
    return [c[0] for c in same_region[:limit]]


# --- the dropbox cover sheet ------------------------------------------------------------------------

#: The QR code of a cover sheet holds this prefix and the sheet's serial, nothing else: not the claim code,
#: nothing of the participant. (The booking ticket's code is ``LAPAKASIK:<booking code>``.)
COVER_SHEET_QR_PREFIX = "LAPAKASIK:LS:"
SERIAL_LENGTH = 16  # Crockford characters: 80 bits, unguessable


def serial_display(serial: str) -> str:
    """The serial as printed under the QR code, in groups of four for typing by hand."""
    return "-".join(serial[i:i + 4] for i in range(0, len(serial), 4))


def cover_sheet_payload(serial: str) -> str:
    return COVER_SHEET_QR_PREFIX + serial


def serial_from_scan(text: str) -> str | None:
    """The serial in what a scanner typed or a camera decoded: the QR payload (``LAPAKASIK:LS:<serial>``,
    any case, surrounding blanks) or the printed serial typed by hand (groups with dashes or spaces, O/0 and
    I/L/1 as Crockford reads them). None when it is neither — a booking ticket's code, a claim code, noise."""
    from lapakasik.core.codes import CROCKFORD, normalize_code

    value = (text or "").strip()
    if len(value) > 64:
        return None
    if value.upper().startswith(COVER_SHEET_QR_PREFIX):
        value = value[len(COVER_SHEET_QR_PREFIX):]
    elif ":" in value:
        return None
    serial = normalize_code(value)
    if len(serial) != SERIAL_LENGTH or any(ch not in CROCKFORD for ch in serial):
        return None
    return serial


def dropbox_date_refusal(*, planned_on: Any, today: Any, max_days: int, due_on: Any = None) -> str | None:
    """Why the day the participant plans to bring the envelope cannot be taken: ``past`` (before today in
    the branch's zone), ``too_far`` (more than ``max_days`` ahead). None: fine. (The documents deadline, when
    there is one, is shown, not enforced: the envelope is received whenever it comes.)"""
    from datetime import timedelta

    if planned_on < today:
        return "past"
    if planned_on > today + timedelta(days=max_days):
        return "too_far"
    return None
