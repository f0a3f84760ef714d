"""Every write of payments: the claim's bank account (the participant's entry, the officer's check),
payment instructions. Each is one transaction with the claim row locked and its history event
(``claims.services``); account numbers go to history masked."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from lapakasik.claims import workflow
from lapakasik.claims.models import Claim, ClaimEvent
from lapakasik.claims.services import Actor, claim_event_record, claim_lock
from lapakasik.core import clock
from lapakasik.core.codes import new_code
from lapakasik.core.errors import Conflict, InvalidInput

from .models import PaymentInstruction

S = workflow.State


def _new_reference(prefix: str) -> str:
    return prefix + new_code(12)


def instruction_create(*, claim: Claim, amount: int, actor: Actor) -> PaymentInstruction:
    """An approved claim becomes a payment instruction of ``amount`` (net, whole rupiah), waiting for its
    branch's next batch. Call it in the approval's transaction, after the claim moved to ``APPROVED``
    (``claim_transition``). Raises InvalidInput for an amount that is not a positive whole number of
    rupiah, Conflict when the claim is not APPROVED or already has an open or paid instruction — nothing
    written."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidInput(_("Jumlah pembayaran harus bilangan bulat rupiah lebih dari nol."), code="invalid_amount",
                           fields={"amount": [_("Jumlah pembayaran harus bilangan bulat rupiah lebih dari nol.")]})
    with transaction.atomic():
        locked = claim_lock(claim)
        if locked.state != S.APPROVED:
            raise Conflict(_("Hanya klaim yang sudah disetujui yang dapat dibayar."), code="claim_not_approved")
        existing = PaymentInstruction.objects.filter(
            claim=locked, status__in=[*PaymentInstruction.OPEN, PaymentInstruction.Status.PAID]).first()
        if existing is not None:
            raise Conflict(_("Klaim ini sudah punya instruksi pembayaran %(ref)s.") % {"ref": existing.reference},
                           code="already_instructed")
        try:
            with transaction.atomic():
                instruction = PaymentInstruction.objects.create(
                    reference=_new_reference("PI"), claim=locked, branch_id=locked.branch_id, amount=amount,
                    created_at=clock.now(), created_by=actor.user)
        except IntegrityError as exc:  # a concurrent instruction for the same claim (the partial unique index)
            raise Conflict(_("Klaim ini sudah punya instruksi pembayaran."), code="already_instructed") from exc
        claim_event_record(claim=locked, kind=ClaimEvent.Kind.PAYMENT_INSTRUCTED, actor=actor,
                           data={"instruction": instruction.reference, "amount": amount})
        return instruction


def _actor_user(actor: Actor) -> Any:
    return actor.user
