"""Reads of the dropbox: an envelope or batch within a branch, the desk's search for a claim without a
cover sheet, the envelopes by state and age, the quarantine queue, hand-overs to reconcile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Min, QuerySet

from lapakasik.branches.models import Branch
from lapakasik.claims import workflow
from lapakasik.claims.models import Claim, ClaimParty
from lapakasik.core import clock
from lapakasik.core.masking import mask_nik

from . import policy
from .models import Envelope, EnvelopeState, HandoverBatch


def quarantine_hours() -> int:
    """``DROPBOX_QUARANTINE_HOURS`` (default 24): a value that is not a whole number of hours from 0 to 336 is a
    configuration error (``ValueError``)."""
    return policy.quarantine_hours_valid(settings.LAPAKASIK.get("DROPBOX_QUARANTINE_HOURS", 24))


def local(at: datetime, branch: Branch) -> datetime:
    return at.astimezone(ZoneInfo(branch.time_zone or "Asia/Jakarta"))


def local_day(branch: Branch) -> date:
    return local(clock.now(), branch).date()


def _envelopes() -> QuerySet[Envelope]:
    return Envelope.objects.select_related("claim", "claim__branch", "received_branch", "destination", "cover_sheet",
                                           "received_by", "disinfected_by", "batch")


def envelope_get(pk: int) -> Envelope | None:
    return _envelopes().filter(pk=pk).first()


def envelope_by_form(form_id: str) -> Envelope | None:
    return _envelopes().filter(form_id=form_id).first()


def batch_get(pk: int) -> HandoverBatch | None:
    return HandoverBatch.objects.select_related("from_branch", "to_branch", "sent_by", "accepted_by").filter(pk=pk).first()


def at_the_door(branch: Branch) -> list[Envelope]:
    """The envelopes the front desk still holds: received (to disinfect) and in quarantine or ready to hand
    over, oldest first."""
    return list(_envelopes().filter(received_branch=branch, batch__isnull=True,
                                    state__in=[EnvelopeState.RECEIVED, EnvelopeState.DISINFECTED])
                .order_by("received_at", "id"))


def ready_to_hand_over(branch: Branch, now: datetime | None = None) -> list[Envelope]:
    now = now or clock.now()
    return [e for e in at_the_door(branch) if e.state == EnvelopeState.DISINFECTED
            and policy.quarantine_over(now=now, until=e.quarantine_until)]


def batches_to_accept(branch: Branch) -> list[HandoverBatch]:
    return list(HandoverBatch.objects.select_related("from_branch", "sent_by")
                .filter(to_branch=branch, status=HandoverBatch.Status.SENT).annotate(n=Count("envelopes"))
                .order_by("sent_at", "id"))


def to_digitise(branch: Branch) -> list[Envelope]:
    return list(_envelopes().filter(destination=branch, state=EnvelopeState.ACCEPTED).order_by("accepted_at", "id"))


def batch_envelopes(batch: HandoverBatch) -> list[Envelope]:
    return list(_envelopes().filter(batch=batch).order_by("received_at", "id"))


@dataclass(frozen=True)
class StateRow:
    state: str
    label: str
    count: int
    oldest: datetime | None


def envelopes_by_state(branch: Branch) -> list[StateRow]:
    """The branch head's view: envelopes received at or destined for the branch, per state, with the oldest
    (its age is what matters: an envelope that sits)."""
    counts: dict[str, tuple[int, datetime | None]] = {}
    for r in (Envelope.objects.filter(received_branch=branch) | Envelope.objects.filter(destination=branch)).values(
            "state").annotate(n=Count("id"), oldest=Min("received_at")):
        counts[r["state"]] = (r["n"], r["oldest"])
    return [StateRow(s.value, str(s.label), *counts.get(s.value, (0, None))) for s in EnvelopeState]


def quarantine_queue(branch: Branch) -> list[Envelope]:
    return list(_envelopes().filter(received_branch=branch, state=EnvelopeState.DISINFECTED, batch__isnull=True)
                .order_by("quarantine_until", "id"))


def recent_batches(branch: Branch, limit: int = 30) -> list[HandoverBatch]:
    return list((HandoverBatch.objects.filter(from_branch=branch) | HandoverBatch.objects.filter(to_branch=branch))
                .select_related("from_branch", "to_branch", "sent_by", "accepted_by").order_by("-sent_at", "-id")
                [:limit])


@dataclass(frozen=True)
class Found:
    """A claim the desk's search found: what the desk may see (no NIK in full, no documents)."""

    claim: Claim
    name: str
    nik_masked: str
    branch_name: str
    state_label: str


def claims_search(branch: Branch, text: str, limit: int = 10) -> list[Found]:
    """Claims still taking documents, of the branch's own region, whose claim code, insured or applicant NIK or
    applicant's name the desk typed (``policy.search_parse``). At most ``limit``; empty when nothing fits."""
    base = (Claim.objects.select_related("branch").filter(branch__region_id=branch.region_id,
                                                          state__in=workflow.ACCEPTS_DOCUMENTS))
    found: list[Claim] = []
    for search in policy.search_parse(text):
        if search.kind == "claim_code":
            found = list(base.filter(code=search.value)[:1])
        elif search.kind == "nik":
            by_party = ClaimParty.objects.filter(nik=search.value).values("claim_id")
            found = list((base.filter(insured_nik=search.value) | base.filter(pk__in=by_party)).distinct()
                         .order_by("-created_at")[:limit])
        else:
            by_name = ClaimParty.objects.filter(is_applicant=True, full_name__icontains=search.value).values("claim_id")
            found = list(base.filter(pk__in=by_name).order_by("-created_at")[:limit])
        if found:
            break
    from lapakasik.claims.selectors import claim_applicant

    out = []
    for claim in found:
        party = claim_applicant(claim)
        out.append(Found(claim=claim, name=party.full_name, nik_masked=mask_nik(claim.insured_nik),
                         branch_name=claim.branch.name, state_label=str(workflow.State(claim.state).label)))
    return out


def claim_for_receipt(branch: Branch, claim_id: int) -> Claim | None:
    """The claim the desk picked from its search (the same bounds as the search)."""
    return (Claim.objects.select_related("branch", "branch__region")
            .filter(pk=claim_id, branch__region_id=branch.region_id, state__in=workflow.ACCEPTS_DOCUMENTS).first())


def envelope_documents(envelope: Envelope) -> QuerySet[Any]:
    from lapakasik.intake.models import Document

    return Document.objects.filter(claim=envelope.claim, inbound_ref=inbound_ref(envelope)).select_related(
        "requirement").order_by("created_at", "id")


def inbound_ref(envelope: Envelope) -> str:
    return f"envelope:{envelope.pk}"
