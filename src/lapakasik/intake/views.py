"""Participant upload pages (reached by the upload link token; never by NIK) and the officer
download view."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lapakasik.accounts.access import authorise, officer_required, require_page
from lapakasik.accounts.policy import Action
from lapakasik.claims import workflow
from lapakasik.claims.models import Claim
from lapakasik.claims.selectors import claim_applicant
from lapakasik.claims.services import Actor
from lapakasik.core.codes import normalize_code
from lapakasik.core.dates import long_date, long_moment  # the one date format a participant reads
from lapakasik.core.errors import ServiceError

from . import pipeline, policy
from .api import body_length, request_too_large, too_large_error, uploaded_files
from .catalogue import claim_checklist, online_form_codes, requirements_for
from .coversheet import cover_sheet_pdf
from .files import storage
from .models import Document, DocumentStatus, Source
from .ratelimit import upload_rate_check, upload_rate_count_files
from .receive import document_receive, intake_ack_schedule
from .selectors import (
    branch_today,
    cover_sheet_latest,
    dropbox_branches,
    dropbox_plan_max_days,
    intake_links_get,
    intake_upload_resolve,
    upload_failed_context,
)
from .services import (
    document_assign,
    document_assign_participant,
    document_open_record,
    document_review,
    dropbox_plan,
    upload_failed_report,
)
from .viewer import (
    PageOutOfRange,
    ViewerUnavailable,
    document_page_count,
    document_page_image,
    placeholder_image,
)


def _claim_or_404(token: str) -> Any:
    claim = intake_upload_resolve(token)
    if claim is None:
        raise Http404
    return claim


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _result_json(r: Any) -> dict[str, Any]:
    return {"filename": r.filename, "outcome": r.outcome, "reason_code": r.reason_code,
            "requirement": r.requirement_code, "message": _outcome_message(r)}


def _outcome_message(r: Any) -> str:
    if r.outcome == "refused":
        return _("%(name)s ditolak: %(reason)s") % {"name": r.filename or _("Berkas"),
                                                    "reason": pipeline.reason_message(r.reason_code)}
    if r.outcome == "duplicate":
        return _("%(name)s sudah pernah kami terima (tidak disimpan dua kali).") % {"name": r.filename}
    return _("%(name)s diterima.") % {"name": r.filename}


@require_http_methods(["GET", "POST"])
def upload_page(request: HttpRequest, token: str) -> HttpResponse:
    claim = _claim_or_404(token)
    if request.method == "POST":
        return _upload_post(request, token, claim)
    checklist = claim_checklist(claim)
    accepting = claim.state in workflow.ACCEPTS_DOCUMENTS
    lim = pipeline.limits()
    return render(request, "intake/upload.html", {
        "claim": claim, "applicant": claim_applicant(claim), "token": token, "checklist": checklist, "accepting": accepting,
        "links": intake_links_get(claim), "status_labels": policy.STATUS_LABELS,
        "max_mb": f"{round(lim.max_file_bytes / (1024 * 1024), 1):g}",
        "upload_failed": claim.state in workflow.UPLOAD_TROUBLE,
        "due_local": _due_local(claim),
        "online_forms": online_form_codes() if accepting else frozenset(),
    })


def _due_local(claim: Any) -> str:
    if claim.documents_due_at is None:
        return ""

    local = claim.documents_due_at.astimezone(ZoneInfo(claim.branch.time_zone or "Asia/Jakarta"))
    return long_moment(local, claim.branch.tz_abbreviation)


def _upload_post(request: HttpRequest, token: str, claim: Any) -> HttpResponse:
    back = reverse("intake:upload", kwargs={"token": token})
    if request_too_large(request):
        err = too_large_error()
        if _wants_json(request):
            return JsonResponse(err.as_dict(), status=413)
        return render(request, "intake/message.html", {"title": _("Kiriman terlalu besar"), "text": err.message,
                                                       "back": back}, status=413)
    try:
        upload_rate_check(claim=claim, link=token, body_bytes=body_length(request))
        files, requirement = uploaded_files(request)
        upload_rate_count_files(claim=claim, link=token, files=len(files))
    except ServiceError as exc:
        if _wants_json(request):
            response: HttpResponse = JsonResponse(exc.as_dict(), status=exc.status)
        else:
            title = _("Terlalu banyak kiriman") if exc.status == 429 else _("Kiriman tidak dapat diproses")
            response = render(request, "intake/message.html", {"title": title, "text": exc.message, "back": back},
                              status=exc.status)
        for name, value in exc.headers.items():
            response[name] = value
        return response
    if not files:
        text = _("Pilih berkas terlebih dahulu, lalu tekan Kirim.")
        if _wants_json(request):
            return JsonResponse({"error": {"code": "no_file", "message": text, "fields": {"file": [text]}}},
                                status=422)
        messages.error(request, text)
        return redirect(back)
    try:
        results = [document_receive(claim=claim, fileobj=f, filename=f.name or "", declared_type=f.content_type,
                                    source=Source.WEB, requirement_code=requirement, actor=Actor.participant())
                   for f in files]
    except ServiceError as exc:
        if _wants_json(request):
            return JsonResponse(exc.as_dict(), status=exc.status)
        messages.error(request, str(exc.message))
        return redirect(back)
    intake_ack_schedule(claim=claim)
    if _wants_json(request):
        return JsonResponse({"results": [_result_json(r) for r in results]},
                            status=201 if any(r.outcome == "received" for r in results) else 200)
    for r in results:
        (messages.error if r.outcome == "refused" else messages.success)(request, _outcome_message(r))
    return redirect(back)


def _problem_choices() -> list[dict[str, str]]:
    return [{"code": code, "label": str(label)} for code, (label, _tip) in policy.UPLOAD_PROBLEMS.items()]


@require_http_methods(["GET", "POST"])
def upload_failed(request: HttpRequest, token: str) -> HttpResponse:
    """"Saya tidak bisa mengunggah", in two steps. GET asks what went wrong (``?masalah=<code>`` shows what
    usually helps with that problem) and offers help — the personal e-mail address, the help page, the
    contact centre — and never changes anything. Only the POST of the explicit confirmation (a known
    problem and ``konfirmasi=ya``) moves the claim to UPLOAD_FAILED (``services.upload_failed_report``,
    under the claim's lock: a second confirmation changes nothing and sends nothing)."""
    claim = _claim_or_404(token)
    if claim.state in workflow.UPLOAD_TROUBLE:
        return redirect("intake:help", token=token)
    source = request.POST if request.method == "POST" else request.GET
    problem = (source.get("masalah") or "").strip()
    error = ""
    status = 200
    if problem and not policy.upload_problem_valid(problem):
        error, problem, status = _("Pilih salah satu masalah dari daftar."), "", 422
    if request.method == "POST" and not error:
        if not problem:
            error, status = _("Pilih dulu masalah yang Anda alami."), 422
        elif source.get("konfirmasi") != "ya":
            error, status = _("Tekan tombol konfirmasi bila Anda memang ingin mengirim dokumen dengan cara lain."), 422
        else:
            try:
                upload_failed_report(claim=claim, actor=Actor.participant(), problem=problem)
            except ServiceError as exc:
                error, status = str(exc.message), exc.status
            else:
                return redirect("intake:help", token=token)
    tip = policy.UPLOAD_PROBLEMS[problem][1] if problem else ""
    return render(request, "intake/cannot.html", {
        "claim": claim, "token": token, "problem": problem, "problems": _problem_choices(), "tip": tip,
        "problem_label": policy.UPLOAD_PROBLEMS[problem][0] if problem else "", "error": error,
        "accepting": claim.state in workflow.ACCEPTS_DOCUMENTS and workflow.can_transition(
            claim.state, workflow.State.UPLOAD_FAILED),
        "ctx": upload_failed_context(claim), "due_local": _due_local(claim),
    }, status=status)


def upload_help(request: HttpRequest, token: str) -> HttpResponse:
    """The help page: every other way to send the documents: the personal e-mail address, the dropbox the
    participant may use under their region's channel policy (or that there is none), the contact centre.
    In the "can't upload" path it carries the dropbox form (``dropbox_choose``)."""
    claim = _claim_or_404(token)
    return _help_render(request, claim, token)


def _help_render(request: HttpRequest, claim: Any, token: str, *, errors: dict[str, str] | None = None,
                 entered: dict[str, str] | None = None, status: int = 200) -> HttpResponse:
    context = upload_failed_context(claim)
    usable = dropbox_branches(claim)
    sheet = cover_sheet_latest(claim) if claim.state in workflow.UPLOAD_TROUBLE else None
    today = branch_today(claim.branch)
    return render(request, "intake/help.html", {
        "claim": claim, "token": token, "ctx": context, "checklist": claim_checklist(claim),
        "due_local": _due_local(claim), "upload_failed": claim.state in workflow.UPLOAD_TROUBLE,
        "usable": usable, "sheet": sheet, "sheet_planned": long_date(sheet.planned_on) if sheet else "",
        "errors": errors or {}, "entered": entered or {},
        "date_min": today.isoformat(), "date_max": (today + timedelta(days=dropbox_plan_max_days())).isoformat(),
    }, status=status)


@require_POST
def dropbox_choose(request: HttpRequest, token: str) -> HttpResponse:
    """The participant who cannot upload chooses the dropbox: the branch and the day they plan to come
    (``services.dropbox_plan``: UPLOAD_FAILED → DROPBOX_EXPECTED and a new cover sheet, its own serial), then
    the sheet is theirs to download. A refusal is shown on the form, with what was entered kept (422/409)."""
    claim = _claim_or_404(token)
    branch_code = (request.POST.get("branch") or "").strip()[:16]
    raw_date = (request.POST.get("planned_on") or "").strip()[:16]
    entered = {"branch": branch_code, "planned_on": raw_date}
    try:
        planned_on = date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        return _help_render(request, claim, token, entered=entered, status=422,
                            errors={"planned_on": _("Tanggal tidak dapat dibaca. Pilih tanggal dari kalender.")})
    try:
        dropbox_plan(claim=claim, branch_code=branch_code, planned_on=planned_on, actor=Actor.participant())
    except ServiceError as exc:
        errors = {k: str(v[0]) for k, v in exc.fields.items()} or {"form": str(exc.message)}
        return _help_render(request, claim, token, entered=entered, status=exc.status, errors=errors)
    messages.success(request, _("Lembar sampul siap. Unduh, cetak, lalu tempelkan pada amplop."))
    return redirect(reverse("intake:help", kwargs={"token": token}) + "#dropbox")


@require_POST
def assign_document(request: HttpRequest, token: str) -> HttpResponse:
    """"Dokumen apa ini?": the participant says which requirement an unmatched file of theirs is (one tap
    on the upload page); ``services.document_assign_participant`` checks it under the claim's lock."""
    claim = _claim_or_404(token)
    try:
        document_id = int(request.POST.get("dokumen") or "")
    except ValueError:
        document_id = 0
    requirement = (request.POST.get("requirement") or "").strip()[:32]
    try:
        doc = document_assign_participant(claim=claim, document_id=document_id, requirement_code=requirement,
                                          actor=Actor.participant())
    except ServiceError as exc:
        if _wants_json(request):
            return JsonResponse(exc.as_dict(), status=exc.status)
        messages.error(request, str(exc.message))
    else:
        if _wants_json(request):
            return JsonResponse({"document": doc.pk, "requirement": doc.requirement.code})
        messages.success(request, _("%(name)s dicatat sebagai %(requirement)s.") % {
            "name": doc.original_name or _("Berkas"), "requirement": doc.requirement.label((get_language() or "id")[:2])})
    return redirect("intake:upload", token=token)


def cover_sheet(request: HttpRequest, token: str) -> HttpResponse:
    """The participant's last printed cover sheet as a PDF (only where a dropbox is open to them). Before
    they have chosen the dropbox and the day, the link (sent in the "upload failed" message) leads to that
    choice on the help page."""
    claim = _claim_or_404(token)
    if not dropbox_branches(claim):  # the participant's region serves online only
        raise Http404
    sheet = cover_sheet_latest(claim) if claim.state in workflow.UPLOAD_TROUBLE else None
    if sheet is None:
        return redirect(reverse("intake:help", kwargs={"token": token}) + "#dropbox")
    pdf = cover_sheet_pdf(sheet)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="lembar-sampul-{claim.code}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- officers -----------------------------------------------------------------------------------


@officer_required
def document_download(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """An officer opens a document: allowed by ``accounts.policy`` (front desk: 403; another branch: 404),
    logged in the claim history, always an attachment with a generated name, never sniffed."""
    require_page(request.user, Action.OPEN_DOCUMENT)
    doc = get_object_or_404(Document.objects.select_related("claim", "claim__branch", "requirement"), pk=pk)
    require_page(request.user, Action.OPEN_DOCUMENT, claim=doc.claim)
    if not doc.file or doc.status == DocumentStatus.REFUSED:
        raise Http404
    thumb = request.GET.get("v") == "thumb" and bool(doc.thumbnail)
    name = doc.thumbnail if thumb else doc.file
    document_open_record(document=doc, actor=Actor.officer(request.user), thumbnail=thumb)
    ext = "jpg" if thumb else pipeline.KINDS.get(doc.kind, ("", "application/octet-stream", "bin"))[2]
    label = doc.requirement.code if doc.requirement else "dokumen"
    filename = f"{doc.claim.code}-{label}-{doc.pk}{'-thumb' if thumb else ''}.{ext}"
    content_type = "image/jpeg" if thumb else (doc.content_type or "application/octet-stream")
    response = FileResponse(storage().open(name, "rb"), as_attachment=True, filename=filename,
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@officer_required
def document_page(request: HttpRequest, pk: int, page: int) -> HttpResponse:
    """One page of a document as an image rendered on the server (``viewer.py``), for the officer's
    in-page viewer: authorised like ``document_download``; opening page 1 is recorded in the claim's
    history as a viewing. The original (a PDF above all) is never sent here: only a JPEG, or a small
    PNG that says the page cannot be shown (422; 503 when the renderer is busy)."""
    require_page(request.user, Action.OPEN_DOCUMENT)
    doc = get_object_or_404(Document.objects.select_related("claim", "claim__branch", "requirement"), pk=pk)
    require_page(request.user, Action.OPEN_DOCUMENT, claim=doc.claim)
    if not doc.file or doc.status == DocumentStatus.REFUSED:
        raise Http404
    try:
        count = document_page_count(doc)
    except ViewerUnavailable:
        count = 1  # page 1 then says it cannot be shown
    if not 1 <= page <= count:
        raise Http404
    if page == 1:
        document_open_record(document=doc, actor=Actor.officer(request.user), viewer=True)
    label = doc.requirement.code if doc.requirement else "dokumen"
    try:
        data = document_page_image(doc, page)
    except PageOutOfRange:
        raise Http404 from None
    except ViewerUnavailable as exc:
        response = HttpResponse(placeholder_image(exc.code), content_type="image/png",
                                status=503 if exc.code == "busy" else 422)
        if exc.code == "busy":
            response["Retry-After"] = "5"
        filename = f"{doc.claim.code}-{label}-{doc.pk}-{page}.png"
    else:
        response = HttpResponse(data, content_type="image/jpeg")
        filename = f"{doc.claim.code}-{label}-{doc.pk}-{page}.jpg"
    response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response



def _officer_claim(request: HttpRequest, code: str, action: Action) -> Any:
    """The claim if ``accounts.policy`` lets the user do ``action`` on it: the role is checked before
    the look-up, so an unknown code and a code outside the user's scope both get 404."""
    require_page(request.user, action)
    claim = Claim.objects.select_related("branch").filter(code=normalize_code(code)).first()
    if claim is None:
        raise Http404
    require_page(request.user, action, claim=claim)
    return claim


@officer_required
@require_http_methods(["GET", "POST"])
def officer_documents(request: HttpRequest, code: str) -> HttpResponse:
    """An officer's view of a claim's documents: checklist, files (download), assign a requirement to
    an unmatched file, accept or refuse a file. Writes go through ``services.document_review``."""
    claim = _officer_claim(request, code, Action.REVIEW_DOCUMENT if request.method == "POST"
                           else Action.VIEW_DOCUMENTS)
    if request.method == "POST":
        doc = get_object_or_404(Document, pk=request.POST.get("document") or 0, claim=claim)
        action = request.POST.get("action", "")
        if doc.status == DocumentStatus.REFUSED or action not in {"accept", "refuse", "assign"}:
            messages.error(request, _("Tindakan tidak dapat dilakukan untuk berkas ini."))
        else:
            requirement = (request.POST.get("requirement") or "").strip() or None
            actor = Actor.officer(request.user)
            try:
                if action == "assign":
                    document_assign(document=doc, actor=actor, requirement_code=requirement or "")
                else:
                    document_review(document=doc, actor=actor, accept=action == "accept",
                                    reason_code="officer_refused" if action == "refuse" else "",
                                    requirement_code=requirement)
            except ServiceError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("Tersimpan."))
        return redirect("intake:officer_documents", code=claim.code)
    return render(request, "intake/officer_documents.html", {
        "claim": claim, "applicant": claim_applicant(claim), "checklist": claim_checklist(claim),
        "requirements": [req for req, _required in requirements_for(claim)],
        "can_review": authorise(request.user, Action.REVIEW_DOCUMENT, claim=claim).allowed,
        "documents": Document.objects.filter(claim=claim).select_related("requirement").order_by("created_at", "id"),
    })

