"""The claim history's hash chain: how an event is hashed, and the check that finds the first broken
event of a claim (pure: rows in, verdict out; the caller streams the rows).

Each event's ``hash`` is sha256 over the previous event's hash and the event's own content (claim
code, seq, kind, states, actor, reason, data, time). So:

- **edited**: a row whose content no longer gives its stored hash;
- **missing**: a gap in the sequence (a deleted row), no history at all, or a history that ends
  before the claim's current state (the last rows were deleted);
- **reordered**: a row that is intact in itself but stands in the wrong place (its hash fits a
  neighbouring seq, it is older than the row before it, or it does not follow the row before it).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

EDITED, MISSING, REORDERED = "edited", "missing", "reordered"

#: The columns a check needs, in this order (``ClaimEvent.objects.values_list(*EVENT_COLUMNS)``).
EVENT_COLUMNS = ("seq", "kind", "from_state", "to_state", "actor_kind", "actor_label", "reason", "data",
                 "created_at", "prev_hash", "hash")


def event_payload(*, claim_code: str, seq: int, kind: str, from_state: str, to_state: str, actor_kind: str,
                  actor_label: str, reason: str, data: dict[str, Any] | None, created_at: datetime) -> dict[str, Any]:
    """What an event's hash covers."""
    return {
        "claim": claim_code, "seq": seq, "kind": kind, "from": from_state, "to": to_state,
        "actor_kind": actor_kind, "actor": actor_label, "reason": reason, "data": data or {},
        "at": created_at.isoformat(),
    }


def event_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first broken event of a claim."""

    claim_code: str
    seq: int
    problem: str  # EDITED | MISSING | REORDERED
    detail: str

    def __str__(self) -> str:
        return f"claim {self.claim_code} seq {self.seq}: {self.problem} — {self.detail}"


class ChainCheck:
    """Check one claim's events fed in seq order. Keeps only the previous event's seq, hash, time and
    state (O(1) memory per claim); stops at the first break."""

    NEIGHBOURS = 3  # a row whose hash fits seq ± this many was moved, not edited

    def __init__(self, *, claim_code: str, claim_state: str = "") -> None:
        self.claim_code = claim_code
        self.claim_state = claim_state
        self.prev_hash = ""
        self.prev_at: datetime | None = None
        self.last_seq = 0
        self.last_to_state = ""
        self.broken: Break | None = None

    def _break(self, seq: int, problem: str, detail: str) -> Break:
        self.broken = Break(self.claim_code, seq, problem, detail)
        return self.broken

    def feed(self, row: tuple[Any, ...]) -> Break | None:
        """One event as a tuple of ``EVENT_COLUMNS``. Returns the break when this row is the first one."""
        if self.broken is not None:
            return None
        seq, kind, from_state, to_state, actor_kind, actor_label, reason, data, created_at, prev_hash, stored = row
        expected = self.last_seq + 1
        if seq != expected:
            return self._break(expected, MISSING, f"event {expected} is missing (the next stored event is {seq})")
        fields = dict(claim_code=self.claim_code, kind=kind, from_state=from_state, to_state=to_state,
                      actor_kind=actor_kind, actor_label=actor_label, reason=reason, data=data, created_at=created_at)
        if stored != event_hash(prev_hash, event_payload(seq=seq, **fields)):
            for other in range(max(1, seq - self.NEIGHBOURS), seq + self.NEIGHBOURS + 1):
                if other != seq and stored == event_hash(prev_hash, event_payload(seq=other, **fields)):
                    return self._break(seq, REORDERED, f"this row was written as event {other}")
            return self._break(seq, EDITED, "its content does not match its hash")
        if self.prev_at is not None and created_at < self.prev_at:
            return self._break(seq, REORDERED, "it is older than the event before it")
        if prev_hash != self.prev_hash:
            return self._break(seq, REORDERED, "it does not follow the event before it (moved or replaced)")
        self.prev_hash, self.prev_at, self.last_seq = stored, created_at, seq
        if to_state:
            self.last_to_state = to_state
        return None

    def finish(self) -> Break | None:
        """After the claim's last event: a claim with no history, or whose history ends before the
        state it is in, lost events."""
        if self.broken is not None:
            return self.broken
        if self.last_seq == 0:
            return self._break(1, MISSING, "the claim has no history")
        if self.claim_state and self.last_to_state and self.last_to_state != self.claim_state:
            return self._break(self.last_seq + 1, MISSING,
                               f"the history ends in {self.last_to_state} but the claim is {self.claim_state}")
        return None
