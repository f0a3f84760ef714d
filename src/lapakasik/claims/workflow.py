"""The claim life cycle in one place (pure, no database): the states, the transition table, the named
state sets every app asks instead of listing states itself, the state that follows an intake outcome,
and the one table mapping a state to the notification event its arrival sends.

BOOKED → AWAITING_DOCUMENTS → DOCUMENTS_RECEIVED → IN_REVIEW → (NEEDS_CONFIRMATION ⇄ IN_REVIEW)
→ VERIFIED → APPROVED → PAID, with DOCUMENTS_INCOMPLETE (back to the participant),
UPLOAD_FAILED → DROPBOX_EXPECTED (both left as soon as a document arrives, online or from the dropbox),
REJECTED, CANCELLED, EXPIRED.
"""

from __future__ import annotations

from typing import NamedTuple

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

TRANSITIONS: dict[str, frozenset[str]] = {
    S.BOOKED: frozenset({S.AWAITING_DOCUMENTS, S.DOCUMENTS_RECEIVED, S.CANCELLED, S.EXPIRED, S.UPLOAD_FAILED}),
    S.AWAITING_DOCUMENTS: frozenset({S.DOCUMENTS_RECEIVED, S.UPLOAD_FAILED, S.CANCELLED, S.EXPIRED}),
    S.DOCUMENTS_RECEIVED: frozenset({S.IN_REVIEW, S.DOCUMENTS_INCOMPLETE, S.UPLOAD_FAILED, S.CANCELLED,
                                     S.EXPIRED}),
    S.DOCUMENTS_INCOMPLETE: frozenset({S.DOCUMENTS_RECEIVED, S.UPLOAD_FAILED, S.CANCELLED, S.EXPIRED}),
    S.UPLOAD_FAILED: frozenset({S.DROPBOX_EXPECTED, S.DOCUMENTS_RECEIVED, S.AWAITING_DOCUMENTS, S.CANCELLED,
                                S.EXPIRED}),
    S.DROPBOX_EXPECTED: frozenset({S.DOCUMENTS_RECEIVED, S.AWAITING_DOCUMENTS, S.CANCELLED, S.EXPIRED}),
    S.IN_REVIEW: frozenset({S.NEEDS_CONFIRMATION, S.VERIFIED, S.DOCUMENTS_INCOMPLETE, S.REJECTED, S.CANCELLED}),
    S.NEEDS_CONFIRMATION: frozenset({S.IN_REVIEW, S.REJECTED, S.CANCELLED}),
    S.VERIFIED: frozenset({S.APPROVED, S.REJECTED}),
    S.APPROVED: frozenset({S.PAID}),
    S.PAID: frozenset(),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
    S.EXPIRED: frozenset(),
}

# --- named state sets (ask these; never list states elsewhere) ------------------------------------

#: The claim is over: no transition leaves these states.
TERMINAL = frozenset({S.PAID, S.REJECTED, S.CANCELLED, S.EXPIRED})
#: The participant may still send documents (web, e-mail, dropbox).
ACCEPTS_DOCUMENTS = frozenset({
    S.BOOKED, S.AWAITING_DOCUMENTS, S.DOCUMENTS_RECEIVED, S.DOCUMENTS_INCOMPLETE, S.UPLOAD_FAILED,
    S.DROPBOX_EXPECTED, S.NEEDS_CONFIRMATION,
})
#: The next move is the participant's: documents are due (deadline check, reminders).
AWAITING_PARTICIPANT = frozenset({S.BOOKED, S.AWAITING_DOCUMENTS, S.DOCUMENTS_INCOMPLETE})
#: Uploading did not work; the participant was given the dropbox or the other ways.
UPLOAD_TROUBLE = frozenset({S.UPLOAD_FAILED, S.DROPBOX_EXPECTED})
#: Nothing arrived by the end of the session: a no-show expires the claim (and its booking).
EXPIRES_ON_NO_SHOW = frozenset({S.BOOKED, S.AWAITING_DOCUMENTS})
#: The officer's work queue: the next move is an officer's.
OFFICER_WORK = frozenset({S.DOCUMENTS_RECEIVED, S.IN_REVIEW, S.VERIFIED, S.APPROVED})
#: The claim is alive for the participant (anything but a terminal state).
PARTICIPANT_ACTIVE = frozenset(set(S) - TERMINAL)

NAMED_SETS: dict[str, frozenset[State]] = {
    "TERMINAL": TERMINAL, "ACCEPTS_DOCUMENTS": ACCEPTS_DOCUMENTS, "AWAITING_PARTICIPANT": AWAITING_PARTICIPANT,
    "UPLOAD_TROUBLE": UPLOAD_TROUBLE, "EXPIRES_ON_NO_SHOW": EXPIRES_ON_NO_SHOW, "OFFICER_WORK": OFFICER_WORK,
    "PARTICIPANT_ACTIVE": PARTICIPANT_ACTIVE,
}

# --- the one state → notification event table ------------------------------------------------------

#: The notification event the arrival in each state sends to the participant. Templates are keyed by
#: these names (``notifications.defaults.TEXTS``). ``None``: the change sends no message of its own —
#: intake's acknowledgement already tells the participant what arrived and what is missing.
EVENT_FOR_STATE: dict[str, str | None] = {
    S.BOOKED: "booking_confirmed",
    S.AWAITING_DOCUMENTS: None,
    S.DOCUMENTS_RECEIVED: None,
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


# --- what follows an intake outcome -----------------------------------------------------------------


class Step(NamedTuple):
    """A move the workflow asks for: the state to go to and the reason history records."""

    to: State
    reason: str


def state_after_intake(current: str, *, checklist_complete: bool) -> Step | None:
    """The move after a document was stored (not held): the checklist complete → DOCUMENTS_RECEIVED;
    else the first document → AWAITING_DOCUMENTS, or a document arrives after the upload trouble
    (UPLOAD_FAILED, or DROPBOX_EXPECTED: by upload, e-mail or the digitised envelope) → AWAITING_DOCUMENTS, so
    the dropbox's reminders and deadline stop and the claim's own deadline applies. None: the state stays."""
    if checklist_complete and current != S.DOCUMENTS_RECEIVED and can_transition(current, S.DOCUMENTS_RECEIVED):
        return Step(S.DOCUMENTS_RECEIVED, "checklist_complete")
    if current == S.BOOKED:
        return Step(S.AWAITING_DOCUMENTS, "first_document")
    if current in UPLOAD_TROUBLE:
        return Step(S.AWAITING_DOCUMENTS, "upload_recovered")
    return None


def state_after_refusal(current: str, *, upload_has_failed: bool) -> Step | None:
    """The move after a refused file: too many refusals in a row (``intake.policy.upload_has_failed``)
    → UPLOAD_FAILED, where that is allowed. None: the state stays."""
    if upload_has_failed and can_transition(current, S.UPLOAD_FAILED):
        return Step(S.UPLOAD_FAILED, "repeated_refusals")
    return None
