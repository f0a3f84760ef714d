"""The quota opening's operator page (/petugas/pembukaan/) for regional admins (their region's branches)
and the national admin (all): the settings in force (window, admission rate, token life, period) and, per
opening in progress (one per time zone), the live counts — waiting, admitted, booked, seats left, the
admission rate in force and why (automatic pacing), the broker signals across its places — with the seats
left and the places chosen per branch of the caller's scope. Counts only: nobody is named.
Authorisation: ``accounts.policy`` (``VIEW_OPENING``; other roles 403)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lapakasik.accounts.access import officer_required, require_page
from lapakasik.accounts.policy import Action
from lapakasik.accounts.selectors import branches_visible_to
from lapakasik.booking.models import OpeningPlace
from lapakasik.booking.waitroom import pacing
from lapakasik.booking.waitroom import services as waitroom
from lapakasik.booking.waitroom.admitter import Pace, pacing_conf
from lapakasik.branches.models import TZ_ABBREVIATION
from lapakasik.core import clock

from .views import when


def rate_text(rate: float) -> str:
    shown = f"{rate:.0f}" if float(rate).is_integer() else f"{rate:.1f}"
    return _("%(n)s orang per detik") % {"n": shown}


def pace_reason(p: Pace) -> str:
    """Why admission runs at its rate now (the operators read it beside the rate)."""
    figures = {"p90": round(p.p90_ms or 0), "target": p.target_ms}
    return {
        pacing.OFF: _("laju tetap: pengaturan otomatis nonaktif (OPENING_TARGET_BOOKING_MS = 0)"),
        pacing.NO_FIGURE: _("laju pengaturan: belum ada data latensi booking"),
        pacing.STALE: _("laju pengaturan: data latensi booking sudah usang"),
        pacing.SLOWING: _("diperlambat: latensi booking p90 %(p90)d ms di atas target %(target)d ms") % figures,
        pacing.RECOVERING: _("dinaikkan bertahap: latensi booking p90 %(p90)d ms dalam target %(target)d ms")
        % figures,
        pacing.CONFIGURED: _("laju pengaturan: latensi booking p90 %(p90)d ms dalam target %(target)d ms") % figures,
    }.get(p.reason, p.reason)


@officer_required
@require_GET
@never_cache
def opening(request: HttpRequest) -> HttpResponse:
    require_page(request.user, Action.VIEW_OPENING)
    now = clock.now()
    branches = list(branches_visible_to(request.user, Action.VIEW_OPENING).filter(is_active=True)
                    .select_related("region").order_by("region__code", "code")[:2000])
    openings = {op.time_zone: op for op in waitroom.openings_now(now)}
    counts = {tz: waitroom.live_counts(op, now) for tz, op in openings.items()}
    chosen: dict[tuple[int, int], int] = {}
    if openings:
        for row in (OpeningPlace.objects.filter(opening_at__in=[op.opens_at for op in openings.values()],
                                                branch_id__in=[b.id for b in branches])
                    .values("branch_id", "opening_at").annotate(n=Count("id"))):
            chosen[(row["branch_id"], int(row["opening_at"].timestamp()))] = row["n"]
    rows: list[dict[str, Any]] = []
    for b in branches:
        op = openings.get(b.time_zone)
        live = counts.get(b.time_zone)
        rows.append({"branch": b, "zone": TZ_ABBREVIATION.get(b.time_zone, ""), "open": op is not None,
                     "seats_left": live.per_branch.get(b.code) if live else None,
                     "chosen": chosen.get((b.id, op.id), 0) if op else None})
    zones = sorted({b.time_zone for b in branches})
    live_rows = [{"zone": TZ_ABBREVIATION.get(tz, tz), "c": counts[tz], "opens": when(counts[tz].opening.opens_at, tz),
                  "draw": when(counts[tz].opening.admission_start, tz),
                  "period_end": when(counts[tz].opening.period_end, tz), "rate": rate_text(counts[tz].pace.rate),
                  "why": pace_reason(counts[tz].pace)} for tz in zones if tz in counts]
    return render(request, "branchops/opening.html", {
        "settings": waitroom.conf(), "enabled": waitroom.enabled(), "live": live_rows, "rows": rows,
        "pacing": pacing_conf(waitroom.conf().admit_per_second),
        "poll_seconds": 10})
