"""Every write of the officer's casework: taking and handing out claims, reviewing documents with a
reason, asking the participant for documents, confirmations (phone, e-mail, video) and their outcomes,
the participant's self-service call window, verifying and rejecting. Each one is a transaction with the
claim row locked, its history event and its notification (``claims.services``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from lapakasik.accounts.models import OfficerProfile, Role
from lapakasik.branches.models import Closure
from lapakasik.branches.policy import working_days_ahead
from lapakasik.claims import workflow
from lapakasik.claims.models import Claim, ClaimEvent
from lapakasik.claims.services import (
    Actor,
    applicant_recipient,
    claim_event_record,
    claim_lock,
    claim_transition,
)
from lapakasik.core import clock
from lapakasik.core.codes import new_token, token_digest
from lapakasik.core.dates import long_moment, time_range
from lapakasik.core.errors import Conflict, InvalidInput, NotFound
from lapakasik.intake.catalogue import claim_checklist, requirement_get
from lapakasik.intake.models import Document, DocumentStatus
from lapakasik.intake.selectors import intake_links_get
from lapakasik.intake.services import document_review
from lapakasik.notifications.services import notification_enqueue

from . import policy
from .models import CallWindowOffer, Confirmation, OfficerApiToken, Review
from .selectors import officer_busy, refusal_reason_get

log = logging.getLogger(__name__)
S = workflow.State


# ---------------------------------------------------------------------------------------------
# Taking work


def _officer_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()).strip()


def _assign(locked: Claim, user: Any, actor: Actor, *, reason: str) -> None:
    previous = locked.assignee_id
    locked.assignee = user
    locked.assigned_at = clock.now() if user is not None else None
    locked.save(update_fields=["assignee", "assigned_at", "updated_at"])
    claim_event_record(claim=locked, kind=ClaimEvent.Kind.CLAIM_ASSIGNED, actor=actor, reason=reason,
                       data={"from": previous, "to": getattr(user, "pk", None)})


def _start_review(locked: Claim, actor: Actor) -> None:
    if locked.state == S.DOCUMENTS_RECEIVED:
        claim_transition(claim=locked, to=S.IN_REVIEW, actor=actor, reason="officer_took")


def claim_take_next(*, user: Any, branch_id: int) -> Claim | None:
    """"Ambil berikutnya": the oldest due claim of the branch with complete documents that nobody holds,
    now the user's and IN_REVIEW. Two officers never get the same claim: PostgreSQL skips rows another
    transaction has locked (``FOR UPDATE SKIP LOCKED``); SQLite serialises writers, and the conditional
    UPDATE below is the backstop on both. None when there is nothing to take."""
    actor = Actor.officer(user)
    for _attempt in range(5):
        with transaction.atomic():
            qs = (Claim.objects.filter(branch_id=branch_id, queue_at__isnull=False, state__in=sorted(policy.TAKEABLE),
                                       assignee__isnull=True).order_by("queue_at", "id"))
            if connection.features.has_select_for_update_skip_locked:
                qs = qs.select_for_update(skip_locked=True)
            candidate = qs.first()
            if candidate is None:
                return None
            if not Claim.objects.filter(pk=candidate.pk, assignee__isnull=True).update(
                    assignee=user, assigned_at=clock.now()):
                continue  # somebody else got it first: try the next one
            locked = claim_lock(candidate)
            claim_event_record(claim=locked, kind=ClaimEvent.Kind.CLAIM_ASSIGNED, actor=actor, reason="take_next",
                               data={"from": None, "to": user.pk})
            _start_review(locked, actor)
            return locked
    return None


def claim_take(*, user: Any, claim: Claim) -> Claim:
    """Take one claim (from the queue or the claim page): it must be nobody's, or already the user's."""
    actor = Actor.officer(user)
    with transaction.atomic():
        locked = claim_lock(claim)
        if locked.state in workflow.TERMINAL:
            raise Conflict(_("Klaim ini sudah selesai."), code="claim_closed")
        if locked.assignee_id not in (None, user.pk):
            raise Conflict(_("Klaim ini sedang dipegang petugas lain."), code="claim_held")
        if locked.assignee_id is None:
            _assign(locked, user, actor, reason="take")
        _start_review(locked, actor)
        return locked


def claim_release(*, user: Any, claim: Claim, is_supervisor: bool = False) -> Claim:
    """Give a claim back to the queue (its holder, or a supervisor)."""
    with transaction.atomic():
        locked = claim_lock(claim)
        if locked.assignee_id is None:
            return locked
        if locked.assignee_id != user.pk and not is_supervisor:
            raise Conflict(_("Hanya petugas yang memegang klaim atau kepala cabang yang dapat melepasnya."),
                           code="not_holder")
        _assign(locked, None, Actor.officer(user), reason="release")
        return locked


def claim_reassign(*, user: Any, claim: Claim, to_user_id: int) -> Claim:
    """A supervisor gives the claim to another officer of the claim's branch."""
    profile = OfficerProfile.objects.select_related("user").filter(
        user_id=to_user_id, branch_id=claim.branch_id, role__in=[Role.OFFICER, Role.SUPERVISOR],
        user__is_active=True).first()
    if profile is None:
        raise InvalidInput(_("Pilih petugas cabang ini."), code="invalid",
                           fields={"officer": [_("Petugas tidak dikenal di cabang ini.")]})
    with transaction.atomic():
        locked = claim_lock(claim)
        if locked.state in workflow.TERMINAL:
            raise Conflict(_("Klaim ini sudah selesai."), code="claim_closed")
        if locked.assignee_id != profile.user_id:
            _assign(locked, profile.user, Actor.officer(user), reason="reassign")
        return locked


def _require_holder(locked: Claim, user: Any) -> None:
    if locked.assignee_id != user.pk:
        raise Conflict(_("Ambil klaim ini dulu sebelum memeriksanya."), code="not_holder")


def registry_open_record(*, user: Any, claim: Claim, found: bool) -> None:
    """An officer opened the claim's registry record: one event in the claim's history, under its lock."""
    with transaction.atomic():
        claim_event_record(claim=claim_lock(claim), kind=ClaimEvent.Kind.REGISTRY_OPENED, actor=Actor.officer(user),
                           data={"found": found})


# ---------------------------------------------------------------------------------------------
# Reviewing documents


def _reason(code: str, note: str) -> Any:
    if not code:
        raise Conflict(_("Pilih alasan penolakan."), code="reason_required",
                           fields={"reason": [_("Alasan wajib dipilih.")]})
    reason = refusal_reason_get(code)
    if reason is None:
        raise Conflict(_("Alasan penolakan tidak dikenal."), code="unknown_reason",
                           fields={"reason": [_("Alasan tidak dikenal.")]})
    if reason.note_required and not note.strip():
        raise Conflict(_("Alasan ini memerlukan catatan untuk peserta."), code="note_required",
                           fields={"note": [_("Tulis catatan untuk peserta.")]})
    return reason


def document_decide(*, user: Any, document: Document, accept: bool, reason_code: str = "", note: str = "",
                    requirement_code: str | None = None) -> Review:
    """Accept or refuse one stored file (and match it to a requirement). Refusals the data decides (a reason
    missing, unknown, or without its required note) are 409, like every refusal a well-formed request can
    meet (the API document's rule: 422 only for what the document itself forbids). A refusal needs a reason from the
    managed list (``other`` also a note); the participant hears of it when the officer asks for documents
    ("Minta dokumen"). An officer's refusal never counts towards the automatic "upload failed"."""
    note = note.strip()[:500]
    reason = None if accept else _reason(reason_code, note)
    with transaction.atomic():
        locked = claim_lock(document.claim)
        _require_holder(locked, user)
        if locked.state not in policy.DECIDING:
            raise Conflict(_("Dokumen diperiksa saat klaim sedang diverifikasi."), code="invalid_state")
        doc = Document.objects.select_for_update().get(pk=document.pk, claim=locked)
        if doc.status in (DocumentStatus.REFUSED, DocumentStatus.HELD) or not doc.file:
            raise Conflict(_("Berkas ini tidak dapat diperiksa."), code="invalid_document")
        document_review(document=doc, actor=Actor.officer(user), accept=accept,
                        reason_code=reason.code if reason else "", requirement_code=requirement_code or None)
        return Review.objects.create(claim=locked, document=doc, requirement_code=(
            doc.requirement.code if doc.requirement else ""), accepted=accept, reason=reason, note=note, officer=user)


def requirement_refuse(*, user: Any, claim: Claim, requirement_code: str, reason_code: str, note: str = "") -> Review:
    """Refuse a whole requirement (every stored file of it, or ask for one that never came), with a reason."""
    note = note.strip()[:500]
    reason = _reason(reason_code, note)
    with transaction.atomic():
        locked = claim_lock(claim)
        _require_holder(locked, user)
        if locked.state not in policy.DECIDING:
            raise Conflict(_("Dokumen diperiksa saat klaim sedang diverifikasi."), code="invalid_state")
        requirement = requirement_get(locked, requirement_code)
        if requirement is None:
            raise Conflict(code="unknown_requirement", fields={"requirement": [_("Persyaratan tidak dikenal.")]})
        for doc in Document.objects.select_for_update().filter(
                claim=locked, requirement=requirement, status__in=[DocumentStatus.RECEIVED, DocumentStatus.ACCEPTED]):
            document_review(document=doc, actor=Actor.officer(user), accept=False, reason_code=reason.code)
        return Review.objects.create(claim=locked, document=None, requirement_code=requirement.code, accepted=False,
                                     reason=reason, note=note, officer=user)


def _request_context(claim: Claim, language: str) -> dict[str, Any]:
    """``documents_incomplete``'s variables, in the participant's language: exactly the items refused since
    the last request (each with its reason and the officer's note), what is still missing, what was
    accepted, the new deadline and how to send (link and address)."""
    pending = list(Review.objects.filter(claim=claim, accepted=False, requested_at__isnull=True)
                   .select_related("reason", "document", "document__requirement").order_by("id"))
    with translation.override(language):
        checklist = claim_checklist(claim, language=language)
        labels = {i.code: i.label for i in checklist.items}
        refused = []
        for r in pending:
            what = (r.document.original_name if r.document else "") or labels.get(r.requirement_code, r.requirement_code)
            text = r.reason.participant_text(language) if r.reason else ""
            if r.note:
                text = f"{text} {r.note}".strip()
            refused.append({"filename": what, "requirement": labels.get(r.requirement_code, ""), "reason": text})
        received = [{"filename": d.original_name, "requirement": labels.get(d.requirement.code, "") if d.requirement
                     else ""} for d in Document.objects.filter(claim=claim, status=DocumentStatus.ACCEPTED)
                    .select_related("requirement")]
        missing = [{"code": i.code, "label": i.label} for i in checklist.missing]
    tz = getattr(claim.branch, "time_zone", "") or "Asia/Jakarta"
    due = timezone.localtime(claim.documents_due_at, ZoneInfo(tz)) if claim.documents_due_at else None
    links = intake_links_get(claim)
    return {"refused": refused, "missing": missing, "received": received, "complete": False,
            "documents_due_at": due.isoformat() if due else "",
            "documents_due_local": long_moment(due, getattr(claim.branch, "tz_abbreviation", ""), language) if due else "",
            "upload_url": links.upload_url if links else "", "intake_email": links.email_address if links else "",
            "_pending": [r.pk for r in pending]}


def documents_request(*, user: Any, claim: Claim, note: str = "", working_days: int | None = None) -> Claim:
    """"Minta dokumen": IN_REVIEW → DOCUMENTS_INCOMPLETE with a new deadline (end of the N-th working day,
    branch time); the participant gets exactly the refused items with their reasons and how to send them
    again. The claim stays the officer's: when the checklist is complete again it comes back to them."""
    days = working_days or int(getattr(settings, "CASEWORK_DOCUMENTS_REQUEST_DAYS", 3))
    note = note.strip()[:500]
    with transaction.atomic():
        locked = claim_lock(claim)
        _require_holder(locked, user)
        if locked.state != S.IN_REVIEW:
            raise Conflict(_("Dokumen dapat diminta saat klaim sedang diverifikasi."), code="invalid_transition")
        pending = Review.objects.filter(claim=locked, accepted=False, requested_at__isnull=True).exists()
        if not pending and claim_checklist(locked).complete:
            raise Conflict(_("Tolak dulu dokumen yang perlu dikirim ulang, dengan alasannya."), code="nothing_to_request")
        zone = ZoneInfo(locked.branch.time_zone or "Asia/Jakarta")
        today = clock.now().astimezone(zone).date()
        closed = Closure.objects.filter(branch=locked.branch, date__gte=today).values_list("date", flat=True)
        last_day = working_days_ahead(today + timedelta(days=1), days, closed)[-1]
        locked.documents_due_at = datetime.combine(last_day, datetime.max.time().replace(microsecond=0), zone)
        locked.save(update_fields=["documents_due_at", "updated_at"])
        to = applicant_recipient(locked)
        context = _request_context(locked, to.language or "id")
        pending_ids = context.pop("_pending")
        claim_transition(claim=locked, to=S.DOCUMENTS_INCOMPLETE, actor=Actor.officer(user), reason="officer_requested",
                         data={"reviews": pending_ids, "note": note},
                         notify_context={**context, "reason": note})
        Review.objects.filter(pk__in=pending_ids).update(requested_at=clock.now())
        return locked


# ---------------------------------------------------------------------------------------------
# Deciding


def claim_verify(*, user: Any, claim: Claim) -> Claim:
    """IN_REVIEW → VERIFIED: the checklist complete, no refused item outstanding, and (unless the setting
    says otherwise) one confirmation reached."""
    with transaction.atomic():
        locked = claim_lock(claim)
        _require_holder(locked, user)
        if locked.state != S.IN_REVIEW:
            raise Conflict(_("Klaim dapat diverifikasi saat sedang diverifikasi dan konfirmasi selesai."),
                           code="invalid_transition")
        if not claim_checklist(locked).complete:
            raise Conflict(_("Dokumen belum lengkap: minta dokumen yang kurang dulu."), code="documents_incomplete")
        if Document.objects.filter(claim=locked, status=DocumentStatus.RECEIVED).exists():
            raise Conflict(_("Periksa dulu setiap berkas (setujui atau tolak)."), code="documents_unreviewed")
        if getattr(settings, "CASEWORK_CONFIRMATION_REQUIRED", True) and not Confirmation.objects.filter(
                claim=locked, outcome=Confirmation.Outcome.REACHED).exists():
            raise Conflict(_("Konfirmasi peserta (telepon, e-mail atau video) belum tercatat berhasil."),
                           code="confirmation_missing")
        claim_transition(claim=locked, to=S.VERIFIED, actor=Actor.officer(user), reason="officer_verified")
        return locked


def claim_reject(*, user: Any, claim: Claim, reason_code: str, note: str = "", next_step: str = "") -> Claim:
    """IN_REVIEW / NEEDS_CONFIRMATION → REJECTED, with a reason the participant reads and the next step."""
    note = note.strip()[:500]
    reason = _reason(reason_code, note)
    with transaction.atomic():
        locked = claim_lock(claim)
        _require_holder(locked, user)
        if locked.state not in policy.DECIDING:
            raise Conflict(code="invalid_transition")
        language = applicant_recipient(locked).language or "id"
        text = f"{reason.participant_text(language)} {note}".strip()
        Confirmation.objects.filter(claim=locked, outcome="", cancelled_at__isnull=True).update(cancelled_at=clock.now())
        claim_transition(claim=locked, to=S.REJECTED, actor=Actor.officer(user), reason=reason.code,
                         data={"note": note}, notify_context={"reason": text, "next_step": next_step.strip()[:300]})
        return locked


# ---------------------------------------------------------------------------------------------
# Confirmation


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def _video_room() -> str:
    return f"LapakAsik-{new_token(16)}"


def video_url(room: str) -> str:
    """The participant's and the officer's link: our own page, which sends to the room only while the
    confirmation is open (a guessed or stale link is a 404)."""
    return f"{settings.PUBLIC_BASE_URL}/video/{room}/"


def _window_text(claim: Claim, window: Window, language: str) -> str:
    zone = claim.branch.time_zone or "Asia/Jakarta"
    start = window.start.astimezone(ZoneInfo(zone))
    end = window.end.astimezone(ZoneInfo(zone))
    abbr = getattr(claim.branch, "tz_abbreviation", "")
    return f"{long_moment(start, '', language)}–{time_range(start, end, abbr).split('–', 1)[1]}"


_CHANNEL_WORDS = {"id": {"phone": "telepon", "email": "e-mail", "video": "panggilan video"},
                  "en": {"phone": "phone", "email": "e-mail", "video": "video call"}}


def _confirmation_context(claim: Claim, c: Confirmation, *, reschedule_url: str = "") -> dict[str, Any]:
    language = applicant_recipient(claim).language or "id"
    words = _CHANNEL_WORDS.get(language, _CHANNEL_WORDS["id"])
    channel = words[c.channel]
    if c.channel == Confirmation.Channel.VIDEO:
        channel = f"{channel} ({video_url(c.room)})"
    return {"reason": "", "call_window_local": _window_text(claim, Window(c.window_start, c.window_end), language),
            "officer_name": _officer_name(c.officer), "call_channel": channel, "reschedule_url": reschedule_url}


def default_window(claim: Claim) -> Window | None:
    """The booked session, by default (None when the claim has none, or it has passed)."""
    booking = getattr(claim, "booking", None)
    if booking is None or claim.session_at is None:
        return None
    if booking.slot.ends_at <= clock.now():
        return None
    return Window(booking.slot.starts_at, booking.slot.ends_at)


def confirmation_schedule(*, user: Any, claims: list[Claim], channel: str, window: Window) -> list[Confirmation]:
    """Schedule a confirmation for one claim, or one call for several claims of the same branch ("one to
    many": one video room, each claim its own record). Each claim moves IN_REVIEW → NEEDS_CONFIRMATION (or
    stays there, when an earlier call was not reached) and its participant is told the window, the channel,
    the officer's name and, for video, the link."""
    if channel not in Confirmation.Channel.values:
        raise InvalidInput(code="invalid", fields={"channel": [_("Pilih telepon, e-mail atau video.")]})
    if window.end <= window.start or window.end <= clock.now():
        raise Conflict(_("Waktu panggilan harus di masa depan."), code="window_invalid",
                           fields={"window": [_("Waktu tidak valid.")]})
    if not claims or len({c.branch_id for c in claims}) != 1 or len(claims) > 12:
        raise Conflict(code="claims_invalid", fields={"claims": [_("Pilih 1–12 klaim dari satu cabang.")]})
    room = _video_room() if channel == Confirmation.Channel.VIDEO else ""
    out = []
    with transaction.atomic():
        for claim in claims:
            locked = claim_lock(claim)
            _require_holder(locked, user)
            if locked.state not in policy.DECIDING:
                raise Conflict(_("Konfirmasi dijadwalkan saat klaim sedang diverifikasi."), code="invalid_state")
            try:
                with transaction.atomic():
                    c = Confirmation.objects.create(claim=locked, channel=channel, window_start=window.start,
                                                    window_end=window.end, officer=user, room=room)
            except IntegrityError:
                raise Conflict(_("Klaim ini sudah punya jadwal konfirmasi yang belum dicatat."),
                               code="confirmation_open") from None
            context = _confirmation_context(locked, c)
            data = {"confirmation": c.pk, "channel": channel, "window_start": window.start.isoformat(),
                    "shared_with": len(claims)}
            if locked.state == S.IN_REVIEW:
                claim_transition(claim=locked, to=S.NEEDS_CONFIRMATION, actor=Actor.officer(user),
                                 reason="confirmation_scheduled", data=data, notify_context=context)
            else:
                claim_event_record(claim=locked, kind=ClaimEvent.Kind.CONFIRMATION_SCHEDULED,
                                   actor=Actor.officer(user), data=data)
                notification_enqueue(claim=locked, to=applicant_recipient(locked), event="confirmation_needed",
                                     context=context)
            out.append(c)
    return out


def _offer_create(locked: Claim, c: Confirmation) -> str:
    token = new_token(24)
    CallWindowOffer.objects.create(claim=locked, officer=c.officer, channel=c.channel, token_digest=token_digest(token),
                                   expires_at=clock.now() + timedelta(days=7))
    return f"/panggilan/pilih/{token}/"


def confirmation_record(*, user: Any, confirmation_id: int, outcome: str, notes: str = "") -> Confirmation:
    """The outcome of a confirmation, once. Reached → the claim back to IN_REVIEW (ready to verify); not
    reached twice, or the participant asked to move it → they get a link to choose a new window."""
    if outcome not in Confirmation.Outcome.values:
        raise InvalidInput(code="invalid", fields={"outcome": [_("Hasil tidak dikenal.")]})
    with transaction.atomic():
        c = Confirmation.objects.select_related("claim").get(pk=confirmation_id)
        locked = claim_lock(c.claim)
        c = Confirmation.objects.select_for_update().select_related("officer").get(pk=confirmation_id)
        _require_holder(locked, user)
        if c.outcome or c.cancelled_at is not None:
            raise Conflict(_("Hasil konfirmasi ini sudah dicatat."), code="already_recorded")
        c.outcome, c.notes, c.recorded_at = outcome, notes.strip()[:1000], clock.now()
        c.save(update_fields=["outcome", "notes", "recorded_at"])
        actor = Actor.officer(user)
        claim_event_record(claim=locked, kind=ClaimEvent.Kind.CONFIRMATION_RECORDED, actor=actor, reason=outcome,
                           data={"confirmation": c.pk, "channel": c.channel, "note": c.notes[:200]})
        if outcome == Confirmation.Outcome.REACHED and locked.state == S.NEEDS_CONFIRMATION:
            claim_transition(claim=locked, to=S.IN_REVIEW, actor=actor, reason="confirmation_reached", notify=False)
        outcomes = list(Confirmation.objects.filter(claim=locked).exclude(outcome="").order_by("recorded_at", "id")
                        .values_list("outcome", flat=True))
        if outcome != Confirmation.Outcome.REACHED and policy.needs_self_service(outcomes):
            url = _offer_create(locked, c)
            notification_enqueue(claim=locked, to=applicant_recipient(locked), event="confirmation_missed",
                                 context=_confirmation_context(locked, c, reschedule_url=url))
        return c


def call_windows_free(offer: CallWindowOffer, *, days: int = 5) -> list[Window]:
    """The officer's free windows in the next working days of the claim's branch."""
    claim = offer.claim
    zone = claim.branch.time_zone or "Asia/Jakarta"
    now = clock.now()
    today = now.astimezone(ZoneInfo(zone)).date()
    closed = Closure.objects.filter(branch=claim.branch, date__gte=today).values_list("date", flat=True)
    day_list = working_days_ahead(today + timedelta(days=1), days, closed)
    start = datetime.combine(day_list[0], datetime.min.time(), ZoneInfo(zone))
    end = datetime.combine(day_list[-1] + timedelta(days=1), datetime.min.time(), ZoneInfo(zone))
    busy = officer_busy(officer_id=offer.officer_id, start=start, end=end)
    return [Window(s, e) for s, e in policy.call_windows(days=day_list, tz=zone, busy=busy, now=now)]


def call_window_choose(*, token: str, start: datetime) -> Confirmation:
    """The participant picks a window from their link: it must be one of the officer's free windows now
    (taken meanwhile or past → 409, nothing changes); the link is then used up."""
    with transaction.atomic():
        offer = CallWindowOffer.objects.select_related("claim", "claim__branch", "officer").filter(
            token_digest=token_digest(token)).first()
        if offer is None:
            raise NotFound(code="not_found")
        locked = claim_lock(offer.claim)
        offer = CallWindowOffer.objects.select_for_update().select_related("officer", "claim__branch").get(pk=offer.pk)
        if offer.used_at is not None or offer.expires_at <= clock.now() or locked.state != S.NEEDS_CONFIRMATION:
            raise Conflict(_("Tautan ini sudah dipakai atau tidak berlaku lagi."), code="offer_used")
        free = {w.start: w for w in call_windows_free(offer)}
        window = free.get(start)
        if window is None:
            raise Conflict(_("Waktu itu sudah tidak tersedia. Pilih waktu lain."), code="window_taken")
        Confirmation.objects.filter(claim=locked, outcome="", cancelled_at__isnull=True).update(cancelled_at=clock.now())
        c = Confirmation.objects.create(
            claim=locked, channel=offer.channel, window_start=window.start, window_end=window.end, officer=offer.officer,
            room=_video_room() if offer.channel == Confirmation.Channel.VIDEO else "", chosen_by_participant=True)
        offer.used_at, offer.confirmation = clock.now(), c
        offer.save(update_fields=["used_at", "confirmation"])
        claim_event_record(claim=locked, kind=ClaimEvent.Kind.CONFIRMATION_SCHEDULED, actor=Actor.participant(),
                           data={"confirmation": c.pk, "channel": c.channel, "window_start": c.window_start.isoformat(),
                                 "chosen_by_participant": True})
        notification_enqueue(claim=locked, to=applicant_recipient(locked), event="confirmation_needed",
                             context=_confirmation_context(locked, c))
        return c


def confirmation_reminders_send(*, now: datetime | None = None, minutes_before: int | None = None) -> int:
    """A reminder to the participant before each call (once per confirmation)."""
    now = now or clock.now()
    ahead = timedelta(minutes=minutes_before or int(getattr(settings, "CASEWORK_CALL_REMINDER_MINUTES", 60)))
    sent = 0
    due = list(Confirmation.objects.filter(outcome="", cancelled_at__isnull=True, reminder_sent_at__isnull=True,
                                           window_start__gt=now, window_start__lte=now + ahead).values_list("pk", flat=True))
    for pk in due:
        with transaction.atomic():
            c = Confirmation.objects.select_related("claim").get(pk=pk)
            locked = claim_lock(c.claim)
            c = Confirmation.objects.select_for_update().select_related("officer").get(pk=pk)
            if c.reminder_sent_at is not None or c.outcome or c.cancelled_at is not None:
                continue
            c.reminder_sent_at = now
            c.save(update_fields=["reminder_sent_at"])
            notification_enqueue(claim=locked, to=applicant_recipient(locked), event="call_reminder",
                                 context=_confirmation_context(locked, c))
            sent += 1
    return sent


# ---------------------------------------------------------------------------------------------
# Personal API tokens


def api_token_create(*, user: Any, name: str) -> str:
    """A new personal token for the officer API, shown once (only its keyed digest is kept)."""
    name = name.strip()[:80]
    if not name:
        raise InvalidInput(code="invalid", fields={"name": [_("Beri nama token.")]})
    token = "la_" + new_token(32)
    OfficerApiToken.objects.create(user=user, name=name, digest=token_digest(token))
    return token


def api_token_revoke(*, user: Any, token_id: int) -> None:
    OfficerApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=clock.now())
