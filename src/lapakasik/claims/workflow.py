"""The claim life cycle: states and the transition table (pure, no database).

BOOKED → AWAITING_DOCUMENTS → DOCUMENTS_RECEIVED → IN_REVIEW → (NEEDS_CONFIRMATION ⇄ IN_REVIEW)
→ VERIFIED → APPROVED → PAID, with DOCUMENTS_INCOMPLETE (back to the participant),
UPLOAD_FAILED → DROPBOX_EXPECTED, REJECTED, CANCELLED, EXPIRED.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    BOOKED = "BOOKED", _("Terdaftar di antrean")
    AWAITING_DOCUMENTS = "AWAITING_DOCUMENTS", _("Menunggu dokumen")
    DOCUMENTS_RECEIVED = "DOCUMENTS_RECEIVED", _("Dokumen diterima")
    DOCUMENTS_INCOMPLETE = "DOCUMENTS_INCOMPLETE", _("Dokumen belum lengkap")
    UPLOAD_FAILED = "UPLOAD_FAILED", _("Unggah gagal")
    DROPBOX_EXPECTED = "DROPBOX_EXPECTED", _("Menunggu dokumen di dropbox")
    IN_REVIEW = "IN_REVIEW", _("Sedang diverifikasi")
    NEEDS_CONFIRMATION = "NEEDS_CONFIRMATION", _("Perlu konfirmasi")
    VERIFIED = "VERIFIED", _("Terverifikasi")
    APPROVED = "APPROVED", _("Disetujui")
    PAID = "PAID", _("Dibayar")
    REJECTED = "REJECTED", _("Ditolak")
    CANCELLED = "CANCELLED", _("Dibatalkan")
    EXPIRED = "EXPIRED", _("Kedaluwarsa")


S = State
TERMINAL = frozenset({S.PAID, S.REJECTED, S.CANCELLED, S.EXPIRED})
# States in which the participant may still send documents.
ACCEPTS_DOCUMENTS = frozenset({
    S.BOOKED, S.AWAITING_DOCUMENTS, S.DOCUMENTS_RECEIVED, S.DOCUMENTS_INCOMPLETE, S.UPLOAD_FAILED,
    S.DROPBOX_EXPECTED, S.NEEDS_CONFIRMATION,
})

TRANSITIONS: dict[str, frozenset[str]] = {
    S.BOOKED: frozenset({S.AWAITING_DOCUMENTS, S.DOCUMENTS_RECEIVED, S.CANCELLED, S.EXPIRED, S.UPLOAD_FAILED}),
    S.AWAITING_DOCUMENTS: frozenset({S.DOCUMENTS_RECEIVED, S.UPLOAD_FAILED, S.CANCELLED, S.EXPIRED}),
    S.DOCUMENTS_RECEIVED: frozenset({S.IN_REVIEW, S.DOCUMENTS_INCOMPLETE, S.UPLOAD_FAILED, S.CANCELLED,
                                     S.EXPIRED}),
    S.DOCUMENTS_INCOMPLETE: frozenset({S.DOCUMENTS_RECEIVED, S.UPLOAD_FAILED, S.CANCELLED, S.EXPIRED}),
    S.UPLOAD_FAILED: frozenset({S.DROPBOX_EXPECTED, S.DOCUMENTS_RECEIVED, S.AWAITING_DOCUMENTS, S.CANCELLED,
                                S.EXPIRED}),
    S.DROPBOX_EXPECTED: frozenset({S.DOCUMENTS_RECEIVED, S.CANCELLED, S.EXPIRED}),
    S.IN_REVIEW: frozenset({S.NEEDS_CONFIRMATION, S.VERIFIED, S.DOCUMENTS_INCOMPLETE, S.REJECTED, S.CANCELLED}),
    S.NEEDS_CONFIRMATION: frozenset({S.IN_REVIEW, S.REJECTED, S.CANCELLED}),
    S.VERIFIED: frozenset({S.APPROVED, S.REJECTED}),
    S.APPROVED: frozenset({S.PAID}),
    S.PAID: frozenset(),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
    S.EXPIRED: frozenset(),
}

# The notification event each state change implies (None: no message to the participant).
EVENT_FOR_STATE: dict[str, str | None] = {
    S.BOOKED: "booking_confirmed",
    S.AWAITING_DOCUMENTS: None,
    S.DOCUMENTS_RECEIVED: None,  # intake sends its own acknowledgement with the details
    S.DOCUMENTS_INCOMPLETE: "documents_incomplete",
    S.UPLOAD_FAILED: "upload_failed",
    S.DROPBOX_EXPECTED: "dropbox_expected",
    S.IN_REVIEW: "claim_in_review",
    S.NEEDS_CONFIRMATION: "confirmation_needed",
    S.VERIFIED: "claim_verified",
    S.APPROVED: "claim_approved",
    S.PAID: "claim_paid",
    S.REJECTED: "claim_rejected",
    S.CANCELLED: "booking_cancelled",
    S.EXPIRED: "booking_expired",
}


def can_transition(current: str, to: str) -> bool:
    return to in TRANSITIONS.get(current, frozenset())


def allowed_next(current: str) -> frozenset[str]:
    return TRANSITIONS.get(current, frozenset())
