"""Reads for the officer's pages and API: the work queue (a fixed number of queries whatever the page
and filter), counts per state, each officer's load, the claim page's parts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from lapakasik.accounts.models import OfficerProfile, Role
from lapakasik.claims import workflow
from lapakasik.claims.models import Claim, ClaimEvent, ClaimType
from lapakasik.claims.reasons import reason_label
from lapakasik.core import clock
from lapakasik.core.codes import normalize_code
from lapakasik.core.masking import mask_nik
from lapakasik.notifications.models import Notification
from lapakasik.payments.sla import due_end

from . import policy
from .models import CallWindowOffer, Confirmation, RefusalReason


@dataclass
class QueueRow:
    id: int
    code: str
    state: str
    state_label: str
    claim_type: str
    claim_type_label: str
    reason_label: str
    name: str
    nik_masked: str
    session_at: datetime | None
    deadline: datetime | None
    overdue: bool
    documents_complete: bool
    assignee: str
    mine: bool
    session_text: str = ""
    left: str = ""


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    counts: dict[str, int] = field(default_factory=dict)


def queue_base(branch_ids: list[int]) -> QuerySet[Claim]:
    """The branch's open claims but the bare seats (``policy.QUEUE_STATES``), in ``queue_at`` order: the index
    ``claim_queue_idx`` (branch, queue_at, id, state) serves the filter, the order and the counts."""
    qs = Claim.objects.filter(queue_at__isnull=False).exclude(state=workflow.State.BOOKED)
    return qs.filter(branch_id=branch_ids[0]) if len(branch_ids) == 1 else qs.filter(branch_id__in=branch_ids)


def _filtered(qs: QuerySet[Claim], f: policy.QueueFilter, *, user_id: int | None, now: datetime,
              today: date | None = None) -> QuerySet[Claim]:
    today = today or now.date()
    if f.state:
        qs = qs.filter(state=f.state)
    if f.claim_type:
        qs = qs.filter(claim_type=f.claim_type)
    if f.mine:
        qs = qs.filter(assignee_id=user_id)
    if f.unassigned:
        qs = qs.filter(assignee__isnull=True)
    if f.overdue:
        # The payment's promised day is a date of the branch's calendar: overdue from the day after it.
        owed, waiting = sorted(policy.PAYMENT_OWED), sorted(workflow.AWAITING_PARTICIPANT)
        qs = qs.filter(Q(state__in=waiting, documents_due_at__lt=now)
                       | Q(state__in=owed, payment_due__due_on__lt=today)
                       | Q(state__in=owed, payment_due__isnull=True, session_at__lt=now)
                       | (~Q(state__in=waiting + owed) & Q(session_at__lt=now)))
    if f.q:
        kind = policy.search_kind(f.q)
        if kind == "nik":
            qs = qs.filter(insured_nik=f.q.replace(" ", ""))
        elif kind == "code" and qs.filter(code=normalize_code(f.q)).exists():
            qs = qs.filter(code=normalize_code(f.q))
        else:  # a name (or eight letters that are no claim code here: "Setyawan"): a join from the branch's
            # open claims to their applicant (one per claim), not a scan of every party's name
            qs = qs.filter(parties__is_applicant=True, parties__full_name__icontains=f.q)
    return qs


_UNITS = {"d": _("%(n)s hari"), "h": _("%(n)s jam"), "m": _("%(n)s menit")}


def _left_text(deadline: datetime | None, now: datetime) -> str:
    n, unit = policy.time_left(deadline, now)
    if not unit:
        return "—"
    text = str(_UNITS[unit]) % {"n": abs(n)}
    return str(_("lewat %(t)s") % {"t": text}) if n < 0 else text


def work_queue(*, branch_ids: list[int], f: policy.QueueFilter, user_id: int | None,
               time_zone: str = "Asia/Jakarta") -> QueuePage:
    """The page of the branch's work queue in session order (then opening order): four queries — the
    counts per state, the filtered total, the page's ids, those rows with applicant and holder (a search
    by an eight-character text asks once more whether it is a claim code here)."""
    now = clock.now()
    base = queue_base(branch_ids)
    counts = {row["state"]: row["n"] for row in base.order_by().values("state").annotate(n=Count("id"))}
    zone = ZoneInfo(time_zone)
    qs = _filtered(base, f, user_id=user_id, now=now, today=now.astimezone(zone).date())
    total = qs.count()
    pages = max(1, -(-total // policy.PAGE_SIZE))
    page = min(f.page, pages)
    start = (page - 1) * policy.PAGE_SIZE
    # The page's ids first (an index-only walk, however deep the page), then those 50 rows with their joins.
    ids = list(qs.order_by("queue_at", "id").values_list("id", flat=True)[start:start + policy.PAGE_SIZE])
    found = {v["id"]: v for v in (
        Claim.objects.filter(pk__in=ids)
        .annotate(applicant=FilteredRelation("parties", condition=Q(parties__is_applicant=True)))
        .values("id", "code", "state", "claim_type", "claim_reason", "insured_nik", "session_at",
                "documents_due_at", "assignee_id", "assignee__username", "assignee__first_name",
                "assignee__last_name", "applicant__full_name", "payment_due__due_on"))}
    values = [found[i] for i in ids if i in found]
    type_labels = {k: str(v) for k, v in ClaimType.choices}
    state_labels = {k: str(v) for k, v in workflow.State.choices}
    rows = []
    for v in values:
        due_on = v["payment_due__due_on"]
        deadline = policy.claim_deadline(state=v["state"], documents_due_at=v["documents_due_at"],
                                         session_at=v["session_at"],
                                         payment_due_at=due_end(due_on, time_zone) if due_on else None)
        who = " ".join(x for x in (v["assignee__first_name"], v["assignee__last_name"]) if x) or (
            v["assignee__username"] or "")
        rows.append(QueueRow(
            id=v["id"], code=v["code"], state=v["state"], state_label=state_labels.get(v["state"], v["state"]),
            claim_type=v["claim_type"], claim_type_label=type_labels.get(v["claim_type"], v["claim_type"]),
            reason_label=reason_label(v["claim_type"], v["claim_reason"]), name=v["applicant__full_name"] or "",
            nik_masked=mask_nik(v["insured_nik"]), session_at=v["session_at"], deadline=deadline,
            overdue=deadline is not None and deadline < now and v["state"] not in workflow.TERMINAL,
            documents_complete=v["state"] in policy.DOCUMENTS_COMPLETE, assignee=who,
            mine=user_id is not None and v["assignee_id"] == user_id,
            session_text=formats.date_format(v["session_at"].astimezone(zone), "D j M H:i") if v["session_at"] else "—",
            left=_left_text(deadline, now)))
    return QueuePage(rows=rows, total=total, page=page, pages=pages, counts=counts)


def officer_load(*, branch_ids: list[int]) -> list[dict[str, Any]]:
    """Each officer of the branches and how many open claims they hold, per state (the supervisor's
    view before reassigning)."""
    held = (Claim.objects.filter(branch_id__in=branch_ids, assignee__isnull=False)
            .exclude(state__in=sorted(workflow.TERMINAL)).order_by()
            .values("assignee_id", "state").annotate(n=Count("id")))
    per: dict[int, dict[str, int]] = {}
    for row in held:
        per.setdefault(row["assignee_id"], {})[row["state"]] = row["n"]
    people = (OfficerProfile.objects.filter(branch_id__in=branch_ids, role__in=[Role.OFFICER, Role.SUPERVISOR])
              .select_related("user").order_by("user__username"))
    return [{"user": p.user, "role": p.get_role_display(), "states": per.get(p.user_id, {}),
             "total": sum(per.get(p.user_id, {}).values())} for p in people]


def officers_of_branch(branch_id: int) -> QuerySet[Any]:
    return get_user_model().objects.filter(officer__branch_id=branch_id,
                                           officer__role__in=[Role.OFFICER, Role.SUPERVISOR]).order_by("username")


def claim_by_code(code: str) -> Claim | None:
    return Claim.objects.select_related("branch", "branch__region", "assignee").filter(
        code=normalize_code(code)).first()


def refusal_reasons() -> list[RefusalReason]:
    return list(RefusalReason.objects.filter(is_active=True))


def refusal_reason_get(code: str) -> RefusalReason | None:
    return RefusalReason.objects.filter(code=code, is_active=True).first()


def claim_history(claim: Claim) -> list[ClaimEvent]:
    return list(ClaimEvent.objects.filter(claim=claim).select_related("actor_user").order_by("seq"))


def claim_messages(claim: Claim) -> list[Notification]:
    """Every message sent (or being sent) to the claim's parties, newest first."""
    return list(Notification.objects.filter(claim_id=claim.pk).order_by("-created_at", "-id")[:200])


def claim_confirmations(claim: Claim) -> list[Confirmation]:
    return list(Confirmation.objects.filter(claim=claim).select_related("officer").order_by("window_start", "id"))


def confirmation_open(claim: Claim) -> Confirmation | None:
    return Confirmation.objects.filter(claim=claim, outcome="", cancelled_at__isnull=True).first()


def confirmations_in_room(room: str) -> list[Confirmation]:
    return list(Confirmation.objects.filter(room=room).select_related("claim"))


def officer_busy(*, officer_id: int, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    return list(Confirmation.objects.filter(officer_id=officer_id, cancelled_at__isnull=True, outcome="",
                                            window_start__lt=end, window_end__gt=start)
                .values_list("window_start", "window_end"))


def call_window_offer_get(token_digest: str) -> CallWindowOffer | None:
    return (CallWindowOffer.objects.select_related("claim", "claim__branch", "officer")
            .filter(token_digest=token_digest).first())
