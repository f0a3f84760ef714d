"""Every write to a claim goes through here: one call, one ClaimEvent, the notifications it implies,
in one transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lapakasik.core import clock
from lapakasik.core.errors import Conflict
from lapakasik.notifications.models import PhoneCall
from lapakasik.notifications.services import notification_enqueue, phone_call_record

from . import workflow
from .models import Claim, ClaimEvent


@dataclass(frozen=True)
class Actor:
    """Who did it. ``user`` for officers; ``label`` is what history shows."""

    kind: str
    label: str = ""
    user: Any = None

    @classmethod
    def participant(cls) -> Actor:
        return cls(kind=ClaimEvent.ActorKind.PARTICIPANT, label="peserta")

    @classmethod
    def system(cls, label: str = "sistem") -> Actor:
        return cls(kind=ClaimEvent.ActorKind.SYSTEM, label=label)

    @classmethod
    def officer(cls, user: Any) -> Actor:
        return cls(kind=ClaimEvent.ActorKind.OFFICER, label=user.get_username(), user=user)


def event_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def claim_event_record(
    *, claim: Claim, kind: str, actor: Actor, reason: str = "", data: dict[str, Any] | None = None,
    from_state: str = "", to_state: str = "", first: bool = False,
) -> ClaimEvent:
    """Append one event to the claim's hash chain. Call inside the transaction that made the change,
    with the claim row locked (``claim_lock``) so two writers never take the same seq. ``first``: the
    claim was created in this transaction, so the chain is empty (no read; the unique (claim, seq)
    constraint still refuses a second "first" event)."""
    last = None if first else ClaimEvent.objects.filter(claim=claim).order_by("-seq").only("seq", "hash").first()
    seq = (last.seq + 1) if last else 1
    prev = last.hash if last else ""
    created_at = clock.now()
    payload = {
        "claim": claim.code, "seq": seq, "kind": kind, "from": from_state, "to": to_state,
        "actor_kind": actor.kind, "actor": actor.label, "reason": reason, "data": data or {},
        "at": created_at.isoformat(),
    }
    return ClaimEvent.objects.create(
        claim=claim, seq=seq, kind=kind, from_state=from_state, to_state=to_state, actor_kind=actor.kind,
        actor_user=actor.user, actor_label=actor.label, reason=reason, data=data or {}, created_at=created_at,
        prev_hash=prev, hash=event_hash(prev, payload),
    )


def claim_lock(claim: Claim) -> Claim:
    """Re-read the claim with its row locked (PostgreSQL; SQLite's IMMEDIATE transaction already
    serialises writers)."""
    return Claim.objects.select_for_update().get(pk=claim.pk)


def claim_transition(
    *, claim: Claim, to: str, actor: Actor, reason: str = "", data: dict[str, Any] | None = None,
    notify: bool = True, notify_context: dict[str, Any] | None = None,
) -> ClaimEvent:
    """Move the claim to ``to``: check the transition table, record the event, store the
    notification the change implies — all in one transaction. Raises Conflict when not allowed."""
    with transaction.atomic():
        locked = claim_lock(claim)
        if not workflow.can_transition(locked.state, to):
            raise Conflict(
                _("Status klaim %(state)s tidak dapat diubah menjadi %(to)s.")
                % {"state": workflow.State(locked.state).label, "to": workflow.State(to).label},
                code="invalid_transition",
            )
        from_state = locked.state
        locked.state = to
        locked.save(update_fields=["state", "updated_at"])
        claim.state = to
        event = claim_event_record(
            claim=locked, kind="state_changed", actor=actor, reason=reason, data=data,
            from_state=from_state, to_state=to,
        )
        event_name = workflow.EVENT_FOR_STATE.get(to)
        if notify and event_name:
            notification_enqueue(claim=locked, event=event_name,
                                 context={"reason": reason, **(notify_context or {})})
        return event


def claim_phone_call_record(*, call_id: int, outcome: str, actor: Actor, note: str = "") -> PhoneCall:
    """The officer's outcome of a call task (``notifications.services.phone_call_record``: delivered, or
    failed and the next channel tried) and the claim's ``phone_call_recorded`` event, in one
    transaction."""
    with transaction.atomic():
        call = phone_call_record(call_id=call_id, outcome=outcome, officer=actor.user, note=note)
        row = call.notification
        if row.claim is not None:
            claim_lock(row.claim)
            claim_event_record(claim=row.claim, kind="phone_call_recorded", actor=actor, reason=outcome,
                               data={"notification": row.id, "event": row.event, "note": note[:200]})
    return call


def claim_history_verify(claim: Claim) -> bool:
    """True when the claim's event chain is intact (no edited, removed or re-ordered event)."""
    prev = ""
    for index, ev in enumerate(ClaimEvent.objects.filter(claim=claim).order_by("seq"), start=1):
        payload = {
            "claim": claim.code, "seq": ev.seq, "kind": ev.kind, "from": ev.from_state, "to": ev.to_state,
            "actor_kind": ev.actor_kind, "actor": ev.actor_label, "reason": ev.reason, "data": ev.data,
            "at": ev.created_at.isoformat(),
        }
        if ev.seq != index or ev.prev_hash != prev or ev.hash != event_hash(prev, payload):
            return False
        prev = ev.hash
    return True
