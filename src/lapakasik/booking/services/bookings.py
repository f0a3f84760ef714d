"""Every write of the online queue. Capacity is enforced inside the database, in one transaction:

1. the Claim with its applicant party and first history event (``claims.services.claim_open``), the
   Booking, the intake address/link and the stored "booking confirmed" notification (its delivery task
   is queued once the transaction commits) — ``opening.open_booking``;
2. last, ``UPDATE slot SET booked = booked + 1 WHERE id = … AND booked < capacity - held AND NOT
   closed`` — 0 rows means full and the whole transaction rolls back (no SELECT … FOR UPDATE, no
   Python-side check-then-write). Taking the seat last means the slot's row lock — which every other
   attempt on the same session waits for — is held only from this UPDATE to the COMMIT, not while the
   other rows are written: in the opening-time rush a third of all attempts go to one branch's seven
   sessions;
3. the ``CHECK (booked <= capacity - held)`` constraint as the backstop.

Cancel releases the seat in the same transaction (to the first person on the waitlist when there is
one: the seat is *held* for them for ``WAITLIST_HOLD_MINUTES``). Reschedule takes the new seat
before releasing the old one, atomically.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from lapakasik.booking import cache, policy, ratelimit, selectors
from lapakasik.booking.models import Booking, SlotQuota
from lapakasik.booking.selectors import BranchInfo, SessionAvailability
from lapakasik.booking.waitroom import services as waitroom
from lapakasik.claims.models import Claim, ClaimEvent
from lapakasik.claims.services import (
    Actor,
    applicant_recipient,
    claim_event_record,
    claim_lock_by_id,
    claim_transition,
)
from lapakasik.claims.workflow import EXPIRES_ON_NO_SHOW, State
from lapakasik.core import clock
from lapakasik.core.errors import Conflict, InvalidInput
from lapakasik.core.masking import mask_nik
from lapakasik.notifications.services import notification_enqueue

from .opening import BookingResult, open_booking
from .slots import ctx_for, ensure_slot, retrying, slot_context, slot_full, take_seat
from .validation import SlotFull, checked_request, duplicate, has_open_claim, resolve_slot, setting
from .waitlist import release_seat

log = logging.getLogger(__name__)


def booking_create(
    *, branch_code: str, date: date | str, session_start: str, claim_type: str, claim_reason: str, nik: str,
    kpj: str, full_name: str, email: str, phone: str, language: str = "id", channels: list[str] | None = None,
    insured_nik: str = "", insured_kpj: str = "", benefit_form: str | None = None,
    actor: Actor | None = None, now: datetime | None = None, client_ip: str | None = None,
    admission_token: str | None = None,
) -> BookingResult:
    """Book a seat. An heir gives their own identity and the deceased worker's ``insured_nik`` and
    ``insured_kpj`` (``validation.validate_request``). Raises InvalidInput (422, per field; ``registry_mismatch``/``name_mismatch``),
    SlotFull (409 ``slot_full`` with ``alternatives``), Conflict (409 ``duplicate_active_booking`` /
    ``not_eligible`` with ``rule`` and ``possible_from``; during a quota opening ``admission_required`` and
    the other ``admission_*`` refusals, see ``booking.waitroom``), RateLimited (429, per ``client_ip``, NIK
    and phone). On any error nothing is written."""
    now = now or clock.now()
    actor = actor or Actor.participant()
    ratelimit.check_ip(client_ip)
    ratelimit.check_identity(nik=nik, phone=phone, insured_nik=insured_nik)
    # During a quota opening a participant books with the admission token the waiting room gave them.
    place_id = opening_admission(branch_code, nik=nik, token=admission_token, now=now) if actor.kind == "participant" else None
    # The cheap "full" answer, before any identity check: the cached snapshot or the slot's full mark —
    # no query, no transaction. (A slot that cannot be resolved falls through to the full validation,
    # which reports every field's problem together.)
    resolved: tuple[BranchInfo, SessionAvailability] | None = None
    try:
        resolved = resolve_slot(branch_code=branch_code, day=date, session_start=session_start, now=now)
    except InvalidInput:
        pass
    else:
        branch, session = resolved
        if session.status == selectors.FULL or (session.slot_id and cache.is_marked_full(session.slot_id)):
            raise slot_full(branch, session)
    # No "already booked?" read here: the claim INSERT — written before the seat is taken — meets the
    # one-open-claim-per-insured-NIK-and-type index, and the IntegrityError is answered below with the
    # same 409 duplicate_active_booking. A successful booking pays for no extra query.
    req = checked_request(
        now=now, resolved=resolved, duplicate_check=False, branch_code=branch_code, date=date, session_start=session_start,
        claim_type=claim_type, claim_reason=claim_reason, nik=nik, kpj=kpj, full_name=full_name, email=email,
        phone=phone, language=language, channels=channels, insured_nik=insured_nik, insured_kpj=insured_kpj,
        benefit_form=benefit_form)
    slot_id = ensure_slot(req.branch, req.session)

    def attempt() -> BookingResult:
        with transaction.atomic():
            result = open_booking(slot_id=slot_id, req=req, actor=actor, now=now)
            if place_id is not None:  # single use: a second booking with the same admission rolls back
                waitroom.admission_consume(place_id, booking_code=result.code, now=now)
            if not take_seat(slot_id):  # last: the slot's row lock is held only until COMMIT
                raise SlotFull()
            return result

    for _i in range(3):
        try:
            result = retrying(attempt)
        except SlotFull:
            cache.mark_full(slot_id, req.branch.id)
            raise slot_full(req.branch, req.session) from None
        except IntegrityError:
            if has_open_claim(req):
                raise duplicate(req.by_heir) from None
            continue  # a code collision (1 in 10^12): try a new code
        log.info("booking %s created for %s at %s %s %s", result.code, mask_nik(req.applicant.nik), req.branch.code,
                 req.date, req.session.start)
        return result
    raise Conflict(code="booking_retry")


def opening_admission(branch_code: str, *, nik: str, token: str | None, now: datetime) -> int | None:
    """The opening's place whose admission this booking uses (None outside an opening); a refusal is a 409
    with the waiting room's address (``booking.waitroom.services.admission_verify``)."""
    info = selectors.branch_info(str(branch_code or "")[:32]) if branch_code else None
    op = waitroom.admission_required(info, now) if info is not None else None
    return None if op is None else waitroom.admission_verify(token, op=op, nik=nik, now=now)


def lock_booking(booking: Booking) -> Booking:
    """Lock the booking row alone: FOR UPDATE over a join would, on PostgreSQL, re-check the join after
    waiting for a concurrent reschedule and return nothing. Related rows are read afterwards."""
    locked = Booking.objects.select_for_update().get(pk=booking.pk)
    locked.slot = SlotQuota.objects.get(pk=locked.slot_id)
    locked.claim = Claim.objects.get(pk=locked.claim_id)
    return locked


def booking_follow_claim(*, claim: Claim, from_state: str, to_state: str, now: datetime) -> None:
    """The claim moved (``claims.services.claim_transition``, which calls this — registered in
    ``BookingConfig.ready``): its active booking follows (``policy.booking_status_after``). Cancelled:
    the seat is released (to the first person waiting, when there is one). Expired: the seat stays
    counted (the session is over)."""
    status = policy.booking_status_after(to_state)
    if status is None:
        return
    booking = Booking.objects.select_for_update().filter(claim_id=claim.pk, status=Booking.Status.ACTIVE).first()
    if booking is None:
        return
    booking.status = status
    fields = ["status", "updated_at"]
    if status == Booking.Status.CANCELLED:
        booking.cancelled_at = now
        fields.append("cancelled_at")
        slot = SlotQuota.objects.select_related("branch").get(pk=booking.slot_id)
        release_seat(slot, now)
        cache.invalidate_on_commit(slot.branch_id, [slot.id])
    booking.save(update_fields=fields)


def booking_cancel(*, booking: Booking, actor: Actor, reason: str = "", now: datetime | None = None) -> Booking:
    """Cancel the claim, and with it the booking (its seat released), in one transaction
    (``booking_follow_claim``). 409 ``booking_not_active`` when it is not active; a participant cannot
    cancel once the session has started (an officer can)."""
    now = now or clock.now()

    def attempt() -> Booking:
        with transaction.atomic():
            claim_lock_by_id(booking.claim_id)  # lock order everywhere: claim, then booking
            locked = lock_booking(booking)
            if locked.status != Booking.Status.ACTIVE:
                raise Conflict(_("Booking ini sudah tidak aktif (%(status)s); tidak ada yang dibatalkan.")
                               % {"status": locked.get_status_display()}, code="booking_not_active")
            if actor.kind == "participant" and locked.slot.starts_at <= now:
                raise Conflict(_("Sesi sudah dimulai; booking tidak bisa dibatalkan lagi."), code="session_started")
            slot = SlotQuota.objects.select_related("branch").get(pk=locked.slot_id)
            claim_transition(claim=locked.claim, to=State.CANCELLED, actor=actor, reason=reason,
                             data={"booking": locked.code}, notify=True,
                             notify_context={"code": locked.code, **ctx_for(slot)})
            locked.refresh_from_db(fields=["status", "cancelled_at", "updated_at"])
            return locked

    result = retrying(attempt)
    booking.status, booking.cancelled_at = result.status, result.cancelled_at
    return result


def booking_reschedule(
    *, booking: Booking, date: date | str, session_start: str, actor: Actor, branch_code: str | None = None,
    now: datetime | None = None,
) -> Booking:
    """Move an active booking to another session (same branch unless ``branch_code``): the new seat is
    taken before the old one is released, in one transaction. Same code and access token."""
    now = now or clock.now()
    current_branch = booking.slot.branch.code if booking.slot_id else ""
    branch, session = resolve_slot(branch_code=branch_code or current_branch, day=date,
                                   session_start=session_start, now=now)
    new_slot_id = ensure_slot(branch, session)
    if new_slot_id == booking.slot_id:
        raise Conflict(_("Booking Anda sudah di sesi ini."), code="same_slot")

    def attempt() -> Booking:
        with transaction.atomic():
            claim_lock_by_id(booking.claim_id)  # the history write below; lock order: claim, then booking
            locked = lock_booking(booking)
            if locked.status != Booking.Status.ACTIVE:
                raise Conflict(_("Booking ini sudah tidak aktif; jadwal tidak bisa diubah."), code="booking_not_active")
            if actor.kind == "participant" and locked.slot.starts_at <= now:
                raise Conflict(_("Sesi sudah dimulai; jadwal tidak bisa diubah lagi."), code="session_started")
            # Lock both slots in id order (no deadlock between crossing reschedules), then take, then release.
            slots = {s.id: s for s in SlotQuota.objects.select_for_update().filter(
                id__in=[locked.slot_id, new_slot_id]).order_by("id")}
            if not take_seat(new_slot_id):
                raise SlotFull()
            old = slots[locked.slot_id]
            release_seat(old, now)
            new = SlotQuota.objects.select_related("branch").get(pk=new_slot_id)
            locked.slot = new
            locked.reschedule_count += 1
            locked.save(update_fields=["slot", "reschedule_count", "updated_at"])
            claim = locked.claim
            tz = ZoneInfo(branch.time_zone)
            claim.documents_due_at = policy.documents_due(new.starts_at.astimezone(tz))
            claim.session_at = new.starts_at
            claim.branch_id = branch.id
            claim.save(update_fields=["documents_due_at", "session_at", "branch", "updated_at"])
            context = slot_context(new, branch)
            claim_event_record(claim=claim, kind=ClaimEvent.Kind.BOOKING_RESCHEDULED, actor=actor,
                               data={"from": ctx_for(old), "to": context})
            previous = {f"old_{k}": v for k, v in ctx_for(old).items() if k in ("date", "start", "end", "time_zone")}
            notification_enqueue(event="booking_rescheduled", claim=claim, to=applicant_recipient(claim),
                                 context={"code": locked.code, **context, **previous})
            cache.invalidate_on_commit(old.branch_id, [old.id])
            cache.invalidate_on_commit(branch.id, [new_slot_id])
            return locked

    try:
        result = retrying(attempt)
    except SlotFull:
        cache.mark_full(new_slot_id, branch.id)
        raise slot_full(branch, session) from None
    booking.slot, booking.reschedule_count = result.slot, result.reschedule_count
    return result


def booking_expire_no_shows(*, now: datetime | None = None) -> int:
    """Bookings whose session ended more than NO_SHOW_GRACE_MINUTES ago: claims that never got past
    waiting for documents expire (no-show); the others' bookings are completed. Seats stay counted
    (the session is over). Returns how many expired."""
    now = now or clock.now()
    cutoff = now - timedelta(minutes=int(setting("NO_SHOW_GRACE_MINUTES", 60)))
    expired = 0
    for pk, claim_id in Booking.objects.filter(status=Booking.Status.ACTIVE, slot__ends_at__lt=cutoff).values_list(
            "pk", "claim_id")[:1000]:
        with transaction.atomic():
            claim = claim_lock_by_id(claim_id)  # lock order everywhere: claim, then booking
            b = Booking.objects.select_for_update().filter(pk=pk, status=Booking.Status.ACTIVE).first()
            if b is None:
                continue
            if claim.state in EXPIRES_ON_NO_SHOW:  # the booking follows the claim (booking_follow_claim)
                claim_transition(claim=claim, to=State.EXPIRED, actor=Actor.system("no-show"),
                                 reason="no_show", data={"booking": b.code})
                expired += 1
            else:
                b.status = Booking.Status.COMPLETED
                b.save(update_fields=["status", "updated_at"])
    return expired
