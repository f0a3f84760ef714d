"""Casework rules, pure (no database): the queue's filters, what "due" means for a claim, when the
participant gets the self-service call link, and the call windows an officer can offer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from lapakasik.claims import workflow

S = workflow.State

#: What the queue shows by default: every claim of the branch that is not over and is not only a seat yet.
QUEUE_STATES = frozenset(workflow.PARTICIPANT_ACTIVE - {S.BOOKED})
#: "Ambil berikutnya" hands out claims in these states (documents complete, nobody's yet).
TAKEABLE = frozenset({S.DOCUMENTS_RECEIVED})
#: States whose documents are complete (the checklist moved the claim on): the queue's "complete" column.
DOCUMENTS_COMPLETE = frozenset({S.DOCUMENTS_RECEIVED, S.IN_REVIEW, S.NEEDS_CONFIRMATION, S.VERIFIED,
                                S.APPROVED, S.PAID})
#: States in which the officer decides (verify, reject, ask for documents, confirm).
DECIDING = frozenset({S.IN_REVIEW, S.NEEDS_CONFIRMATION})

FILTERS = ("state", "type", "overdue", "mine", "unassigned", "q")
PAGE_SIZE = 50
NOT_REACHED_BEFORE_SELF_SERVICE = 2
CALL_WINDOW_MINUTES = 30
#: Working hours in which an officer takes calls, branch-local (the sessions run 08:00–14:30).
CALL_HOURS = (time(8, 0), time(15, 0))


@dataclass(frozen=True)
class QueueFilter:
    state: str = ""
    claim_type: str = ""
    overdue: bool = False
    mine: bool = False
    unassigned: bool = False
    q: str = ""
    page: int = 1

    @property
    def active(self) -> bool:
        return bool(self.state or self.claim_type or self.overdue or self.mine or self.unassigned or self.q)


def queue_filter_parse(params: dict[str, str], *, claim_types: Iterable[str]) -> QueueFilter:
    """The queue's filters from a query string; anything unknown is ignored (a bookmark never breaks)."""
    state = params.get("state", "")
    kind = params.get("type", "")
    try:
        page = max(1, min(10_000, int(params.get("page", "1") or 1)))
    except ValueError:
        page = 1
    return QueueFilter(
        state=state if state in workflow.State.values else "", claim_type=kind if kind in set(claim_types) else "",
        overdue=params.get("overdue") in {"1", "on", "true"}, mine=params.get("mine") in {"1", "on", "true"},
        unassigned=params.get("unassigned") in {"1", "on", "true"}, q=(params.get("q") or "").strip()[:64], page=page)


def search_kind(q: str) -> str:
    """How the search box reads its text: 16 digits → NIK (exact), 8 Crockford characters → claim code,
    anything else → a name (contains)."""
    compact = q.replace(" ", "")
    if len(compact) == 16 and compact.isdigit():
        return "nik"
    if len(compact) == 8 and compact.isalnum():
        return "code"
    return "name"


#: From verification to payment the deadline is the promised payment date (``payments``' service level).
PAYMENT_OWED = frozenset({workflow.State.VERIFIED, workflow.State.APPROVED})


def claim_deadline(*, state: str, documents_due_at: datetime | None, session_at: datetime | None,
                   payment_due_at: datetime | None = None) -> datetime | None:
    """The moment the claim's next step is due: the documents deadline while the participant still owes
    documents; once verified, the end of the promised payment day (when set); else the session (the
    first review — confirm and verify — is due at the booked session)."""
    if state in workflow.AWAITING_PARTICIPANT:
        return documents_due_at
    if state in PAYMENT_OWED and payment_due_at is not None:
        return payment_due_at
    return session_at


def needs_self_service(outcomes: Iterable[str]) -> bool:
    """After two calls not reached (or as soon as the participant asked to move it) the participant
    gets a link to choose a new window."""
    outcomes = list(outcomes)
    return outcomes.count("not_reached") >= NOT_REACHED_BEFORE_SELF_SERVICE or (
        bool(outcomes) and outcomes[-1] == "asked_to_move")


def call_windows(*, days: Iterable[date], tz: str, busy: Iterable[tuple[datetime, datetime]], now: datetime,
                 minutes: int = CALL_WINDOW_MINUTES) -> list[tuple[datetime, datetime]]:
    """The free call windows of an officer on ``days`` (branch-local working hours, ``minutes`` long),
    minus those overlapping ``busy`` and those starting within the next hour. UTC-aware datetimes."""
    zone = ZoneInfo(tz)
    taken = list(busy)
    out: list[tuple[datetime, datetime]] = []
    for day in days:
        start = datetime.combine(day, CALL_HOURS[0], zone)
        end_of_day = datetime.combine(day, CALL_HOURS[1], zone)
        while start + timedelta(minutes=minutes) <= end_of_day:
            end = start + timedelta(minutes=minutes)
            if start >= now + timedelta(hours=1) and not any(s < end and start < e for s, e in taken):
                out.append((start, end))
            start = end
    return out


def time_left(deadline: datetime | None, now: datetime) -> tuple[int, str]:
    """How long until ``deadline`` (negative: since) as (count, unit) in whole days, hours or minutes — the
    queue's "Batas" column, cheap enough for every row of a page."""
    if deadline is None:
        return 0, ""
    seconds = int((deadline - now).total_seconds())
    size = abs(seconds)
    sign = -1 if seconds < 0 else 1
    if size >= 86_400:
        return sign * (size // 86_400), "d"
    if size >= 3_600:
        return sign * (size // 3_600), "h"
    return sign * max(1, size // 60), "m"
