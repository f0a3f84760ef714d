"""The participant's (or heir's) form pages, reached like the upload page: by the claim's upload link
token (``intake.selectors.intake_upload_resolve``; never by NIK), from the upload page's requirement row
and from the claim's card on "Booking saya" (``participant_panel``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lapakasik.booking.panels import Panel
from lapakasik.claims import workflow
from lapakasik.claims.models import Claim
from lapakasik.claims.selectors import claim_applicant
from lapakasik.claims.services import Actor
from lapakasik.core.dates import long_moment
from lapakasik.core.errors import NotFound, ServiceError
from lapakasik.intake.models import IntakeAccess
from lapakasik.intake.selectors import intake_upload_resolve

from . import services
from .definitions import FormDefinition, Section
from .models import FormResponse
from .render import PARTY_LABELS
from .validation import display_value, posted_answers, required_now


def _lang() -> str:
    return (get_language() or "id")[:2]


def _claim_or_404(token: str) -> Claim:
    claim = intake_upload_resolve(token)
    if claim is None:
        raise Http404
    return claim


def _form_or_404(claim: Claim, code: str) -> FormDefinition:
    try:
        return services.claim_form(claim, code)
    except NotFound:
        raise Http404 from None


def _party_label(party: str) -> str:
    return {"participant": _("Peserta"), "heir": _("Ahli waris"),
            "employer_officer": _("Petugas perusahaan")}.get(party, PARTY_LABELS.get(party, party))


def _signature_view(claim: Claim, sig: dict[str, Any] | None) -> dict[str, str] | None:
    if not sig:
        return None
    at = datetime.fromisoformat(sig["at"])
    return {"name": sig["name"], "party": _party_label(sig["party"]),
            "at": long_moment(at, claim.branch.tz_abbreviation, time_zone=claim.branch.time_zone or "Asia/Jakarta")}


def _sections_view(claim: Claim, definition: FormDefinition, response: FormResponse | None, party: str) -> list[dict[str, Any]]:
    lang = _lang()
    signatures = (response.signatures if response else None) or {}
    answers = (response.answers if response else None) or {}
    return [{
        "code": s.code, "title": s.title(lang), "parties": ", ".join(_party_label(p) for p in s.parties),
        "mine": party in s.parties, "signature": _signature_view(claim, signatures.get(s.code)),
        "started": s.code in answers,
    } for s in definition.sections]


@never_cache
def form_page(request: HttpRequest, token: str, code: str) -> HttpResponse:
    """A form's overview: each section, who fills it, whether it is signed; the document once submitted."""
    claim = _claim_or_404(token)
    definition = _form_or_404(claim, code)
    response = services.response_get(claim, code)
    party = services.claim_party(claim)
    return render(request, "forms/form.html", {
        "claim": claim, "token": token, "form": definition, "title": definition.title(_lang()),
        "sections": _sections_view(claim, definition, response, party), "response": response,
        "submitted": response is not None and response.status == FormResponse.Status.SUBMITTED,
        "accepting": claim.state in workflow.ACCEPTS_DOCUMENTS,
    })


def _fields_view(section: Section, values: dict[str, str], errors: dict[str, list[str]],
                 facts: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    lang = _lang()
    return [{
        "code": f.code, "kind": f.kind, "label": f.label(lang), "help": f.help(lang),
        "required": f.required or (bool(f.required_when) and "=" not in f.required_when and required_now(f, values, facts)),
        "value": values.get(f.code, ""), "display": display_value(f, values.get(f.code, ""), lang),
        "choices": [(c.value, c.label(lang)) for c in f.choices], "max_length": f.max_length,
        "errors": [str(e) for e in errors.get(f.code, [])],
    } for f in section.fields]


@never_cache
@require_http_methods(["GET", "POST"])
def section_page(request: HttpRequest, token: str, code: str, section: str) -> HttpResponse:
    """One section: fill it (save a draft) or sign it (typed name + confirmation). Another party's section
    is shown read-only and any write to it is refused (403)."""
    claim = _claim_or_404(token)
    definition = _form_or_404(claim, code)
    part = definition.section(section)
    if part is None:
        raise Http404
    party = services.claim_party(claim)
    applicant = claim_applicant(claim)
    errors: dict[str, list[str]] = {}
    error = ""
    status = 200
    if request.method == "POST":
        data = posted_answers(part, request.POST)
        try:
            if request.POST.get("action") == "sign":
                services.form_section_sign(
                    claim=claim, definition=definition, section_code=part.code, party=party, data=data,
                    typed_name=(request.POST.get("nama_tanda_tangan") or "")[:200],
                    confirmed=request.POST.get("konfirmasi") == "ya", signer_name=applicant.full_name,
                    actor=Actor(kind="participant", label=services.PARTY_ACTOR_LABELS.get(party, "peserta")))
                messages.success(request, _("Bagian ini sudah ditandatangani."))
            else:
                services.form_draft_save(claim=claim, definition=definition, section_code=part.code, party=party,
                                         data=data)
                messages.success(request, _("Draf tersimpan."))
        except ServiceError as exc:
            error, status = str(exc.message), exc.status
            errors = {k: [str(m) for m in (v if isinstance(v, list | tuple) else [v])] for k, v in exc.fields.items()}
            values = {k: str(v) for k, v in data.items()}
        else:
            return redirect("forms:form", token=token, code=code)
    response = services.response_get(claim, code)
    if request.method != "POST":
        values = services.section_values(claim, definition, part, response)
    signature = _signature_view(claim, ((response.signatures if response else None) or {}).get(part.code))
    submitted = response is not None and response.status == FormResponse.Status.SUBMITTED
    mine = party in part.parties
    return render(request, "forms/section.html", {
        "claim": claim, "token": token, "form": definition, "title": definition.title(_lang()),
        "section": part, "section_title": part.title(_lang()), "fields": _fields_view(part, values, errors, services.form_facts(claim)),
        "editable": mine and signature is None and not submitted and claim.state in workflow.ACCEPTS_DOCUMENTS,
        "mine": mine, "parties": ", ".join(_party_label(p) for p in part.parties), "signature": signature,
        "error": error, "sign_errors": errors.get("nama_tanda_tangan", []) + errors.get("konfirmasi", []),
        "signer_name": applicant.full_name, "party_label": _party_label(party),
        "typed_name": request.POST.get("nama_tanda_tangan", "") if request.method == "POST" else "",
    }, status=status)


def participant_panel(claim: Claim) -> Panel | None:
    """The forms card on ``/antrean/saya/<code>/``: the claim's forms, each with what is still to sign."""
    if claim.state not in workflow.ACCEPTS_DOCUMENTS:
        return None
    access = IntakeAccess.objects.filter(claim=claim, kind=IntakeAccess.Kind.UPLOAD, revoked_at__isnull=True).first()
    if access is None:
        return None
    forms = services.claim_forms(claim)
    if not forms:
        return None
    responses = {r.form_code: r for r in FormResponse.objects.filter(claim=claim)}
    party = services.claim_party(claim)
    rows = []
    for definition in forms:
        response = responses.get(definition.code)
        signed = set((response.signatures if response else None) or {})
        rows.append({
            "code": definition.code, "title": definition.title(_lang()),
            "submitted": response is not None and response.status == FormResponse.Status.SUBMITTED,
            "to_sign": [s.title(_lang()) for s in definition.sections if party in s.parties and s.code not in signed],
        })
    return Panel("forms/_participant_panel.html", {"token": access.token, "forms": rows})
