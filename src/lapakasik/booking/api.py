"""The online-queue API (relative to /api/v1/).

- ``GET  /branches/{code}/availability?from=&to=`` — per date and session: start, end, capacity,
  remaining, status (open / full / closed), in the branch's zone.
- ``GET  /availability?region=&date=&claim_type=`` — branches with room on a date.
- ``POST /bookings`` — 201 with code, status, branch, slot, intake links, ticket URLs, access token. An
  heir adds the deceased worker's ``insured_nik`` and ``insured_kpj`` to their own identity.
- ``GET  /bookings/{code}``, ``POST /bookings/{code}/cancel``, ``POST /bookings/{code}/reschedule`` —
  authorised by ``Authorization: Bearer <access_token>`` (never a token in a URL).
- ``POST /waitlist``, ``GET /waitlist/{id}``, ``POST /waitlist/{id}/accept`` — the waitlist of a full
  session, authorised by the entry's own bearer token.

Errors: 422 per field, 409 ``slot_full`` (with ``alternatives``) / ``duplicate_active_booking`` /
``not_eligible`` (with ``rule`` and ``possible_from``), 429 with ``Retry-After``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.security import django_auth
from pydantic import ConfigDict, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from lapakasik.accounts.access import authorise, require
from lapakasik.accounts.policy import Action
from lapakasik.api.auth import AccessToken, claim_of, participant_claim
from lapakasik.claims.schemas import ApplicantIn
from lapakasik.claims.selectors import claim_amounts
from lapakasik.claims.services import Actor
from lapakasik.core import microcache, net
from lapakasik.core.errors import Conflict, InvalidInput, NotFound
from lapakasik.core.validators import (
    BranchCode,
    IsoDate,
    Kpj,
    Nik,
    PublicCode,
    RegionCode,
    SessionStart,
    free_text,
)
from lapakasik.intake.selectors import intake_links_get

from . import cache, selectors, services
from .models import Booking, WaitlistEntry

router = Router(tags=["booking"])

# The claim types and reasons the document lists (``claims.reasons.REASONS``; a test keeps them equal). A
# type that is not bookable online here, or a reason of another type, is a 409: well-formed, refused.
ClaimType = Literal["JHT", "JKK", "JKM", "JP"]
ClaimReason = Literal["RESIGNED", "PHK", "AGE_56", "DISABILITY", "LEAVING_INDONESIA", "DEATH", "PARTIAL_10",
                      "PARTIAL_30", "ACCIDENT", "OCCUPATIONAL_DISEASE", "OLD_AGE"]
CodePath = Path[PublicCode]


# --- schemas -------------------------------------------------------------------------------------------

class SessionOut(Schema):
    start: str = Field(..., description="HH:MM, branch-local")
    end: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    remaining: int
    status: str = Field(..., description="open | full | closed")


class DayOut(Schema):
    date: date
    status: str
    closed_reason: str
    sessions: list[SessionOut]


class BranchAvailabilityOut(Schema):
    branch_code: str
    branch_name: str
    time_zone: str
    time_zone_abbreviation: str
    days: list[DayOut]


class AvailabilityQuery(Schema):
    date_from: IsoDate | None = Field(None, alias="from")
    date_to: IsoDate | None = Field(None, alias="to", description="to before from: no days")


class BranchRoomOut(Schema):
    branch_code: str
    branch_name: str
    region_code: str
    city: str
    time_zone_abbreviation: str
    date: date
    remaining: int
    sessions: list[SessionOut]


class SearchQuery(Schema):
    region: RegionCode | None = None
    date: IsoDate
    claim_type: ClaimType = "JHT"


class SessionChoiceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    branch_code: BranchCode
    date: IsoDate = Field(..., description="YYYY-MM-DD (branch-local)")
    session_start: SessionStart
    claim_type: ClaimType = "JHT"
    claim_reason: ClaimReason


# Who applies (``claims.schemas.ApplicantIn``, defined once) and — when an heir applies — the deceased insured
# worker; a booking and a place in the opening's waiting room take the same. A comment, not a docstring: the
# published schema's description stays the fields' own.
class ClaimantIn(ApplicantIn):
    # Optional here (an heir has no KPJ of their own); ``shape_errors`` asks for it from the participant.
    kpj: Kpj | None = Field(  # type: ignore[assignment]
        None, description="Nomor KPJ pemohon (11 angka): wajib bila pemohon adalah peserta sendiri; ahli waris boleh "
                          "mengosongkannya / the applicant's KPJ: required unless insured_nik and insured_kpj are given "
                          "(missing: 409 refused on kpj)")
    insured_nik: Nik | None = Field(None, description="Ahli waris: NIK peserta yang meninggal (bersama insured_kpj) / an "
                                                      "heir: the deceased insured worker's NIK (with insured_kpj; one without the "
                                                      "other: 409 refused on the missing one)")
    insured_kpj: Kpj | None = Field(None, description="Ahli waris: nomor KPJ peserta yang meninggal (bersama insured_nik) / "
                                                      "an heir: the deceased insured worker's KPJ (with insured_nik)")
    benefit_form: Literal["monthly", "lump_sum"] | None = Field(
        None, description="JP hari tua: pensiun bulanan (minimal 180 bulan iuran) atau manfaat sekaligus; kosong: "
                          "menurut masa iuran / JP old age: the benefit form asked for (none: the one the months give)")

    def claimant_fields(self) -> dict[str, Any]:
        """The applicant's keywords and the insured worker's, as ``services.booking_create`` takes them. That
        the insured worker's NIK and KPJ come together, and that without them the applicant gives their own
        KPJ, is the service's to say (409 ``refused`` per field): each body is well formed on its own."""
        return {**self.applicant_fields(), "kpj": self.kpj or "", "insured_nik": self.insured_nik or "",
                "insured_kpj": self.insured_kpj or "", "benefit_form": self.benefit_form}


# The session and claim chosen, then who applies.
class BookingIn(ClaimantIn, SessionChoiceIn):
    pass


class BookingCreateIn(BookingIn):
    admission_token: str | None = Field(
        None, max_length=400, pattern=r"^[A-Za-z0-9_:-]{1,400}$", description="During a quota opening: the token the waiting room gave when your turn "
                                          "came (GET /opening/place). Without it: 409 admission_required")


class BranchOut(Schema):
    code: str
    name: str
    address: str
    city: str
    time_zone: str
    time_zone_abbreviation: str


class SlotOut(Schema):
    date: date
    start: str
    end: str
    time_zone: str
    zone: str = Field(..., description="WIB / WITA / WIT")
    starts_at: datetime
    ends_at: datetime


class IntakeOut(Schema):
    email_address: str
    upload_url: str


class ClaimAmountsOut(Schema):
    """The approved benefit, as the participant reads it (whole rupiah)."""

    gross: int = Field(..., description="Bruto / gross")
    tax_free: int = Field(..., description="Bagian bebas pajak (0 %) / the tax-free part")
    taxable: int = Field(..., description="Bagian yang dikenai pajak / the taxed part")
    rate_percent: str = Field(..., description="Tarif pajak final, persen / final tax rate, per cent")
    has_npwp: bool = Field(..., description="Tarif dengan NPWP (tanpa NPWP: 20 % lebih tinggi)")
    tax: int
    net: int = Field(..., description="Neto yang ditransfer / the net transferred")
    percent: int | None = Field(None, description="JHT sebagian: bagian saldo (%)")
    legal_basis: str


class BookingOut(Schema):
    code: str
    status: str
    claim_state: str
    claim_type: str
    claim_reason: str
    branch: BranchOut
    slot: SlotOut
    documents_due_at: datetime | None
    intake: IntakeOut | None
    ticket_pdf_url: str
    calendar_ics_url: str
    amounts: ClaimAmountsOut | None = Field(None, description="Setelah disetujui: rincian manfaat / once approved: the "
                                                         "benefit's breakdown")


class BookingCreatedOut(BookingOut):
    access_token: str = Field(..., description="Keep it: it authorises GET/cancel/reschedule of this booking "
                                               "(Authorization: Bearer …)")


class CancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = free_text(500, default="")


class RescheduleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    date: IsoDate
    session_start: SessionStart
    branch_code: BranchCode | None = None


class WaitlistOut(Schema):
    id: int
    status: str
    position: int | None = None
    hold_until: datetime | None = None
    branch_code: str
    date: date
    session_start: str
    booking_code: str | None = Field(None, description="The booking made when the offer was accepted")


class WaitlistCreatedOut(WaitlistOut):
    access_token: str


class ErrorOut(Schema):
    error: dict[str, Any]


# --- helpers -------------------------------------------------------------------------------------------

def client_ip(request: HttpRequest) -> str:
    return net.client_ip(request)


def booking_out(booking: Booking, *, intake: Any = None) -> dict[str, Any]:
    slot = booking.slot
    links = intake if intake is not None else intake_links_get(booking.claim)
    return _booking_json(booking, branch=slot.branch, starts_at=slot.starts_at, ends_at=slot.ends_at, intake=links)


def _booking_json(booking: Booking, *, branch: Any, starts_at: datetime, ends_at: datetime,
                  intake: Any) -> dict[str, Any]:
    """``branch``: a Branch or a cached BranchInfo (the same attribute names)."""
    tz = ZoneInfo(branch.time_zone)
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    pdf_url, ics_url = services.ticket_urls(booking.code)
    return {
        "code": booking.code, "status": booking.status, "claim_state": booking.claim.state,
        "claim_type": booking.claim.claim_type, "claim_reason": booking.claim.claim_reason,
        "branch": {"code": branch.code, "name": branch.name, "address": branch.address, "city": branch.city,
                   "time_zone": branch.time_zone, "time_zone_abbreviation": branch.tz_abbreviation},
        "slot": {"date": start.date(), "start": f"{start:%H:%M}", "end": f"{end:%H:%M}", "time_zone": branch.time_zone,
                 "zone": branch.tz_abbreviation, "starts_at": starts_at.astimezone(UTC), "ends_at": ends_at.astimezone(UTC)},
        "documents_due_at": booking.claim.documents_due_at,
        "intake": {"email_address": intake.email_address, "upload_url": intake.upload_url} if intake else None,
        "ticket_pdf_url": pdf_url, "calendar_ics_url": ics_url,
    }


def _created_out(result: services.BookingResult) -> dict[str, Any]:
    """A new booking's 201 answer, from what the transaction wrote and the cached branch facts (no
    re-read), with the access token shown this once."""
    booked = result.request
    return {**_booking_json(result.booking, branch=booked.branch, starts_at=booked.session.starts_at,
                            ends_at=booked.session.ends_at, intake=result.intake),
            "access_token": result.access_token}


def _authorised(request: HttpRequest) -> Booking:
    """The booking of the claim ``participant_claim`` resolved from the token and ``{code}``."""
    return selectors.booking_for_claim(claim_of(request))


_UNPARSED_PATH = object()


def _waitlist_entry(params: dict[str, Any], token: str) -> Any:
    """``{entry_id}``'s entry if ``token`` is its token (the same 404 for a wrong token and an unknown id).
    An id that is not a number is left to the operation's own validation (422, as for any path)."""
    try:
        entry_id = TypeAdapter(int).validate_python(params.get("entry_id"))
    except PydanticValidationError:
        return _UNPARSED_PATH
    return services.waitlist_get_authorised(entry_id=entry_id, token=token)


waitlist_token = AccessToken(resolve=_waitlist_entry)


def _entry(request: HttpRequest) -> WaitlistEntry:
    entry = request.auth  # type: ignore[attr-defined]
    if not isinstance(entry, WaitlistEntry):
        raise TypeError("the operation must use auth=waitlist_token")
    return entry


def _waitlist_out(entry: WaitlistEntry, position: int | None = None) -> dict[str, Any]:
    return {"id": entry.pk, "status": entry.status, "position": position, "hold_until": entry.hold_until,
            "branch_code": entry.slot.branch.code, "date": entry.slot.date,
            "session_start": f"{entry.slot.session_start:%H:%M}",
            "booking_code": entry.booking.code if entry.booking is not None else None}


@contextmanager
def refused_as_conflict() -> Iterator[None]:
    """The request met every rule of the document (Django Ninja checked it first); what the services still
    refuse depends on the state of the world — the branch, the booking window, the calendar, the sessions,
    the registry — so it is a 409 (same error code, message and fields), never a 422. A client generated
    from the document gets 422 only for what the document says is malformed."""
    try:
        yield
    except InvalidInput as exc:
        raise Conflict(exc.message, code=exc.code if exc.code != "invalid" else "refused", fields=exc.fields,
                       extra=exc.extra, headers=exc.headers) from None


# --- routes ---------------------------------------------------------------------------------------------

def _session_json(s: selectors.SessionAvailability) -> dict[str, Any]:
    return {"start": s.start, "end": s.end, "starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat(),
            "capacity": s.capacity, "remaining": s.remaining, "status": s.status}


def _json(body: bytes) -> HttpResponse:
    return HttpResponse(body, content_type="application/json; charset=utf-8")


# Availability answers are read-mostly: the JSON itself is cached, under a key holding the branch's (or
# the network's) generation, which every change bumps — a cached answer is never older than the last
# change this cache saw, and never older than AVAILABILITY_CACHE_SECONDS.

@router.get("/branches/{code}/availability", response=BranchAvailabilityOut,
            summary="Ketersediaan sesi satu cabang / one branch's session availability")
def branch_availability(request: HttpRequest, code: Path[BranchCode], q: Query[AvailabilityQuery]) -> HttpResponse:
    info = selectors.branch_info(code)
    if info is None:
        raise NotFound(code="branch_not_found")
    gen, _all = cache.generations(info.id)
    window_day, window_open = selectors._window_key(info, None)
    key = (f"booking:json:avail:{info.id}:{gen}:{window_day.isoformat()}:{int(window_open)}:"
           f"{q.date_from or ''}:{q.date_to or ''}")
    body = cache.get(key)
    if body is None:
        avail = selectors.availability_for_branch(branch=info, date_from=q.date_from, date_to=q.date_to)
        body = json.dumps({
            "branch_code": info.code, "branch_name": info.name, "time_zone": info.time_zone,
            "time_zone_abbreviation": info.tz_abbreviation,
            "days": [{"date": d.date.isoformat(), "status": d.status, "closed_reason": d.closed_reason,
                      "sessions": [_session_json(s) for s in d.sessions]} for d in avail.days]},
            ensure_ascii=False).encode()
        cache.put(key, body)
    return microcache.mark(_json(body), deps={cache.gen_key(info.id): gen})


@router.get("/availability", response={200: list[BranchRoomOut], 409: ErrorOut},
            summary="Cabang yang masih punya kuota pada tanggal tertentu / branches with room on a date")
def availability_search(request: HttpRequest, q: Query[SearchQuery]) -> HttpResponse:
    claim_type = q.claim_type
    if claim_type not in services.bookable_claim_types():
        raise Conflict(code="not_bookable", fields={"claim_type": [_("Jenis klaim ini belum bisa dipesan melalui antrean online.")]})
    region = (q.region or "").strip().upper()
    gen_all = cache.generation_all()
    key = (f"booking:json:search:{gen_all}:{cache.key_part(region) if region else ''}:"
           f"{q.date.isoformat()}:{cache.key_part(claim_type)}")
    body = cache.get(key)
    if body is None:
        rooms = selectors.availability_search(region=region or None, date=q.date, claim_type=claim_type)
        body = json.dumps([
            {"branch_code": r.branch.code, "branch_name": r.branch.name, "region_code": r.branch.region_code,
             "city": r.branch.city, "time_zone_abbreviation": r.branch.tz_abbreviation, "date": r.date.isoformat(),
             "remaining": r.remaining, "sessions": [_session_json(s) for s in r.sessions]} for r in rooms],
            ensure_ascii=False).encode()
        cache.put(key, body)
    return microcache.mark(_json(body), deps={cache.GEN_ALL: gen_all})


@router.post("/bookings", response={201: BookingCreatedOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
             summary="Pesan antrean / book a session")
def create_booking(request: HttpRequest, payload: BookingCreateIn) -> Status[dict[str, Any]]:
    """During a quota opening (docs/booking.md, "Fair opening") a booking needs ``admission_token``: 409
    ``admission_required`` without it (with ``waiting_room_url``), ``admission_invalid`` for a forged or
    malformed one, ``admission_other_nik``, ``admission_expired``, ``admission_used``."""
    with refused_as_conflict():
        result = services.booking_create(
            branch_code=payload.branch_code, date=payload.date, session_start=payload.session_start,
            claim_type=payload.claim_type, claim_reason=payload.claim_reason, **payload.claimant_fields(),
            actor=Actor.participant(), client_ip=client_ip(request), admission_token=payload.admission_token)
    return Status(201, _created_out(result))


@router.get("/bookings/{code}", auth=participant_claim, response={200: BookingOut, 401: ErrorOut, 404: ErrorOut},
            summary="Booking saya / my booking (Authorization: Bearer)")
def get_booking(request: HttpRequest, code: CodePath) -> dict[str, Any]:
    booking = _authorised(request)
    return {**booking_out(booking), "amounts": claim_amounts(booking.claim, translation.get_language() or "id")}


@router.post("/bookings/{code}/cancel", auth=participant_claim, response={200: BookingOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             summary="Batalkan booking / cancel (Authorization: Bearer)")
def cancel_booking(request: HttpRequest, code: CodePath, payload: CancelIn | None = None) -> dict[str, Any]:
    booking = _authorised(request)
    services.booking_cancel(booking=booking, actor=Actor.participant(), reason=(payload.reason if payload else ""))
    return booking_out(selectors.booking_get(code=booking.code))


@router.post("/bookings/{code}/reschedule",
             auth=participant_claim, response={200: BookingOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
             summary="Ubah jadwal / reschedule (Authorization: Bearer)")
def reschedule_booking(request: HttpRequest, code: CodePath, payload: RescheduleIn) -> dict[str, Any]:
    booking = _authorised(request)
    with refused_as_conflict():
        services.booking_reschedule(booking=booking, date=payload.date, session_start=payload.session_start,
                                    branch_code=payload.branch_code, actor=Actor.participant())
    return booking_out(selectors.booking_get(code=booking.code))


@router.post("/waitlist", response={201: WaitlistCreatedOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
             summary="Masuk daftar tunggu sesi penuh / join a full session's waitlist")
def join_waitlist(request: HttpRequest, payload: BookingIn) -> Status[dict[str, Any]]:
    """The same body and checks as ``POST /bookings`` (NIK, KPJ, name, eligibility, one open claim per
    insured NIK and claim type), for a session that is full. 201: the position and the entry's own access
    token (shown once). 409 ``slot_has_room`` when the session has a free seat (book it instead),
    ``already_waiting`` when this NIK already waits for the session. When a seat is offered, the message
    to the participant carries a link of its own (``/antrean/tawaran/<token>/``) that opens the offer in any
    browser."""
    with refused_as_conflict():
        result = services.waitlist_join(
            branch_code=payload.branch_code, date=payload.date, session_start=payload.session_start,
            claim_type=payload.claim_type, claim_reason=payload.claim_reason, **payload.claimant_fields(),
            client_ip=client_ip(request))
    entry = WaitlistEntry.objects.select_related("slot", "slot__branch").get(pk=result.entry.pk)
    return Status(201, {**_waitlist_out(entry, result.position), "access_token": result.token})


@router.get("/waitlist/{entry_id}", auth=waitlist_token, response={200: WaitlistOut, 401: ErrorOut, 404: ErrorOut},
            summary="Status daftar tunggu / waitlist status (Authorization: Bearer)")
def get_waitlist(request: HttpRequest, entry_id: int) -> dict[str, Any]:
    entry = _entry(request)
    if entry.status == WaitlistEntry.Status.WAITING:
        return _waitlist_out(entry, WaitlistEntry.objects.filter(
            slot_id=entry.slot_id, status=WaitlistEntry.Status.WAITING, id__lte=entry.pk).count())
    return _waitlist_out(entry)


@router.post("/waitlist/{entry_id}/accept", auth=waitlist_token, response={201: BookingCreatedOut, 401: ErrorOut, 404: ErrorOut,
                                                       409: ErrorOut},
             summary="Ambil kursi yang ditawarkan / accept the offered seat (Authorization: Bearer)")
def accept_waitlist(request: HttpRequest, entry_id: int) -> Status[dict[str, Any]]:
    """The held seat becomes a booking (201, as ``POST /bookings``). Once only: accepting again is a 409
    ``offer_already_accepted`` with ``booking_code``; an offer not made yet or past its hold time is a 409
    ``offer_not_open``."""
    entry = _entry(request)
    result = services.waitlist_accept(entry=entry, actor=Actor.participant())
    return Status(201, _created_out(result))


# --- officers (Django session log-in; every decision from accounts.policy) ---------------------------

class OfficerCancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = free_text(500, min_length=3)


def _officer_booking(request: HttpRequest, code: str, action: Action) -> Booking:
    """The booking if ``accounts.policy`` lets the logged-in user do ``action`` at its branch: a role
    that may never do it gets 403 before any look-up; a booking outside the user's scope gets the same
    404 as an unknown code (no probing of codes at other branches)."""
    require(request.user, action)
    booking = selectors.booking_get(code=code)
    require(request.user, action, branch=booking.slot.branch, not_found_code="booking_not_found")
    return booking


@router.get("/officer/bookings/{code}", auth=django_auth, response={200: BookingOut, 401: ErrorOut, 403: ErrorOut,
                                                                      404: ErrorOut},
            summary="Booking di cabang petugas / a booking at the officer's branch")
def officer_get_booking(request: HttpRequest, code: CodePath) -> dict[str, Any]:
    return booking_out(_officer_booking(request, code, Action.VIEW_CLAIM))


@router.post("/officer/bookings/{code}/cancel", auth=django_auth,
             response={200: BookingOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
             summary="Petugas membatalkan booking / an officer cancels a booking")
def officer_cancel_booking(request: HttpRequest, code: CodePath, payload: OfficerCancelIn) -> dict[str, Any]:
    booking = _officer_booking(request, code, Action.CANCEL_BOOKING)
    services.booking_cancel(booking=booking, actor=Actor.officer(request.user), reason=payload.reason)
    return booking_out(selectors.booking_get(code=booking.code))


@router.post("/officer/bookings/{code}/reschedule", auth=django_auth,
             response={200: BookingOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
             summary="Petugas mengubah jadwal booking / an officer reschedules a booking")
def officer_reschedule_booking(request: HttpRequest, code: CodePath, payload: RescheduleIn) -> dict[str, Any]:
    from lapakasik.branches.models import Branch

    booking = _officer_booking(request, code, Action.RESCHEDULE_BOOKING)
    if payload.branch_code:
        target = Branch.objects.filter(code__iexact=payload.branch_code.strip()).first()
        if target is not None and not authorise(request.user, Action.RESCHEDULE_TO_BRANCH, branch=target).allowed:
            raise Conflict(code="out_of_scope", fields={"branch_code": [_(
                "Anda hanya dapat memindahkan booking ke cabang wilayah kerja Anda.")]})
    with refused_as_conflict():
        services.booking_reschedule(booking=booking, date=payload.date, session_start=payload.session_start,
                                    branch_code=payload.branch_code, actor=Actor.officer(request.user))
    return booking_out(selectors.booking_get(code=booking.code))
