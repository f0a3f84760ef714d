"""Pure rules of notification delivery: backoff, SMS segments, fallback order, template variables,
webhook signatures. No database."""

from __future__ import annotations

import hashlib
import hmac
import random
import re
import unicodedata
from collections.abc import Iterable, Sequence

# --- retries -------------------------------------------------------------------------------------


def backoff_seconds(attempt: int, *, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter: a random delay in [d/2, d] where d = min(cap, base·2^(attempt-1)).
    (Half-jitter keeps a floor, so a storm of failures never retries at once.)"""
    rng = rng or random.Random()
    ceiling = min(cap, base * (2 ** max(0, attempt - 1)))
    return ceiling / 2 + rng.random() * ceiling / 2


# --- SMS segments -------------------------------------------------------------------------------

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")


# Characters outside GSM 03.38 that texts commonly carry, and their GSM-7 stand-ins. One of them in an
# SMS switches the whole message to UCS-2: 70 characters a segment instead of 160.
GSM7_STAND_INS = {
    "–": "-", "—": "-", "‒": "-", "―": "-", "−": "-", "‐": "-", "‑": "-",
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
    "…": "...", "·": "-", "•": "-", "×": "x", "÷": "/", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    "\u200b": "", "\ufeff": "", "\t": " ", "°": " ", "©": "(c)", "®": "(R)", "™": "TM", "₹": "Rs",
}


def gsm7_transliterate(text: str) -> str:
    """``text`` in the GSM-7 alphabet: typographic dashes, quotes and ellipses become their plain forms,
    letters outside the alphabet their closest ASCII letters ("ş" → "s", "ő" → "o"), emoji and other
    symbols are dropped and a letter with no stand-in becomes "?". Characters already in GSM-7 (including "é", "ü", "à", "Ñ") are kept."""

    out: list[str] = []
    for ch in text:
        if ch in GSM7_BASIC or ch in GSM7_EXTENDED:
            out.append(ch)
        elif ch in GSM7_STAND_INS:
            out.append(GSM7_STAND_INS[ch])
        else:
            plain = "".join(c for c in unicodedata.normalize("NFKD", ch)
                            if not unicodedata.combining(c) and (c in GSM7_BASIC or c in GSM7_EXTENDED))
            # nothing close: control/format marks and symbols (emoji) go, an unknown letter shows as "?"
            out.append(plain or ("" if unicodedata.category(ch)[0] in "CMS" else "?"))
    return "".join(out)


def sms_encoding(text: str) -> str:
    """``GSM-7`` when every character is in the GSM 03.38 alphabet (with its extension), else ``UCS-2``."""
    return "GSM-7" if all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text) else "UCS-2"


def sms_units(text: str) -> int:
    """Length in the encoding's units: GSM-7 septets (extension characters count 2) or UTF-16 code units."""
    if sms_encoding(text) == "GSM-7":
        return sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
    return len(text.encode("utf-16-le")) // 2


def sms_segments(text: str) -> int:
    """How many SMS the text costs: 160/153 GSM-7 septets or 70/67 UCS-2 units per segment."""
    units = sms_units(text)
    single, multi = (160, 153) if sms_encoding(text) == "GSM-7" else (70, 67)
    if units <= single:
        return 1 if units else 0
    return -(-units // multi)


def sms_fit(text: str, max_segments: int, keep_tail: str = "") -> str:
    """Cut ``text`` so that text + ``keep_tail`` fits ``max_segments``; the cut ends with "...".
    The tail (the verification code) is always kept whole."""
    full = text + keep_tail
    if sms_segments(full) <= max_segments:
        return full
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if sms_segments(text[:mid].rstrip() + "..." + keep_tail) <= max_segments:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "..." + keep_tail


# --- fallback -----------------------------------------------------------------------------------


def fallback_next(*, preferred: Sequence[str], chain: Sequence[str], used: Iterable[str],
                  reachable: Iterable[str]) -> str | None:
    """The channel to try next: the participant's preferences first, then the fallback chain, skipping
    channels already used for this message and channels without an address."""
    used_set, reachable_set = set(used), set(reachable)
    for channel in [*preferred, *chain]:
        if channel not in used_set and channel in reachable_set:
            return channel
    return None


def parse_rate_limits(raw: str) -> dict[str, int]:
    """``"whatsapp=80,sms=30"`` → {"whatsapp": 80, "sms": 30} (per second). Bad parts are ignored."""
    limits: dict[str, int] = {}
    for part in raw.split(","):
        name, _, value = part.partition("=")
        if name.strip() and value.strip().isdigit():
            limits[name.strip()] = int(value)
    return limits


# --- template variables -------------------------------------------------------------------------

_VAR = re.compile(r"{{\s*([A-Za-z_]\w*)")
_TAG = re.compile(r"{%\s*(\w+)\s+(.*?)\s*%}", re.S)
_NAME = re.compile(r"(?<![\w.'\"])([A-Za-z_]\w*)")
_KEYWORDS = {"and", "or", "not", "in", "is", "None", "True", "False", "as", "with", "reversed", "only"}


def template_variables(source: str) -> set[str]:
    """The root variable names a Django template refers to (loop variables excluded)."""
    names = set(_VAR.findall(source))
    loop_vars: set[str] = set()
    for tag, args in _TAG.findall(source):
        if tag == "for":
            targets, _, iterable = args.partition(" in ")
            loop_vars.update(t.strip() for t in targets.split(",") if t.strip())
            names.update(n for n in _NAME.findall(iterable.split("|")[0]) if n not in _KEYWORDS)
        elif tag in {"if", "elif"}:
            without_filters = re.sub(r"\|\w+(:\S+)?", "", args)
            without_strings = re.sub(r"(\"[^\"]*\"|'[^']*')", "", without_filters)
            names.update(n for n in _NAME.findall(without_strings)
                         if n not in _KEYWORDS and not n.isdigit())
    return {n for n in names if n not in loop_vars and n not in {"forloop", "block"}}


def unknown_variables(source: str, allowed: Iterable[str]) -> list[str]:
    return sorted(template_variables(source) - set(allowed))


# --- webhook signatures -------------------------------------------------------------------------


def hmac_hex(secret: str, payload: bytes) -> str:
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def signature_valid(*, secret: str, payload: bytes, header: str) -> bool:
    """``header`` is ``sha256=<hex>`` (or bare hex); compared in constant time. No secret: invalid."""
    if not secret or not header:
        return False
    given = header.split("=", 1)[1] if header.startswith("sha256=") else header
    return hmac.compare_digest(hmac_hex(secret, payload), given.strip().lower())


def timestamp_fresh(timestamp: str | int | float, *, now: float, tolerance: float) -> bool:
    try:
        ts = float(timestamp)
    except (TypeError, ValueError):
        return False
    return abs(now - ts) <= tolerance


def format_code(code: str) -> str:
    """``ABCD1234`` → ``ABCD-1234`` (easier to read out on the phone)."""
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code
