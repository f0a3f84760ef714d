"""The employer side's pages (phone-first; Indonesian with English): the invitation a supervisor or admin
sends (``/petugas/perusahaan/undang/``), the invitee's account page (``/perusahaan/undangan/<token>/``), and
the company officer's pages — the claims waiting for the company (``/perusahaan/``), the stage I report that
opens a JKK claim, the stage II report. Every decision is ``accounts.policy``'s, through ``require_page``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from lapakasik.accounts.access import officer_required, require_page
from lapakasik.accounts.policy import Action
from lapakasik.accounts.views import password_step_passed
from lapakasik.branches.models import Branch
from lapakasik.core.errors import Conflict, InvalidInput, NotFound
from lapakasik.registry.adapters import registry_employer

from . import selectors, services
from .forms import AcceptForm, InviteForm, StageOneForm, StageTwoForm, errors_from


@officer_required
@never_cache
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    """A branch supervisor or an admin invites an HR address the registry lists for the company."""
    require_page(request.user, Action.INVITE_EMPLOYER_OFFICER)
    form = InviteForm(request.POST if request.method == "POST" else None)
    sent = None
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.invitation_send(npp=form.cleaned_data["npp"], email=form.cleaned_data["email"],
                                            invited_by=request.user)
        except InvalidInput as exc:
            errors_from(form, exc)
        else:
            form = InviteForm()
    return render(request, "employers/invite.html", {"form": form, "sent": sent})


@sensitive_post_parameters("password", "password_again")
@never_cache
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee sets a name and a password, then enrols an authenticator app (the officer sign-in's
    enrolment). An unknown, used or expired link: 404 with the way forward, nothing written."""
    invitation = selectors.invitation_live(token)
    if invitation is None:
        return render(request, "employers/invitation_invalid.html", status=404)
    employer = registry_employer(npp=invitation.npp)
    form = AcceptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, **form.cleaned_data)
        except InvalidInput as exc:
            errors_from(form, exc)
        except NotFound:
            return render(request, "employers/invitation_invalid.html", status=404)
        except Conflict as exc:
            form.add_error(None, str(exc.message))
        else:
            password_step_passed(request, user)
            return redirect(reverse("accounts:signin_enrol") + "?next=" + reverse("employers:home"))
    return render(request, "employers/accept.html", {"form": form, "invitation": invitation,
                                                     "employer": employer})


def _company(request: HttpRequest) -> tuple[Any, Any]:
    principal = require_page(request.user, Action.EMPLOYER_VIEW_CLAIMS)
    return principal, registry_employer(npp=principal.npp)


@officer_required
@never_cache
def home(request: HttpRequest) -> HttpResponse:
    """The company's JKK claims waiting for its stage II report, and the way to report a new accident."""
    principal, employer = _company(request)
    return render(request, "employers/home.html", {
        "employer": employer, "npp": principal.npp, "waiting": list(selectors.waiting_for_company(principal.npp)),
        "filed": list(selectors.filed_by_company(principal.npp))})


def _branches() -> list[tuple[str, str]]:
    return list(Branch.objects.order_by("name").values_list("code", "name"))


@officer_required
@never_cache
@require_http_methods(["GET", "POST"])
def stage_one(request: HttpRequest) -> HttpResponse:
    """Stage I (Formulir 3): the accident report that opens the worker's JKK claim."""
    principal = require_page(request.user, Action.EMPLOYER_REPORT_JKK)
    employer = registry_employer(npp=principal.npp)
    form = StageOneForm(request.POST if request.method == "POST" else None, branches=_branches())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.stage1_report(
                user=request.user, npp=principal.npp, branch_code=data["branch"], nik=data["nik"], kpj=data["kpj"],
                occurred_on=data["occurred_on"], occurred_time=data["occurred_time"], kind=data["kind"],
                place=data["place"], description=data["description"], worker_email=data["worker_email"],
                worker_phone=data["worker_phone"], worker_language=data["worker_language"],
                officer_name=getattr(request.user, "first_name", ""), officer_email=getattr(request.user, "email", ""))
        except InvalidInput as exc:
            errors_from(form, exc)
        except Conflict as exc:
            form.add_error(None, str(exc.message))
        else:
            if report.stage1_late:
                messages.warning(request, _("Laporan tahap I klaim %(code)s diterima, tetapi melewati batas 2 × 24 "
                                            "jam setelah kejadian: ditandai terlambat.") % {"code": report.claim.code})
            else:
                messages.success(request, _("Laporan tahap I diterima: klaim %(code)s dibuka. Pekerja diberi tahu "
                                            "cara melengkapi bagiannya.") % {"code": report.claim.code})
            return redirect("employers:home")
    return render(request, "employers/stage_one.html", {"form": form, "employer": employer})


@officer_required
@never_cache
@require_http_methods(["GET", "POST"])
def stage_two(request: HttpRequest, code: str) -> HttpResponse:
    """Stage II (Formulir 3a) of a claim the company opened with stage I; any other claim: 404."""
    require_page(request.user, Action.EMPLOYER_REPORT_JKK)  # the role, before anything is looked up
    found = selectors.company_claim(code)
    if found is None:
        raise Http404
    principal = require_page(request.user, Action.EMPLOYER_REPORT_JKK, company=found)
    report = getattr(found.claim, "jkk_report", None)
    if report is None:
        raise Http404  # no stage I: stage II cannot come first
    form: StageTwoForm | None = StageTwoForm(request.POST if request.method == "POST" else None)
    if report.stage2_at is not None:
        form = None
    elif request.method == "POST" and form is not None and form.is_valid():
        try:
            report = services.stage2_report(user=request.user, npp=principal.npp, code=code, **form.cleaned_data)
        except InvalidInput as exc:
            errors_from(form, exc)
        except NotFound:
            raise Http404 from None
        except Conflict as exc:
            form.add_error(None, str(exc.message))
        else:
            if report.stage2_late:
                messages.warning(request, _("Laporan tahap II diterima, tetapi melewati batas 2 × 24 jam: ditandai "
                                            "terlambat."))
            else:
                messages.success(request, _("Laporan tahap II diterima."))
            return redirect("employers:home")
    return render(request, "employers/stage_two.html", {"form": form, "report": report, "claim": found.claim})
