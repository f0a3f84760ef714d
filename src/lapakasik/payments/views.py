"""Pages of payments: the participant's bank account (``/antrean/saya/<code>/rekening/``), the officer's
check on the claim page, and the supervisor's payments page (close the day's batch, its files, the bank's
result). Authorisation is ``accounts.policy``'s; account numbers appear unmasked only to the officers of
the claim's branch, never in a URL."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render as django_render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lapakasik.accounts.access import authorise, officer_required, require_page
from lapakasik.accounts.policy import Action
from lapakasik.accounts.selectors import branches_visible_to
from lapakasik.booking.access import authorised_claim, grant_required
from lapakasik.booking.panels import Panel
from lapakasik.claims import workflow
from lapakasik.claims.models import Claim
from lapakasik.claims.services import Actor
from lapakasik.core.errors import InvalidInput, ServiceError

from . import batches, paper, selectors, services
from .forms import AccountCheckForm, BankAccountForm, ResultUploadForm

# --- the participant ------------------------------------------------------------------------------------

SHOWN_FROM = frozenset(set(workflow.State) - {workflow.State.CANCELLED, workflow.State.EXPIRED})


def participant_panel(claim: Claim) -> Panel | None:
    """The payment card on ``/antrean/saya/<code>/``: the masked account and whether it can be paid to, the
    promised payment date, and the payment once made."""
    if claim.state not in SHOWN_FROM:
        return None
    view = selectors.payment_view(claim)
    return Panel("payments/_participant_panel.html", {
        "claim": claim, "p": view, "editable": claim.state in services.ACCOUNT_EDITABLE})


@never_cache
@grant_required
@require_http_methods(["GET", "POST"])
def account_edit(request: HttpRequest, code: str) -> HttpResponse:
    claim = authorised_claim(request, code)
    view = selectors.payment_view(claim)
    initial = {"bank_code": view.account.bank_code, "holder_name": view.account.holder_name} if view.account else {}
    form = BankAccountForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.bank_account_save(claim=claim, actor=Actor.participant(), **form.cleaned_data)
            except InvalidInput as exc:
                for name, problems in exc.fields.items():
                    for problem in problems:
                        form.add_error(name if name in form.fields else None, str(problem))
            except ServiceError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Rekening bank tersimpan. Petugas akan mencocokkannya dengan buku "
                                            "tabungan Anda."))
                return redirect("booking:manage", code=claim.code)
        status = 422
    return django_render(request, "payments/account_edit.html", {
        "claim": claim, "p": view, "form": form, "editable": claim.state in services.ACCOUNT_EDITABLE},
        status=status)


# --- the officer's check ---------------------------------------------------------------------------------


def _claim(request: HttpRequest, code: str, action: Action) -> Claim:
    require_page(request.user, action)
    claim = Claim.objects.select_related("branch", "branch__region").filter(code=str(code or "")[:16]).first()
    if claim is None:
        raise Http404
    require_page(request.user, action, claim=claim)
    return claim


def officer_panel(request: HttpRequest, claim: Claim) -> dict[str, Any]:
    """The payment card of the officer's claim page (casework's): the account unmasked for the officers
    of the branch, the check form, the promised date and the instruction."""
    unmasked = authorise(request.user, Action.VIEW_BANK_ACCOUNT, claim=claim).allowed
    return {"p": selectors.payment_view(claim, unmasked=unmasked), "unmasked": unmasked,
            "may_check": authorise(request.user, Action.CHECK_BANK_ACCOUNT, claim=claim).allowed
            and claim.state in services.ACCOUNT_EDITABLE}


@officer_required
@require_POST
def account_check(request: HttpRequest, code: str) -> HttpResponse:
    claim = _claim(request, code, Action.CHECK_BANK_ACCOUNT)
    form = AccountCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih hasil pemeriksaan rekening."))
    else:
        try:
            services.bank_account_check(claim=claim, user=request.user,
                                        matches=form.cleaned_data["result"] == "matches",
                                        note=form.cleaned_data["note"])
        except ServiceError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Pemeriksaan rekening dicatat."))
    return redirect("casework:claim", code=claim.code)


# --- the supervisor's payments page ----------------------------------------------------------------------


def _branch(request: HttpRequest) -> tuple[Any, list[Any]]:
    require_page(request.user, Action.VIEW_PAYMENTS)
    visible = list(branches_visible_to(request.user, Action.VIEW_PAYMENTS).order_by("name")[:400])
    if not visible:
        raise Http404
    wanted = request.GET.get("cabang", "") or request.POST.get("cabang", "")
    return next((b for b in visible if b.code == wanted), visible[0]), visible


@officer_required
@require_GET
def payments_home(request: HttpRequest) -> HttpResponse:
    branch, visible = _branch(request)
    unmasked = authorise(request.user, Action.VIEW_BANK_ACCOUNT, branch=branch).allowed
    waiting = batches.instructions_waiting(branch)
    return django_render(request, "payments/home.html", {
        "branch": branch, "branches": visible if len(visible) > 1 else [], "waiting": waiting[:500],
        "waiting_total": len(waiting), "ready_count": sum(1 for w in waiting if w.ready),
        "ready_total": sum(w.amount for w in waiting if w.ready), "unmasked": unmasked,
        "batches": selectors.batches_of([branch.pk]), "upload_form": ResultUploadForm(),
        "may_close": authorise(request.user, Action.CLOSE_BATCH, branch=branch).allowed,
        "may_import": authorise(request.user, Action.IMPORT_BANK_RESULT, branch=branch).allowed,
    })


@officer_required
@require_POST
def batch_close(request: HttpRequest) -> HttpResponse:
    require_page(request.user, Action.CLOSE_BATCH)
    branch = branches_visible_to(request.user, Action.CLOSE_BATCH).filter(
        code=str(request.POST.get("cabang", ""))[:16]).first()
    if branch is None:
        raise Http404
    try:
        batch = batches.batch_close(branch=branch, user=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Batch %(ref)s ditutup: %(n)s instruksi.") % {"ref": batch.reference,
                                                                                  "n": batch.count})
    return redirect(f"/petugas/pembayaran/?cabang={branch.code}")


def _batch(request: HttpRequest, reference: str, action: Action) -> Any:
    require_page(request.user, action)
    batch = selectors.batch_get(reference)
    if batch is None:
        raise Http404
    require_page(request.user, action, branch=batch.branch)
    return batch


def _batch_file(content: str | bytes, content_type: str, filename: str, *, attachment: bool) -> HttpResponse:
    """A batch's file (it names accounts): never stored by a cache; the CSV saved, the PDF shown."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"attachment" if attachment else "inline"}; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@officer_required
@require_GET
def batch_csv(request: HttpRequest, reference: str) -> HttpResponse:
    batch = _batch(request, reference, Action.CLOSE_BATCH)
    return _batch_file(batches.batch_csv(batch), "text/csv; charset=utf-8", f"{batch.reference}.csv",
                       attachment=True)


@officer_required
@require_GET
def batch_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    batch = _batch(request, reference, Action.VIEW_PAYMENTS)
    return _batch_file(paper.batch_summary_pdf(batch), "application/pdf", f"{batch.reference}.pdf", attachment=False)


@officer_required
@require_POST
def batch_result(request: HttpRequest, reference: str) -> HttpResponse:
    batch = _batch(request, reference, Action.IMPORT_BANK_RESULT)
    form = ResultUploadForm(request.POST, request.FILES)
    back = redirect(f"/petugas/pembayaran/?cabang={batch.branch.code}")
    if not form.is_valid():
        messages.error(request, _("Pilih berkas hasil bank."))
        return back
    upload = form.cleaned_data["file"]
    if upload.size > batches.bankfiles.MAX_RESULT_BYTES:
        messages.error(request, _("Berkas terlalu besar."))
        return back
    try:
        outcome = batches.batch_result_import(batch=batch, content=upload.read(), user=request.user)
    except ServiceError as exc:
        messages.error(request, " ".join([str(exc.message), *[str(m) for m in exc.fields.get("file", [])[:20]]]))
    else:
        messages.success(request, _("Hasil bank diterapkan: %(paid)s dibayar, %(failed)s gagal.") % {
            "paid": outcome.paid, "failed": outcome.failed})
    return back
