"""What the participant pages need from the booking engine, in page-ready shape. The pages call
only this module, the engine (``services``/``selectors``) is called only from here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from lapakasik.branches.models import Branch
from lapakasik.branches.selectors import branch_get
from lapakasik.claims.models import Claim
from lapakasik.claims.parties import APPLICANT_FIELDS
from lapakasik.claims.selectors import claim_amounts
from lapakasik.claims.services import Actor
from lapakasik.claims.workflow import TERMINAL
from lapakasik.core import clock
from lapakasik.core.errors import NotFound, ServiceError
from lapakasik.intake.catalogue import claim_checklist

from . import policy, selectors, services
from .models import Booking, WaitlistEntry
from .ticket import TicketData, ticket_data


def availability(branch: Branch) -> list[selectors.DayAvailability]:
    try:
        return selectors.availability_for_branch(branch=branch.code).days
    except NotFound:
        return []


def session_info(branch: Branch, day: date, start: str) -> selectors.SessionAvailability | None:
    try:
        return selectors.availability_for_branch(branch=branch.code).session(day, start)
    except NotFound:
        return None


def branch_summaries(branches: list[Branch]) -> dict[str, int]:
    """Seats left in the whole window per branch code (from the availability cache)."""
    out: dict[str, int] = {}
    for b in branches:
        out[b.code] = sum(d.remaining for d in availability(b))
    return out


def search_days() -> list[date]:
    """The bookable days as seen in WIB (the zone of most branches) for the country-wide search."""
    now = clock.now().astimezone(ZoneInfo("Asia/Jakarta"))
    conf: dict[str, Any] = settings.LAPAKASIK
    return policy.window_days(now.date(), now.hour, open_hour=int(conf.get("BOOKING_OPEN_HOUR", 0)),
                              days=int(conf.get("BOOKING_WINDOW_DAYS", 7)))


def search(*, day: date, region: str = "") -> list[Any]:
    """Branches with room on ``day`` (most room first), from the availability cache."""
    return list(selectors.availability_search(region=region or None, date=day))


def applicant_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The applicant's fields of the page's draft (the identity form's cleaned data), as the services take
    them (``claims.parties.APPLICANT_FIELDS``)."""
    values = {name: data.get(name) for name in APPLICANT_FIELDS}
    values["language"] = values["language"] or "id"
    values["channels"] = list(values["channels"] or [])
    values["kpj"] = values["kpj"] or ""
    return values


def claim_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Beside the applicant: the deceased insured worker an heir names, and the JP benefit form asked for."""
    return {"insured_nik": data.get("insured_nik") or "", "insured_kpj": data.get("insured_kpj") or "",
            "benefit_form": data.get("benefit_form") or None}


@dataclass(frozen=True)
class Created:
    code: str
    access_token: str


def create(*, branch: Branch, day: date, session: str, data: dict[str, Any], ip: str,
           admission_token: str | None = None) -> Created:
    result = services.booking_create(
        branch_code=branch.code, date=day, session_start=session, claim_type=data["claim_type"],
        claim_reason=data["claim_reason"], **applicant_fields(data), **claim_fields(data), actor=Actor.participant(), client_ip=ip,
        admission_token=admission_token,
    )
    return Created(code=result.booking.code, access_token=result.access_token)


def eligibility(data: dict[str, Any]) -> Any:
    """The registry verdict for the identity step (before the review): raises InvalidInput for a
    registry or name mismatch; returns the Verdict (``eligible`` or ``rule`` + ``possible_from``)."""
    return services.booking_eligibility(nik=data["nik"], kpj=data.get("kpj") or "", full_name=data["full_name"],
                                        claim_type=data["claim_type"], claim_reason=data["claim_reason"],
                                        **claim_fields(data))


def cancel(*, claim: Claim) -> None:
    services.booking_cancel(booking=_booking(claim), actor=Actor.participant(), reason="dibatalkan peserta")


def reschedule(*, claim: Claim, day: date, session: str) -> None:
    services.booking_reschedule(booking=_booking(claim), date=day, session_start=session,
                                actor=Actor.participant())


def _booking(claim: Claim) -> Booking:
    booking = Booking.objects.select_related("slot", "slot__branch").filter(claim=claim).first()
    if booking is None:
        raise ServiceError(code="booking_not_found", status=404)
    return booking


def alternatives_for(branch: Branch, day: date, start: str) -> dict[str, Any]:
    info = selectors.branch_info(branch.code)
    if info is None:
        return {}
    return selectors.alternatives_for(branch=info, day=day, start=start)


def slot_full(branch: Branch, day: date, start: str) -> ServiceError:
    """The ``slot_full`` refusal of a session already full, with its alternatives."""
    return services.SlotFull(extra={"alternatives": alternatives_for(branch, day, start)})


def alternatives_from(exc: ServiceError, branch: Branch) -> dict[str, Any]:
    """The alternatives of a ``slot_full`` answer, with page labels added."""
    alt = dict((exc.extra or {}).get("alternatives") or {})
    same = []
    for s in alt.get("same_branch") or []:
        day = date.fromisoformat(s["date"])
        same.append({**s, "date_label": formats.date_format(day, "l, j F Y"), "branch_name": str(branch)})
    nearby = []
    for r in alt.get("nearby") or []:
        day = date.fromisoformat(r["date"])
        nearby.append({**r, "date_label": formats.date_format(day, "l, j F Y")})
    return {"same_branch": same, "nearby": nearby}


@dataclass
class BookingView:
    code: str
    status: str  # Booking.Status value
    status_label: str
    claim_state_label: str
    active: bool
    can_change: bool
    branch: Branch
    date_label: str
    time_label: str
    due_label: str
    intake_email: str
    upload_url: str  # on this site's pages: follows the address the page was opened on
    ticket_pdf_url: str
    ticket_ics_url: str
    checklist: list[Any]
    documents: list[dict[str, Any]]
    documents_complete: bool
    amounts: dict[str, Any] | None = None  # the approved benefit's breakdown (claims.selectors.claim_amounts)


def _slot_times(claim: Claim, booking: Booking | None) -> tuple[datetime, datetime]:
    if booking is not None:
        return booking.slot.starts_at, booking.slot.ends_at
    raise NotFound(code="booking_not_found")


def ticket_data_for(claim: Claim) -> TicketData:
    booking = Booking.objects.select_related("slot").filter(claim=claim).first()
    start, end = _slot_times(claim, booking)
    data = ticket_data(claim, start=start, end=end)
    if booking is not None and booking.status == Booking.Status.CANCELLED:
        data.cancelled = True
    return data


def booking_view(claim: Claim) -> BookingView:
    booking = Booking.objects.select_related("slot").filter(claim=claim).first()
    data = ticket_data_for(claim)
    live = claim_checklist(claim)
    documents = [{"label": i.label, "required": i.required, "status": i.status, "status_label": i.status_label}
                 for i in live.items]
    status = booking.status if booking else ""
    status_label = booking.get_status_display() if booking else ""
    active = status == Booking.Status.ACTIVE and claim.state not in TERMINAL
    upcoming = booking is not None and booking.slot.starts_at > clock.now()
    return BookingView(
        code=claim.code, status=status, status_label=str(status_label), claim_state_label=data.status,
        active=active, can_change=active and upcoming, branch=claim.branch, date_label=data.date_local,
        time_label=data.time_local, due_label=data.due_local, intake_email=data.intake_email,
        upload_url=data.upload_link,
        ticket_pdf_url=reverse("booking:ticket_pdf", kwargs={"code": claim.code}),
        ticket_ics_url=reverse("booking:ticket_ics", kwargs={"code": claim.code}),
        checklist=data.checklist, documents=documents, documents_complete=live.complete,
        amounts=claim_amounts(claim, translation.get_language() or "id"),
    )


# --- waitlist ---------------------------------------------------------------------------------------


def waitlist_join(*, branch: Branch, day: date, session: str, data: dict[str, Any], ip: str) -> Any:
    return services.waitlist_join(
        branch_code=branch.code, date=day, session_start=session, claim_type=data["claim_type"],
        claim_reason=data["claim_reason"], **applicant_fields(data), **claim_fields(data), client_ip=ip)


def waitlist_entry(entry_id: int, token: str) -> Any:
    return services.waitlist_get_authorised(entry_id=entry_id, token=token)


def waitlist_by_offer_token(token: str) -> Any:
    return services.waitlist_get_by_offer_token(token)


def waitlist_refresh(entry: Any) -> Any:
    """The entry as stored now (after an accept was refused)."""
    return WaitlistEntry.objects.select_related("slot", "slot__branch", "booking").get(pk=entry.pk)


def branch_of(code: str) -> Branch:
    return branch_get(code)


def waitlist_accept(entry: Any) -> Created:
    result = services.waitlist_accept(entry=entry, actor=Actor.participant())
    return Created(code=result.booking.code, access_token=result.access_token)


@dataclass
class WaitlistView:
    id: int
    status: str
    status_label: str
    position: int
    branch: Any
    date_label: str
    time_label: str
    hold_until_label: str
    booking_code: str
    offer_open: bool


def waitlist_view(entry: Any) -> WaitlistView:
    slot = entry.slot
    branch = slot.branch
    tz = ZoneInfo(branch.time_zone or "Asia/Jakarta")
    start, end = slot.starts_at.astimezone(tz), slot.ends_at.astimezone(tz)
    position = 0
    if entry.status == WaitlistEntry.Status.WAITING:
        position = WaitlistEntry.objects.filter(slot_id=slot.id, status=WaitlistEntry.Status.WAITING,
                                                id__lte=entry.id).count()
    hold = ""
    offer_open = services.offer_is_open(entry)
    if offer_open and entry.hold_until:
        local = entry.hold_until.astimezone(tz)
        hold = f"{formats.date_format(local, 'l, j F Y')} {local:%H:%M} {branch.tz_abbreviation}"
    label = str(entry.get_status_display())
    if entry.status == WaitlistEntry.Status.OFFERED and not offer_open:
        label = _("Tawaran berakhir")
    return WaitlistView(
        id=entry.id, status=entry.status, status_label=label, position=position,
        branch=branch, date_label=str(formats.date_format(start, "l, j F Y")),
        time_label=f"{start:%H:%M}–{end:%H:%M} {branch.tz_abbreviation}", hold_until_label=hold,
        booking_code=entry.booking.code if entry.booking_id else "", offer_open=offer_open)
