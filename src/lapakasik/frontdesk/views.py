"""The front desk's pages: the landing page with the screening form and today's summary, the outcome of one
screening (with the online route and a new session for a visitor sent home), and the screenings per day of
a branch for its head (and the regional and national admins).

Every page is behind the officer sign-in (``officer_required``) and asks ``accounts.policy`` through
``require_page``: the role first, then the branch of what is shown."""

from __future__ import annotations

import base64
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from lapakasik.accounts.access import authorise, officer_required, require_branch_page, require_page
from lapakasik.accounts.policy import Action, Principal
from lapakasik.branches.models import Branch
from lapakasik.core.errors import Conflict, InvalidInput, NotFound
from lapakasik.core.paper import qr_png

from . import selectors, services
from .forms import ScreeningForm
from .models import Outcome, ScreeningRecord


def _own_branch(principal: Principal) -> Branch:
    if principal.branch_id is None:
        raise Http404
    branch = Branch.objects.select_related("region").filter(pk=principal.branch_id).first()
    if branch is None:
        raise Http404
    return branch


def _bar(request: HttpRequest) -> dict[str, Any]:
    """What the front desk's menu offers this user."""
    return {"can_screen": authorise(request.user, Action.SCREEN_VISITOR).allowed,
            "can_queue": authorise(request.user, Action.VIEW_QUEUE).allowed,
            "can_counts": authorise(request.user, Action.VIEW_SCREENING_COUNTS).allowed,
            "can_receive": authorise(request.user, Action.RECEIVE_ENVELOPE).allowed}


def _tz(branch: Branch) -> ZoneInfo:
    return ZoneInfo(branch.time_zone or "Asia/Jakarta")


@never_cache
@officer_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """/petugas/depan/: the front desk's own page — screen the next visitor, today's summary."""
    principal = require_page(request.user, Action.SCREEN_VISITOR)
    branch = _own_branch(principal)
    form = ScreeningForm(request.POST if request.method == "POST" else None,
                         initial={"form_id": services.form_id_new()})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = services.screening_record(
                    branch=branch, user=request.user, temperature=data["temperature"], form_id=data["form_id"],
                    booking_code=data["booking_code"], visitor_name=data["visitor_name"])
            except (InvalidInput, Conflict) as exc:
                status = exc.status
                _errors_to_form(form, exc)
            else:
                if not done.created:
                    messages.info(request, _("Pengunjung ini sudah tercatat; kiriman kedua tidak dicatat lagi."))
                return redirect("frontdesk:result", pk=done.record.pk)
    today = selectors.local_day(branch)
    return render(request, "frontdesk/home.html", {
        **_bar(request), "branch": branch, "form": form, "counts": selectors.day_counts(branch, today),
        "today": today, "recent": selectors.recent_records(branch, today), "tz": _tz(branch),
        "threshold": selectors.threshold()}, status=status)


def _errors_to_form(form: ScreeningForm, exc: InvalidInput | Conflict) -> None:
    """The service's refusal shown on the form; a used or unknown form gets a fresh id (the entries stay)."""
    shown = False
    for field, message in exc.fields.items():
        if field in form.fields and field != "form_id":
            form.add_error(field, message)
            shown = True
    if exc.code in ("form_expired", "form_used"):
        data = dict(form.data.items())
        data["form_id"] = services.form_id_new()
        form.data = data
        form.add_error(None, str(exc.message))
    elif not shown:
        form.add_error(None, str(exc.message))


def _qr(url: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(url, scale=5).getvalue()).decode("ascii")


def _absolute(path: str) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}"


def _offer(record: ScreeningRecord) -> dict[str, Any]:
    """For a visitor sent home: their own booking's reschedule page (the booking code only in the URL; the page
    asks for the one-time code sent to the booking's own contact) or a new booking, the documents online when
    the claim still takes them, and the next sessions with seats at this branch."""
    booking = selectors.active_booking(record)
    if booking is not None:
        url = _absolute(reverse("booking:reschedule", args=[booking.code]))
    else:
        url = _absolute(reverse("booking:start"))
    return {"booking": booking, "url": url, "qr": _qr(url), "documents_online": selectors.documents_online(record),
            "mine_url": _absolute(reverse("booking:mine")), "sessions": selectors.next_sessions(record.branch)}


@never_cache
@officer_required
@require_GET
def result(request: HttpRequest, pk: int) -> HttpResponse:
    """/petugas/depan/skrining/<id>/: admitted, or sent home with what the visitor can do instead."""
    require_page(request.user, Action.SCREEN_VISITOR)
    try:
        record = selectors.record_get(pk)
    except NotFound:
        raise Http404 from None
    require_page(request.user, Action.SCREEN_VISITOR, branch=record.branch)
    offer = _offer(record) if record.outcome == Outcome.SENT_HOME else None
    return render(request, "frontdesk/result.html", {
        **_bar(request), "record": record, "branch": record.branch, "tz": _tz(record.branch), "offer": offer})


@never_cache
@officer_required
@require_GET
def counts_index(request: HttpRequest) -> HttpResponse:
    """/petugas/depan/ringkasan/: a branch role goes to its branch; an admin picks one of their scope."""
    principal = require_page(request.user, Action.VIEW_SCREENING_COUNTS)
    if principal.branch_id is not None:
        return redirect("frontdesk:counts", branch=_own_branch(principal).code)
    return render(request, "frontdesk/counts_index.html", {
        **_bar(request), "branches": selectors.branches_for_counts(request.user)})


@never_cache
@officer_required
@require_GET
def counts(request: HttpRequest, branch: str) -> HttpResponse:
    """/petugas/depan/ringkasan/<CODE>/: screenings per day (admitted, sent home) over the last month."""
    found = require_branch_page(request.user, Action.VIEW_SCREENING_COUNTS, branch)
    rows = selectors.counts_per_day(found, selectors.local_day(found))
    return render(request, "frontdesk/counts.html", {
        **_bar(request), "branch": found, "rows": rows, "total": selectors.total(rows),
        "days": selectors.COUNT_DAYS, "retention_days": selectors.retention_days(),
        "threshold": selectors.threshold()})
