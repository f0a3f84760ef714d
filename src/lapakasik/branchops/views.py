"""The channel-policy pages (/petugas/kebijakan-kanal/) of regional admins (their region) and the national
admin (all): the policy in force per region and branch, its history, the change form with its preview
(participants to tell, bookings in the window, cover sheets already printed) and the confirmation; cancelling
a change that has not started. Every decision comes from ``accounts.policy`` (``SET_CHANNEL_POLICY``: role
first, then the region or branch — 403 / 404)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lapakasik.accounts.access import officer_required, require_page
from lapakasik.accounts.policy import Action
from lapakasik.accounts.selectors import branches_visible_to
from lapakasik.branches import services as branch_services
from lapakasik.branches.models import TZ_ABBREVIATION, Branch, ChannelPolicy, Region
from lapakasik.branches.selectors import DEFAULT_POLICY, branch_effective_policy
from lapakasik.core import clock
from lapakasik.core.dates import long_moment
from lapakasik.core.errors import ServiceError

from . import selectors
from .forms import ChangeForm

ACTION = Action.SET_CHANNEL_POLICY
REGION, BRANCH = "wilayah", "cabang"


def _scope(request: HttpRequest, kind: str, code: str) -> tuple[Region | None, Branch | None]:
    """The region or branch a page is about, once the role may set policies at all (an unknown code and one
    outside the caller's scope both answer 404)."""
    require_page(request.user, ACTION)
    code = str(code).strip()[:16]
    if kind == REGION:
        region = Region.objects.filter(code__iexact=code).first()
        if region is None:
            raise Http404
        require_page(request.user, ACTION, region=region)
        return region, None
    if kind == BRANCH:
        branch = Branch.objects.select_related("region").filter(code__iexact=code, is_active=True).first()
        if branch is None:
            raise Http404
        require_page(request.user, ACTION, branch=branch)
        return None, branch
    raise Http404


def when(moment: datetime | None, time_zone: str) -> str:
    """A moment in the scope's own zone, in the one date format (``core.dates``), with WIB/WITA/WIT."""
    if moment is None:
        return ""
    return long_moment(timezone.localtime(moment, ZoneInfo(time_zone)), TZ_ABBREVIATION.get(time_zone, ""))


def _scope_url(region: Region | None, branch: Branch | None) -> str:
    if branch is not None:
        return reverse("branchops:scope", args=[BRANCH, branch.code])
    assert region is not None
    return reverse("branchops:scope", args=[REGION, region.code])


@officer_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Every region and branch of the caller's scope with the policy in force and the changes waiting."""
    require_page(request.user, ACTION)
    branches = list(branches_visible_to(request.user, ACTION).select_related("region")[:2000])
    rows = selectors.overview(branches)
    for row in rows:
        zone = row.branch.time_zone if row.branch is not None else row.region.time_zone
        for w in row.waiting:
            w.from_local = when(w.valid_from, zone)  # type: ignore[attr-defined]
    return render(request, "branchops/home.html", {"rows": rows})


def _page(request: HttpRequest, region: Region | None, branch: Branch | None, form: ChangeForm,
          status: int = 200) -> HttpResponse:
    rows = list(selectors.history(region=region, branch=branch)[:200])
    counts = selectors.notice_counts([r.pk for r in rows])
    now = clock.now()
    time_zone = branch_services.scope_time_zone(region=region, branch=branch)
    for r in rows:
        r.from_local, r.to_local = when(r.valid_from, time_zone), when(r.valid_to, time_zone)  # type: ignore[attr-defined]
        r.created_local, r.cancelled_local = when(r.created_at, time_zone), when(r.cancelled_at, time_zone)  # type: ignore[attr-defined]
        r.waiting = r.cancelled_at is None and r.valid_from > now  # type: ignore[attr-defined]
        r.told_count = (counts.get(r.pk) or {}).get("told", 0)  # type: ignore[attr-defined]
        r.inherited = branch is not None and r.branch_id is None  # type: ignore[attr-defined]
    in_force = branch_effective_policy(branch) if branch is not None else _region_in_force(region)
    return render(request, "branchops/scope.html", {
        "region": region, "branch": branch, "scope_name": str(branch or region), "form": form, "history": rows,
        "in_force": in_force, "in_force_since": when(in_force.valid_from, time_zone), "time_zone": time_zone, "kind": BRANCH if branch is not None else REGION,
        "code": branch.code if branch is not None else region.code if region is not None else "",
        "branches": selectors.scope_branches(region=region, branch=branch) if branch is None else [],
    }, status=status)


def _region_in_force(region: Region | None) -> Any:
    rows = [r for r in selectors.overview(selectors.scope_branches(region=region)) if r.kind == REGION]
    if rows:
        return rows[0].in_force
    return DEFAULT_POLICY  # a region without active branches


@officer_required
@require_http_methods(["GET", "POST"])
def scope(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """GET: in force, history, the form. POST ``step=preview``: the impact and a confirmation form;
    ``step=apply``: the change (new row), then back to the page."""
    region, branch = _scope(request, kind, code)
    time_zone = branch_services.scope_time_zone(region=region, branch=branch)
    if request.method == "GET":
        return _page(request, region, branch, ChangeForm(time_zone=time_zone))
    form = ChangeForm(request.POST, time_zone=time_zone)
    if not form.is_valid():
        return _page(request, region, branch, form, status=422)
    step = request.POST.get("step", "preview")
    if step == "apply":
        try:
            change = branch_services.channel_policy_set(
                mode=form.cleaned_data["mode"], reason=form.cleaned_data["reason"], actor=request.user,
                region=region if branch is None else None, branch=branch, valid_from=form.start())
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
            return _page(request, region, branch, form, status=exc.status)
        if change.valid_from > clock.now():
            messages.success(request, _("Perubahan dijadwalkan. Peserta yang terdampak diberi tahu saat mulai "
                                        "berlaku; sebelum itu perubahan dapat dibatalkan."))
        else:
            messages.success(request, _("Perubahan berlaku sekarang. Peserta yang terdampak sedang diberi tahu."))
        return redirect(_scope_url(region, branch))
    if step != "preview":
        form.add_error(None, _("Langkah tidak dikenal."))
        return _page(request, region, branch, form, status=422)
    start = form.start() or clock.now()
    impact = selectors.change_impact(mode=form.cleaned_data["mode"], valid_from=start,
                                     region=region if branch is None else None, branch=branch)
    return render(request, "branchops/preview.html", {
        "region": region, "branch": branch, "scope_name": str(branch or region), "form": form, "impact": impact,
        "start": when(start, time_zone), "now": form.start() is None, "time_zone": time_zone,
        "mode_label": ChannelPolicy.Mode(form.cleaned_data["mode"]).label,
        "action_url": _scope_url(region, branch),
    })


@officer_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a change that has not started (nobody is told; the row stays in the history, marked)."""
    require_page(request.user, ACTION)
    change = ChannelPolicy.objects.select_related("region", "branch").filter(pk=pk).first()
    if change is None:
        raise Http404
    if change.branch is not None:
        require_page(request.user, ACTION, branch=change.branch)
    else:
        require_page(request.user, ACTION, region=change.region)
    try:
        branch_services.channel_policy_cancel(change=change, actor=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Perubahan dibatalkan; tidak ada peserta yang diberi tahu."))
    return redirect(_scope_url(change.region if change.branch is None else None, change.branch))
