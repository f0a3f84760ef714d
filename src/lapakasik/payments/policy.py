"""Pure rules of payments (no database): whether a holder name is the applicant's, the service-level
defaults, and the sums of a batch."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

#: ``VERIFIED → PAID`` within this many working days of the branch, per claim type (``ServiceLevel`` rows
#: override them).
DEFAULT_PAYMENT_DAYS: dict[str, int] = {"JHT": 5, "JKK": 5, "JKM": 3, "JP": 5}
FALLBACK_PAYMENT_DAYS = 5

# Forms of address and academic or religious titles people write before or after a name on a bank book
# or a form. Compared after lower-casing and removing punctuation, so "S.E." is "se", "Bpk." is "bpk".
TITLES = frozenset({
    "bapak", "bpk", "bp", "pak", "ibu", "ib", "bu", "sdr", "sdri", "saudara", "saudari", "tuan", "tn", "nyonya",
    "ny", "nona", "nn", "mr", "mrs", "ms", "miss", "hj", "haji", "hajjah", "h", "dr", "drs", "dra", "ir", "prof",
    "se", "sh", "sip", "sp", "spd", "skom", "st", "sos", "ssos", "sked", "ssi", "ssit", "ak", "mm", "mba", "msi",
    "mt", "mh", "mpd", "mkom", "amd", "amdkeb", "amdkep", "spdi", "shi", "sag", "ag", "ked", "almh", "alm",
})
_SPACES = re.compile(r"\s+")


def name_words(name: str) -> tuple[str, ...]:
    """The words of a name as a bank would compare them: accents folded, case ignored, punctuation
    dropped (``Mohd.`` = ``Mohd``, ``Siti-Aminah`` = ``Siti Aminah``), titles and forms of address removed."""
    text = unicodedata.normalize("NFKD", str(name or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    # Punctuation inside an abbreviated title joins it ("s.e." → "se"); between words it separates them.
    words: list[str] = []
    for raw in _SPACES.split(text.replace(",", " ").replace("-", " ").replace("/", " ")):
        word = "".join(ch for ch in raw if ch.isalnum())
        if word and word not in TITLES:
            words.append(word)
    return tuple(words)


def holder_matches(holder_name: str, applicant_name: str) -> bool:
    """True when the account holder is the applicant: the same words, ignoring case, spacing, punctuation
    and titles ("Bpk. Budi Santoso, S.E." = "BUDI  SANTOSO"). An empty name never matches."""
    holder, applicant = name_words(holder_name), name_words(applicant_name)
    return bool(holder) and holder == applicant


def payment_days(claim_type: str, overrides: dict[str, int] | None = None) -> int:
    if overrides and claim_type in overrides:
        return overrides[claim_type]
    return DEFAULT_PAYMENT_DAYS.get(claim_type, FALLBACK_PAYMENT_DAYS)


def control_total(amounts: Iterable[int]) -> tuple[int, int]:
    """(count, sum) of a batch's lines."""
    count = total = 0
    for amount in amounts:
        count += 1
        total += amount
    return count, total
