"""Officers' pages about a claim: the call tasks of participants who chose to be told by telephone."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lapakasik.accounts.access import officer_required, require_page
from lapakasik.accounts.policy import Action
from lapakasik.accounts.selectors import branches_visible_to
from lapakasik.core.errors import ServiceError
from lapakasik.notifications.models import PhoneCall
from lapakasik.notifications.selectors import phone_call_open_get, phone_calls_open

from .services import Actor, claim_phone_call_record


@officer_required
@require_http_methods(["GET"])
def phone_calls(request: HttpRequest) -> HttpResponse:
    """The open phone-call tasks of the branches where ``accounts.policy`` lets the user record calls."""
    require_page(request.user, Action.RECORD_PHONE_CALL)
    calls = list(phone_calls_open(branches=branches_visible_to(request.user, Action.RECORD_PHONE_CALL))[:200])
    return render(request, "claims/calls.html", {"calls": calls, "outcomes": [
        (PhoneCall.Outcome.REACHED, PhoneCall.Outcome.REACHED.label),
        (PhoneCall.Outcome.NO_ANSWER, PhoneCall.Outcome.NO_ANSWER.label),
        (PhoneCall.Outcome.WRONG_NUMBER, PhoneCall.Outcome.WRONG_NUMBER.label)]})


@officer_required
@require_POST
def phone_call_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    require_page(request.user, Action.RECORD_PHONE_CALL)
    call = phone_call_open_get(pk=pk)
    if call is None:
        raise Http404()
    require_page(request.user, Action.RECORD_PHONE_CALL, branch=call.branch)
    try:
        claim_phone_call_record(call_id=pk, outcome=request.POST.get("outcome", ""),
                                actor=Actor.officer(request.user), note=request.POST.get("note", "")[:500])
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Hasil panggilan dicatat."))
    return redirect("claims:calls")
