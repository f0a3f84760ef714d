"""Every write to a claim goes through here: one call, one ClaimEvent, the notifications it implies,
in one transaction. ``claim_open`` is the only way a claim comes to exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from lapakasik.core import clock
from lapakasik.core.bulkinsert import insert_rows
from lapakasik.core.codes import new_code, new_token, token_digest
from lapakasik.core.errors import Conflict, InvalidInput
from lapakasik.notifications.delivery import phone_call_record
from lapakasik.notifications.models import PhoneCall
from lapakasik.notifications.recipients import Recipient
from lapakasik.notifications.services import notification_enqueue, notification_enqueue_items

from . import audit, workflow
from .models import Claim, ClaimEvent, ClaimParty
from .parties import Applicant, Insured, Role, party_problems
from .reasons import is_valid_reason
from .selectors import claim_applicant

OPEN_CHANNELS = ("booking", "employer_report", "dropbox", "officer")


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


def claim_event_record(
    *, claim: Claim, kind: str, actor: Actor, reason: str = "", data: dict[str, Any] | None = None,
    from_state: str = "", to_state: str = "", first: bool = False,
) -> ClaimEvent:
    """Append one event to the claim's hash chain. Call inside the transaction that made the change,
    with the claim row locked (``claim_lock``) so two writers never take the same seq. ``first``: the
    claim was created in this transaction, so the chain is empty (no read; the unique (claim, seq)
    constraint still refuses a second "first" event). ``kind`` must be a ``ClaimEvent.Kind``: history
    is a closed list, never a free string (ValueError otherwise, nothing written)."""
    if kind not in ClaimEvent.Kind.values:
        raise ValueError(f"unknown claim event kind {kind!r}: add it to ClaimEvent.Kind first")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_event_record must run inside the transaction that holds claim_lock(claim)")
    last = None if first else ClaimEvent.objects.filter(claim=claim).order_by("-seq").only("seq", "hash").first()
    seq = (last.seq + 1) if last else 1
    prev = last.hash if last else ""
    created_at = clock.now()
    payload = audit.event_payload(
        claim_code=claim.code, seq=seq, kind=kind, from_state=from_state, to_state=to_state, actor_kind=actor.kind,
        actor_label=actor.label, reason=reason, data=data, created_at=created_at)
    return ClaimEvent.objects.create(
        claim=claim, seq=seq, kind=kind, from_state=from_state, to_state=to_state, actor_kind=actor.kind,
        actor_user=actor.user, actor_label=actor.label, reason=reason, data=data or {}, created_at=created_at,
        prev_hash=prev, hash=audit.event_hash(prev, payload),
    )


def claim_lock(claim: Claim) -> Claim:
    """Re-read the claim with its row locked (PostgreSQL; SQLite's IMMEDIATE transaction already
    serialises writers)."""
    return Claim.objects.select_for_update().get(pk=claim.pk)


def claim_lock_by_id(claim_id: int) -> Claim:
    """``claim_lock`` for a caller that holds only the claim's id (lock order: claim, then its booking)."""
    return Claim.objects.select_for_update().get(pk=claim_id)


class StateFollower(Protocol):
    def __call__(self, *, claim: Claim, from_state: str, to_state: str, now: datetime) -> None: ...


_followers: list[StateFollower] = []


def claim_state_follower_register(follower: StateFollower) -> None:
    """Rows of other apps whose state follows the claim's (the booking's status) register a follower
    in their ``AppConfig.ready``. ``claim_transition`` calls every follower inside its transaction,
    with the claim row locked, after the claim moved — so whoever moves a claim (booking, intake, the
    officer's console) moves those rows with it, and the claims app imports none of those apps."""
    if follower not in _followers:
        _followers.append(follower)


def _label(state: str) -> str:
    return str(workflow.State(state).label) if state in workflow.State.values else state


def claim_transition(
    *, claim: Claim, to: str, actor: Actor, reason: str = "", data: dict[str, Any] | None = None,
    notify: bool = True, notify_context: dict[str, Any] | None = None,
) -> ClaimEvent:
    """Move the claim to ``to``: check the transition table, record the event, move the rows that
    follow the claim (``claim_state_follower_register``), store the notification the change implies
    — all in one transaction. Raises Conflict (nothing changed) when the table does not allow it."""
    with transaction.atomic():
        locked = claim_lock(claim)
        if not workflow.can_transition(locked.state, to):
            raise Conflict(
                _("Status klaim %(state)s tidak dapat diubah menjadi %(to)s.")
                % {"state": _label(locked.state), "to": _label(to)},
                code="invalid_transition",
            )
        from_state = locked.state
        locked.state = to
        locked.save(update_fields=["state", "updated_at"])
        claim.state = to
        event = claim_event_record(
            claim=locked, kind=ClaimEvent.Kind.STATE_CHANGED, actor=actor, reason=reason, data=data,
            from_state=from_state, to_state=to,
        )
        for follower in _followers:
            follower(claim=locked, from_state=from_state, to_state=to, now=event.created_at)
        event_name = workflow.EVENT_FOR_STATE.get(to)
        if notify and event_name:
            notification_enqueue(claim=locked, to=applicant_recipient(locked), event=event_name,
                                 context={"reason": reason, **(notify_context or {})})
        return event


@dataclass(frozen=True)
class Move:
    """One claim of ``claim_transition_many``: its history data and the context of its message."""

    claim: Claim
    data: dict[str, Any]
    notify_context: dict[str, Any]


CHUNK = 500


def claim_transition_many(*, moves: list[Move], to: str, actor: Actor, reason: str = "") -> int:
    """``claim_transition`` for thousands of claims at once (a bank's result file): every claim locked, checked
    against the transition table, moved, its event chained onto its history, its followers called and its
    message stored — in the caller's transaction, a few statements per 500 claims instead of a dozen per
    claim. Raises Conflict (nothing changed, the caller's transaction rolls back) when any claim may not
    move. Returns the number moved."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_transition_many must run inside the caller's transaction")
    event_name = workflow.EVENT_FOR_STATE.get(to)
    moved = 0
    for start in range(0, len(moves), CHUNK):
        part = moves[start:start + CHUNK]
        ids = [m.claim.pk for m in part]
        locked = {pk: (state, code) for pk, state, code in
                  Claim.objects.select_for_update().filter(pk__in=ids).values_list("pk", "state", "code")}
        for m in part:
            current = locked[m.claim.pk][0] if m.claim.pk in locked else ""
            if not workflow.can_transition(current, to):
                raise Conflict(
                    _("Status klaim %(code)s (%(state)s) tidak dapat diubah menjadi %(to)s.")
                    % {"code": m.claim.code, "state": _label(current), "to": _label(to)}, code="invalid_transition")
        now = clock.now()
        Claim.objects.filter(pk__in=ids).update(state=to, updated_at=now)
        last = dict(ClaimEvent.objects.filter(claim_id__in=ids).order_by().values("claim_id")
                    .annotate(m=Max("seq")).values_list("claim_id", "m"))
        hashes = {(c, q): h for c, q, h in ClaimEvent.objects.filter(
            claim_id__in=ids, seq__in=set(last.values())).values_list("claim_id", "seq", "hash")}
        events = []
        for m in part:
            from_state, code = locked[m.claim.pk]
            seq = last.get(m.claim.pk, 0) + 1
            prev = hashes.get((m.claim.pk, seq - 1), "")
            payload = audit.event_payload(
                claim_code=code, seq=seq, kind=ClaimEvent.Kind.STATE_CHANGED, from_state=from_state, to_state=to,
                actor_kind=actor.kind, actor_label=actor.label, reason=reason, data=m.data, created_at=now)
            events.append({
                "claim_id": m.claim.pk, "seq": seq, "kind": ClaimEvent.Kind.STATE_CHANGED, "from_state": from_state,
                "to_state": to, "actor_kind": actor.kind, "actor_user_id": getattr(actor.user, "pk", None),
                "actor_label": actor.label, "reason": reason, "data": m.data, "created_at": now, "prev_hash": prev,
                "hash": audit.event_hash(prev, payload)})
            m.claim.state = to
            for follower in _followers:
                follower(claim=m.claim, from_state=from_state, to_state=to, now=now)
        insert_rows(ClaimEvent, events)
        if event_name:
            applicants = {p.claim_id: p for p in ClaimParty.objects.filter(claim_id__in=ids, is_applicant=True)}
            items = []
            for m in part:
                m.claim._applicant_cache = applicants[m.claim.pk]  # type: ignore[attr-defined]
                items.append((m.claim, applicant_recipient(m.claim), {"reason": reason, **m.notify_context}))
            notification_enqueue_items(event=event_name, items=items)
        moved += len(part)
    return moved


def claim_phone_call_record(*, call_id: int, outcome: str, actor: Actor, note: str = "") -> PhoneCall:
    """The officer's outcome of a call task (``notifications.delivery.phone_call_record``: delivered, or
    failed and the next channel tried) and the claim's ``phone_call_recorded`` event, in one
    transaction."""
    with transaction.atomic():
        call = phone_call_record(call_id=call_id, outcome=outcome, officer=actor.user, note=note)
        row = call.notification
        if row.claim is not None:
            claim_lock(row.claim)
            claim_event_record(claim=row.claim, kind=ClaimEvent.Kind.PHONE_CALL_RECORDED, actor=actor, reason=outcome,
                               data={"notification": row.id, "event": row.event, "note": note[:200]})
    return call


def claim_history_verify(claim: Claim) -> bool:
    """True when the claim's event chain is intact (no edited, removed or re-ordered event); the
    ``verify_audit`` command checks every claim and says what is wrong."""
    state = Claim.objects.filter(pk=claim.pk).values_list("state", flat=True).first() or ""
    check = audit.ChainCheck(claim_code=claim.code, claim_state=state)
    for row in ClaimEvent.objects.filter(claim=claim).order_by("seq").values_list(*audit.EVENT_COLUMNS).iterator():
        if check.feed(row) is not None:
            return False
    return check.finish() is None


# --- opening a claim ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class OpenedClaim:
    claim: Claim
    applicant: ClaimParty
    access_token: str  # shown to the applicant once; only its digest is stored
    event: ClaimEvent


def _party_row(claim: Claim, party: Applicant, *, is_applicant: bool) -> ClaimParty:
    return ClaimParty(claim=claim, role=party.role, is_applicant=is_applicant, nik=party.nik, kpj=party.kpj,
                      npp=party.npp, full_name=party.full_name, email=party.email, phone=party.phone,
                      language=party.language, channels=list(party.channels))


def claim_open(
    *, applicant: Applicant, claim_type: str, claim_reason: str, branch: Any, channel: str, actor: Actor,
    insured: Insured | None = None, others: tuple[Applicant, ...] = (), state: str = workflow.State.BOOKED,
    documents_due_at: Any = None, session_at: Any = None, first_event_kind: str = ClaimEvent.Kind.CLAIM_OPENED,
    first_event_data: dict[str, Any] | None = None, code: str | None = None,
) -> OpenedClaim:
    """Open a claim: the Claim row, its applicant party (and ``others``), the first event of its hash
    chain — nothing else. The only way a claim comes to exist. Call it inside the caller's transaction
    (booking takes its seat in the same one); an IntegrityError (the one-open-claim rule, a code
    collision) is the caller's to answer. ``insured``: the worker the claim is about — by default the
    applicant, who must then be that participant; an heir or an employer's officer must name them.
    ``channel``: how it was opened ("booking", "employer_report", "dropbox", …). ``session_at``: the start
    of the session the claim is served in (a booking's session), the officers' queue order. ``branch``: a Branch,
    or anything with an ``id`` (the cached BranchInfo). Raises InvalidInput (nothing written) for an
    unknown party role, a party without e-mail and phone, an unknown claim type or reason, an unknown
    channel, or a missing insured worker."""
    for party in (applicant, *others):
        problem = party_problems(party)
        if problem is not None:
            raise problem
    if channel not in OPEN_CHANNELS:
        raise InvalidInput(code="unknown_channel", fields={"channel": [_("Jalur pembukaan klaim tidak dikenal.")]})
    if not is_valid_reason(claim_type, claim_reason):
        raise InvalidInput(code="invalid", fields={"claim_reason": [
            _("Alasan klaim tidak dikenal untuk jenis klaim ini.")]})
    if insured is None:
        if applicant.role != Role.PARTICIPANT:
            raise InvalidInput(_("Klaim yang diajukan ahli waris atau perusahaan harus menyebut peserta yang "
                                 "diasuransikan."), code="insured_required",
                               fields={"insured_nik": [_("NIK peserta wajib diisi.")]})
        insured = applicant.insured
    if not insured.nik:
        raise InvalidInput(code="insured_required", fields={"insured_nik": [_("NIK peserta wajib diisi.")]})
    token = new_token()
    # No savepoint inside the caller's transaction (the booking hot path); its own one otherwise.
    with transaction.atomic(savepoint=False):
        claim = Claim.objects.create(
            code=code or new_code(8), claim_type=claim_type, claim_reason=claim_reason, branch_id=branch.id,
            state=state, opened_via=channel, insured_nik=insured.nik, insured_kpj=insured.kpj,
            access_token_digest=token_digest(token), documents_due_at=documents_due_at,
            session_at=session_at)
        main = _party_row(claim, applicant, is_applicant=True)
        if others:
            ClaimParty.objects.bulk_create([main, *(_party_row(claim, p, is_applicant=False) for p in others)])
        else:
            main.save(force_insert=True)
        event = claim_event_record(claim=claim, kind=first_event_kind, actor=actor, to_state=state,
                                   data={"channel": channel, **(first_event_data or {})}, first=True)
    claim._applicant_cache = main  # type: ignore[attr-defined]  # the notifications of this transaction
    return OpenedClaim(claim=claim, applicant=main, access_token=token, event=event)


def applicant_recipient(claim: Claim) -> Recipient:
    """Whom the claim's notifications go to: its applicant party, as a notifications ``Recipient``."""
    party = claim_applicant(claim)
    return Recipient(name=party.full_name, email=party.email, phone=party.phone, language=party.language,
                     channels=tuple(party.channels or ()))
