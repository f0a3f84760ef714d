"""Broker signals across the places of one opening (docs/security.md, "Broker signals"): the same phone,
e-mail or device used to join for different NIKs.

- **At the join** the place's row gets three keyed digests (``booking.signals.signal_digest``, scoped to
  the opening): the phone (E.164), the e-mail (lower case) and the device. They are columns of the one
  row the join writes anyway — no other statement, no cache entry.
- **The device** is the waiting page's own first-party cookie (``DEVICE_COOKIE``: 32 random URL-safe
  characters, set by the join page, HttpOnly, a year) together with the browser's User-Agent (printable
  ASCII, at most 300 characters). No third-party script and no browser probing: a device is "this browser
  profile as it presents itself". A cookie that is not exactly what the page sets (too long, other
  characters, NUL) is ignored — no device digest — and the page sets a fresh one. A join without the
  cookie (the API, a script without a cookie jar) has no device digest.
- **The sweep** (``opening_signals_sweep``, every minute on the worker) groups each opening's places by
  each digest; a digest shared by two or more NIKs becomes a ``BrokerSignal`` (source ``opening``) whose
  entries are all those places, and a booking made from a flagged place gets ``broker_flag``. It only
  flags — nobody is refused — and officers see the signals beside the booking's own (the admin's broker
  list); the operators' opening page shows their count.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.db.models import Count

from lapakasik.booking.models import Booking, BrokerSignal, BrokerSignalEntry, OpeningPlace
from lapakasik.booking.signals import signal_digest, signal_record
from lapakasik.claims.parties import Applicant

from .policy import Opening

log = logging.getLogger(__name__)

DEVICE_COOKIE = "lapakasik_perangkat"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 3600
_COOKIE = re.compile(r"[A-Za-z0-9_-]{32}")
_UA_CHARS = 300
KINDS = ("phone", "email", "device")


def device_key(cookie: object, user_agent: object) -> str:
    """The device as compared: the page's cookie and the User-Agent; "" when the cookie is not one the
    page could have set (absent, huge, other characters, NUL)."""
    if not isinstance(cookie, str) or not _COOKIE.fullmatch(cookie):
        return ""
    agent = user_agent if isinstance(user_agent, str) else ""
    agent = "".join(ch for ch in agent[:_UA_CHARS * 4] if " " <= ch <= "~")[:_UA_CHARS].strip()
    return f"{cookie}\x00{agent}"


def place_digests(op: Opening, applicant: Applicant, device: str = "") -> dict[str, str]:
    """The three digests of a new place (columns of ``OpeningPlace``)."""
    scope = f"opening:{op.id}"
    return {"phone_digest": signal_digest("phone", scope, (applicant.phone or "").strip()),
            "email_digest": signal_digest("email", scope, (applicant.email or "").strip().lower()),
            "device_digest": signal_digest("device", scope, device)}


@dataclass(frozen=True)
class SignalCounts:
    signals: int  # digests shared by different NIKs
    places: int  # places flagged by at least one of them


def signal_counts(op: Opening) -> SignalCounts:
    """For the operators' page: the opening's signals and the places they flag (two queries)."""
    signals = BrokerSignal.objects.filter(source=BrokerSignal.Source.OPENING, opening_at=op.opens_at)
    places = (BrokerSignalEntry.objects.filter(signal__in=signals, place__isnull=False)
              .values("place_id").distinct().count())
    return SignalCounts(signals=signals.count(), places=places)


def sweep_opening(op: Opening) -> int:
    """Record every digest of the opening shared by different NIKs; returns the signals new or grown."""
    known = {(k, v): n for k, v, n in BrokerSignal.objects.filter(
        source=BrokerSignal.Source.OPENING, opening_at=op.opens_at).values_list("kind", "value", "nik_count")}
    places = OpeningPlace.objects.filter(opening_at=op.opens_at)
    changed = 0
    for kind in KINDS:
        column = f"{kind}_digest"
        groups = (places.exclude(**{column: ""}).values(column).annotate(niks=Count("nik_digest", distinct=True))
                  .filter(niks__gte=2).values_list(column, "niks"))
        for digest, niks in groups:
            if known.get((kind, digest)) == niks:
                continue  # nothing new since the last sweep
            rows = list(places.filter(**{column: digest}).values_list("id", "nik_digest"))
            signal_record(kind=kind, source=BrokerSignal.Source.OPENING, value=digest, nik_count=niks,
                          opening_at=op.opens_at, places=rows)
            changed += 1
    flagged = BrokerSignalEntry.objects.filter(signal__source=BrokerSignal.Source.OPENING,
                                               signal__opening_at=op.opens_at, place__isnull=False)
    codes = (OpeningPlace.objects.filter(pk__in=flagged.values("place_id")).exclude(booking_code="")
             .values("booking_code"))
    booked = Booking.objects.filter(code__in=codes, broker_flag=False).update(broker_flag=True)
    if changed or booked:
        log.warning("opening %s: %d broker signals new or grown, %d bookings flagged", op.id, changed, booked)
    return changed
