"""The dropbox's rules, pure (no database): the disinfection methods, the quarantine, which step may follow
which, what a search at the desk may be, and whether a hand-over reconciles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

DISINFECTION_METHODS: dict[str, Any] = {
    "spray": _("Semprot disinfektan"),
    "uv": _("Lampu UV-C"),
    "wipe": _("Lap alkohol 70%"),
}

#: A step may be taken only from these states (the service answers 409 otherwise, changing nothing).
STEP_FROM: dict[str, frozenset[str]] = {
    "disinfect": frozenset({"RECEIVED"}),
    "hand_over": frozenset({"DISINFECTED"}),
    "accept": frozenset({"HANDED_OVER"}),
    "digitise": frozenset({"ACCEPTED"}),
}


def step_allowed(step: str, state: str) -> bool:
    return state in STEP_FROM[step]


def quarantine_until(disinfected_at: datetime, hours: int) -> datetime:
    return disinfected_at + timedelta(hours=hours)


def quarantine_over(*, now: datetime, until: datetime | None) -> bool:
    """Handling (hand-over, opening, scanning) may start only when the quarantine has ended."""
    return until is not None and now >= until


def quarantine_hours_valid(value: Any) -> int:
    """The configured minimum hours (``DROPBOX_QUARANTINE_HOURS``): a whole number from 0 to 336 (two weeks);
    anything else is a configuration error, never a silent default."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"DROPBOX_QUARANTINE_HOURS must be a whole number of hours, not {value!r}")
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= 336:
        raise ValueError(f"DROPBOX_QUARANTINE_HOURS must be a whole number from 0 to 336, not {value!r}")
    return int(text)


@dataclass(frozen=True)
class Search:
    """What was typed into the desk's search: a claim code, a NIK (16 digits) or a name (3+ letters)."""

    kind: str  # "claim_code" | "nik" | "name"
    value: str


_NAME = re.compile(r"^[^\W\d_][^\W\d_ .,'-]*(?:[ .,'-]+[^\W\d_]+)*[.]?$")


def search_parse(text: str) -> list[Search]:
    """What the typed text may be, in the order to try: a NIK (16 digits, spaces allowed); a claim code (8
    Crockford characters, any case, dashes or spaces); a name (letters, spaces, dots, commas, apostrophes,
    dashes; 3 to 100 characters). Eight letters may be either a code or a name ("HERMAWAN"): both are tried,
    the code first. Empty: none of them."""
    from lapakasik.core.codes import CROCKFORD, normalize_code

    raw = " ".join((text or "").split())
    if not raw or len(raw) > 100 or not all(ch.isprintable() for ch in raw):
        return []
    digits = raw.replace(" ", "")
    if digits.isascii() and digits.isdigit() and len(digits) != 8:  # eight digits may be a claim code
        return [Search("nik", digits)] if len(digits) == 16 else []
    found = []
    code = normalize_code(raw)
    if len(code) == 8 and code.isascii() and all(ch in CROCKFORD for ch in code):
        found.append(Search("claim_code", code))
    if len(raw) >= 3 and _NAME.match(raw):
        found.append(Search("name", raw))
    return found


def batch_count_refusal(*, listed: int, counted: int | None) -> str | None:
    """At the front desk: the envelopes counted into the bag must be those listed (``count_mismatch``);
    none listed (``empty``). None: the batch may go."""
    if listed < 1:
        return "empty"
    if counted is None or counted != listed:
        return "count_mismatch"
    return None


def reconciles(*, sent: int, counted: int, present: int) -> bool:
    """At the back office: the batch reconciles when the envelopes counted and those ticked as present are
    both what was sent."""
    return sent == counted == present
