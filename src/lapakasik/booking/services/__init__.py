"""Every write of the online queue, by responsibility:

- ``validation`` — checking a request (slot, claim, applicant, one open claim, registry); writes nothing;
- ``slots`` — slot rows, taking a seat, the session facts, retrying a deadlocked transaction;
- ``opening`` — the claim (through ``claims.services.claim_open``), booking, intake links and confirmation
  written in the seat's transaction;
- ``bookings`` — book, cancel, reschedule, no-shows (the statement order is explained there);
- ``waitlist`` — join, offer a freed seat, accept, lapse.

The names below are the public ones; callers import them from ``lapakasik.booking.services``.
"""

from .bookings import (
    booking_cancel,
    booking_create,
    booking_expire_no_shows,
    booking_follow_claim,
    booking_reschedule,
)
from .opening import BookingResult
from .slots import ensure_slot, slots_generate, ticket_urls
from .validation import (
    BookingRequest,
    SlotFull,
    bookable_claim_types,
    booking_eligibility,
    check_registry,
    resolve_slot,
    validate_request,
)
from .waitlist import (
    WaitlistResult,
    entry_applicant,
    offer_is_open,
    waitlist_accept,
    waitlist_expire_offers,
    waitlist_get_authorised,
    waitlist_get_by_offer_token,
    waitlist_join,
)

__all__ = [
    "BookingRequest", "BookingResult", "SlotFull", "WaitlistResult", "bookable_claim_types", "booking_cancel",
    "booking_create", "booking_eligibility", "booking_expire_no_shows", "booking_follow_claim", "booking_reschedule", "check_registry",
    "ensure_slot", "entry_applicant", "offer_is_open", "resolve_slot", "slots_generate", "ticket_urls", "validate_request",
    "waitlist_accept", "waitlist_expire_offers", "waitlist_get_authorised", "waitlist_get_by_offer_token",
    "waitlist_join",
]
