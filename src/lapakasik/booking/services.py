"""Every write of the online queue. Capacity is enforced inside the database, in one transaction:

1. the Claim, the Booking, the claim-history event, the intake address/link and the stored
   "booking confirmed" notification (its delivery task is queued once the transaction commits);
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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from lapakasik.claims.models import Claim, ClaimEvent
from lapakasik.claims.reasons import is_valid_reason
from lapakasik.claims.services import Actor, claim_event_record, claim_lock, claim_transition
from lapakasik.claims.workflow import EXPIRES_ON_NO_SHOW, State
from lapakasik.core import clock
from lapakasik.core.codes import new_code, new_token, token_digest
from lapakasik.core.errors import Conflict, InvalidInput
from lapakasik.core.masking import mask_nik
from lapakasik.core.validators import normalize_email, normalize_phone, parse_nik, validate_kpj
from lapakasik.registry.adapters import MemberRecord, registry_lookup

from . import cache, policy, ratelimit, selectors
from .models import Booking, BrokerSignal, SlotQuota, WaitlistEntry
from .selectors import BranchInfo, SessionAvailability

log = logging.getLogger(__name__)
T = TypeVar("T")

CHANNELS = ("email", "whatsapp", "sms", "phone")  # phone: an officer calls (for who cannot read messages)
LANGUAGES = ("id", "en")
SEAT_STATUSES = (Booking.Status.ACTIVE, Booking.Status.EXPIRED, Booking.Status.COMPLETED)


class SlotFull(Conflict):
    code = "slot_full"
    default_message = _("Kuota sesi ini sudah penuh. Pilih sesi lain atau cabang terdekat yang masih tersedia "
                        "(lihat daftar alternatif), atau masuk daftar tunggu.")


@dataclass(frozen=True)
class BookingRequest:
    """A validated booking request (identity normalised, slot resolved against the window)."""

    branch: BranchInfo
    date: date
    session: SessionAvailability
    claim_type: str
    claim_reason: str
    nik: str
    kpj: str
    full_name: str
    email: str
    phone: str
    language: str
    channels: list[str]


@dataclass(frozen=True)
class BookingResult:
    booking: Booking
    claim: Claim
    access_token: str
    intake: Any  # lapakasik.intake.types.IntakeLinks
    request: BookingRequest  # the branch and session booked (no re-read needed to answer)

    @property
    def code(self) -> str:
        return self.booking.code


def _setting(name: str, default: Any) -> Any:
    return settings.LAPAKASIK.get(name, default)


def bookable_claim_types() -> list[str]:
    return [t.strip().upper() for t in str(_setting("BOOKING_CLAIM_TYPES", "JHT")).split(",") if t.strip()]


def _retrying(fn: Callable[[], T], attempts: int = 4) -> T:
    """Run a transaction, retrying PostgreSQL deadlocks / serialisation failures (never seen with the
    lock order used here, but cheap insurance)."""
    for i in range(attempts):
        try:
            return fn()
        except OperationalError as exc:
            sqlstate = getattr(getattr(exc, "__cause__", None), "sqlstate", None)
            if sqlstate not in ("40P01", "40001") or i == attempts - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


# --- validation ------------------------------------------------------------------------------------

def _as_date(value: date | str) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def resolve_slot(*, branch_code: str, day: date | str, session_start: str, now: datetime | None = None,
                 fields: dict[str, list[Any]] | None = None) -> tuple[BranchInfo, SessionAvailability]:
    """The branch and session for (branch, date, "HH:MM"), checked against the window, the calendar
    and the session templates. Raises InvalidInput with per-field messages."""
    errors: dict[str, list[Any]] = fields if fields is not None else {}
    branch = selectors.branch_info(str(branch_code or "")[:32]) if branch_code else None
    if branch is None:
        errors.setdefault("branch_code", []).append(_(
            "Kantor cabang tidak ditemukan atau sedang tidak melayani. Pilih cabang dari daftar."))
    the_day = _as_date(day)
    if the_day is None:
        errors.setdefault("date", []).append(_("Tanggal harus berformat TTTT-BB-HH, misalnya 2026-12-01."))
    start = policy.parse_session_start(session_start)
    if start is None:
        errors.setdefault("session_start", []).append(_("Jam sesi harus berformat JJ:MM, misalnya 08:00."))
    if branch is None or the_day is None or start is None:
        raise InvalidInput(fields=errors)
    today, window, closures = selectors.branch_window(branch, now)
    if the_day <= today:
        errors.setdefault("date", []).append(_(
            "Tanggal sudah lewat atau hari ini. Pilih tanggal mulai besok (%(tz)s).") % {"tz": branch.tz_abbreviation})
        raise InvalidInput(fields=errors)
    if not window or the_day > window[-1]:
        errors.setdefault("date", []).append(_(
            "Tanggal di luar masa pemesanan. Anda bisa memesan sampai %(last)s; hari baru dibuka setiap hari.")
            % {"last": window[-1].strftime("%d-%m-%Y") if window else "-"})
        raise InvalidInput(fields=errors)
    if the_day not in window:
        reason = policy.branch_policy.closed_reason(the_day, closures) or ""
        errors.setdefault("date", []).append(_(
            "Kantor cabang tutup pada tanggal ini (%(reason)s). Pilih hari kerja lain.")
            % {"reason": _("akhir pekan") if reason == "weekend" else reason})
        raise InvalidInput(fields=errors)
    session = selectors.session_lookup(branch, the_day, f"{start:%H:%M}", now)
    if session is None:
        errors.setdefault("session_start", []).append(_(
            "Sesi %(start)s tidak ada di cabang ini. Pilih salah satu sesi yang tersedia.") % {"start": session_start})
        raise InvalidInput(fields=errors)
    if session.status == selectors.CLOSED:
        errors.setdefault("date", []).append(_("Sesi ini ditutup oleh kantor cabang. Pilih sesi atau hari lain."))
        raise InvalidInput(fields=errors)
    if errors:
        raise InvalidInput(fields=errors)
    return branch, session


def validate_request(
    *, branch_code: str, date: date | str, session_start: str, claim_type: str, claim_reason: str, nik: str,
    kpj: str, full_name: str, email: str, phone: str, language: str = "id", channels: list[str] | None = None,
    now: datetime | None = None, resolved: tuple[BranchInfo, SessionAvailability] | None = None,
) -> BookingRequest:
    """Check every field; all problems are reported together (422, per field). Writes nothing.
    ``resolved``: the (branch, session) the caller already got from ``resolve_slot`` for these values."""
    fields: dict[str, list[Any]] = {}

    def field_error(name: str, exc: ValidationError) -> None:
        fields.setdefault(name, []).extend(exc.messages)

    ctype = str(claim_type or "").strip().upper()
    if ctype not in bookable_claim_types():
        fields.setdefault("claim_type", []).append(_(
            "Jenis klaim ini belum bisa dipesan melalui antrean online. Pilih: %(types)s.")
            % {"types": ", ".join(bookable_claim_types())})
    reason = str(claim_reason or "").strip().upper()
    if ctype and not is_valid_reason(ctype, reason):
        fields.setdefault("claim_reason", []).append(_("Alasan klaim tidak dikenal untuk jenis klaim ini."))
    nik_value = kpj_value = email_value = phone_value = ""
    try:
        nik_value = parse_nik(nik, today=clock.now().date()).nik
    except ValidationError as exc:
        field_error("nik", exc)
    try:
        kpj_value = validate_kpj(kpj)
    except ValidationError as exc:
        field_error("kpj", exc)
    name = " ".join(str(full_name or "").split())
    if not name:
        fields.setdefault("full_name", []).append(_("Nama lengkap wajib diisi seperti di KTP."))
    elif len(name) > 150 or any(ord(ch) < 32 for ch in name):
        fields.setdefault("full_name", []).append(_("Nama lengkap tidak valid (maksimal 150 huruf)."))
    try:
        email_value = normalize_email(email)
    except ValidationError as exc:
        field_error("email", exc)
    try:
        phone_value = normalize_phone(phone)
    except ValidationError as exc:
        field_error("phone", exc)
    lang = str(language or "id").strip().lower()
    if lang not in LANGUAGES:
        fields.setdefault("language", []).append(_("Bahasa harus id atau en."))
    chosen: list[str] = []
    for ch in channels if channels is not None else ["email"]:
        value = str(ch).strip().lower()
        if value not in CHANNELS:
            fields.setdefault("channels", []).append(_("Kanal tidak dikenal: pilih email, whatsapp, sms atau phone."))
            break
        if value not in chosen:
            chosen.append(value)
    if not chosen and "channels" not in fields:
        fields.setdefault("channels", []).append(_("Pilih minimal satu kanal pemberitahuan."))
    if resolved is not None:
        branch, session = resolved
    else:
        try:
            branch, session = resolve_slot(branch_code=branch_code, day=date, session_start=session_start, now=now,
                                           fields=fields)
        except InvalidInput as exc:
            raise InvalidInput(fields=exc.fields) from None
    if fields:
        raise InvalidInput(fields=fields)
    return BookingRequest(branch=branch, date=session.date, session=session, claim_type=ctype, claim_reason=reason,
                          nik=nik_value, kpj=kpj_value, full_name=name, email=email_value, phone=phone_value,
                          language=lang, channels=chosen)


def _checked_request(*, now: datetime, resolved: tuple[BranchInfo, SessionAvailability] | None = None,
                     duplicate_check: bool = True, **fields: Any) -> tuple[BookingRequest, int]:
    """What booking and joining the waitlist both check before writing: every field (422), one active
    booking per NIK and claim type (409), the registry rules (409); then the slot row's id.
    ``duplicate_check=False``: the caller's own INSERT meets the one-active-booking constraint instead."""
    req = validate_request(now=now, resolved=resolved, **fields)
    if duplicate_check and _has_active_booking(req):
        raise _duplicate()
    check_registry(req, today=now.date())
    return req, ensure_slot(req.branch, req.session)


def check_registry(req: BookingRequest, today: date | None = None) -> MemberRecord:
    """Match identity against the registry and apply the eligibility rules (409 not_eligible)."""
    member = registry_lookup(nik=req.nik, kpj=req.kpj)
    if member is None:
        raise InvalidInput(
            _("NIK dan nomor KPJ tidak cocok dengan data kepesertaan. Periksa kartu peserta dan KTP Anda."),
            code="registry_mismatch",
            fields={"kpj": [_("Nomor KPJ tidak cocok dengan NIK ini menurut data kepesertaan.")]})
    if not policy.names_match(req.full_name, member.full_name):
        raise InvalidInput(
            _("Nama tidak sama dengan nama di data kepesertaan. Tulis nama lengkap seperti di KTP."),
            code="name_mismatch",
            fields={"full_name": [_("Nama tidak sama dengan data kepesertaan (huruf besar/kecil dan spasi "
                                    "tidak berpengaruh).")]})
    verdict = policy.eligibility(member, req.claim_type, req.claim_reason, today or clock.now().date())
    if not verdict.eligible:
        raise Conflict(verdict.message, code="not_eligible", extra={
            "rule": verdict.rule,
            "possible_from": verdict.possible_from.isoformat() if verdict.possible_from else None,
        })
    return member


def _has_active_booking(req: BookingRequest) -> bool:
    return Booking.objects.filter(nik=req.nik, claim_type=req.claim_type, status=Booking.Status.ACTIVE).exists()


def _duplicate() -> Conflict:
    return Conflict(_("Anda sudah punya booking aktif untuk jenis klaim ini. Buka booking Anda untuk melihat, "
                      "mengubah jadwal atau membatalkannya."), code="duplicate_active_booking")


def _slot_full(branch: BranchInfo, session: SessionAvailability) -> SlotFull:
    return SlotFull(extra={"alternatives": selectors.alternatives_for(
        branch=branch, day=session.date, start=session.start)})


def ensure_slot(branch: BranchInfo, session: SessionAvailability) -> int:
    """The SlotQuota id for a valid session, creating the row if the generation job has not yet."""
    if session.slot_id is not None:
        return session.slot_id
    start = policy.parse_session_start(session.start)
    end = policy.parse_session_start(session.end)
    assert start is not None and end is not None
    starts, ends = policy.slot_bounds(session.date, start, end, branch.time_zone)
    slot, _created = SlotQuota.objects.get_or_create(
        branch_id=branch.id, date=session.date, session_start=start,
        defaults={"session_end": end, "starts_at": starts, "ends_at": ends, "capacity": session.capacity})
    cache.invalidate_now(branch.id)
    return slot.id


def _take_seat(slot_id: int) -> bool:
    return SlotQuota.objects.filter(id=slot_id, booked__lt=F("capacity") - F("held"), closed=False).update(
        booked=F("booked") + 1) == 1


def _slot_context(slot: SlotQuota, branch: BranchInfo) -> dict[str, Any]:
    return _times_context(slot.starts_at, slot.ends_at, branch)


def _times_context(starts_at: datetime, ends_at: datetime, branch: BranchInfo) -> dict[str, Any]:
    tz = ZoneInfo(branch.time_zone)
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    return {"branch_code": branch.code, "branch_name": branch.name, "branch_address": branch.address,
            "date": start.date().isoformat(), "start": f"{start:%H:%M}", "end": f"{end:%H:%M}",
            "time_zone": branch.tz_abbreviation,
            "documents_due": policy.documents_due(start).isoformat()}


def ticket_urls(code: str) -> tuple[str, str]:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("booking:ticket_pdf", args=[code]), reverse("booking:ticket_ics", args=[code])
    except NoReverseMatch:
        return f"/antrean/tiket/{code}.pdf", f"/antrean/tiket/{code}.ics"


def _broker_check(*, email: str, phone: str, now: datetime) -> bool:
    """One query: the NIKs of recent claims sharing this phone or this e-mail (a handful of rows)."""
    threshold = int(_setting("BROKER_THRESHOLD", 3))
    if threshold <= 0:
        return False
    from django.db.models import Q

    since = now - timedelta(days=90)
    rows = list(Claim.objects.filter(Q(phone=phone) | Q(email=email), created_at__gte=since).values_list(
        "nik", "phone", "email")[:1000])
    flagged = False
    for kind, column, value in (("phone", "phone", phone), ("email", "email", email)):
        count = len({nik for nik, p, e in rows if (p if column == "phone" else e) == value})
        if policy.is_broker(count, threshold):
            flagged = True
            signal, created = BrokerSignal.objects.get_or_create(kind=kind, value=value,
                                                                 defaults={"nik_count": count})
            if not created and signal.nik_count != count:
                BrokerSignal.objects.filter(pk=signal.pk).update(nik_count=count, last_seen_at=now)
            Booking.objects.filter(**{f"claim__{column}": value}, status=Booking.Status.ACTIVE,
                                   broker_flag=False).update(broker_flag=True)
    return flagged


def _open_booking(*, slot_id: int, req: BookingRequest, actor: Actor, now: datetime,
                  event_data: dict[str, Any] | None = None) -> BookingResult:
    """Inside the transaction that takes (or took) the seat: the claim, booking, event, intake links and
    notification. A new claim: no reads of its (empty) event chain or intake links, and no savepoints —
    the caller retries the whole transaction on an IntegrityError."""
    from lapakasik.intake.services import intake_open
    from lapakasik.notifications.services import notification_enqueue

    token = new_token()
    code = new_code(8)
    tz = ZoneInfo(req.branch.time_zone)
    starts_local = req.session.starts_at.astimezone(tz)
    claim = Claim.objects.create(
        code=code, claim_type=req.claim_type, claim_reason=req.claim_reason, branch_id=req.branch.id,
        state=State.BOOKED, nik=req.nik, kpj=req.kpj, full_name=req.full_name, email=req.email, phone=req.phone,
        language=req.language, channels=req.channels, access_token_digest=token_digest(token),
        documents_due_at=policy.documents_due(starts_local),
    )
    booking = Booking.objects.create(code=code, claim=claim, slot_id=slot_id, nik=req.nik, claim_type=req.claim_type)
    context = _times_context(req.session.starts_at, req.session.ends_at, req.branch)
    claim_event_record(claim=claim, kind=ClaimEvent.Kind.BOOKING_CREATED, actor=actor, to_state=State.BOOKED,
                       data={**context, **(event_data or {})}, first=True)
    links = intake_open(claim=claim, new_claim=True)
    pdf_url, ics_url = ticket_urls(code)
    notification_enqueue(event="booking_confirmed", claim=claim, savepoint=False, context={
        **context, "code": code, "claim_type": req.claim_type, "claim_reason": req.claim_reason,
        "intake_email": links.email_address, "upload_url": links.upload_url, "ticket_pdf_url": pdf_url,
        "calendar_ics_url": ics_url})
    if _broker_check(email=req.email, phone=req.phone, now=now):
        booking.broker_flag = True
        log.warning("broker signal: booking %s shares contact with other NIKs", code)
    cache.invalidate_on_commit(req.branch.id, [slot_id], seats_taken_only=True)
    return BookingResult(booking=booking, claim=claim, access_token=token, intake=links, request=req)


# --- booking ----------------------------------------------------------------------------------------

def booking_create(
    *, branch_code: str, date: date | str, session_start: str, claim_type: str, claim_reason: str, nik: str,
    kpj: str, full_name: str, email: str, phone: str, language: str = "id", channels: list[str] | None = None,
    actor: Actor | None = None, now: datetime | None = None, client_ip: str | None = None,
) -> BookingResult:
    """Book a seat. Raises InvalidInput (422, per field; ``registry_mismatch``/``name_mismatch``),
    SlotFull (409 ``slot_full`` with ``alternatives``), Conflict (409 ``duplicate_active_booking`` /
    ``not_eligible`` with ``rule`` and ``possible_from``), RateLimited (429, per ``client_ip``, NIK and
    phone). On any error nothing is written."""
    now = now or clock.now()
    actor = actor or Actor.participant()
    ratelimit.check_ip(client_ip)
    ratelimit.check_identity(nik=nik, phone=phone)
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
            raise _slot_full(branch, session)
    # No "already booked?" read here: the booking INSERT — written before the seat is taken — meets the
    # one-active-booking-per-NIK-and-type constraint, and the IntegrityError is answered below with the
    # same 409 duplicate_active_booking. A successful booking pays for no extra query.
    req, slot_id = _checked_request(
        now=now, resolved=resolved, duplicate_check=False, branch_code=branch_code, date=date, session_start=session_start,
        claim_type=claim_type, claim_reason=claim_reason, nik=nik, kpj=kpj, full_name=full_name, email=email,
        phone=phone, language=language, channels=channels)

    def attempt() -> BookingResult:
        with transaction.atomic():
            result = _open_booking(slot_id=slot_id, req=req, actor=actor, now=now)
            if not _take_seat(slot_id):  # last: the slot's row lock is held only until COMMIT
                raise SlotFull()
            return result

    for _i in range(3):
        try:
            result = _retrying(attempt)
        except SlotFull:
            cache.mark_full(slot_id, req.branch.id)
            raise _slot_full(req.branch, req.session) from None
        except IntegrityError:
            if _has_active_booking(req):
                raise _duplicate() from None
            continue  # a code collision (1 in 10^12): try a new code
        log.info("booking %s created for %s at %s %s %s", result.code, mask_nik(req.nik), req.branch.code,
                 req.date, req.session.start)
        return result
    raise Conflict(code="booking_retry")


def booking_eligibility(*, nik: str, kpj: str, full_name: str, claim_type: str, claim_reason: str) -> policy.Verdict:
    """For the pages' identity step: the registry verdict before a slot is chosen. Raises InvalidInput for
    malformed identity or a registry mismatch; returns the Verdict (eligible or rule + date)."""
    fields: dict[str, list[Any]] = {}
    try:
        nik_value = parse_nik(nik, today=clock.now().date()).nik
    except ValidationError as exc:
        fields["nik"] = list(exc.messages)
    try:
        kpj_value = validate_kpj(kpj)
    except ValidationError as exc:
        fields["kpj"] = list(exc.messages)
    if fields:
        raise InvalidInput(fields=fields)
    member = registry_lookup(nik=nik_value, kpj=kpj_value)
    if member is None:
        raise InvalidInput(code="registry_mismatch", fields={"kpj": [_(
            "Nomor KPJ tidak cocok dengan NIK ini menurut data kepesertaan.")]})
    if not policy.names_match(full_name, member.full_name):
        raise InvalidInput(code="name_mismatch", fields={"full_name": [_(
            "Nama tidak sama dengan data kepesertaan (huruf besar/kecil dan spasi tidak berpengaruh).")]})
    return policy.eligibility(member, str(claim_type).upper(), str(claim_reason).upper(), clock.now().date())


def _lock_booking(booking: Booking) -> Booking:
    """Lock the booking row alone: FOR UPDATE over a join would, on PostgreSQL, re-check the join after
    waiting for a concurrent reschedule and return nothing. Related rows are read afterwards."""
    locked = Booking.objects.select_for_update().get(pk=booking.pk)
    locked.slot = SlotQuota.objects.get(pk=locked.slot_id)
    locked.claim = Claim.objects.get(pk=locked.claim_id)
    return locked


def _release_seat(slot: SlotQuota, now: datetime) -> None:
    """Give the seat back — to the first person waiting when there is one (held for them)."""
    nxt = None
    if slot.starts_at > now:
        nxt = WaitlistEntry.objects.filter(slot_id=slot.id, status=WaitlistEntry.Status.WAITING).order_by(
            "created_at", "id").first()
    if nxt is not None:
        SlotQuota.objects.filter(id=slot.id).update(booked=F("booked") - 1, held=F("held") + 1)
        _offer(nxt, slot, now)
    else:
        SlotQuota.objects.filter(id=slot.id).update(booked=F("booked") - 1)


def _offer(entry: WaitlistEntry, slot: SlotQuota, now: datetime) -> None:
    from lapakasik.notifications.services import notification_enqueue

    hold = now + timedelta(minutes=int(_setting("WAITLIST_HOLD_MINUTES", 30)))
    WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.OFFERED, offered_at=now,
                                                     hold_until=hold)
    branch = selectors.branch_info(slot.branch.code) if hasattr(slot, "branch") else None
    from django.urls import NoReverseMatch, reverse

    try:
        offer_url = reverse("booking:waitlist", kwargs={"entry": entry.pk})
    except NoReverseMatch:
        offer_url = ""
    context: dict[str, Any] = {"hold_until": hold.isoformat(), "waitlist_id": entry.pk, "name": entry.full_name,
                               "offer_url": offer_url}
    if branch:
        context.update(_slot_context(slot, branch), branch=branch.name, branch_time_zone=branch.time_zone)
    for channel in entry.channels or ["email"]:
        notification_enqueue(event="waitlist_offer", channels=[channel], language=entry.language, context=context,
                             recipient=entry.email if channel == "email" else entry.phone)


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
        _release_seat(slot, now)
        cache.invalidate_on_commit(slot.branch_id, [slot.id])
    booking.save(update_fields=fields)


def booking_cancel(*, booking: Booking, actor: Actor, reason: str = "", now: datetime | None = None) -> Booking:
    """Cancel the claim, and with it the booking (its seat released), in one transaction
    (``booking_follow_claim``). 409 ``booking_not_active`` when it is not active; a participant cannot
    cancel once the session has started (an officer can)."""
    now = now or clock.now()

    def attempt() -> Booking:
        with transaction.atomic():
            claim_lock(Claim(pk=booking.claim_id))  # lock order everywhere: claim, then booking
            locked = _lock_booking(booking)
            if locked.status != Booking.Status.ACTIVE:
                raise Conflict(_("Booking ini sudah tidak aktif (%(status)s); tidak ada yang dibatalkan.")
                               % {"status": locked.get_status_display()}, code="booking_not_active")
            if actor.kind == "participant" and locked.slot.starts_at <= now:
                raise Conflict(_("Sesi sudah dimulai; booking tidak bisa dibatalkan lagi."), code="session_started")
            slot = SlotQuota.objects.select_related("branch").get(pk=locked.slot_id)
            claim_transition(claim=locked.claim, to=State.CANCELLED, actor=actor, reason=reason,
                             data={"booking": locked.code}, notify=True,
                             notify_context={"code": locked.code, **_ctx_for(slot)})
            locked.refresh_from_db(fields=["status", "cancelled_at", "updated_at"])
            return locked

    result = _retrying(attempt)
    booking.status, booking.cancelled_at = result.status, result.cancelled_at
    return result


def _ctx_for(slot: SlotQuota) -> dict[str, Any]:
    info = selectors.branch_info(slot.branch.code)
    return _slot_context(slot, info) if info else {}


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
            claim_lock(Claim(pk=booking.claim_id))  # the history write below; lock order: claim, then booking
            locked = _lock_booking(booking)
            if locked.status != Booking.Status.ACTIVE:
                raise Conflict(_("Booking ini sudah tidak aktif; jadwal tidak bisa diubah."), code="booking_not_active")
            if actor.kind == "participant" and locked.slot.starts_at <= now:
                raise Conflict(_("Sesi sudah dimulai; jadwal tidak bisa diubah lagi."), code="session_started")
            # Lock both slots in id order (no deadlock between crossing reschedules), then take, then release.
            slots = {s.id: s for s in SlotQuota.objects.select_for_update().filter(
                id__in=[locked.slot_id, new_slot_id]).order_by("id")}
            if not _take_seat(new_slot_id):
                raise SlotFull()
            old = slots[locked.slot_id]
            _release_seat(old, now)
            new = SlotQuota.objects.select_related("branch").get(pk=new_slot_id)
            locked.slot = new
            locked.reschedule_count += 1
            locked.save(update_fields=["slot", "reschedule_count", "updated_at"])
            claim = locked.claim
            tz = ZoneInfo(branch.time_zone)
            claim.documents_due_at = policy.documents_due(new.starts_at.astimezone(tz))
            claim.branch_id = branch.id
            claim.save(update_fields=["documents_due_at", "branch", "updated_at"])
            context = _slot_context(new, branch)
            claim_event_record(claim=claim, kind=ClaimEvent.Kind.BOOKING_RESCHEDULED, actor=actor,
                               data={"from": _ctx_for(old), "to": context})
            from lapakasik.notifications.services import notification_enqueue

            previous = {f"old_{k}": v for k, v in _ctx_for(old).items() if k in ("date", "start", "end", "time_zone")}
            notification_enqueue(event="booking_rescheduled", claim=claim,
                                 context={"code": locked.code, **context, **previous})
            cache.invalidate_on_commit(old.branch_id, [old.id])
            cache.invalidate_on_commit(branch.id, [new_slot_id])
            return locked

    try:
        result = _retrying(attempt)
    except SlotFull:
        cache.mark_full(new_slot_id, branch.id)
        raise _slot_full(branch, session) from None
    booking.slot, booking.reschedule_count = result.slot, result.reschedule_count
    return result


def booking_expire_no_shows(*, now: datetime | None = None) -> int:
    """Bookings whose session ended more than NO_SHOW_GRACE_MINUTES ago: claims that never got past
    waiting for documents expire (no-show); the others' bookings are completed. Seats stay counted
    (the session is over). Returns how many expired."""
    now = now or clock.now()
    cutoff = now - timedelta(minutes=int(_setting("NO_SHOW_GRACE_MINUTES", 60)))
    expired = 0
    for pk, claim_id in Booking.objects.filter(status=Booking.Status.ACTIVE, slot__ends_at__lt=cutoff).values_list(
            "pk", "claim_id")[:1000]:
        with transaction.atomic():
            claim = claim_lock(Claim(pk=claim_id))  # lock order everywhere: claim, then booking
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


# --- waitlist -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WaitlistResult:
    entry: WaitlistEntry
    token: str
    position: int


def waitlist_join(
    *, branch_code: str, date: date | str, session_start: str, claim_type: str, claim_reason: str, nik: str,
    kpj: str, full_name: str, email: str, phone: str, language: str = "id", channels: list[str] | None = None,
    now: datetime | None = None, client_ip: str | None = None,
) -> WaitlistResult:
    """Join the waitlist of a full session (same checks as booking). 409 ``slot_has_room`` when a seat is
    free (book it instead), ``already_waiting`` when this NIK already waits for the session."""
    now = now or clock.now()
    ratelimit.check_ip(client_ip)
    ratelimit.check_identity(nik=nik, phone=phone)
    req, slot_id = _checked_request(
        now=now, branch_code=branch_code, date=date, session_start=session_start, claim_type=claim_type,
        claim_reason=claim_reason, nik=nik, kpj=kpj, full_name=full_name, email=email, phone=phone,
        language=language, channels=channels)
    token = new_token()
    try:
        with transaction.atomic():
            slot = SlotQuota.objects.select_for_update().get(pk=slot_id)
            if slot.remaining > 0 and not slot.closed:
                raise Conflict(_("Sesi ini masih punya kursi kosong; silakan langsung memesan."), code="slot_has_room")
            entry = WaitlistEntry.objects.create(
                slot=slot, nik=req.nik, kpj=req.kpj, full_name=req.full_name, email=req.email, phone=req.phone,
                language=req.language, channels=req.channels, claim_type=req.claim_type,
                claim_reason=req.claim_reason, token_digest=token_digest(token))
    except IntegrityError:
        raise Conflict(_("Anda sudah ada di daftar tunggu sesi ini."), code="already_waiting") from None
    position = WaitlistEntry.objects.filter(slot_id=slot_id, status=WaitlistEntry.Status.WAITING,
                                            id__lte=entry.id).count()
    return WaitlistResult(entry=entry, token=token, position=position)


def waitlist_get_authorised(*, entry_id: int, token: str) -> WaitlistEntry:
    import hmac

    from lapakasik.core.errors import NotFound

    entry = WaitlistEntry.objects.select_related("slot", "slot__branch").filter(pk=entry_id).first()
    if entry is None or not hmac.compare_digest(entry.token_digest, token_digest(token or "")):
        raise NotFound(code="waitlist_not_found")
    return entry


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
            if locked.status != WaitlistEntry.Status.OFFERED or (locked.hold_until and locked.hold_until <= now):
                raise Conflict(_("Tawaran kursi ini sudah tidak berlaku."), code="offer_not_open")
            if SlotQuota.objects.filter(id=locked.slot_id, held__gt=0).update(
                    held=F("held") - 1, booked=F("booked") + 1) != 1:
                raise Conflict(code="offer_not_open")
            slot = SlotQuota.objects.get(pk=locked.slot_id)
            avail = SessionAvailability(
                slot_id=slot.id, date=slot.date, start=f"{slot.session_start:%H:%M}", end=f"{slot.session_end:%H:%M}",
                starts_at=slot.starts_at, ends_at=slot.ends_at, capacity=slot.capacity, remaining=0, status="full")
            req = BookingRequest(branch=branch, date=slot.date, session=avail, claim_type=locked.claim_type,
                                 claim_reason=locked.claim_reason, nik=locked.nik, kpj=locked.kpj,
                                 full_name=locked.full_name, email=locked.email, phone=locked.phone,
                                 language=locked.language, channels=list(locked.channels or ["email"]))
            result = _open_booking(slot_id=slot.id, req=req, actor=actor, now=now, event_data={"waitlist": locked.pk})
            locked.status = WaitlistEntry.Status.ACCEPTED
            locked.booking = result.booking
            locked.save(update_fields=["status", "booking"])
            return result

    try:
        return _retrying(attempt)
    except IntegrityError:
        raise _duplicate() from None


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
                _offer(nxt, slot, now)
            else:
                SlotQuota.objects.filter(id=slot.id, held__gt=0).update(held=F("held") - 1)
            cache.invalidate_on_commit(slot.branch_id, [slot.id])
            count += 1
    WaitlistEntry.objects.filter(status=WaitlistEntry.Status.WAITING, slot__starts_at__lte=now).update(
        status=WaitlistEntry.Status.EXPIRED)
    return count


# --- slot generation ------------------------------------------------------------------------------

def slots_generate(*, now: datetime | None = None, branch_codes: list[str] | None = None) -> int:
    """Create the SlotQuota rows of every active branch's booking window (idempotent: existing rows are
    left alone) and mark rows of days closed since as closed. Returns rows created."""
    from lapakasik.branches.models import Branch
    from lapakasik.branches.selectors import sessions_for

    now = now or clock.now()
    created = 0
    qs = Branch.objects.select_related("region").filter(is_active=True)
    if branch_codes:
        qs = qs.filter(code__in=branch_codes)
    for b in qs:
        info = selectors._info(b)
        today, days, closures = selectors.branch_window(info, now)
        templates = sessions_for(b)
        rows = []
        for day in days:
            for t in templates:
                starts, ends = policy.slot_bounds(day, t.start, t.end, b.time_zone)
                rows.append(SlotQuota(branch=b, date=day, session_start=t.start, session_end=t.end, starts_at=starts,
                                      ends_at=ends, capacity=b.session_capacity or t.capacity))
        before = SlotQuota.objects.filter(branch=b, date__in=days).count()
        SlotQuota.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        created += SlotQuota.objects.filter(branch=b, date__in=days).count() - before
        closed_days = [d for d in closures if d > today]
        if closed_days:
            SlotQuota.objects.filter(branch=b, date__in=closed_days, closed=False).update(closed=True)
        cache.invalidate_now(b.id)
    return created
