"""The employer side's pages (phone-first; Indonesian with English): the invitation a supervisor or admin
sends (``/petugas/perusahaan/undang/``), the invitee's account page (``/perusahaan/undangan/<token>/``), and
the company officer's pages — the claims waiting for the company (``/perusahaan/``), the stage I report that
opens a JKK claim (Formulir 3's company section), the stage II report (Formulir 3a's). Every decision is
``accounts.policy``'s, through ``require_page`` (``access.require_company_page`` on the company's pages, which
a one-time e-mail link sign-in also opens)."""

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

from . import formwork, selectors, services
from .access import company_required, link_session, require_company_page
from .forms import (
    STAGE1_EXTRAS,
    STAGE2_EXTRAS,
    AcceptForm,
    InviteForm,
    StageOneForm,
    StageTwoForm,
    errors_from,
)


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
    principal = require_company_page(request, Action.EMPLOYER_VIEW_CLAIMS)
    return principal, registry_employer(npp=principal.npp)


@company_required
@never_cache
def home(request: HttpRequest) -> HttpResponse:
    """The company's JKK claims waiting for its stage II report, and the way to report a new accident."""
    principal, employer = _company(request)
    return render(request, "employers/home.html", {
        "employer": employer, "npp": principal.npp, "waiting": list(selectors.waiting_for_company(principal.npp)),
        "filed": list(selectors.filed_by_company(principal.npp)), "link_session": link_session(request)})


def _branches() -> list[tuple[str, str]]:
    return list(Branch.objects.order_by("name").values_list("code", "name"))


def _extras(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {k: data.get(k) or "" for k in names}


@company_required
@never_cache
@require_http_methods(["GET", "POST"])
def stage_one(request: HttpRequest) -> HttpResponse:
    """Stage I: the accident report that opens the worker's JKK claim — the company's section of Formulir 3,
    signed by the officer (``formwork.stage1_file``)."""
    principal = require_company_page(request, Action.EMPLOYER_REPORT_JKK)
    employer = registry_employer(npp=principal.npp)
    form = StageOneForm(request.POST if request.method == "POST" else None, branches=_branches())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report_fields = {k: data[k] for k in ("nik", "kpj", "occurred_on", "occurred_time", "kind", "place",
                                               "description", "worker_email", "worker_phone", "worker_language")}
        try:
            report = formwork.stage1_file(
                user=request.user, npp=principal.npp, report={"branch_code": data["branch"], **report_fields},
                extras=_extras(data, STAGE1_EXTRAS), typed_name=data["nama_tanda_tangan"],
                confirmed=bool(data["konfirmasi"]))
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
    return render(request, "employers/stage_one.html", {"form": form, "employer": employer,
                                                        "signer": formwork.signer_name(request.user)})


def company_claim_or_404(request: HttpRequest, code: str, action: Action) -> tuple[Any, Any]:
    """The claim ``code`` as the signed-in company sees it: the role first (403), then its scope (404 for
    another company's claim, a claim of another type, a claim no company reports and an unknown code)."""
    require_company_page(request, action)
    found = selectors.company_claim(code)
    if found is None:
        raise Http404
    return require_company_page(request, action, company=found), found


@company_required
@never_cache
@require_http_methods(["GET", "POST"])
def stage_two(request: HttpRequest, code: str) -> HttpResponse:
    """Stage II of a claim the company opened with stage I — the company's section of Formulir 3a; any other
    claim: 404."""
    principal, found = company_claim_or_404(request, code, Action.EMPLOYER_REPORT_JKK)
    report = getattr(found.claim, "jkk_report", None)
    if report is None:
        raise Http404  # no stage I: stage II cannot come first
    form: StageTwoForm | None = StageTwoForm(request.POST if request.method == "POST" else None)
    if report.stage2_at is not None:
        form = None
    elif request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            report = formwork.stage2_file(
                user=request.user, npp=principal.npp, code=code, outcome=data["outcome"],
                outcome_on=data["outcome_on"], description=data["description"], extras=_extras(data, STAGE2_EXTRAS),
                typed_name=data["nama_tanda_tangan"], confirmed=bool(data["konfirmasi"]))
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
    return render(request, "employers/stage_two.html", {"form": form, "report": report, "claim": found.claim,
                                                        "signer": formwork.signer_name(request.user)})
