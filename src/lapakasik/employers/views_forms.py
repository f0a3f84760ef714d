"""The company's part of a claim's online forms (``forms.services.party_sections(claim, "employer_officer")``):
``/perusahaan/klaim/<code>/`` lists each section the company fills and whether it is signed;
``/perusahaan/klaim/<code>/formulir/<form>/<section>/`` fills and signs one (Formulir 3b's doctor's statement;
Formulir 3 and 3a's company sections are the stage I and stage II pages). Only the company's own JKK claims
(404 otherwise); a section another party fills is refused (403) — the company neither reads nor signs it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lapakasik.accounts.policy import Action
from lapakasik.claims import workflow
from lapakasik.core.errors import NotFound, ServiceError
from lapakasik.forms import services as form_services
from lapakasik.forms.definitions import EMPLOYER_OFFICER
from lapakasik.forms.models import FormResponse
from lapakasik.forms.validation import display_value, posted_answers

from . import formwork
from .access import company_required
from .views import company_claim_or_404


def _lang() -> str:
    return (get_language() or "id")[:2]


@company_required
@never_cache
def claim_page(request: HttpRequest, code: str) -> HttpResponse:
    """The company's sections of the claim's forms, each signed or still to do, and the forms submitted."""
    _principal, found = company_claim_or_404(request, code, Action.EMPLOYER_REPORT_JKK)
    claim = found.claim
    report = getattr(claim, "jkk_report", None)
    responses = {r.form_code: r for r in FormResponse.objects.filter(claim=claim)}
    rows = []
    for item in form_services.party_sections(claim, EMPLOYER_OFFICER):
        response = responses.get(item.form.code)
        rows.append({
            "form": item.form.code, "section": item.section.code, "title": item.form.title(_lang()),
            "section_title": item.section.title(_lang()), "signed": item.signed,
            "submitted": response is not None and response.status == FormResponse.Status.SUBMITTED,
            "stage_two": item.form.code == "formulir_3a" and report is not None and report.stage2_at is None,
        })
    return render(request, "employers/claim.html", {"claim": claim, "report": report, "rows": rows,
                                                    "accepting": claim.state in workflow.ACCEPTS_DOCUMENTS})


@company_required
@never_cache
@require_http_methods(["GET", "POST"])
def section_page(request: HttpRequest, code: str, form: str, section: str) -> HttpResponse:
    """One company section: save a draft or sign it (the typed name must be the officer's own)."""
    _principal, found = company_claim_or_404(request, code, Action.EMPLOYER_REPORT_JKK)
    claim = found.claim
    try:
        definition = form_services.claim_form(claim, form)
    except NotFound:
        raise Http404 from None
    part = definition.section(section)
    if part is None:
        raise Http404
    if EMPLOYER_OFFICER not in part.parties:
        raise PermissionDenied  # the worker's or the heir's section: not the company's to read or sign
    report = getattr(claim, "jkk_report", None)
    if definition.code == "formulir_3a" and (report is None or report.stage2_at is None):
        if report is None:
            raise Http404  # stage II cannot come before stage I
        return redirect("employers:stage_two", code=claim.code)
    errors: dict[str, list[str]] = {}
    error, status = "", 200
    values: dict[str, str] = {}
    if request.method == "POST":
        data = posted_answers(part, request.POST)
        try:
            if request.POST.get("action") == "sign":
                formwork.section_sign(user=request.user, claim=claim, definition=definition, section_code=part.code,
                                      data=data, typed_name=(request.POST.get("nama_tanda_tangan") or "")[:200],
                                      confirmed=request.POST.get("konfirmasi") == "ya")
                messages.success(request, _("Bagian ini sudah ditandatangani."))
            else:
                formwork.section_save(user=request.user, claim=claim, definition=definition, section_code=part.code,
                                      data=data)
                messages.success(request, _("Draf tersimpan."))
        except ServiceError as exc:
            error, status = str(exc.message), exc.status
            errors = {k: [str(m) for m in (v if isinstance(v, list | tuple) else [v])] for k, v in exc.fields.items()}
            values = {k: str(v) for k, v in data.items()}
        else:
            return redirect("employers:claim", code=claim.code)
    response = form_services.response_get(claim, definition.code)
    if request.method != "POST":
        values = form_services.section_values(claim, definition, part, response)
    signed = part.code in ((response.signatures if response else None) or {})
    submitted = response is not None and response.status == FormResponse.Status.SUBMITTED
    lang = _lang()
    fields: list[dict[str, Any]] = [{
        "code": f.code, "kind": f.kind, "label": f.label(lang), "help": f.help(lang), "required": f.required,
        "value": values.get(f.code, ""), "display": display_value(f, values.get(f.code, ""), lang),
        "choices": [(c.value, c.label(lang)) for c in f.choices], "max_length": f.max_length,
        "errors": errors.get(f.code, []),
    } for f in part.fields]
    return render(request, "employers/section.html", {
        "claim": claim, "title": definition.title(lang), "section_title": part.title(lang), "fields": fields,
        "editable": not signed and not submitted and claim.state in workflow.ACCEPTS_DOCUMENTS, "signed": signed,
        "error": error, "sign_errors": errors.get("nama_tanda_tangan", []) + errors.get("konfirmasi", []),
        "signer": formwork.signer_name(request.user),
        "typed_name": request.POST.get("nama_tanda_tangan", "") if request.method == "POST" else "",
    }, status=status)
