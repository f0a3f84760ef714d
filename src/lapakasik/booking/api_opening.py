"""The fair opening's waiting-room API (relative to /api/v1/; the rules are ``booking.waitroom``): join the opening's queue and poll the place.

- ``POST /opening/places`` — the booking body without the session: 201 a new place, 200 the same place
  again for the same NIK; the place's status and its ``place_token`` (keep it: it is the bearer of the
  place).
- ``GET /opening/place`` — ``Authorization: Bearer <place_token>``: position, number ahead, the
  estimate, seats left, and once admitted the ``admission_token`` that ``POST /bookings`` takes.

Polling is served from the cache (no database write); more than ``OPENING_POLLS_PER_MINUTE`` polls a
minute of one place is a 429 with ``Retry-After`` — the place is kept.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from lapakasik.api.auth import AccessToken
from lapakasik.booking.api import ClaimantIn, client_ip, refused_as_conflict
from lapakasik.core.errors import NotFound
from lapakasik.core.validators import BranchCode

from .waitroom import services, tokens

router = Router(tags=["opening"])

ClaimType = Literal["JHT", "JKK", "JKM", "JP"]
ClaimReason = Literal["RESIGNED", "PHK", "AGE_56", "DISABILITY", "LEAVING_INDONESIA", "DEATH", "PARTIAL_10",
                      "PARTIAL_30", "ACCIDENT", "OCCUPATIONAL_DISEASE", "OLD_AGE"]
Phase = Literal["waiting_draw", "drawing", "waiting", "admitted", "lapsed", "booked", "sold_out", "over"]


class OpeningJoinIn(ClaimantIn):
    branch_code: BranchCode
    claim_type: ClaimType = "JHT"
    claim_reason: ClaimReason


class PlaceOut(Schema):
    phase: Phase = Field(..., description="waiting_draw: joined in the pre-queue window, the order is drawn at "
                                          "draw_at · drawing · waiting · admitted (admission_token given) · "
                                          "lapsed (the admission ran out) · booked · sold_out · over")
    branch_code: str
    opening_at: datetime
    draw_at: datetime = Field(..., description="When the random order of the window's places is drawn")
    position: int | None = Field(None, description="1-based, once the order is known")
    ahead: int | None = Field(None, description="People before you not admitted yet")
    draw_size: int = Field(..., description="Places in the draw (before the draw: joined so far)")
    estimate_from: datetime | None = Field(None, description="Earliest admission (before the draw: a range)")
    estimate_to: datetime | None = None
    admission_token: str | None = Field(None, description="Admitted: give it as POST /bookings admission_token")
    admission_expires_at: datetime | None = None
    opened_day: date | None = Field(None, description="The day this opening adds (branch-local)")
    seats_left: int = Field(..., description="Seats left on the opened day, every branch of the zone")
    seats_left_branch: int
    seats_likely: bool = Field(..., description="Fewer people ahead than seats left at the chosen branch's zone")
    booking_code: str = ""
    poll_seconds: int = Field(..., description="Ask again after this many seconds")


class PlaceJoinedOut(PlaceOut):
    place_token: str = Field(..., description="The bearer of the place (Authorization: Bearer …); joining again "
                                              "with the same NIK gives the same place and a token for it")


class ErrorOut(Schema):
    error: dict[str, Any]


def _place_token(params: dict[str, Any], token: str) -> str:
    if tokens.place_ref(token) is None:
        raise NotFound(code="place_not_found")
    return token


place_bearer = AccessToken(resolve=_place_token)


def place_out(st: services.PlaceStatus) -> dict[str, Any]:
    return {"phase": st.phase, "branch_code": st.branch_code, "opening_at": st.opening.opens_at,
            "draw_at": st.opening.admission_start, "position": st.position, "ahead": st.ahead,
            "draw_size": st.draw_size, "estimate_from": st.estimate_from, "estimate_to": st.estimate_to,
            "admission_token": st.admission_token, "admission_expires_at": st.admission_expires_at,
            "opened_day": st.opened_day, "seats_left": st.seats_left, "seats_left_branch": st.seats_left_branch,
            "seats_likely": st.seats_likely, "booking_code": st.booking_code, "poll_seconds": st.poll_seconds}


@router.post("/opening/places", response={200: PlaceJoinedOut, 201: PlaceJoinedOut, 409: ErrorOut, 422: ErrorOut,
                                          429: ErrorOut},
             summary="Masuk ruang tunggu pembukaan kuota / join the quota opening's waiting room")
def join(request: HttpRequest, payload: OpeningJoinIn) -> Status[dict[str, Any]]:
    """One place per NIK: the identity is checked against the registry and the eligibility rules before
    the place is given (409 ``not_eligible`` with ``rule`` and ``possible_from``); an heir names the deceased
    worker as for a booking (``insured_nik``, ``insured_kpj``). Everyone who joins in the
    pre-queue window gets a place in random order (drawn at ``draw_at``); later arrivals queue behind in
    arrival order. 409 ``opening_not_open`` outside an opening (with ``window_opens_at``),
    ``opening_sold_out`` when the day's seats are gone, ``duplicate_active_booking``."""
    with refused_as_conflict():
        joined = services.opening_join(branch_code=payload.branch_code, claim_type=payload.claim_type,
                                       claim_reason=payload.claim_reason, **payload.claimant_fields(),
                                       client_ip=client_ip(request))
    status = services.place_status(joined.token, throttle=False)
    return Status(201 if joined.created else 200, {**place_out(status), "place_token": joined.token})


@router.get("/opening/place", auth=place_bearer, response={200: PlaceOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut},
            summary="Posisi di ruang tunggu / my place in the waiting room (Authorization: Bearer place_token)")
def poll(request: HttpRequest) -> dict[str, Any]:
    return place_out(services.place_status(str(request.auth)))  # type: ignore[attr-defined]
