"""The quota opening's settings in force: the service's configuration (``OPENING_*``, ``BOOKING_OPEN_HOUR``)
overlaid with the national admin's latest change on the operators' page (``OpeningSettingsChange``), and
the one write that changes them (docs/booking.md, "Operators").

Read on every poll, so read from the cache: ``opening:settings`` holds the latest change's values (or that
there is none) for ``_TTL`` seconds and is rewritten when a change commits. With a shared cache (Redis) every
web process sees a change at once; with the embedded per-process cache, the other processes within ``_TTL``.

What may change when: the admission rate, the latency target and an admission's lifetime apply at once,
even during an opening (the admitter continues its frontier at the new rate from where it is: nobody
admitted is un-admitted; an admission token carries its own expiry). Turning the waiting room on or off,
its window and its period define *which* opening is in progress and who is in its draw, so they cannot
change while an opening is in progress in any zone — nor in a way that would start one at once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext as _

from lapakasik.booking import selectors
from lapakasik.booking.models import OpeningSettingsChange
from lapakasik.branches.services import reason_refusal
from lapakasik.core import clock
from lapakasik.core.errors import Conflict, InvalidInput

from . import policy

_KEY = "opening:settings"
_TTL = 15


@dataclass(frozen=True)
class Editable:
    """The settings an operator may change (the rest stay in the service's configuration)."""

    enabled: bool
    before_minutes: int
    after_minutes: int
    period_minutes: int
    admit_per_second: int
    admission_minutes: int
    target_booking_ms: int


#: Inclusive bounds of each number: a typo (a rate of 20000, a window of a day) is refused, not applied.
BOUNDS: dict[str, tuple[int, int]] = {
    "before_minutes": (0, 120), "after_minutes": (0, 60), "period_minutes": (1, 720),
    "admit_per_second": (1, 1000), "admission_minutes": (1, 60), "target_booking_ms": (0, 10_000),
}
#: What defines the opening in progress: not changed while one is.
WINDOW_FIELDS = ("enabled", "before_minutes", "after_minutes", "period_minutes")


def setting_int(name: str, default: int) -> int:
    value: Any = settings.LAPAKASIK.get(name, default)
    return int(value)


def configured() -> Editable:
    """The service's configuration alone (what is in force when no operator changed anything)."""
    return Editable(
        enabled=bool(setting_int("OPENING_ENABLED", 1)), before_minutes=setting_int("OPENING_WINDOW_BEFORE_MINUTES", 15),
        after_minutes=setting_int("OPENING_WINDOW_AFTER_MINUTES", 5), period_minutes=setting_int("OPENING_PERIOD_MINUTES", 120),
        admit_per_second=max(1, setting_int("OPENING_ADMIT_PER_SECOND", 20)),
        admission_minutes=max(1, setting_int("OPENING_ADMISSION_MINUTES", 10)),
        target_booking_ms=max(0, setting_int("OPENING_TARGET_BOOKING_MS", 250)))


def values_of(row: OpeningSettingsChange) -> Editable:
    return Editable(**{f.name: getattr(row, f.name) for f in fields(Editable)})


def latest_change() -> OpeningSettingsChange | None:
    return OpeningSettingsChange.objects.select_related("set_by").order_by("-created_at", "-id").first()


def _changed() -> Editable | None:
    """The latest change's values, from the cache (one read; the database when the cache lost it)."""
    hit = cache.get(_KEY)
    if isinstance(hit, tuple) and len(hit) == 1 + len(fields(Editable)):
        return Editable(*hit[1:]) if hit[0] else None
    row = latest_change()
    values = values_of(row) if row is not None else None
    _remember(values)
    return values


def _remember(values: Editable | None) -> None:
    blank = (None,) * len(fields(Editable))
    cache.set(_KEY, (True, *astuple(values)) if values is not None else (False, *blank), _TTL)


def astuple(values: Editable) -> tuple[Any, ...]:
    return tuple(getattr(values, f.name) for f in fields(Editable))


def in_force() -> Editable:
    return _changed() or configured()


def conf() -> policy.Settings:
    v = in_force()
    return policy.Settings(
        open_hour=setting_int("BOOKING_OPEN_HOUR", 0), before_minutes=v.before_minutes, after_minutes=v.after_minutes,
        period_minutes=max(v.period_minutes, v.after_minutes), admit_per_second=max(1, v.admit_per_second),
        admission_minutes=max(1, v.admission_minutes),
        clock_skew_seconds=max(0, setting_int("OPENING_CLOCK_SKEW_SECONDS", 5)), opens_at=explicit_opening(),
        enabled=v.enabled, target_booking_ms=max(0, v.target_booking_ms))


def explicit_opening() -> datetime | None:
    """``OPENING_AT`` (an ISO 8601 instant with its offset; empty: the daily ``BOOKING_OPEN_HOUR``). A value
    without an offset or that is not a date is a configuration error, refused loudly."""
    raw = str(settings.LAPAKASIK.get("OPENING_AT", "") or "").strip()
    if not raw:
        return None
    try:
        at = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"OPENING_AT: not an ISO 8601 instant: {raw!r}") from exc
    if at.tzinfo is None:
        raise ImproperlyConfigured(f"OPENING_AT: give the offset (e.g. +07:00 or Z): {raw!r}")
    return at.astimezone(UTC)


def enabled() -> bool:
    return in_force().enabled


def openings_under(s: policy.Settings, now: datetime) -> list[policy.Opening]:
    """The openings in progress at ``now`` under settings ``s`` (one per time zone of the network)."""
    if not s.enabled:
        return []
    found = {}
    for tz in sorted({b.time_zone for b in selectors.branch_infos()}):
        op = policy.opening_at(now, tz, s)
        if op is not None:
            found[op.id] = op
    return sorted(found.values(), key=lambda o: o.opens_at)


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, code="invalid_setting", fields={field: [message]})


def _checked(values: dict[str, Any]) -> Editable:
    """Every editable setting, as numbers within their bounds (a missing one is an error, never a default)."""
    out: dict[str, Any] = {}
    for f in fields(Editable):
        raw = values.get(f.name)
        if f.name == "enabled":
            if not isinstance(raw, bool):
                raise _invalid(f.name, _("Pilih aktif atau nonaktif."))
            out[f.name] = raw
            continue
        low, high = BOUNDS[f.name]
        if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
            raise _invalid(f.name, _("Isi bilangan bulat %(low)d sampai %(high)d.") % {"low": low, "high": high})
        out[f.name] = raw
    if out["period_minutes"] < out["after_minutes"]:
        raise _invalid("period_minutes", _("Masa pembukaan tidak boleh lebih pendek dari jendela sesudah jam buka."))
    if 0 < out["target_booking_ms"] < 50:
        raise _invalid("target_booking_ms", _("Target latensi 0 (laju tetap) atau paling sedikit 50 ms."))
    return Editable(**out)


@transaction.atomic
def opening_settings_set(*, values: dict[str, Any], reason: str, actor: Any,
                         now: datetime | None = None) -> OpeningSettingsChange:
    """Change the opening's settings (every editable one given; who may is ``accounts.policy``'s
    ``SET_OPENING``). Refused, writing nothing: a value out of bounds or a missing reason (``InvalidInput``,
    naming the field); nothing changed, or the window, period or on/off changed while an opening is in
    progress or so that one would be at once (``Conflict``). Changes are made one at a time (the latest row is
    locked), and the new values are in the cache once committed."""
    new = _checked(values)
    refusal = reason_refusal(reason)
    if refusal is not None:
        raise refusal
    now = now or clock.now()
    list(OpeningSettingsChange.objects.select_for_update().order_by("-created_at", "-id")[:1])
    old_row = latest_change()
    old = values_of(old_row) if old_row is not None else configured()
    if new == old:
        raise Conflict(_("Pengaturan itu sudah berlaku; tidak ada yang berubah."), code="settings_unchanged")
    moved = [name for name in WINDOW_FIELDS if getattr(new, name) != getattr(old, name)]
    if moved:
        base = conf()
        before = openings_under(replace(base, **_policy_fields(old)), now)
        after = openings_under(replace(base, **_policy_fields(new)), now)
        if before or after:
            raise Conflict(_("Jendela, masa pembukaan dan status ruang tunggu tidak dapat diubah selama pembukaan "
                             "kuota berlangsung (atau bila perubahan itu langsung memulai pembukaan). Laju giliran, "
                             "target latensi dan masa berlaku giliran tetap dapat diubah."),
                           code="opening_in_progress", extra={"fields": moved})
    row = OpeningSettingsChange.objects.create(**asdict(new), reason=" ".join(reason.split()), set_by=actor,
                                               created_at=now)
    cache.delete(_KEY)  # read back from the rows until the commit writes the new values
    transaction.on_commit(lambda: _remember(new))
    return row


def _policy_fields(v: Editable) -> dict[str, Any]:
    return {"enabled": v.enabled, "before_minutes": v.before_minutes, "after_minutes": v.after_minutes,
            "period_minutes": max(v.period_minutes, v.after_minutes)}


def in_force_at(moment: datetime) -> OpeningSettingsChange | None:
    """The change in force at ``moment`` (None: the configuration was) — for the after-opening report."""
    return (OpeningSettingsChange.objects.select_related("set_by").filter(created_at__lte=moment)
            .order_by("-created_at", "-id").first())
