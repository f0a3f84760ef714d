"""Participant pages of the waitlist: joining with the data already given (the button on a "session full"
answer), the entry's page in the browser that joined, and the offer link of the message.

- ``/antrean/tunggu/<id>/``: the entry this browser session joined (its access token is kept server-side
  in the session, ``access.waitlist_remember``); any other browser gets the not-found page.
- ``/antrean/tawaran/<token>/``: the link in the offer message. The token (made when the seat is offered,
  stored only as a keyed digest) is the credential: it opens the offer in any browser or device and
  accepts it there. An unknown, malformed or guessed token gets the same not-found page, and the page
  shows no personal data (branch, date, session and status only). The answer is never cached and is not
  referred to other sites.

Accepting books the held seat once: a double submit, or a second browser accepting again, is told the
seat was already taken (with the booking code) and nothing more is written.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lapakasik.core.errors import NotFound, ServiceError

from . import pagedata as engine
from .access import grant, granted, waitlist_entry
from .views import _draft, _error_page, join_waitlist, render


def _not_found(request: HttpRequest) -> HttpResponse:
    """The product's own 404: the same page for an unknown entry, a wrong token and a lost session."""
    exc = NotFound(_("Tautan atau halaman daftar tunggu ini tidak dikenal. Buka tautan lengkap dari pesan kami "
                     "(e-mail, SMS atau WhatsApp), atau mulai lagi dari halaman antrean."),
                   code="waitlist_not_found")
    return _error_page(request, exc, title=_("Halaman tidak ditemukan"), back=reverse("booking:start"))


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    # The link's token never leaves the site ("no-referrer" would make the browser send "Origin: null"
    # with the page's own form, which CSRF protection refuses).
    response["Referrer-Policy"] = "same-origin"
    return response


@require_POST
def waitlist_join(request: HttpRequest) -> HttpResponse:
    """From the "session full" answer: wait for a seat in that session with the data already given."""
    draft = _draft(request)
    if draft is None or draft.get("done") or request.POST.get("draft") != draft.get("id"):
        messages.error(request, _("Sesi pengisian Anda sudah berakhir. Silakan mulai lagi."))
        return redirect("booking:start")
    try:
        b = engine.branch_of(draft["branch"])
    except NotFound:
        return _not_found(request)
    return join_waitlist(request, draft, b, date.fromisoformat(draft["date"]))


def _own_entry(request: HttpRequest, entry: int) -> Any:
    try:
        return waitlist_entry(request, entry)
    except Http404:
        return None


@never_cache
def waitlist(request: HttpRequest, entry: int) -> HttpResponse:
    item = _own_entry(request, entry)
    if item is None:
        return _not_found(request)
    return render(request, "booking/waitlist.html", {
        "w": engine.waitlist_view(item),
        "accept_url": reverse("booking:waitlist_accept", kwargs={"entry": entry})})


@require_POST
def waitlist_accept(request: HttpRequest, entry: int) -> HttpResponse:
    item = _own_entry(request, entry)
    if item is None:
        return _not_found(request)
    return _accept(request, item, reverse("booking:waitlist", kwargs={"entry": entry}))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])  # link checkers of mail and chat apps may ask HEAD
def waitlist_offer(request: HttpRequest, token: str) -> HttpResponse:
    """The offer message's link, in any browser: GET shows the offer, POST takes the seat."""
    try:
        item = engine.waitlist_by_offer_token(token)
    except NotFound:
        return _private(_not_found(request))
    here = reverse("booking:waitlist_offer", kwargs={"token": token})
    if request.method == "POST":
        return _private(_accept(request, item, here))
    return _private(render(request, "booking/waitlist.html", {"w": engine.waitlist_view(item), "accept_url": here}))


def _accept(request: HttpRequest, item: Any, page: str) -> HttpResponse:
    """Take the offered seat; this browser may then open the booking. Refused (taken already, lapsed):
    the offer's page again, with what happened and what to do."""
    try:
        created = engine.waitlist_accept(item)
    except ServiceError as exc:
        code = str((exc.extra or {}).get("booking_code") or "")
        if exc.code == "offer_already_accepted" and code and granted(request, code):
            return redirect("booking:done", code=code)  # a double submit: the first one booked
        fresh = engine.waitlist_refresh(item)
        return render(request, "booking/waitlist.html", {
            "w": engine.waitlist_view(fresh), "accept_url": page, "refusal": exc}, status=exc.status)
    grant(request, created.code)
    return redirect("booking:done", code=created.code)
