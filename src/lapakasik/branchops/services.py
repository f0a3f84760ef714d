"""Telling the participants a channel-policy change affects, once, when it starts.

``channel_policy_announce`` (the periodic job) takes every change that has started, is not cancelled and has
not been announced; for each it lists the participants it affects — claims in ``UPLOAD_TROUBLE`` (upload
failed, or waiting for a dropbox drop) at the branches the change moves — as ``PolicyNotice`` rows, then
tells them in batches: each batch flips ``told_at`` on its rows and stores the messages (one per channel the
participant chose, with the ways still open to them) in one transaction. A row with ``told_at`` is never
taken again, so a second run, a crash half-way or two workers at once tell nobody twice. When no row is left
the change is marked ``announced_at``. A change cancelled before it started is never taken: nobody is told.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from lapakasik.branches import policy as branch_policy
from lapakasik.branches import selectors as branch_selectors
from lapakasik.branches.models import Branch, ChannelPolicy
from lapakasik.claims import workflow
from lapakasik.claims.models import Claim, ClaimParty
from lapakasik.core import clock
from lapakasik.core.dates import long_moment
from lapakasik.intake.models import IntakeAccess
from lapakasik.intake.selectors import dropbox_branches, upload_url
from lapakasik.notifications.recipients import Recipient
from lapakasik.notifications.services import Outgoing, notification_enqueue_many

from .models import PolicyNotice

log = logging.getLogger(__name__)
EVENT = "channel_policy_changed"
BATCH = 500


def changes_due(now: datetime) -> list[ChannelPolicy]:
    return list(ChannelPolicy.objects.filter(valid_from__lte=now, cancelled_at__isnull=True,
                                             announced_at__isnull=True).select_related("region", "branch")
                .order_by("valid_from", "id"))


def channel_policy_announce(*, now: datetime | None = None, batch: int = BATCH) -> int:
    """Tell everyone every started change affects (see the module). Returns the participants told."""
    now = now or clock.now()
    told = 0
    for change in changes_due(now):
        told += change_announce(change, now=now, batch=batch)
    return told


def change_announce(change: ChannelPolicy, *, now: datetime, batch: int = BATCH) -> int:
    moved = branch_selectors.branches_moved_by(change)
    if moved:
        audience_fill(change, moved, now=now)
    alternatives = {b.id: _alternatives(change, b) for b in moved}
    told = 0
    while True:
        n = _tell_batch(change, alternatives, now=now, batch=batch)
        if n is None:
            break
        told += n
    ChannelPolicy.objects.filter(pk=change.pk, announced_at__isnull=True).update(announced_at=clock.now())
    log.info("channel policy %s announced: %s participants told", change.pk, told)
    return told


def audience_fill(change: ChannelPolicy, branches: list[Branch], *, now: datetime) -> None:
    """One ``PolicyNotice`` per claim the change affects (those already listed are kept as they are)."""
    ids = Claim.objects.filter(branch__in=branches, state__in=workflow.UPLOAD_TROUBLE).values_list("id", flat=True)
    with transaction.atomic():
        PolicyNotice.objects.bulk_create([PolicyNotice(change=change, claim_id=i, created_at=now) for i in ids],
                                         ignore_conflicts=True, batch_size=2000)


@dataclass(frozen=True)
class _Alternatives:
    dropbox_allowed: bool
    nearest_name: str = ""
    nearest_address: str = ""


class _AtBranch:  # what ``intake.selectors.dropbox_branches`` reads of a claim
    def __init__(self, branch: Branch) -> None:
        self.branch = branch


def _alternatives(change: ChannelPolicy, branch: Branch) -> _Alternatives:
    if change.mode == branch_policy.ONLINE_AND_DROPBOX:
        return _Alternatives(dropbox_allowed=True)
    usable = dropbox_branches(_AtBranch(branch))  # type: ignore[arg-type]  # own region only
    nearest = usable[0] if usable else None
    if nearest is None:
        return _Alternatives(dropbox_allowed=False)
    return _Alternatives(dropbox_allowed=False, nearest_name=nearest.name, nearest_address=nearest.address)


def _todo(change: ChannelPolicy, batch: int) -> list[tuple[int, int]]:
    qs = PolicyNotice.objects.filter(change=change, told_at__isnull=True).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)  # another worker's batch is skipped, not waited for
    return list(qs.values_list("id", "claim_id")[:batch])


def _tell_batch(change: ChannelPolicy, alternatives: dict[int, _Alternatives], *, now: datetime,
                batch: int) -> int | None:
    """Tell one batch; None when nothing is left. A verification-code collision rolls the batch back and it
    is drawn again."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return _tell(change, alternatives, now=now, batch=batch)
        except IntegrityError:
            log.warning("channel policy %s: a batch met a code collision and is drawn again", change.pk)
    raise IntegrityError("could not store a batch of channel-policy messages")


def _tell(change: ChannelPolicy, alternatives: dict[int, _Alternatives], *, now: datetime,
          batch: int) -> int | None:
    todo = _todo(change, batch)
    if not todo:
        return None
    notice_ids = [n for n, _ in todo]
    claims = {c.id: c for c in Claim.objects.filter(id__in=[c for _, c in todo]).select_related("branch")}
    parties = {p.claim_id: p for p in ClaimParty.objects.filter(claim_id__in=claims, is_applicant=True)}
    links: dict[int, dict[str, str]] = {}
    for a in IntakeAccess.objects.filter(claim_id__in=claims, revoked_at__isnull=True).only(
            "claim_id", "kind", "token"):
        links.setdefault(a.claim_id, {})[a.kind] = a.token
    still = [c for c in claims.values() if c.state in workflow.UPLOAD_TROUBLE and c.branch_id in alternatives
             and c.id in parties]
    PolicyNotice.objects.filter(id__in=notice_ids, told_at__isnull=True).update(told_at=now)
    PolicyNotice.objects.filter(id__in=notice_ids, claim_id__in=[c.id for c in still]).update(sent=True)
    upload_pattern = upload_url(_TOKEN_MARK)  # one reverse() per batch, not one per participant
    outgoing = []
    for claim in still:
        party = parties[claim.id]
        to = Recipient(name=party.full_name, email=party.email, phone=party.phone, language=party.language,
                       channels=tuple(party.channels or ()))
        outgoing.append(Outgoing(to=to, claim=claim, context=_context(
            change, claim, alternatives[claim.branch_id], links.get(claim.id, {}), party.language, upload_pattern)))
    notification_enqueue_many(event=EVENT, messages=outgoing)
    return len(still)


_TOKEN_MARK = "TOKEN0MARK"  # noqa: S105 - a placeholder in a URL pattern, not a secret


@lru_cache(maxsize=64)
def _local_start(valid_from: datetime, time_zone: str, abbreviation: str, language: str) -> str:
    local = timezone.localtime(valid_from, ZoneInfo(time_zone))
    return long_moment(local, abbreviation, language if language in ("id", "en") else "id")


def _context(change: ChannelPolicy, claim: Claim, alt: _Alternatives, links: dict[str, str],
             language: str, upload_pattern: str) -> dict[str, Any]:
    branch = claim.branch
    ctx: dict[str, Any] = {
        "mode": change.mode, "dropbox_allowed": alt.dropbox_allowed, "policy_reason": change.reason,
        "valid_from_local": _local_start(change.valid_from, branch.time_zone, branch.tz_abbreviation, language),
    }
    if alt.nearest_name:
        ctx["nearest_dropbox_branch"] = alt.nearest_name
        ctx["nearest_dropbox_address"] = alt.nearest_address
    if IntakeAccess.Kind.UPLOAD in links:
        ctx["upload_url"] = upload_pattern.replace(_TOKEN_MARK, links[IntakeAccess.Kind.UPLOAD])
        if alt.dropbox_allowed:
            ctx["cover_sheet_url"] = ctx["upload_url"].rstrip("/") + "/lembar-sampul.pdf"
    if IntakeAccess.Kind.EMAIL in links:
        ctx["email_address"] = f"{links[IntakeAccess.Kind.EMAIL]}@{settings.INTAKE_DOMAIN}"
    return ctx
