"""The waitlist of a full session: joining (same checks as booking), the seat a cancellation frees
going to the first person waiting (*held* for them ``WAITLIST_HOLD_MINUTES``, ending in the branch's
waking hours: ``policy.offer_hold_until``), accepting the offer
(the held seat becomes a booking) and offers that lapse. The entry stores who applies as one
``Applicant`` (JSON), the same value the booking request and the claim's party are made from.

Two credentials, both stored only as keyed digests: the entry's access token (given once when joining:
the API's bearer token and the joining browser's session) and the offer link's token, made when a seat is
offered and sent in the offer message (``/antrean/tawaran/<token>/``): it opens the offer in any browser,
with no sequential id and no personal data in the link."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from lapakasik.booking import cache, policy, ratelimit, selectors
from lapakasik.booking.models import Booking, SlotQuota, WaitlistEntry
from lapakasik.booking.selectors import SessionAvailability
from lapakasik.claims.parties import Applicant, Insured
from lapakasik.claims.services import Actor
from lapakasik.core import clock
from lapakasik.core.codes import new_token, token_digest
from lapakasik.core.errors import Conflict, NotFound
from lapakasik.notifications.services import notification_enqueue

from .opening import BookingResult, open_booking
from .slots import ensure_slot, retrying, slot_context
from .validation import BookingRequest, checked_request, duplicate, setting

# What ``new_token`` makes (URL-safe base64); anything else is refused before a look-up.
OFFER_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")


@dataclass(frozen=True)
class WaitlistResult:
    entry: WaitlistEntry
    token: str
    position: int


def entry_applicant(entry: WaitlistEntry) -> Applicant:
    return Applicant.from_json(entry.applicant)


def entry_insured(entry: WaitlistEntry) -> Insured | None:
    """The deceased worker an heir waits to claim for (kept beside the applicant in the entry's JSON), or
    None when the applicant is the participant."""
    data = (entry.applicant or {}).get("insured") or {}
    return Insured(nik=str(data["nik"]), kpj=str(data.get("kpj", ""))) if data.get("nik") else None


def waitlist_join(
    *, branch_code: str, date: date | str, session_start: str, claim_type: str, claim_reason: str, nik: str,
    kpj: str, full_name: str, email: str, phone: str, language: str = "id", channels: list[str] | None = None,
    insured_nik: str = "", insured_kpj: str = "", benefit_form: str | None = None,
    now: datetime | None = None, client_ip: str | None = None,
) -> WaitlistResult:
    """Join the waitlist of a full session (same checks as booking). 409 ``slot_has_room`` when a seat is
    free (book it instead), ``already_waiting`` when this NIK already waits for the session."""
    now = now or clock.now()
    ratelimit.check_ip(client_ip)
    ratelimit.check_identity(nik=nik, phone=phone, insured_nik=insured_nik)
    req = checked_request(
        now=now, branch_code=branch_code, date=date, session_start=session_start, claim_type=claim_type,
        claim_reason=claim_reason, nik=nik, kpj=kpj, full_name=full_name, email=email, phone=phone,
        language=language, channels=channels, insured_nik=insured_nik, insured_kpj=insured_kpj,
        benefit_form=benefit_form)
    slot_id = ensure_slot(req.branch, req.session)
    token = new_token()
    try:
        with transaction.atomic():
            slot = SlotQuota.objects.select_for_update().get(pk=slot_id)
            if slot.remaining > 0 and not slot.closed:
                raise Conflict(_("Sesi ini masih punya kursi kosong; silakan langsung memesan."), code="slot_has_room")
            stored = req.applicant.as_json()
            if req.insured is not None:
                stored["insured"] = {"nik": req.insured.nik, "kpj": req.insured.kpj}
            if req.benefit_form:
                stored["benefit_form"] = req.benefit_form
            entry = WaitlistEntry.objects.create(
                slot=slot, nik=req.insured_worker.nik, applicant=stored, claim_type=req.claim_type,
                claim_reason=req.claim_reason, token_digest=token_digest(token))
            position = WaitlistEntry.objects.filter(slot_id=slot_id, status=WaitlistEntry.Status.WAITING,
                                                    id__lte=entry.id).count()
            # "You are on the waiting list": once, committed with the entry (a second join is refused above).
            tell(entry, "waitlist_joined", {**slot_context(slot, req.branch), "position": position,
                                            "waitlist_id": entry.pk, "name": req.applicant.full_name,
                                            "branch": req.branch.name})
    except IntegrityError:
        raise Conflict(_("Anda sudah ada di daftar tunggu sesi ini."), code="already_waiting") from None
    return WaitlistResult(entry=entry, token=token, position=position)


def tell(entry: WaitlistEntry, event: str, context: dict[str, Any]) -> None:
    """One message per channel the participant chose, each to its own address (no claim yet: no fallback
    chain)."""
    who = entry_applicant(entry)
    for channel in who.channels or ("email",):
        notification_enqueue(event=event, channels=[channel], language=who.language, context=context,
                             recipient=who.email if channel == "email" else who.phone)


def waitlist_get_authorised(*, entry_id: int, token: str) -> WaitlistEntry:
    entry = WaitlistEntry.objects.select_related("slot", "slot__branch", "booking").filter(pk=entry_id).first()
    if entry is None or not hmac.compare_digest(entry.token_digest, token_digest(token or "")):
        raise NotFound(code="waitlist_not_found")
    return entry


def waitlist_get_by_offer_token(token: str) -> WaitlistEntry:
    """The entry whose offer link carries ``token``; NotFound for any other string (an unknown, a malformed
    and a guessed token get the same answer, and nothing else is read)."""
    token = str(token or "")
    if not OFFER_TOKEN_RE.fullmatch(token):
        raise NotFound(code="waitlist_not_found")
    entry = WaitlistEntry.objects.select_related("slot", "slot__branch", "booking").filter(
        offer_token_digest=token_digest(token)).first()
    if entry is None:
        raise NotFound(code="waitlist_not_found")
    return entry


def offer_is_open(entry: WaitlistEntry, now: datetime | None = None) -> bool:
    """An offer that can still be accepted: offered and its hold time not passed (the periodic job may not
    have marked a lapsed offer yet)."""
    now = now or clock.now()
    return entry.status == WaitlistEntry.Status.OFFERED and not (entry.hold_until and entry.hold_until <= now)


def release_seat(slot: SlotQuota, now: datetime) -> None:
    """Give the seat back — to the first person waiting when there is one (held for them)."""
    nxt = None
    if slot.starts_at > now:
        nxt = WaitlistEntry.objects.filter(slot_id=slot.id, status=WaitlistEntry.Status.WAITING).order_by(
            "created_at", "id").first()
    if nxt is not None:
        SlotQuota.objects.filter(id=slot.id).update(booked=F("booked") - 1, held=F("held") + 1)
        offer(nxt, slot, now)
    else:
        SlotQuota.objects.filter(id=slot.id).update(booked=F("booked") - 1)


def offer(entry: WaitlistEntry, slot: SlotQuota, now: datetime) -> None:
    hold = policy.offer_hold_until(
        now, minutes=int(setting("WAITLIST_HOLD_MINUTES", 30)), tz_name=slot.branch.time_zone or "Asia/Jakarta",
        session_starts_at=slot.starts_at, day_start_hour=int(setting("WAITLIST_HOLD_DAY_START_HOUR", 7)),
        day_end_hour=int(setting("WAITLIST_HOLD_DAY_END_HOUR", 21)))
    link_token = new_token()
    WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.OFFERED, offered_at=now,
                                                     hold_until=hold, offer_token_digest=token_digest(link_token))
    branch = selectors.branch_info(slot.branch.code)
    try:
        offer_url = reverse("booking:waitlist_offer", kwargs={"token": link_token})
    except NoReverseMatch:
        offer_url = ""
    who = entry_applicant(entry)
    context: dict[str, Any] = {"hold_until": hold.isoformat(), "waitlist_id": entry.pk, "name": who.full_name,
                               "offer_url": offer_url}
    if branch:
        context.update(slot_context(slot, branch), branch=branch.name, branch_time_zone=branch.time_zone)
    tell(entry, "waitlist_offer", context)


def waitlist_accept(*, entry: WaitlistEntry, actor: Actor | None = None, now: datetime | None = None) -> BookingResult:
    """Turn an open offer into a booking: the held seat becomes booked (no capacity race: it was held)."""
    now = now or clock.now()
    actor = actor or Actor.participant()
    branch = selectors.branch_info(entry.slot.branch.code)
    if branch is None:
        raise Conflict(code="branch_closed")

    def attempt() -> BookingResult:
        with transaction.atomic():
            locked = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
            if locked.status == WaitlistEntry.Status.ACCEPTED and locked.booking_id:
                # A double submit, or the offer taken already in another browser: one booking only.
                code = Booking.objects.filter(pk=locked.booking_id).values_list("code", flat=True).first() or ""
                raise Conflict(_("Kursi ini sudah Anda ambil; booking sudah dibuat dengan kode {code}. Buka "
                                 "“Booking saya” untuk melihatnya.").format(code=code),
                               code="offer_already_accepted", extra={"booking_code": code})
            if not offer_is_open(locked, now):
                raise Conflict(_("Tawaran kursi ini sudah tidak berlaku: waktu penahanan kursi sudah lewat atau "
                                 "kursi sudah ditawarkan kepada orang berikutnya. Pilih sesi lain."),
                               code="offer_not_open")
            if SlotQuota.objects.filter(id=locked.slot_id, held__gt=0).update(
                    held=F("held") - 1, booked=F("booked") + 1) != 1:
                raise Conflict(code="offer_not_open")
            slot = SlotQuota.objects.get(pk=locked.slot_id)
            avail = SessionAvailability(
                slot_id=slot.id, date=slot.date, start=f"{slot.session_start:%H:%M}", end=f"{slot.session_end:%H:%M}",
                starts_at=slot.starts_at, ends_at=slot.ends_at, capacity=slot.capacity, remaining=0, status="full")
            req = BookingRequest(branch=branch, date=slot.date, session=avail, claim_type=locked.claim_type,
                                 claim_reason=locked.claim_reason, applicant=entry_applicant(locked),
                                 insured=entry_insured(locked),
                                 benefit_form=(locked.applicant or {}).get("benefit_form") or None)
            result = open_booking(slot_id=slot.id, req=req, actor=actor, now=now, event_data={"waitlist": locked.pk})
            locked.status = WaitlistEntry.Status.ACCEPTED
            locked.booking = result.booking
            locked.save(update_fields=["status", "booking"])
            return result

    try:
        return retrying(attempt)
    except IntegrityError:
        raise duplicate(entry_insured(entry) is not None) from None


def waitlist_expire_offers(*, now: datetime | None = None) -> int:
    """Offers past their hold time expire; the held seat goes to the next person waiting, or back to
    everyone. Waiting entries of sessions that have started expire too. Returns offers expired."""
    now = now or clock.now()
    count = 0
    for pk in WaitlistEntry.objects.filter(status=WaitlistEntry.Status.OFFERED, hold_until__lte=now).values_list(
            "pk", flat=True)[:1000]:
        with transaction.atomic():
            entry = WaitlistEntry.objects.select_for_update().filter(pk=pk, status=WaitlistEntry.Status.OFFERED).first()
            if entry is None:
                continue
            entry.status = WaitlistEntry.Status.EXPIRED
            entry.save(update_fields=["status"])
            slot = SlotQuota.objects.select_related("branch").get(pk=entry.slot_id)
            nxt = None
            if slot.starts_at > now:
                nxt = WaitlistEntry.objects.filter(slot_id=slot.id, status=WaitlistEntry.Status.WAITING).order_by(
                    "created_at", "id").first()
            if nxt is not None:
                offer(nxt, slot, now)
            else:
                SlotQuota.objects.filter(id=slot.id, held__gt=0).update(held=F("held") - 1)
            cache.invalidate_on_commit(slot.branch_id, [slot.id])
            count += 1
    WaitlistEntry.objects.filter(status=WaitlistEntry.Status.WAITING, slot__starts_at__lte=now).update(
        status=WaitlistEntry.Status.EXPIRED)
    return count
