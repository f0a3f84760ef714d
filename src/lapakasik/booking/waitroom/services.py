"""The waiting room of a quota opening: joining, the place's status, admission and its single use, the
supply of seats, the live counts and telling those still waiting that the day is gone.

Cheap to wait: a join is the one database write of a place (the row, written once); a poll reads the
cache only — the place (``opening:<id>:place:<pid>``), the draw's size and ranks, the supply — and
writes no row. The cache is rebuilt from the rows when it lost them: a missing place is read back by id,
a missing draw is drawn again (the order is a function of the rows: ``draw_key``, then id), the late
arrivals' counter starts again from the rows' highest ``late_seq``.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from lapakasik.booking import ratelimit, selectors
from lapakasik.booking.identity import check_claimant, claimant_validate, duplicate, has_open_claim_of
from lapakasik.booking.models import OpeningPlace
from lapakasik.booking.selectors import BranchInfo
from lapakasik.branches.models import Branch
from lapakasik.claims.parties import Applicant
from lapakasik.core import clock
from lapakasik.core.codes import token_digest
from lapakasik.core.dates import long_moment
from lapakasik.core.errors import Conflict, InvalidInput, NotFound, RateLimited
from lapakasik.notifications.services import notification_enqueue

from . import admitter, config, policy, signals, tokens
from .config import conf
from .policy import Opening

log = logging.getLogger(__name__)

WAITING_ROOM_URL = "/antrean/pembukaan/"
_TTL = 6 * 3600  # longer than any opening period
_SUPPLY_SECONDS = 3


def current_opening(branch: BranchInfo, now: datetime) -> Opening | None:
    """The opening in progress for the branch's time zone (None when the feature is off or none is)."""
    s = conf()
    return policy.opening_at(now, branch.time_zone, s) if s.enabled else None


def opening_by_id(opening_id: int, time_zone: str) -> Opening | None:
    """The opening that starts at Unix time ``opening_id`` in ``time_zone`` (checked against the open hour)."""
    opens = datetime.fromtimestamp(opening_id, tz=UTC)
    found = policy.opening_at(opens, time_zone, conf())
    return found if found is not None and found.id == opening_id else None


def nik_digest(nik: str) -> str:
    return token_digest("opening-nik:" + nik)


# --- supply: the seats of the day the opening adds -------------------------------------------------------

@dataclass(frozen=True)
class Supply:
    day: date | None  # the day the opening adds (of the zone's branches; closures may differ per branch)
    seats_left: int
    per_branch: dict[str, int]  # branch code -> seats left on its opened day
    days: dict[str, date]  # branch code -> its opened day

    @property
    def sold_out(self) -> bool:
        return bool(self.per_branch) and self.seats_left <= 0


def _zone_branches(time_zone: str) -> list[BranchInfo]:
    return [b for b in selectors.branch_infos() if b.time_zone == time_zone]


def supply(op: Opening, now: datetime) -> Supply:
    """Seats left on the opened day at every branch of the opening's zone, cached a few seconds. Before
    the opening nobody can book that day: its seats are read as they will be at the opening (kept for a
    minute); after it, from the branches' availability snapshots (the booking path's own cache)."""
    before = now < op.opens_at
    key = f"opening:{op.id}:supply:{int(before)}"
    hit = cache.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    per_branch: dict[str, int] = {}
    days: dict[str, date] = {}
    for b in _zone_branches(op.time_zone):
        snap = selectors._snapshot(b, op.opens_at) if before else selectors._snapshot_cached(b, now)
        window = selectors.branch_window(b, op.opens_at)[1]
        if not window:
            continue
        day = window[-1]
        built = selectors._build(b, {"days": [d for d in snap["days"] if d[0] == day]})
        days[b.code] = day
        per_branch[b.code] = sum(s.remaining for d in built.days for s in d.sessions if s.status == selectors.OPEN)
    common = max(set(days.values()), key=list(days.values()).count) if days else None
    result = Supply(day=common, seats_left=sum(per_branch.values()), per_branch=per_branch, days=days)
    cache.set(key, result, 60 if before else _SUPPLY_SECONDS)
    return result


def admission_required(branch: BranchInfo, now: datetime) -> Opening | None:
    """The opening during which a booking at ``branch`` needs an admission token: from the window's start
    until the period's end, unless the opened day's seats are gone (then the rush is over)."""
    op = current_opening(branch, now)
    if op is None or supply(op, now).sold_out:
        return None
    return op


# --- the draw and the late arrivals -----------------------------------------------------------------------

def _draw_key(op: Opening) -> str:
    return f"opening:{op.id}:drawn"


def _rank_key(op: Opening, pid: int) -> str:
    return f"opening:{op.id}:rank:{pid}"


def _place_key(op_id: int, pid: int) -> str:
    return f"opening:{op_id}:place:{pid}"


def draw_size(op: Opening, now: datetime) -> int | None:
    """The number of places in the draw once it is made (None before ``admission_start``). Made once per
    cache: the first request after the window (plus the clock-skew allowance) reads the window's places
    in ``draw_key`` order and caches every rank; others meanwhile wait on the lock briefly."""
    size = cache.get(_draw_key(op))
    if size is not None or now < op.admission_start:
        return size  # type: ignore[no-any-return]
    lock = f"opening:{op.id}:drawing"
    if not cache.add(lock, 1, timeout=30):
        return None  # another request is drawing: the caller answers "drawing", the next poll has it
    try:
        ids = list(OpeningPlace.objects.filter(opening_at=op.opens_at, in_draw=True)
                   .order_by("draw_key", "id").values_list("id", flat=True))
        for start in range(0, len(ids), 5000):
            cache.set_many({_rank_key(op, pid): start + i for i, pid in enumerate(ids[start:start + 5000])},
                           timeout=_TTL)
        cache.set(_draw_key(op), len(ids), timeout=_TTL)
        log.info("opening %s drawn: %d places", op.id, len(ids))
        return len(ids)
    finally:
        cache.delete(lock)


def _late_seq(op: Opening) -> int:
    key = f"opening:{op.id}:late"
    if cache.get(key) is None:
        highest = OpeningPlace.objects.filter(opening_at=op.opens_at).aggregate(m=Max("late_seq"))["m"] or 0
        cache.add(key, highest, timeout=_TTL)
    try:
        return int(cache.incr(key))
    except ValueError:  # evicted between the two calls
        cache.add(key, 0, timeout=_TTL)
        return int(cache.incr(key))


# --- joining ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Joined:
    place: dict[str, Any]
    token: str
    created: bool
    opening: Opening


def _place_facts(p: OpeningPlace) -> dict[str, Any]:
    return {"id": p.pk, "opening_id": int(p.opening_at.timestamp()), "in_draw": p.in_draw, "late_seq": p.late_seq,
            "branch_code": p.branch.code, "time_zone": p.branch.time_zone, "nik_digest": p.nik_digest,
            "joined_at": p.joined_at.isoformat(), "claim_type": p.claim_type, "claim_reason": p.claim_reason,
            "name": str(p.applicant.get("full_name", "")), "language": str(p.applicant.get("language", "id"))}


def _not_open(branch: BranchInfo, now: datetime) -> Conflict:
    nxt = policy.next_opening(now, branch.time_zone, conf())
    when = long_moment(nxt.window_start, branch.tz_abbreviation, time_zone=branch.time_zone)
    return Conflict(_("Ruang tunggu pembukaan kuota belum dibuka. Ruang tunggu berikutnya dibuka %(when)s; "
                      "di luar waktu pembukaan Anda bisa langsung memesan.") % {"when": when},
                    code="opening_not_open", extra={"window_opens_at": nxt.window_start.isoformat()})


def opening_join(*, branch_code: str, claim_type: str, claim_reason: str, nik: str, kpj: str, full_name: str,
                 email: str, phone: str, language: str = "id", channels: list[str] | None = None,
                 insured_nik: str = "", insured_kpj: str = "", benefit_form: str | None = None,
                 now: datetime | None = None, client_ip: str | None = None, device: str = "") -> Joined:
    """Take a place in the waiting room of the opening in progress for the branch's zone. Every field is
    checked (422, all together), then the registry and the eligibility rules (409 ``not_eligible`` with
    ``rule`` and ``possible_from``; ``registry_mismatch``/``name_mismatch``), one open claim per insured
    NIK and type (409 ``duplicate_active_booking``). An heir names the deceased worker (``insured_nik``,
    ``insured_kpj``) and is checked as booking checks them: in the worker's family, first in the heirs'
    order. Joining again with the same NIK gives the same place back (``created`` False). 409
    ``opening_not_open`` outside an opening, ``opening_sold_out`` when the
    day's seats are gone. ``device``: ``signals.device_key`` of the page's cookie (broker signals)."""
    now = now or clock.now()
    ratelimit.check_ip(client_ip)
    ratelimit.check_identity(nik=nik, phone=phone, insured_nik=insured_nik)
    fields: dict[str, list[Any]] = {}
    branch = selectors.branch_info(str(branch_code or "")[:32]) if branch_code else None
    if branch is None:
        fields["branch_code"] = [_("Kantor cabang tidak ditemukan atau sedang tidak melayani. Pilih cabang dari daftar.")]
    who = claimant_validate(claim_type=claim_type, claim_reason=claim_reason, nik=nik, kpj=kpj, full_name=full_name,
                            email=email, phone=phone, language=language, channels=channels, insured_nik=insured_nik,
                            insured_kpj=insured_kpj, benefit_form=benefit_form, fields=fields)
    if fields or who is None or branch is None:
        raise InvalidInput(fields=fields)
    applicant, ctype, reason = who.applicant, who.claim_type, who.claim_reason
    op = current_opening(branch, now)
    if op is None:
        raise _not_open(branch, now)
    # registry, name (an heir: in the deceased worker's family), eligibility
    check_claimant(applicant, who.insured, ctype, reason, today=now.date(), benefit_form=who.benefit_form)
    digest = nik_digest(applicant.nik)
    existing = OpeningPlace.objects.select_related("branch").filter(opening_at=op.opens_at, nik_digest=digest).first()
    if existing is not None:
        return Joined(place=_cache_place(existing), token=tokens.place_token(op.id, existing.pk), created=False,
                      opening=op)
    if supply(op, now).sold_out:
        raise sold_out_error(branch)
    if has_open_claim_of(who.insured_worker.nik, ctype):
        raise duplicate(who.insured is not None)
    in_draw = policy.joins_draw(op, now, draw_made=cache.get(_draw_key(op)) is not None)
    row = OpeningPlace(opening_at=op.opens_at, nik_digest=digest, applicant=applicant.as_json(), branch_id=branch.id,
                       claim_type=ctype, claim_reason=reason, in_draw=in_draw,
                       draw_key=secrets.randbits(62), late_seq=None if in_draw else _late_seq(op), joined_at=now,
                       **signals.place_digests(op, applicant, device))
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # the same NIK joined at the same moment in another request: that place
        twin = OpeningPlace.objects.select_related("branch").get(opening_at=op.opens_at, nik_digest=digest)
        return Joined(place=_cache_place(twin), token=tokens.place_token(op.id, twin.pk), created=False, opening=op)
    log.info("opening %s: place %s joined (%s)", op.id, row.pk, "draw" if in_draw else f"late {row.late_seq}")
    return Joined(place=_cache_place(row), token=tokens.place_token(op.id, row.pk), created=True, opening=op)


def _cache_place(p: OpeningPlace) -> dict[str, Any]:
    """The place's facts into the cache (and, when its admission was used, the booking's mark)."""
    facts = _place_facts(p)
    cache.set(_place_key(facts["opening_id"], p.pk), facts, timeout=_TTL)
    if p.used_at is not None:
        cache.set(f"opening:{facts['opening_id']}:used:{p.pk}", p.booking_code, timeout=_TTL)
    return facts


def sold_out_error(branch: BranchInfo) -> Conflict:
    return Conflict(_("Kuota hari yang baru dibuka sudah habis di semua kantor cabang zona %(tz)s. Pilih hari "
                      "lain yang masih tersedia atau masuk daftar tunggu sesi yang penuh.") % {"tz": branch.tz_abbreviation},
                    code="opening_sold_out", extra={"waiting_room_url": WAITING_ROOM_URL})


# --- the place's status (a poll: cache reads only) ---------------------------------------------------------

@dataclass(frozen=True)
class PlaceStatus:
    place_id: int
    phase: str  # waiting_draw | drawing | waiting | admitted | lapsed | booked | sold_out | over
    branch_code: str
    opening: Opening
    position: int | None  # 1-based, once the order is known
    ahead: int | None
    draw_size: int  # places in the draw so far (before the draw: joined so far)
    admitted_from: datetime | None  # exact once the order is known
    estimate_from: datetime | None  # the range of the admission time (before the draw: anywhere in it)
    estimate_to: datetime | None
    admission_token: str | None
    admission_expires_at: datetime | None
    seats_left: int
    seats_left_branch: int
    seats_likely: bool
    opened_day: date | None
    booking_code: str
    poll_seconds: int


def place_facts(ref: tokens.PlaceRef) -> dict[str, Any]:
    facts = cache.get(_place_key(ref.opening_id, ref.place_id))
    if facts is None:  # the cache lost it (restart, eviction): read the row back, write nothing
        row = OpeningPlace.objects.select_related("branch").filter(pk=ref.place_id).first()
        if row is None or int(row.opening_at.timestamp()) != ref.opening_id:
            raise NotFound(code="place_not_found")
        facts = _cache_place(row)
    return facts  # type: ignore[no-any-return]


def _poll_key(ref: tokens.PlaceRef, now: datetime) -> str:
    return f"opening:{ref.opening_id}:poll:{ref.place_id}:{int(now.timestamp()) // 60}"


def poll_refused_for(token: str, now: datetime) -> int:
    """The ``Retry-After`` seconds when the place of ``token`` has already been refused for polling too often
    this minute, else 0: read only (one cache read, no count), so the answer can be given before the overload
    gate and Django (``early.PollThrottle``). A token that is not a place's is 0 — the view answers it."""
    limit = config.setting_int("OPENING_POLLS_PER_MINUTE", 30)
    ref = tokens.place_ref(token) if limit > 0 and token else None
    if ref is None:
        return 0
    count = cache.get(_poll_key(ref, now))
    if count is None or int(count) <= limit:
        return 0
    return max(1, 60 - int(now.timestamp()) % 60)


POLL_TOO_OFTEN = _("Terlalu sering memeriksa. Tempat Anda di antrean tetap aman; halaman ini diperbarui otomatis.")


def _throttle(ref: tokens.PlaceRef, now: datetime) -> None:
    limit = config.setting_int("OPENING_POLLS_PER_MINUTE", 30)
    if limit <= 0:
        return
    key = _poll_key(ref, now)
    if cache.add(key, 1, timeout=90):
        return
    try:
        count = int(cache.incr(key))
    except ValueError:
        cache.add(key, 1, timeout=90)
        return
    if count > limit:
        raise RateLimited(retry_after=max(1, 60 - int(now.timestamp()) % 60), message=POLL_TOO_OFTEN)


def _used(op_id: int, pid: int) -> str | None:
    return cache.get(f"opening:{op_id}:used:{pid}")  # type: ignore[no-any-return]


def place_status(token: str, *, now: datetime | None = None, throttle: bool = True) -> PlaceStatus:
    """The place's position, the number ahead, the estimate, whether it is admitted (with a fresh
    admission token), the seats left. 404 ``place_not_found`` for a token that is not a place's; 429 when
    polled more than ``OPENING_POLLS_PER_MINUTE`` times a minute (the place is kept)."""
    now = now or clock.now()
    ref = tokens.place_ref(token)
    if ref is None:
        raise NotFound(code="place_not_found")
    if throttle:
        _throttle(ref, now)
    facts = place_facts(ref)
    op = opening_by_id(ref.opening_id, facts["time_zone"])
    branch = selectors.branch_info(facts["branch_code"])
    if op is None or branch is None:
        raise NotFound(code="place_not_found")
    s = conf()
    over = now >= op.period_end  # an old place (yesterday's session): no supply to read, nothing to wait for
    sup = Supply(day=None, seats_left=0, per_branch={}, days={}) if over else supply(op, now)
    branch_left = sup.per_branch.get(branch.code, 0)
    booked = _used(op.id, ref.place_id)
    base: dict[str, Any] = dict(place_id=ref.place_id, branch_code=branch.code, opening=op, seats_left=sup.seats_left,
                seats_left_branch=branch_left, opened_day=sup.days.get(branch.code, sup.day), booking_code=booked or "",
                poll_seconds=max(2, config.setting_int("OPENING_POLL_SECONDS", 5)), admission_token=None,
                admission_expires_at=None)
    size = draw_size(op, now)
    rank: int | None = None
    if size is not None and facts["in_draw"]:
        rank = cache.get(_rank_key(op, ref.place_id))
        if rank is None:  # the cache lost the ranks: draw again (the same order: a function of the rows)
            cache.delete(_draw_key(op))
            size = draw_size(op, now)
            rank = cache.get(_rank_key(op, ref.place_id)) if size is not None else None
    elif size is not None:
        rank = policy.rank_late(size, int(facts["late_seq"] or 1))
    if size is None or rank is None:  # before the draw, or another request is drawing right now
        joined = cache.get(f"opening:{op.id}:joined_draw")
        if joined is None:
            joined = OpeningPlace.objects.filter(opening_at=op.opens_at, in_draw=True).count()
            cache.set(f"opening:{op.id}:joined_draw", joined, timeout=5)
        lo, hi = policy.draw_wait_range(op, now, joined, s.admit_per_second)
        phase = "drawing" if now >= op.admission_start else "waiting_draw"
        if over:
            phase = "over"
        elif sup.sold_out:
            phase = "sold_out"
        return PlaceStatus(**base, phase=phase, position=None, ahead=None, draw_size=joined, admitted_from=None,
                           estimate_from=lo, estimate_to=hi, seats_likely=branch_left > 0 and not sup.sold_out)
    paced = admitter.pace(op, now, s.admit_per_second, s.target_booking_ms)  # the frontier (the rate follows the booking latency)
    admitted = paced.admitted_from(rank)
    ends = policy.admission_ends(admitted, s.admission_minutes)
    ahead = rank - paced.admitted_so_far(now, rank)  # not admitted yet, before me
    likely = not sup.sold_out and branch_left > 0 and policy.seats_likely(ahead, sup.seats_left)
    common: dict[str, Any] = dict(position=rank + 1, ahead=ahead, draw_size=size, admitted_from=admitted, estimate_from=admitted,
                  estimate_to=admitted, seats_likely=likely)
    if booked:
        return PlaceStatus(**{**base, **common, "phase": "booked"})
    if over:
        return PlaceStatus(**{**base, **common, "phase": "over"})
    if sup.sold_out:
        return PlaceStatus(**{**base, **common, "phase": "sold_out"})
    if now < admitted:
        return PlaceStatus(**{**base, **common, "phase": "waiting"})
    if now >= ends:
        return PlaceStatus(**{**base, **common, "phase": "lapsed", "admission_expires_at": ends})
    token = tokens.admission_token(opening_id=op.id, place_id=ref.place_id, nik_digest=facts["nik_digest"],
                                   expires_at=ends)
    return PlaceStatus(**{**base, **common, "phase": "admitted", "admission_token": token,
                          "admission_expires_at": ends})


# --- admission at booking time -----------------------------------------------------------------------------

def _refused(code: str, message: Any) -> Conflict:
    return Conflict(message, code=code, extra={"waiting_room_url": WAITING_ROOM_URL})


def admission_verify(token: str | None, *, op: Opening, nik: str, now: datetime) -> int:
    """The place id an admission token admits for this NIK in this opening, or a 409 that sends the
    person to the waiting room: ``admission_required`` (no token), ``admission_invalid`` (forged,
    malformed, another opening's), ``admission_other_nik``, ``admission_expired``."""
    if not token:
        raise _refused("admission_required", _(
            "Kuota hari baru sedang dibuka: pemesanan hanya lewat ruang tunggu, agar urutan adil untuk semua. "
            "Masuk ruang tunggu; Anda akan mendapat giliran memesan."))
    adm = tokens.admission(token)
    if adm is None or adm.opening_id != op.id:
        raise _refused("admission_invalid", _("Token giliran tidak sah. Buka ruang tunggu untuk mendapat giliran."))
    if adm.nik_digest != nik_digest(str(nik or "").strip())[:tokens.NIK_DIGEST_CHARS]:
        raise _refused("admission_other_nik", _(
            "Token giliran ini milik NIK lain dan tidak bisa dipindahkan. Masuk ruang tunggu dengan NIK Anda."))
    if now >= adm.expires_at:
        raise _refused("admission_expired", _(
            "Waktu giliran Anda sudah habis. Buka ruang tunggu untuk melihat status Anda."))
    return adm.place_id


def admission_consume(place_id: int, *, booking_code: str, now: datetime) -> None:
    """Inside the booking's transaction: the admission is used once (a conditional UPDATE; 0 rows — used
    already — rolls the booking back with 409 ``admission_used``)."""
    if OpeningPlace.objects.filter(pk=place_id, used_at__isnull=True).update(used_at=now,
                                                                               booking_code=booking_code) != 1:
        raise _refused("admission_used", _("Token giliran ini sudah dipakai untuk booking. Satu giliran, satu booking."))
    row = OpeningPlace.objects.filter(pk=place_id).values_list("opening_at", flat=True).first()
    if row is not None:
        key = f"opening:{int(row.timestamp())}:used:{place_id}"
        transaction.on_commit(lambda: cache.set(key, booking_code, timeout=_TTL))


# --- operators: the live counts ------------------------------------------------------------------------------

@dataclass(frozen=True)
class LiveCounts:
    opening: Opening
    waiting: int
    admitted: int
    booked: int
    joined: int
    seats_left: int
    per_branch: dict[str, int]
    opened_day: date | None
    drawn: bool
    pace: admitter.Pace  # the admission rate in force, and why
    signals: signals.SignalCounts  # broker signals across the opening's places


def live_counts(op: Opening, now: datetime | None = None) -> LiveCounts:
    """For the operators' page (a few queries; not on the participants' path)."""
    now = now or clock.now()
    s = conf()
    joined = OpeningPlace.objects.filter(opening_at=op.opens_at).count()
    booked = OpeningPlace.objects.filter(opening_at=op.opens_at, used_at__isnull=False).count()
    paced = admitter.pace(op, now, s.admit_per_second, s.target_booking_ms)
    admitted = paced.admitted_so_far(now, joined)
    sup = supply(op, now)
    return LiveCounts(opening=op, waiting=max(0, joined - admitted), admitted=admitted, booked=booked, joined=joined,
                      seats_left=sup.seats_left, per_branch=sup.per_branch, opened_day=sup.day,
                      drawn=cache.get(_draw_key(op)) is not None, pace=paced, signals=signals.signal_counts(op))


def openings_now(now: datetime | None = None) -> list[Opening]:
    """Every opening in progress (one per time zone of the network)."""
    return config.openings_under(conf(), now or clock.now())


# --- telling those still waiting that the day is gone ------------------------------------------------------

def opening_tell_sold_out(now: datetime | None = None, batch: int = 500) -> int:
    """Periodic: for every opening whose day is gone, the places not booked and not told yet get the
    ``opening_sold_out`` message (each chosen channel) and are marked, once: the rows are locked (skipping
    rows another run holds) and marked in the transaction that stores their messages, so a second run — or
    one re-run after a crash — finds them told. Returns how many were told."""
    now = now or clock.now()
    told = 0
    for op in openings_now(now):
        sup = supply(op, now)
        if not sup.sold_out:
            continue
        with transaction.atomic():
            rows = list(OpeningPlace.objects.select_for_update(skip_locked=True).filter(
                opening_at=op.opens_at, used_at__isnull=True, told_sold_out_at__isnull=True).order_by("id")[:batch])
            codes = dict(Branch.objects.filter(id__in={r.branch_id for r in rows}).values_list("id", "code"))
            for row in rows:
                code = codes.get(row.branch_id, "")
                branch = selectors.branch_info(code)
                day = sup.days.get(code, sup.day)
                who = Applicant.from_json(row.applicant)
                context = {"name": who.full_name, "branch": branch.name if branch else code,
                           "opened_day": day.isoformat() if day else "", "waiting_room_url": WAITING_ROOM_URL}
                for channel in who.channels or ("email",):
                    notification_enqueue(event="opening_sold_out", channels=[channel], language=who.language,
                                         context=context, recipient=who.email if channel == "email" else who.phone)
            OpeningPlace.objects.filter(pk__in=[r.pk for r in rows]).update(told_sold_out_at=now)
        told += len(rows)
    return told


def later_days(branch: BranchInfo, limit: int = 5) -> list[Any]:
    """Other days with seats at the chosen branch (for the waiting page)."""
    avail = selectors.availability_for_branch(branch=branch)
    return [d for d in avail.days if d.status == selectors.OPEN][:limit]


def other_branches(branch: BranchInfo, day: date | None, limit: int = 5) -> list[Any]:
    """Nearby branches with seats on the opened day (the region's first)."""
    if day is None:
        return []
    rooms = selectors.availability_search(region=branch.region_code, date=day)
    return [r for r in rooms if r.branch.code != branch.code][:limit]


