"""Authorisation rules: may this principal do this action on this claim / branch / region?

Pure functions over plain values (no database): a ``Principal`` (role, branch id, region id, user id) and a
``Target`` (the branch id and region id of what is acted on). Two tables decide everything:

- ``ROLE_SCOPE``: how far a role reaches — its own branch, its region, or the whole network;
- ``ALLOWED``: which roles may do each ``Action`` at all.

``decide`` checks the role first, then the scope, so that a role that may never do an action gets the same
answer (``wrong_role`` → 403) whatever the target is, and nobody learns from the answer whether a claim at a
branch outside their scope exists (``out_of_scope`` → 404, the same answer as an unknown code).

``accounts.access.require`` loads the principal of a request's user and turns a refusal into the error the
API or page answers with; ``accounts.selectors.branches_visible_to`` derives list filters from the same two
tables. To add an action: add it to ``Action``, give it a row in ``ALLOWED`` (a test fails on an action
without one) and a line in the table of ``docs/security.md`` (a test compares them).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal

from .models import Role


class Action(enum.StrEnum):
    VIEW_CLAIM = "view_claim"  # a claim or its booking, in an officer's page or the officer API
    VIEW_DOCUMENTS = "view_documents"  # the claim's documents page (checklist, file list)
    OPEN_DOCUMENT = "open_document"  # download or view one file (recorded in the claim's history)
    REVIEW_DOCUMENT = "review_document"  # accept / refuse a file, match it to a requirement
    VIEW_REGISTRY_RECORD = "view_registry_record"  # the membership record next to the claim
    CANCEL_BOOKING = "cancel_booking"
    RESCHEDULE_BOOKING = "reschedule_booking"
    RESCHEDULE_TO_BRANCH = "reschedule_to_branch"  # the target is the branch the booking moves to
    RECORD_PHONE_CALL = "record_phone_call"  # the phone-call tasks of a branch and their outcomes
    VIEW_QUEUE = "view_queue"  # the branch's work queue (/petugas/)
    TAKE_CLAIM = "take_claim"  # take a claim into one's own work (and release it)
    DECIDE_CLAIM = "decide_claim"  # ask for documents, verify, reject
    CONFIRM_CLAIM = "confirm_claim"  # schedule a confirmation call and record its outcome
    VIEW_LOAD = "view_load"  # each officer's load (before reassigning)
    ASSIGN_CLAIM = "assign_claim"  # give a claim to another officer
    APPROVE_SECOND = "approve_second"  # the second signature of a four-eyes decision
    SET_CHANNEL_POLICY = "set_channel_policy"  # online-only / online + dropbox for a region or branch
    SCREEN_VISITOR = "screen_visitor"  # temperature screening at the door
    VIEW_SCREENING_COUNTS = "view_screening_counts"  # screenings per day at a branch (counts, nobody named)
    RECEIVE_ENVELOPE = "receive_envelope"  # dropbox custody: receive, disinfect, hand over
    DIGITISE_ENVELOPE = "digitise_envelope"  # dropbox custody: accept a hand-over, scan the pages into the claim
    VIEW_DROPBOX = "view_dropbox"  # a branch's envelopes by state and age, quarantine, hand-over reconciliation
    VIEW_BANK_ACCOUNT = "view_bank_account"  # a claim's bank account unmasked (everyone else sees it masked)
    CHECK_BANK_ACCOUNT = "check_bank_account"  # compare the account with the bank book; re-issue a failed payment
    VIEW_PAYMENTS = "view_payments"  # a branch's payment instructions and batches, their files
    CLOSE_BATCH = "close_batch"  # close the branch's daily payment batch
    IMPORT_BANK_RESULT = "import_bank_result"  # apply the bank's result file to a batch
    VIEW_OPENING = "view_opening"  # the quota opening's live counts and settings (counts, nobody named)
    SET_OPENING = "set_opening"  # the opening's window, admission rate, latency target (national)
    SET_BRANCH_QUOTA = "set_branch_quota"  # a branch's seats per session for the days opened next
    INVITE_EMPLOYER_OFFICER = "invite_employer_officer"  # invite a company's HR officer (an address of the registry)
    EMPLOYER_VIEW_CLAIMS = "employer_view_claims"  # the company's claims waiting for its part
    EMPLOYER_REPORT_JKK = "employer_report_jkk"  # a JKK accident report (stage I opens the claim, then stage II)


class Scope(enum.StrEnum):
    BRANCH = "branch"
    REGION = "region"
    NATIONAL = "national"
    EMPLOYER = "employer"  # one company (NPP): its claims, wherever they are served


ROLE_SCOPE: dict[Role, Scope] = {
    Role.OFFICER: Scope.BRANCH,
    Role.SUPERVISOR: Scope.BRANCH,
    Role.FRONT_DESK: Scope.BRANCH,
    Role.REGIONAL_ADMIN: Scope.REGION,
    Role.NATIONAL_ADMIN: Scope.NATIONAL,
    Role.EMPLOYER_OFFICER: Scope.EMPLOYER,
}

_O, _S, _F, _R, _N = Role.OFFICER, Role.SUPERVISOR, Role.FRONT_DESK, Role.REGIONAL_ADMIN, Role.NATIONAL_ADMIN
_E = Role.EMPLOYER_OFFICER

# Casework on a claim (review, calls, taking work) belongs to the branch that holds it; admins oversee (they
# may read, and move bookings between branches of their scope) but do not decide a claim; the front desk
# works at the door (screening, envelopes) and sees nothing of a claim's documents or decisions.
ALLOWED: dict[Action, frozenset[Role]] = {
    Action.VIEW_CLAIM: frozenset({_O, _S, _R, _N}),
    Action.VIEW_DOCUMENTS: frozenset({_O, _S, _R, _N}),
    Action.OPEN_DOCUMENT: frozenset({_O, _S, _R, _N}),
    Action.REVIEW_DOCUMENT: frozenset({_O, _S}),
    Action.VIEW_REGISTRY_RECORD: frozenset({_O, _S, _R, _N}),
    Action.CANCEL_BOOKING: frozenset({_O, _S, _R, _N}),
    Action.RESCHEDULE_BOOKING: frozenset({_O, _S, _R, _N}),
    Action.RESCHEDULE_TO_BRANCH: frozenset({_O, _S, _R, _N}),
    Action.RECORD_PHONE_CALL: frozenset({_O, _S}),
    Action.VIEW_QUEUE: frozenset({_O, _S, _R, _N}),
    Action.TAKE_CLAIM: frozenset({_O, _S}),
    Action.DECIDE_CLAIM: frozenset({_O, _S}),
    Action.CONFIRM_CLAIM: frozenset({_O, _S}),
    Action.VIEW_LOAD: frozenset({_S, _R, _N}),
    Action.ASSIGN_CLAIM: frozenset({_S}),
    Action.APPROVE_SECOND: frozenset({_S}),
    Action.SET_CHANNEL_POLICY: frozenset({_R, _N}),
    Action.SCREEN_VISITOR: frozenset({_F, _S}),
    Action.VIEW_SCREENING_COUNTS: frozenset({_F, _S, _R, _N}),
    Action.VIEW_OPENING: frozenset({_R, _N}),
    Action.SET_OPENING: frozenset({_N}),  # one queue per time zone crosses regions: set nationally
    Action.SET_BRANCH_QUOTA: frozenset({_R, _N}),
    Action.RECEIVE_ENVELOPE: frozenset({_F, _O, _S}),
    Action.DIGITISE_ENVELOPE: frozenset({_O, _S}),
    Action.VIEW_DROPBOX: frozenset({_S, _R, _N}),
    Action.VIEW_BANK_ACCOUNT: frozenset({_O, _S}),
    Action.CHECK_BANK_ACCOUNT: frozenset({_O, _S}),
    Action.VIEW_PAYMENTS: frozenset({_S, _R, _N}),
    Action.CLOSE_BATCH: frozenset({_S}),
    Action.IMPORT_BANK_RESULT: frozenset({_S}),
    # The employer side: the branch supervisor and the admins invite a company's HR officers (only addresses
    # the registry lists for the NPP); an HR officer acts for their own company only, and is allowed nothing
    # of the agency's casework above.
    Action.INVITE_EMPLOYER_OFFICER: frozenset({_S, _R, _N}),
    Action.EMPLOYER_VIEW_CLAIMS: frozenset({_E}),
    Action.EMPLOYER_REPORT_JKK: frozenset({_E}),
}

#: Actions that exist for one claim type only: a claim of another type is out of scope (404), as if it did
#: not exist, whoever asks.
CLAIM_TYPES_OF_ACTION: dict[Action, frozenset[str]] = {
    Action.EMPLOYER_REPORT_JKK: frozenset({"JKK"}),
}

Reason = Literal["out_of_scope", "wrong_role"]
OUT_OF_SCOPE: Reason = "out_of_scope"
WRONG_ROLE: Reason = "wrong_role"


@dataclass(frozen=True)
class Principal:
    """Who asks. ``role`` is None for a signed-in user without an officer profile (allowed nothing)."""

    user_id: int | None
    role: Role | None
    branch_id: int | None = None
    region_id: int | None = None  # a regional admin's region; for branch roles, their branch's region
    npp: str = ""  # an employer's officer's company


@dataclass(frozen=True)
class Target:
    """Where the thing acted on lives: a branch (with its region) or a whole region; for the employer side,
    the company (``npp``) a claim is reported by. ``claim_type``: the type of the claim acted on, when the
    action exists for some types only (``CLAIM_TYPES_OF_ACTION``)."""

    branch_id: int | None = None
    region_id: int | None = None
    npp: str = ""
    claim_type: str = ""

    def __post_init__(self) -> None:
        if self.branch_id is None and self.region_id is None and not self.npp:
            raise ValueError("a target names a branch, a region or a company")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: Reason | None = None


ALLOW = Decision(True)


def role_allows(role: Role | None, action: Action) -> bool:
    return role is not None and role in ALLOWED[action]


def in_scope(principal: Principal, target: Target) -> bool:
    """Whether ``target`` lies within the principal's reach (regardless of the action)."""
    if principal.role is None:
        return False
    scope = ROLE_SCOPE[principal.role]
    if scope is Scope.EMPLOYER:  # one company only, never a branch or region
        return bool(principal.npp) and target.npp == principal.npp
    if scope is Scope.NATIONAL:
        return True
    if scope is Scope.REGION:
        return principal.region_id is not None and target.region_id == principal.region_id
    # A branch role reaches its own branch only, never a whole region.
    return principal.branch_id is not None and target.branch_id == principal.branch_id


def decide(principal: Principal, action: Action, target: Target | None = None) -> Decision:
    """May ``principal`` do ``action`` on ``target``?

    Without a target only the role is checked: ask that before looking anything up, so that an unknown
    code and another branch's code get the same answer; list pages then filter their rows by scope
    (``accounts.selectors.branches_visible_to``)."""
    if not role_allows(principal.role, action):
        return Decision(False, WRONG_ROLE)
    if target is not None and not in_scope(principal, target):
        return Decision(False, OUT_OF_SCOPE)
    types = CLAIM_TYPES_OF_ACTION.get(action)
    if target is not None and types is not None and target.claim_type not in types:
        return Decision(False, OUT_OF_SCOPE)
    return ALLOW


@dataclass(frozen=True)
class BranchFilter:
    """Which branches a principal may do an action at, as data a selector turns into a query:
    ``everything``, or the branches of ``region_id``, or the one branch ``branch_id``, or none."""

    everything: bool = False
    region_id: int | None = None
    branch_id: int | None = None

    @property
    def nothing(self) -> bool:
        return not self.everything and self.region_id is None and self.branch_id is None


def branch_filter(principal: Principal, action: Action) -> BranchFilter:
    """The branches where ``decide(principal, action, Target(branch, its region))`` allows — the same
    tables, as a filter for list pages."""
    if not role_allows(principal.role, action) or principal.role is None:
        return BranchFilter()
    scope = ROLE_SCOPE[principal.role]
    if scope is Scope.EMPLOYER:  # an employer's officer lists by company, never by branch
        return BranchFilter()
    if scope is Scope.NATIONAL:
        return BranchFilter(everything=True)
    if scope is Scope.REGION:
        return BranchFilter(region_id=principal.region_id)
    return BranchFilter(branch_id=principal.branch_id)


def table_markdown() -> str:
    """The roles × actions table of ``docs/security.md`` (a test keeps the page in step with this)."""
    roles = list(ROLE_SCOPE)
    head = "| action | " + " | ".join(f"{r.value} ({ROLE_SCOPE[r].value})" for r in roles) + " |"
    rule = "|---|" + "---|" * len(roles)
    rows = [f"| `{a.value}` | " + " | ".join("yes" if r in ALLOWED[a] else "—" for r in roles) + " |" for a in Action]
    return "\n".join([head, rule, *rows])
