"""The short-lived availability cache (Django's cache: locmem per process by default, Redis when
scaled out). Keys:

- ``booking:branch:<CODE>`` / ``booking:branches`` — branch facts (rarely change; 60 s);
- ``booking:avail:<branch id>`` — a branch's window snapshot (``AVAILABILITY_CACHE_SECONDS``);
- ``booking:full:<slot id>`` — set when the conditional UPDATE found a slot full, so the next
  attempt on that slot is answered from the cache with no database transaction at all;
- ``booking:alt:<branch id>:<date>`` — the alternatives offered with a ``slot_full`` answer.

Every change (booking, cancel, reschedule, waitlist) bumps the branch's generation when its transaction
commits, and every change that frees a seat, closes a session or adds a slot also drops the snapshot;
other processes see the change within the TTL at worst.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

BRANCH_TTL = 60


def ttl() -> int:
    value: Any = settings.LAPAKASIK.get("AVAILABILITY_CACHE_SECONDS", 5)
    return int(value)


_PLAIN_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")


def key_part(value: str) -> str:
    """A request value as part of a cache key: plain codes as they are, anything else (spaces, control
    characters, very long input) hashed, so a hostile value cannot make an invalid key (memcached refuses
    them) or collide with a plain one."""
    if _PLAIN_CODE.fullmatch(value):
        return value.upper()
    return "#" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def branch_key(code: str) -> str:
    return f"booking:branch:{key_part(code)}"


def avail_key(branch_id: int) -> str:
    return f"booking:avail:{branch_id}"


def full_key(slot_id: int) -> str:
    return f"booking:full:{slot_id}"


def alt_key(branch_id: int, day: str) -> str:
    return f"booking:alt:{branch_id}:{day}"


def get(key: str) -> Any:
    return cache.get(key)


def get_many(keys: list[str]) -> dict[str, Any]:
    return cache.get_many(keys)


def put(key: str, value: Any, timeout: int | None = None) -> None:
    cache.set(key, value, ttl() if timeout is None else timeout)


def mark_full(slot_id: int, branch_id: int) -> None:
    cache.set(full_key(slot_id), 1, ttl())
    cache.delete(avail_key(branch_id))
    _bump(gen_key(branch_id))
    _bump(GEN_ALL)


def is_marked_full(slot_id: int) -> bool:
    return bool(cache.get(full_key(slot_id)))


GEN_ALL = "booking:gen:all"


def gen_key(branch_id: int) -> str:
    return f"booking:gen:{branch_id}"


def generations(branch_id: int) -> tuple[int, int]:
    """(the branch's generation, the network's generation): part of every cached JSON answer's key, so
    bumping them on a change makes every cached answer about the branch (or any search) unreachable."""
    got = cache.get_many([gen_key(branch_id), GEN_ALL])
    return int(got.get(gen_key(branch_id)) or 0), int(got.get(GEN_ALL) or 0)


def generation_all() -> int:
    return int(cache.get(GEN_ALL) or 0)


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


def invalidate_now(branch_id: int, slot_ids: list[int] | tuple[int, ...] = (), *, seats_taken_only: bool = False) -> None:
    """Make every cached availability answer about the branch unreachable (bump the generations). Unless
    the change only took seats, also drop the branch's snapshot and the slots' "full" marks: a freed seat,
    a closed session or a new slot must be seen by the next booking at once. A change that only took
    seats keeps the snapshot for the booking path (a snapshot that still says "open" costs one refused
    UPDATE, never a wrong booking); the availability answers re-read it, because they check the
    snapshot's generation (``selectors._snapshot_cached``)."""
    if not seats_taken_only:
        cache.delete_many([avail_key(branch_id), *[full_key(s) for s in slot_ids]])
    _bump(gen_key(branch_id))
    _bump(GEN_ALL)


def invalidate_on_commit(branch_id: int, slot_ids: list[int] | tuple[int, ...] = (), *,
                         seats_taken_only: bool = False) -> None:
    """``invalidate_now`` once the change is committed."""
    ids = tuple(slot_ids)
    transaction.on_commit(lambda: invalidate_now(branch_id, ids, seats_taken_only=seats_taken_only))


def branch_changed(branch_id: int, code: str) -> None:
    """A branch's own facts changed (its seats per session): drop what the cache holds of it — its facts, the
    network's list, its session templates with their seats — and its availability, once committed."""
    def drop() -> None:
        cache.delete_many([branch_key(code), "booking:branches", f"booking:templates:{branch_id}"])
        invalidate_now(branch_id)
    transaction.on_commit(drop)
