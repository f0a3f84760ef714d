"""Broker signals across NIKs by keyed digest (docs/security.md, "Broker signals"): the digest, and the
one write that records a signal with the places or claims it flags. Used by the waiting room
(``waitroom/signals.py``: the same phone, e-mail or device for different NIKs in one opening) and by
payments (the same bank account number for different insured NIKs). The booking's own contact check
(``services/opening.broker_check``) is older and keeps the contact itself in ``value``.

A digest is an HMAC-SHA256 with the server's ``SECRET_KEY`` of the kind, the scope (an opening, or
"bank") and the normalised value, cut to 32 hex digits (128 bits): equal values give equal digests, and
without the key a digest cannot be turned back into a phone number or account number even though those
are few enough to try them all. Neither the value nor its digest is written to a log line.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction

from lapakasik.booking.models import BrokerSignal, BrokerSignalEntry
from lapakasik.core import clock

DIGEST_CHARS = 32


def signal_digest(kind: str, scope: str, value: str) -> str:
    """The keyed digest of ``value`` (already normalised) for ``kind`` within ``scope``; "" for no value."""
    if not value:
        return ""
    message = f"broker-signal\x00{kind}\x00{scope}\x00{value}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:DIGEST_CHARS]


def signal_record(*, kind: str, source: str, value: str, nik_count: int, opening_at: datetime | None = None,
                  places: Iterable[tuple[int, str]] = (), claims: Iterable[tuple[int, str]] = ()) -> BrokerSignal:
    """Upsert the signal (``kind``, ``value``) and add its entries — ``places``/``claims`` as (id, NIK
    digest) — once each. In the caller's transaction, or its own."""
    with transaction.atomic():
        signal, created = BrokerSignal.objects.get_or_create(
            kind=kind, value=value, defaults={"source": source, "nik_count": nik_count, "opening_at": opening_at})
        if not created and signal.nik_count != nik_count:
            BrokerSignal.objects.filter(pk=signal.pk).update(nik_count=nik_count, reviewed=False,
                                                             last_seen_at=clock.now())
            signal.nik_count = nik_count
        entries = [BrokerSignalEntry(signal=signal, place_id=pid, nik_digest=nik) for pid, nik in places]
        entries += [BrokerSignalEntry(signal=signal, claim_id=cid, nik_digest=nik) for cid, nik in claims]
        if entries:
            BrokerSignalEntry.objects.bulk_create(entries, ignore_conflicts=True)
    return signal
