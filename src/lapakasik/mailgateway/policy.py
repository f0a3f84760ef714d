"""Pure rules of the mail gateway (no database): what the receiving MTA's ``Authentication-Results``
say about a message, and who gets which reply when a message comes from an unverified sender."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import authres

# A trusted header longer than this is not parsed (ours are a few hundred characters).
MAX_RESULTS_HEADER_CHARS = 8192


@dataclass(frozen=True)
class AuthVerdict:
    """What the trusted MTA(s) found. ``seen``: at least one trusted header could be read."""

    seen: bool = False
    dmarc: str = ""  # the worst DMARC result among trusted headers ("fail" wins over "pass")
    spf_fail: bool = False
    dkim_aligned_pass: bool = False

    @property
    def forged(self) -> bool:
        """The From address is not shown to belong to the sender: ``dmarc=fail``, or — where no DMARC
        verdict was given — ``spf=fail`` without a DKIM pass for the From domain. A ``dmarc=pass``
        outweighs an SPF failure (forwarded mail fails SPF and passes DKIM, which DMARC already took
        into account)."""
        if self.dmarc == "fail":
            return True
        if self.dmarc == "pass":
            return False
        return self.spf_fail and not self.dkim_aligned_pass


def _authserv_id_hint(value: str) -> str:
    """The first token of the header (the authserv-id, RFC 8601 §2.2), lower-cased; cheap pre-filter
    so that headers not from our MTA are never parsed at all."""
    head = value.lstrip().split(";", 1)[0].strip()
    return head.split(None, 1)[0].lower() if head else ""


def _domain_of(value: str) -> str:
    """``a@Example.COM`` / ``@example.com`` / ``example.com`` → ``example.com``."""
    return value.strip().strip("<>").rpartition("@")[2].strip().rstrip(".").lower()


def _aligned(signing: str, from_domain: str) -> bool:
    """Relaxed alignment (RFC 7489 §3.1.1), approximated without the public suffix list: the same
    domain, or one a subdomain of the other."""
    if not signing or not from_domain:
        return False
    return (signing == from_domain or from_domain.endswith("." + signing)
            or signing.endswith("." + from_domain))


def _parse(value: str) -> Any:
    """authres' parse of one header value; None when it cannot be read (never raises)."""
    try:
        return authres.AuthenticationResultsHeader.parse_value(value)
    except Exception:  # authres.AuthResError and whatever a malformed header provokes
        return None


def auth_verdict(headers: list[str], *, trusted: list[str], from_address: str) -> AuthVerdict:
    """Combine the ``Authentication-Results`` headers (RFC 8601) that our own MTA added: those whose
    authserv-id is in ``trusted``. Every other header is ignored — a sender can write any header; the
    MTA must remove incoming ones carrying its own id (RFC 8601 §5). With ``trusted`` empty nothing is
    trusted. Unreadable or over-long trusted headers are ignored too (``seen`` stays False when no
    trusted header could be read)."""
    allowed = {t.strip().lower() for t in trusted if t.strip()}
    if not allowed:
        return AuthVerdict()
    from_domain = _domain_of(from_address)
    seen = False
    dmarc_results: list[str] = []
    spf_fail = False
    dkim_aligned = False
    for value in headers:
        if not value or len(value) > MAX_RESULTS_HEADER_CHARS or _authserv_id_hint(value) not in allowed:
            continue
        parsed = _parse(value)
        if parsed is None or str(getattr(parsed, "authserv_id", "")).lower() not in allowed:
            continue
        seen = True
        for result in getattr(parsed, "results", []) or []:
            method = str(getattr(result, "method", "")).lower()
            outcome = str(getattr(result, "result", "")).lower()
            props = {(str(p.type).lower(), str(p.name).lower()): str(p.value or "")
                     for p in getattr(result, "properties", []) or []}
            if method == "dmarc" and outcome in {"pass", "fail"}:
                dmarc_results.append(outcome)
            elif method == "spf" and outcome == "fail":
                spf_fail = True
            elif method == "dkim" and outcome == "pass":
                signing = _domain_of(props.get(("header", "d"), "") or props.get(("header", "i"), ""))
                dkim_aligned = dkim_aligned or _aligned(signing, from_domain)
    dmarc = "fail" if "fail" in dmarc_results else ("pass" if dmarc_results else "")
    return AuthVerdict(seen=seen, dmarc=dmarc, spf_fail=spf_fail, dkim_aligned_pass=dkim_aligned)


# ---------------------------------------------------------------------------------------------
# Replies


@dataclass(frozen=True)
class ReplyPlan:
    """Who is answered about one processed message.

    ``participant_ack``: the full acknowledgement (files, refusals, checklist, deadline) to the claim's
    own contact. ``unverified_reply``: the generic reply (nothing about the claim) to the sender.
    ``held_notice``: the participant is told that files from an unverified address are held."""

    participant_ack: bool = False
    unverified_reply: bool = False
    held_notice: bool = False
    reason: str = ""  # why the sender gets no reply (outcome record)


def reply_plan(*, verified: bool, automatic: bool, forged: bool, has_results: bool, held_files: int,
               replies_to_sender_today: int, replies_for_claim_today: int, notices_today: int,
               per_sender_day: int, per_claim_day: int) -> ReplyPlan:
    """The reply rules for one message.

    - From the claim's own (verified) address: the participant gets the acknowledgement — unless the
      message is an auto-reply/bounce and carries no file (never answer those: mail loops).
    - From anyone else: never the acknowledgement (it names the participant, the claim, the deadline and
      the checklist). The sender gets one generic reply — not for an auto-reply or bounce, not when
      our MTA says the From address is forged (the reply would go to whoever it names), and at most
      ``per_sender_day`` a day per sender and ``per_claim_day`` a day per claim (backscatter). The
      participant is told once a day when such files were held.
    """
    if verified:
        return ReplyPlan(participant_ack=has_results or not automatic)
    if automatic:
        reason = "automatic"
    elif forged:
        reason = "forged"
    elif per_sender_day <= 0 or replies_to_sender_today >= per_sender_day or replies_for_claim_today >= per_claim_day:
        reason = "limited"
    else:
        reason = ""
    return ReplyPlan(unverified_reply=not reason, held_notice=held_files > 0 and notices_today < 1, reason=reason)
