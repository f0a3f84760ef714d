"""Writes of the branch network: changing a region's or a branch's channel policy, and cancelling a change
before it starts; changing a branch's seats per session (the quota the next openings release). A change is a new ``ChannelPolicy`` row with who and why; no row is ever edited (a
cancelled change keeps its row, marked). Telling the participants a change affects is the job of the app
that knows them (``branchops``), when the change starts.

Who may call these is decided by ``accounts.policy`` (``Action.SET_CHANNEL_POLICY``) in the pages before the
call; the services check only the change itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lapakasik.core import clock
from lapakasik.core.dates import long_moment
from lapakasik.core.errors import Conflict, InvalidInput, NotFound

from . import policy, selectors
from .models import TZ_ABBREVIATION, Branch, ChannelPolicy, QuotaChange, Region

# A "from" typed in a form has minute precision: a time within the current minute means now.
GRACE = timedelta(seconds=60)


def _when(moment: datetime | None, time_zone: str) -> str:
    if moment is None:
        return "—"
    local = timezone.localtime(moment, ZoneInfo(time_zone))
    return long_moment(local, TZ_ABBREVIATION.get(time_zone, ""))


def _mode_label(mode: str) -> str:
    return str(ChannelPolicy.Mode(mode).label) if mode in ChannelPolicy.Mode.values else mode


def _refusal_error(refusal: policy.Refusal, time_zone: str) -> Exception:
    other = refusal.other
    if refusal.code == policy.INVALID_MODE:
        return InvalidInput(_("Pilih salah satu mode: sepenuhnya online, atau online dan dropbox."),
                            code="invalid_mode", fields={"mode": [_("Mode tidak dikenal.")]})
    if refusal.code == policy.REASON_MISSING:
        return InvalidInput(_("Tulis alasan perubahan (paling sedikit %(n)d karakter).") % {"n": policy.REASON_MIN},
                            code="reason_missing", fields={"reason": [_("Alasan wajib diisi.")]})
    if refusal.code == policy.VALID_FROM_PAST:
        return InvalidInput(_("Waktu mulai sudah lewat. Pilih sekarang atau waktu yang akan datang."),
                            code="valid_from_past", fields={"valid_from": [_("Waktu sudah lewat.")]})
    assert other is not None or refusal.code == policy.ALREADY_IN_FORCE
    if refusal.code == policy.ALREADY_SCHEDULED and other is not None:
        return Conflict(_("Perubahan yang sama sudah dijadwalkan mulai %(when)s.") % {
            "when": _when(other.valid_from, time_zone)}, code="policy_already_scheduled",
            extra={"other_id": other.id})
    if refusal.code == policy.OVERLAP and other is not None:
        return Conflict(_("Bertumpang tindih dengan perubahan lain (%(mode)s, mulai %(start)s, sampai %(end)s). "
                          "Batalkan perubahan itu lebih dulu.") % {
            "mode": _mode_label(other.mode), "start": _when(other.valid_from, time_zone),
            "end": _when(other.valid_to, time_zone)}, code="policy_overlap", extra={"other_id": other.id})
    return Conflict(_("Mode %(mode)s sudah berlaku pada waktu itu; tidak ada yang berubah.") % {
        "mode": _mode_label(refusal.other.mode if refusal.other else policy.DEFAULT_MODE)},
        code="policy_already_in_force", extra={"other_id": other.id if other else None})


def scope_time_zone(*, region: Region | None = None, branch: Branch | None = None) -> str:
    return branch.time_zone if branch is not None else (region.time_zone if region is not None else "Asia/Jakarta")


@transaction.atomic
def channel_policy_set(*, mode: str, reason: str, actor: Any, region: Region | None = None,
                       branch: Branch | None = None, valid_from: datetime | None = None) -> ChannelPolicy:
    """Set a region or a branch (exactly one) to ``mode`` from ``valid_from`` (None: now) with a reason.
    Refused, writing nothing: a bad mode, a missing reason, a start in the past (``InvalidInput``); the mode
    already in force then, the same change already scheduled, or an overlap with another change
    (``Conflict``, naming the other change). Changes of one region (and its branches) are made one at a
    time: the region's row is locked."""
    if (region is None) == (branch is None):
        raise ValueError("name a region or a branch")
    now = clock.now()
    start = valid_from or now
    if start.tzinfo is None:
        raise ValueError("valid_from must be an aware datetime")
    if now - GRACE <= start < now:
        start = now
    region_id = branch.region_id if branch is not None else region.pk  # type: ignore[union-attr]
    locked = Region.objects.select_for_update().filter(pk=region_id).first()
    if locked is None:
        raise NotFound(code="region_not_found")
    reason = (reason or "").strip()
    refusal = policy.change_refusal(
        scope="branch" if branch is not None else "region", mode=mode, valid_from=start, reason=reason, now=now,
        existing=selectors.scope_rules(region_id=region_id if branch is None else None,
                                       branch_id=branch.pk if branch is not None else None))
    if refusal is not None:
        raise _refusal_error(refusal, scope_time_zone(region=region, branch=branch))
    if len(reason) > policy.REASON_MAX:
        raise InvalidInput(_("Alasan terlalu panjang (paling banyak %(n)d karakter).") % {"n": policy.REASON_MAX},
                           code="reason_too_long", fields={"reason": [_("Terlalu panjang.")]})
    return ChannelPolicy.objects.create(region=None if branch is not None else region, branch=branch, mode=mode,
                                        valid_from=start, reason=reason, set_by=actor)


@transaction.atomic
def channel_policy_cancel(*, change: ChannelPolicy, actor: Any) -> ChannelPolicy:
    """Cancel a change that has not started yet. It then never takes effect and nobody is told. A change
    that started (or was cancelled already) is refused and left as it is."""
    region_id = change.branch.region_id if change.branch_id else change.region_id  # type: ignore[union-attr]
    Region.objects.select_for_update().filter(pk=region_id).first()  # type: ignore[misc]
    row = ChannelPolicy.objects.select_for_update().get(pk=change.pk)
    if row.cancelled_at is not None:
        raise Conflict(_("Perubahan ini sudah dibatalkan."), code="policy_already_cancelled")
    now = clock.now()
    if row.valid_from <= now:
        raise Conflict(_("Perubahan ini sudah berlaku dan tidak dapat dibatalkan; buat perubahan baru."),
                       code="policy_started")
    updated = ChannelPolicy.objects.filter(pk=row.pk, cancelled_at__isnull=True, valid_from__gt=now).update(
        cancelled_at=now, cancelled_by=actor)
    if not updated:  # pragma: no cover - the row lock above makes this unreachable
        raise Conflict(_("Perubahan ini sudah dibatalkan."), code="policy_already_cancelled")
    row.refresh_from_db()
    return row


#: The most seats one session may have: a branch's hall and its officers (a typo of 1000 is refused).
QUOTA_MAX = 500


def reason_refusal(reason: str) -> InvalidInput | None:
    """The reason rule of the opening's operator changes (seats per session, opening settings): one line of at
    least ``REASON_MIN`` characters, no control characters, at most ``REASON_MAX``."""
    text = " ".join((reason or "").split())
    if len(text) < policy.REASON_MIN or any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return InvalidInput(_("Tulis alasan perubahan (paling sedikit %(n)d karakter).") % {"n": policy.REASON_MIN},
                            code="reason_missing", fields={"reason": [_("Alasan wajib diisi.")]})
    if len(text) > policy.REASON_MAX:
        return InvalidInput(_("Alasan terlalu panjang (paling banyak %(n)d karakter).") % {"n": policy.REASON_MAX},
                            code="reason_too_long", fields={"reason": [_("Terlalu panjang.")]})
    return None


@transaction.atomic
def branch_quota_set(*, branch: Branch, capacity: int | None, reason: str, actor: Any) -> QuotaChange:
    """Set the branch's seats per session (None: the session templates' own) with a reason. It applies to
    the days opened from now on; sessions already opened keep their seats (a participant's seat is never
    taken back, and the day on sale is not changed under the people buying it). Refused, writing nothing:
    a number outside 1…``QUOTA_MAX`` or a missing reason (``InvalidInput``), the quota already in force
    (``Conflict``). The branch row is locked: two admins' changes are made one after the other."""
    if capacity is not None and (isinstance(capacity, bool) or not isinstance(capacity, int)
                                 or not 1 <= capacity <= QUOTA_MAX):
        raise InvalidInput(_("Kuota per sesi harus 1 sampai %(n)d kursi, atau kosong (dari templat sesi).")
                           % {"n": QUOTA_MAX}, code="invalid_quota",
                           fields={"capacity": [_("Di luar batas.")]})
    refusal = reason_refusal(reason)
    if refusal is not None:
        raise refusal
    locked = Branch.objects.select_for_update().filter(pk=branch.pk).first()
    if locked is None:
        raise NotFound(code="branch_not_found")
    if locked.session_capacity == capacity:
        raise Conflict(_("Kuota itu sudah berlaku; tidak ada yang berubah."), code="quota_unchanged")
    change = QuotaChange.objects.create(branch=locked, capacity_before=locked.session_capacity,
                                        capacity_after=capacity, reason=" ".join(reason.split()), set_by=actor,
                                        created_at=clock.now())
    Branch.objects.filter(pk=locked.pk).update(session_capacity=capacity)
    branch.session_capacity = capacity
    return change
