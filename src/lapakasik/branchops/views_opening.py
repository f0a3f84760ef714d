"""The quota opening's operator pages for regional admins (their region's branches) and the national admin
(all). ``/petugas/pembukaan/``: the settings in force (window, admission rate, token life, period, who set
them) and, per opening in progress (one per time zone), the live counts — waiting, admitted, booked, seats
left, the admission rate in force and why (automatic pacing), the broker signals across its places — with
the seats per session, the seats left and the places chosen per branch of the caller's scope.
``pengaturan/``: the settings' history and, for the national admin, their change form. ``kuota/<CODE>/``:
a branch's seats per session, its history and change form. ``laporan/``: the after-opening report. Counts
only: nobody is named. Authorisation: ``accounts.policy`` (``VIEW_OPENING``, ``SET_OPENING``,
``SET_BRANCH_QUOTA``; other roles 403, a branch out of scope 404)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from lapakasik.accounts.access import authorise, officer_required, require_branch_page, require_page
from lapakasik.accounts.policy import Action
from lapakasik.accounts.selectors import branches_visible_to
from lapakasik.booking import cache as booking_cache
from lapakasik.booking.models import OpeningPlace, OpeningSettingsChange
from lapakasik.booking.waitroom import config, pacing, report
from lapakasik.booking.waitroom import services as waitroom
from lapakasik.booking.waitroom.admitter import Pace, pacing_conf
from lapakasik.branches import services as branch_services
from lapakasik.branches.models import TZ_ABBREVIATION, QuotaChange
from lapakasik.branches.selectors import sessions_for
from lapakasik.core import clock
from lapakasik.core.errors import ServiceError

from .forms import OpeningSettingsForm, QuotaForm
from .views import when

JAKARTA = "Asia/Jakarta"  # the national pages' own zone (the settings apply in each branch's zone)


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
    may_set_quota = authorise(request.user, Action.SET_BRANCH_QUOTA).allowed
    for b in branches:
        op = openings.get(b.time_zone)
        live = counts.get(b.time_zone)
        rows.append({"branch": b, "zone": TZ_ABBREVIATION.get(b.time_zone, ""), "open": op is not None,
                     "seats_left": live.per_branch.get(b.code) if live else None,
                     "chosen": chosen.get((b.id, op.id), 0) if op else None,
                     "seats": b.session_capacity})
    zones = sorted({b.time_zone for b in branches})
    live_rows = [{"zone": TZ_ABBREVIATION.get(tz, tz), "c": counts[tz], "opens": when(counts[tz].opening.opens_at, tz),
                  "draw": when(counts[tz].opening.admission_start, tz),
                  "period_end": when(counts[tz].opening.period_end, tz), "rate": rate_text(counts[tz].pace.rate),
                  "why": pace_reason(counts[tz].pace)} for tz in zones if tz in counts]
    s = config.conf()
    change = config.latest_change()
    return render(request, "branchops/opening.html", {
        "settings": s, "enabled": s.enabled, "live": live_rows, "rows": rows,
        "pacing": pacing_conf(s.admit_per_second, s.target_booking_ms), "change": change,
        "change_at": when(change.created_at, JAKARTA) if change else "", "may_set_quota": may_set_quota,
        "may_set": authorise(request.user, Action.SET_OPENING).allowed, "poll_seconds": 10})


def _history(rows: list[Any], zone: str | None = None) -> list[Any]:
    """Each change's moment in ``zone`` (default: each row's branch's zone, else WIB) for the history tables."""
    for r in rows:
        branch = getattr(r, "branch", None)
        r.at_local = when(r.created_at, zone or (branch.time_zone if branch is not None else JAKARTA))
    return rows


@officer_required
@require_http_methods(["GET", "POST"])
def opening_settings(request: HttpRequest) -> HttpResponse:
    """GET: the settings in force, their history and (national admin) the change form. POST: the change
    (``booking.waitroom.config.opening_settings_set``), then back to the operators' page."""
    require_page(request.user, Action.VIEW_OPENING)
    may_set = authorise(request.user, Action.SET_OPENING).allowed
    status = 200
    values = config.in_force()
    form = OpeningSettingsForm(initial={**vars(values), "enabled": "1" if values.enabled else "0"}) if may_set else None
    if request.method == "POST":
        require_page(request.user, Action.SET_OPENING)
        form = OpeningSettingsForm(request.POST)
        if form.is_valid():
            try:
                config.opening_settings_set(values=form.values(), reason=form.cleaned_data["reason"],
                                            actor=request.user)
            except ServiceError as exc:
                for field, errors in (exc.fields or {}).items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, str(error))
                if not exc.fields:
                    form.add_error(None, str(exc.message))
                status = exc.status
            else:
                messages.success(request, _("Pengaturan pembukaan kuota diubah dan berlaku sekarang."))
                return redirect("branchops:opening")
        else:
            status = 422
    history = _history(list(OpeningSettingsChange.objects.select_related("set_by")[:100]))
    return render(request, "branchops/opening_settings.html", {
        "form": form, "values": values, "configured": config.configured(), "history": history,
        "in_progress": bool(waitroom.openings_now())}, status=status)


@officer_required
@require_http_methods(["GET", "POST"])
def branch_quota(request: HttpRequest, code: str) -> HttpResponse:
    """GET: a branch's seats per session, its history and the change form. POST: the change
    (``branches.services.branch_quota_set``) for the days opened from now on."""
    branch = require_branch_page(request.user, Action.SET_BRANCH_QUOTA, code)
    if not branch.is_active:
        raise Http404
    status = 200
    form = QuotaForm(initial={"capacity": branch.session_capacity})
    if request.method == "POST":
        form = QuotaForm(request.POST)
        if form.is_valid():
            try:
                branch_services.branch_quota_set(branch=branch, capacity=form.cleaned_data["capacity"],
                                                 reason=form.cleaned_data["reason"], actor=request.user)
            except ServiceError as exc:
                form.add_error("capacity" if "capacity" in (exc.fields or {}) else None, str(exc.message))
                status = exc.status
            else:
                booking_cache.branch_changed(branch.id, branch.code)
                messages.success(request, _("Kuota %(branch)s diubah; berlaku untuk hari yang dibuka berikutnya.")
                                 % {"branch": branch.code})
                return redirect("branchops:opening")
        else:
            status = 422
    history = _history(list(QuotaChange.objects.select_related("set_by").filter(branch=branch)[:100]),
                       branch.time_zone)
    return render(request, "branchops/opening_quota.html", {
        "branch": branch, "form": form, "history": history,
        "sessions": [(t.start, t.end, branch.session_capacity or t.capacity) for t in sessions_for(branch)],
    }, status=status)


@officer_required
@require_GET
def opening_report(request: HttpRequest) -> HttpResponse:
    """The after-opening report: the openings with places (newest first), one chosen by ``?at=<unix time>``
    (default: the latest), its counts, settings, quota changes and branches of the caller's scope."""
    require_page(request.user, Action.VIEW_OPENING)
    openings = report.past_openings()
    chosen = openings[0] if openings else None
    raw = request.GET.get("at", "")
    if raw:
        if not raw.isdigit() or len(raw) > 12:
            raise Http404
        chosen = next((o for o in openings if int(o.timestamp()) == int(raw)), None)
        if chosen is None:
            raise Http404
    branches = {b.id: b for b in branches_visible_to(request.user, Action.VIEW_OPENING)[:2000]}
    found = report.opening_report(chosen, list(branches)) if chosen is not None else None
    lines = [{"branch": branches[line.branch_id], "chosen": line.chosen, "booked": line.booked}
             for line in (found.branches if found else []) if line.branch_id in branches]
    _history(found.quota_changes if found else [])
    return render(request, "branchops/opening_report.html", {
        "openings": [{"at": int(o.timestamp()), "label": when(o, JAKARTA), "current": o == chosen}
                     for o in openings],
        "report": found, "lines": lines, "opens": when(chosen, JAKARTA) if chosen else "",
        "settings_at": when(found.settings_change.created_at, JAKARTA)
        if found and found.settings_change else ""})
