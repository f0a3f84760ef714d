"""Reads of the online queue shared by the API and the pages: availability (cached), alternatives
for a full slot, bookings by code + token."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q

from lapakasik.branches import policy as branch_policy
from lapakasik.branches.models import Branch
from lapakasik.branches.selectors import closures_for, sessions_for
from lapakasik.claims.selectors import claim_get_authorised
from lapakasik.core import clock
from lapakasik.core.codes import normalize_code
from lapakasik.core.errors import NotFound

from . import cache, policy
from .models import Booking, SlotQuota

OPEN, FULL, CLOSED = "open", "full", "closed"


@dataclass(frozen=True)
class BranchInfo:
    id: int
    code: str
    name: str
    kind: str
    region_code: str
    region_name: str
    address: str
    city: str
    time_zone: str
    tz_abbreviation: str
    latitude: float | None
    longitude: float | None
    session_capacity: int | None


@dataclass(frozen=True)
class SessionAvailability:
    slot_id: int | None
    date: date
    start: str  # "HH:MM", branch-local
    end: str
    starts_at: datetime  # aware, in the branch's zone
    ends_at: datetime
    capacity: int
    remaining: int
    status: str  # open | full | closed


@dataclass(frozen=True)
class DayAvailability:
    date: date
    status: str
    closed_reason: str
    sessions: list[SessionAvailability] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        return sum(s.remaining for s in self.sessions)


@dataclass(frozen=True)
class BranchAvailability:
    branch: BranchInfo
    days: list[DayAvailability]

    @property
    def window(self) -> list[date]:
        return [d.date for d in self.days if d.status != CLOSED or d.sessions]

    def day(self, day: date) -> DayAvailability | None:
        return next((d for d in self.days if d.date == day), None)

    def session(self, day: date, start: str) -> SessionAvailability | None:
        d = self.day(day)
        return next((s for s in d.sessions if s.start == start), None) if d else None


def _info(b: Branch) -> BranchInfo:
    return BranchInfo(
        id=b.id, code=b.code, name=b.name, kind=b.kind, region_code=b.region.code, region_name=b.region.name,
        address=b.address, city=b.city, time_zone=b.time_zone, tz_abbreviation=b.tz_abbreviation,
        latitude=float(b.latitude) if b.latitude is not None else None,
        longitude=float(b.longitude) if b.longitude is not None else None,
        session_capacity=b.session_capacity,
    )


def branch_info(code: str) -> BranchInfo | None:
    """An active branch by code (case-insensitive), cached; None when unknown or inactive."""
    key = cache.branch_key(str(code or "").strip()[:32])
    hit = cache.get(key)
    if hit is not None:
        return hit or None
    b = Branch.objects.select_related("region").filter(code__iexact=str(code).strip(), is_active=True).first()
    info: BranchInfo | None = _info(b) if b else None
    cache.put(key, info or False, cache.BRANCH_TTL)
    return info


def branch_infos() -> list[BranchInfo]:
    hit = cache.get("booking:branches")
    if hit is None:
        hit = [_info(b) for b in Branch.objects.select_related("region").filter(is_active=True)]
        cache.put("booking:branches", hit, cache.BRANCH_TTL)
    return list(hit)


def settings_int(name: str, default: int) -> int:
    value: Any = settings.LAPAKASIK.get(name, default)
    return int(value)


def branch_window(branch: BranchInfo, now: datetime | None = None) -> tuple[date, list[date], dict[date, str]]:
    """(local today, bookable days, closed days with reasons from tomorrow to the end of the window)."""
    now_local = (now or clock.now()).astimezone(ZoneInfo(branch.time_zone))
    today = now_local.date()
    open_hour, window = settings_int("BOOKING_OPEN_HOUR", 0), settings_int("BOOKING_WINDOW_DAYS", 7)
    key = f"booking:window:{branch.id}:{today.isoformat()}:{int(now_local.hour >= open_hour)}:{window}"
    hit = cache.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    horizon = today + timedelta(days=60)
    closures = closures_for(Branch(id=branch.id, region_id=_region_id(branch)), today, horizon)
    days = policy.window_days(today, now_local.hour, open_hour=open_hour, days=window, closed_days=closures)
    cache.put(key, (today, days, closures), cache.BRANCH_TTL)
    return today, days, closures


def _region_id(branch: BranchInfo) -> int:
    key = f"booking:region:{branch.id}"
    hit = cache.get(key)
    if hit is None:
        hit = Branch.objects.filter(id=branch.id).values_list("region_id", flat=True).first() or 0
        cache.put(key, hit, cache.BRANCH_TTL)
    return int(hit)


def _snapshot(branch: BranchInfo, now: datetime | None) -> dict[str, Any]:
    """What the cache holds for a branch: the window and every slot's counters."""
    today, days, closures = branch_window(branch, now)
    last = days[-1] if days else today
    tkey = f"booking:templates:{branch.id}"
    templates = cache.get(tkey)
    if templates is None:
        templates = [(t.start, t.end, branch.session_capacity or t.capacity) for t in sessions_for(
            Branch(id=branch.id))]
        cache.put(tkey, templates, cache.BRANCH_TTL)
    rows = {
        (r["date"], r["session_start"]): r
        for r in SlotQuota.objects.filter(branch_id=branch.id, date__gt=today, date__lte=last).values(
            "id", "date", "session_start", "session_end", "capacity", "booked", "held", "closed")
    }
    out_days = []
    day = today + timedelta(days=1)
    while day <= last:
        reason = branch_policy.closed_reason(day, closures) if day not in days else None
        sessions: list[tuple[Any, ...]] = []
        if reason is None:
            for start, end, capacity in templates:
                r = rows.get((day, start))
                if r is not None:
                    sessions.append((r["id"], start, r["session_end"], r["capacity"], r["booked"] + r["held"],
                                     r["closed"]))
                else:
                    sessions.append((None, start, end, capacity, 0, False))
        out_days.append((day, reason or "", sessions))
        day += timedelta(days=1)
    return {"today": today, "days": out_days}


def _build(branch: BranchInfo, snap: dict[str, Any]) -> BranchAvailability:
    tz = ZoneInfo(branch.time_zone)
    days = []
    for day, reason, sessions in snap["days"]:
        out = []
        for slot_id, start, end, capacity, taken, closed in sessions:
            remaining = max(0, capacity - taken)
            status = CLOSED if closed else (OPEN if remaining > 0 else FULL)
            out.append(SessionAvailability(
                slot_id=slot_id, date=day, start=f"{start:%H:%M}", end=f"{end:%H:%M}",
                starts_at=datetime.combine(day, start, tzinfo=tz), ends_at=datetime.combine(day, end, tzinfo=tz),
                capacity=capacity, remaining=0 if closed else remaining, status=status))
        if reason or not out or all(s.status == CLOSED for s in out):
            status = CLOSED
        else:
            status = OPEN if any(s.status == OPEN for s in out) else FULL
        days.append(DayAvailability(date=day, status=status, closed_reason=reason, sessions=out))
    return BranchAvailability(branch=branch, days=days)


def _window_key(branch: BranchInfo, now: datetime | None) -> tuple[date, bool]:
    now_local = (now or clock.now()).astimezone(ZoneInfo(branch.time_zone))
    return now_local.date(), now_local.hour >= settings_int("BOOKING_OPEN_HOUR", 0)


def _snapshot_cached(branch: BranchInfo, now: datetime | None = None, *, current: bool = True) -> dict[str, Any]:
    """The branch's snapshot from the cache (re-read when missing, of another window or — with
    ``current`` — older than the branch's generation, i.e. than the last change this cache saw)."""
    key = cache.avail_key(branch.id)
    wkey = _window_key(branch, now)
    snap = cache.get(key)
    gen = cache.generations(branch.id)[0] if current or snap is None else None
    if snap is not None and snap.get("wkey") == wkey and (gen is None or snap.get("gen") == gen):
        return snap  # type: ignore[no-any-return]
    if gen is None:
        gen = cache.generations(branch.id)[0]
    snap = _snapshot(branch, now)  # read after the generation: never tagged newer than it is
    snap["wkey"], snap["gen"] = wkey, gen
    cache.put(key, snap)
    return snap


def session_lookup(branch: BranchInfo, day: date, start: str, now: datetime | None = None) -> SessionAvailability | None:
    """One session from the cached snapshot (the booking hot path: no full availability build). The
    snapshot may predate bookings made since (``cache.invalidate_now(seats_taken_only=True)``): its
    slot ids, times and "closed" are current, its "remaining" an upper bound — the conditional UPDATE
    decides."""
    snap = _snapshot_cached(branch, now, current=False)
    for d, reason, sessions in snap["days"]:
        if d != day:
            continue
        for row in sessions:
            if f"{row[1]:%H:%M}" == start:
                one = _build(branch, {"days": [(d, reason, [row])]})
                return one.days[0].sessions[0]
        return None
    return None


def availability_for_branch(*, branch: BranchInfo | str, date_from: date | None = None, date_to: date | None = None,
                            now: datetime | None = None) -> BranchAvailability:
    """Per bookable date (tomorrow … end of the window) and session: start/end (branch-local),
    capacity, remaining, status. Served from the short-lived cache. Raises NotFound for an unknown
    or inactive branch."""
    info = branch_info(branch) if isinstance(branch, str) else branch
    if info is None:
        raise NotFound(code="branch_not_found")
    result = _build(info, _snapshot_cached(info, now))
    if date_from or date_to:
        result = BranchAvailability(branch=info, days=[
            d for d in result.days if (not date_from or d.date >= date_from) and (not date_to or d.date <= date_to)])
    return result


@dataclass(frozen=True)
class BranchRoom:
    branch: BranchInfo
    date: date
    remaining: int
    sessions: list[SessionAvailability]
    distance_km: float | None = None


def _distance_km(a: BranchInfo, b: BranchInfo) -> float | None:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))  # type: ignore[arg-type]
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def availability_search(*, region: str | None = None, date: date, claim_type: str = "JHT",
                        branches: list[BranchInfo] | None = None) -> list[BranchRoom]:
    """Branches (of ``region``, or the whole country) with room on ``date``, most room first."""
    infos = branches if branches is not None else [
        b for b in branch_infos() if not region or b.region_code.upper() == region.strip().upper()]
    cached = cache.get_many([k for b in infos for k in (cache.avail_key(b.id), cache.gen_key(b.id))])
    rooms = []
    for b in infos:
        snap = cached.get(cache.avail_key(b.id))
        if (snap is None or snap.get("wkey") != _window_key(b, None)
                or snap.get("gen") != int(cached.get(cache.gen_key(b.id)) or 0)):
            snap = _snapshot_cached(b)
        built = _build(b, {"days": [d for d in snap["days"] if d[0] == date]})
        day = built.days[0] if built.days else None
        if day is None:
            continue
        open_sessions = [s for s in day.sessions if s.status == OPEN]
        if open_sessions:
            rooms.append(BranchRoom(branch=b, date=date, remaining=sum(s.remaining for s in open_sessions),
                                    sessions=open_sessions))
    rooms.sort(key=lambda r: (-r.remaining, r.branch.code))
    return rooms


@dataclass(frozen=True)
class Alternatives:
    same_branch: list[SessionAvailability]
    nearby: list[BranchRoom]

    def as_dict(self, branch: BranchInfo) -> dict[str, Any]:
        return {
            "same_branch": [
                {"branch_code": branch.code, "date": s.date.isoformat(), "session_start": s.start, "end": s.end,
                 "time_zone": branch.tz_abbreviation, "remaining": s.remaining} for s in self.same_branch],
            "nearby": [
                {"branch_code": r.branch.code, "branch_name": r.branch.name, "city": r.branch.city,
                 "date": r.date.isoformat(), "remaining": r.remaining,
                 "distance_km": round(r.distance_km, 1) if r.distance_km is not None else None,
                 "sessions": [{"session_start": s.start, "end": s.end, "remaining": s.remaining}
                              for s in r.sessions[:3]],
                 "time_zone": r.branch.tz_abbreviation} for r in self.nearby],
        }


def alternatives_for(*, branch: BranchInfo, day: date, start: str, limit: int = 5) -> dict[str, Any]:
    """For a full slot: the branch's other free sessions that day (earlier and later), then on the next days,
    and nearby branches with room that day.

    Built from the cached snapshots (which may predate bookings made in the last few seconds — a
    suggested session can be full by the time it is tried, and that try is answered from the cache
    too) and cached per branch and day for the availability TTL; the sessions are picked from that at
    answer time. In the opening-time rush most answers are ``slot_full``: each
    costs cache reads, not a database read per session that filled."""
    key = cache.alt_key(branch.id, day.isoformat())
    hit = cache.get(key)
    if hit is None:
        avail = _build(branch, _snapshot_cached(branch, current=False))
        open_sessions = [s for d in avail.days for s in d.sessions if s.status == OPEN]
        others = [b for b in branch_infos() if b.id != branch.id]
        ranked = sorted(others, key=lambda b: (
            _distance_km(branch, b) if _distance_km(branch, b) is not None else 1e9,
            b.region_code != branch.region_code))
        rooms = availability_search(date=day, branches=ranked[: limit * 2])
        rooms = sorted(
            (BranchRoom(branch=r.branch, date=r.date, remaining=r.remaining, sessions=r.sessions,
                        distance_km=_distance_km(branch, r.branch)) for r in rooms),
            key=lambda r: r.distance_km if r.distance_km is not None else 1e9)[:limit]
        hit = Alternatives(same_branch=open_sessions, nearby=rooms).as_dict(branch)
        cache.put(key, hit)
    # The same day's other free sessions first (earlier ones too: a participant who wanted that day may
    # well come earlier), in time order, then the later days; never the refused session itself.
    iso = day.isoformat()
    same_day = [s for s in hit["same_branch"] if s["date"] == iso and s["session_start"] != start]
    later = [s for s in hit["same_branch"] if s["date"] > iso]
    return {"same_branch": (same_day + later)[:limit], "nearby": hit["nearby"]}


def booking_get_authorised(*, code: str, token: str) -> Booking:
    """The booking whose code is ``code`` and whose access token is ``token`` (NotFound otherwise —
    the same answer for an unknown code and a wrong token)."""
    return booking_for_claim(claim_get_authorised(code=code, token=token))


def booking_for_claim(claim: Any) -> Booking:
    """The booking of a claim the caller is already authorised for (the API: ``request.auth``)."""
    booking = Booking.objects.select_related("slot", "slot__branch", "slot__branch__region", "claim").filter(
        claim=claim).first()
    if booking is None:
        raise NotFound(code="booking_not_found")
    return booking


def booking_get(*, code: str) -> Booking:
    """For officers (access checked by the caller)."""
    booking = Booking.objects.select_related("slot", "slot__branch", "claim").filter(code=normalize_code(code)).first()
    if booking is None:
        raise NotFound(code="booking_not_found")
    return booking


def slot_counters_consistent() -> list[dict[str, Any]]:
    """Slots whose counters disagree with their rows (empty = all good). For tests and the benchmark."""
    bad = []
    qs = SlotQuota.objects.annotate(
        rows=Count("bookings", filter=~Q(bookings__status=Booking.Status.CANCELLED), distinct=True),
        offers=Count("waitlist", filter=Q(waitlist__status="OFFERED"), distinct=True),
    )
    for s in qs:
        if s.rows != s.booked or s.offers != s.held or s.booked + s.held > s.capacity:
            bad.append({"slot": s.id, "booked": s.booked, "rows": s.rows, "held": s.held, "offers": s.offers,
                        "capacity": s.capacity})
    return bad


def session_time(value: str) -> time | None:
    return policy.parse_session_start(value)
