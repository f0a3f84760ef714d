"""Filling a claim's online form: drafts, signatures, and — once every section is signed — the PDF that
enters the claim through intake's pipeline (``intake.receive.document_receive``, source ONLINE_FORM) and
meets the form's row on the checklist.

Every write runs under the claim's row lock (``claims.services.claim_lock``) and re-reads the form row,
so two taps on "Tanda tangani" or two tabs never sign or submit twice. Bad input changes nothing:
``InvalidInput`` carries the message of each refused field.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lapakasik.claims import workflow
from lapakasik.claims.heirs import co_heirs, heirs_listed
from lapakasik.claims.models import Claim
from lapakasik.claims.policy import ALL_HEIRS, JP_HEIRS
from lapakasik.claims.selectors import claim_applicant
from lapakasik.claims.services import Actor, claim_lock
from lapakasik.core import clock
from lapakasik.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lapakasik.core.masking import mask_nik
from lapakasik.intake.catalogue import claim_registry_record, requirements_for
from lapakasik.intake.models import Source
from lapakasik.intake.receive import document_receive, intake_ack_schedule

from .definitions import (
    FACT_CO_HEIRS,
    HEIRS_SECTION,
    MAX_HEIRS_LISTED,
    FormDefinition,
    Section,
    definition_current,
    definition_get,
    sections_for_party,
)
from .models import FormResponse
from .render import form_pdf
from .validation import clean_section, missing_required

log = logging.getLogger(__name__)

PARTY_ACTOR_LABELS = {"participant": "peserta", "heir": "ahli waris", "employer_officer": "petugas perusahaan"}


@dataclass(frozen=True)
class PartySection:
    """A section a party may fill on a claim (``party_sections``), with whether it is signed already."""

    form: FormDefinition
    section: Section
    signed: bool


def claim_forms(claim: Claim) -> list[FormDefinition]:
    """The forms of the claim: a form exists for one of its applicable requirement rows. A form already
    started keeps its version; otherwise the version in force today."""
    started = {r.form_code: r.version for r in FormResponse.objects.filter(claim=claim)}
    out = []
    for req, _required in requirements_for(claim):
        if req.code in started:
            definition = definition_get(req.code, started[req.code])
        else:
            definition = definition_current(req.code, claim_today(claim))
        if definition is not None and claim.claim_type in definition.claim_types:
            out.append(definition)
    return out


def claim_form(claim: Claim, code: str) -> FormDefinition:
    """The claim's form ``code`` (NotFound when the claim has no such form — another programme's form)."""
    definition = next((d for d in claim_forms(claim) if d.code == code), None)
    if definition is None:
        raise NotFound(_("Formulir ini tidak ada untuk klaim ini."), code="form_not_found")
    return definition


def claim_party(claim: Claim) -> str:
    """Which party the claim's own page speaks for: the applicant's role (the worker, or the heir)."""
    return str(claim_applicant(claim).role)


def party_sections(claim: Claim, party: str) -> list[PartySection]:
    """Every section of the claim's forms that ``party`` fills, with whether it is signed: the hook the
    employer officer's side lists its work from (``party="employer_officer"``) and the participant's
    page its own."""
    responses = {r.form_code: r for r in FormResponse.objects.filter(claim=claim)}
    out: list[PartySection] = []
    for definition in claim_forms(claim):
        signed = responses[definition.code].signatures if definition.code in responses else {}
        out.extend(PartySection(definition, s, s.code in signed) for s in sections_for_party(definition, party))
    return out


def response_get(claim: Claim, code: str) -> FormResponse | None:
    return FormResponse.objects.filter(claim=claim, form_code=code).first()


def claim_today(claim: Claim) -> date:
    """Today in the claim's branch time zone (dates "not after today" are the participant's today)."""
    return clock.local(clock.now(), claim.branch.time_zone or "Asia/Jakarta").date()


# --- prefill ------------------------------------------------------------------------------------------

def prefill_values(claim: Claim) -> dict[str, str]:
    """What the claim and the registry already know, by the keys fields name in ``prefill``. The
    registry is asked through intake's cached look-up; a registry that is down prefills nothing from it."""
    applicant = claim_applicant(claim)
    values = {
        "applicant_name": applicant.full_name, "applicant_nik": applicant.nik, "applicant_phone": applicant.phone,
        "applicant_email": applicant.email, "insured_nik": claim.insured_nik, "insured_kpj": claim.insured_kpj,
        "claim_reason": claim.claim_reason,
    }
    if applicant.role == "participant":
        values["applicant_relation"] = "self"
        values["insured_name"] = applicant.full_name
    record = claim_registry_record(claim)
    if record is not None:
        values.update({
            "insured_name": record.full_name, "insured_birth_date": record.birth_date.isoformat(),
            "employer_name": record.employer, "employer_npp": record.employer_npp,
            "employment_start": record.membership_start.isoformat(),
            "employment_end": record.membership_end.isoformat() if record.membership_end else "",
            "date_of_death": record.date_of_death.isoformat() if record.date_of_death else "",
        })
        relative = record.family_member(applicant.nik) if applicant.role == "heir" else None
        if relative is not None:
            values["applicant_relation"] = relative.relation
        for n, heir in enumerate(heirs_listed(record)[:MAX_HEIRS_LISTED], start=1):
            values.update({f"heir_{n}_name": heir.full_name, f"heir_{n}_nik": heir.nik,
                           f"heir_{n}_relation": heir.relation})
        if record.accidents:
            latest = max(record.accidents, key=lambda a: a.occurred_on)
            values.update({"accident_date": latest.occurred_on.isoformat(), "accident_kind": latest.kind})
    return {k: v for k, v in values.items() if v}


def form_facts(claim: Claim) -> frozenset[str]:
    """The facts of the claim a field's ``required_when`` may name: ``co_heirs`` when, by the registry's
    family data, more than one heir of the same place in the order is alive (a death claim). A registry
    that is down or does not know the worker gives none (the heirs' representative stays optional; the
    officer checks the heir statement)."""
    record = claim_registry_record(claim) if claim.claim_reason == "DEATH" else None
    if record is None:
        return frozenset()
    allowed = JP_HEIRS if claim.claim_type == "JP" else ALL_HEIRS
    return frozenset({FACT_CO_HEIRS}) if co_heirs(record, allowed) else frozenset()


def will_declared(claim: Claim) -> bool | None:
    """Whether the heir statement (Formulir 4) declares a will naming a beneficiary, as saved (a draft or
    signed): True or False once answered, None while it is not (no form, or the question left empty).
    Intake asks it (``claim_declaration_register``) to require the will itself."""
    response = FormResponse.objects.filter(claim=claim, form_code="formulir_4").first()
    answer = ((response.answers or {}).get(HEIRS_SECTION.code) or {}).get("wasiat") if response else None
    return None if not answer else answer == "ya"


@dataclass(frozen=True)
class HeirStatement:
    """What the heir statement (Formulir 4's heirs section) declares, as the officer reads it on the claim
    page: the heirs listed (relation label, name, NIK masked), the representative, and the will — the
    heir's own word, to verify against the documents. ``signed``: the section is signed."""

    heirs: tuple[tuple[str, str, str], ...]
    representative: str
    will: bool | None
    will_beneficiary: str
    signed: bool


def heir_statement(claim: Claim) -> HeirStatement | None:
    """The heirs section of the claim's Formulir 4 as saved (None: not started)."""
    response = FormResponse.objects.filter(claim=claim, form_code="formulir_4").first()
    answers = ((response.answers or {}).get(HEIRS_SECTION.code) or {}) if response else {}
    if not answers:
        return None
    relation = HEIRS_SECTION.field("hubungan_ahli_waris_1")
    heirs = tuple(
        (relation.choice_label(answers.get(f"hubungan_ahli_waris_{n}", "")) if relation else "",
         answers.get(f"nama_ahli_waris_{n}", ""), mask_nik(answers.get(f"nik_ahli_waris_{n}", "")))
        for n in range(1, MAX_HEIRS_LISTED + 1) if answers.get(f"nama_ahli_waris_{n}"))
    will = answers.get("wasiat")
    return HeirStatement(heirs=heirs, representative=answers.get("nama_wakil", ""),
                         will=None if not will else will == "ya",
                         will_beneficiary=answers.get("nama_penerima_wasiat", ""),
                         signed=HEIRS_SECTION.code in (response.signatures or {}) if response else False)


def section_values(claim: Claim, definition: FormDefinition, section: Section,
                   response: FormResponse | None) -> dict[str, str]:
    """The values a section's page shows: the saved draft, else what can be prefilled."""
    saved = (response.answers or {}).get(section.code) if response is not None else None
    if saved is not None:
        return {f.code: str(saved.get(f.code, "")) for f in section.fields}
    known = prefill_values(claim)
    return {f.code: known.get(f.prefill, "") if f.prefill else "" for f in section.fields}


# --- writes -------------------------------------------------------------------------------------------

def _writable(claim: Claim, definition: FormDefinition, section_code: str, party: str) -> tuple[Claim, FormResponse, Section]:
    """Lock the claim and the form row (created as a draft on first use); refuse what may not be written."""
    section = definition.section(section_code)
    if section is None:
        raise NotFound(_("Bagian formulir ini tidak ada."), code="section_not_found")
    if party not in section.parties:
        raise PermissionDenied(_("Bagian ini diisi dan ditandatangani oleh pihak lain."), code="wrong_party")
    locked = claim_lock(claim)
    if locked.state not in workflow.ACCEPTS_DOCUMENTS:
        raise Conflict(_("Klaim ini tidak lagi menerima dokumen."), code="claim_not_accepting_documents")
    now = clock.now()
    response, _created = FormResponse.objects.select_for_update().get_or_create(
        claim=locked, form_code=definition.code,
        defaults={"version": definition.version, "created_at": now, "updated_at": now})
    if response.status == FormResponse.Status.SUBMITTED:
        raise Conflict(_("Formulir ini sudah dikirim."), code="form_submitted")
    if section.code in (response.signatures or {}):
        raise Conflict(_("Bagian ini sudah ditandatangani dan tidak dapat diubah."), code="section_signed")
    return locked, response, section


def _cleaned(section: Section, data: dict[str, Any], today: date) -> dict[str, str]:
    values, errors = clean_section(section, data, today=today)
    if errors:
        raise InvalidInput(_("Periksa isian yang ditandai."), code="invalid_fields",
                           fields={k: [v] for k, v in errors.items()})
    return values


def form_draft_save(*, claim: Claim, definition: FormDefinition, section_code: str, party: str,
                    data: dict[str, Any]) -> FormResponse:
    """Save a section's answers as a draft. Every answer given must be well-formed (an empty one is
    fine in a draft); one refused answer saves nothing."""
    with transaction.atomic():
        locked, response, section = _writable(claim, definition, section_code, party)
        values = _cleaned(section, data, claim_today(locked))
        response.answers = {**(response.answers or {}), section.code: values}
        response.updated_at = clock.now()
        response.save(update_fields=["answers", "updated_at"])
    return response


def _same_name(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        s = unicodedata.normalize("NFKD", s or "").encode("ascii", "ignore").decode()
        return " ".join(s.casefold().replace(".", " ").replace(",", " ").split())

    return bool(norm(a)) and norm(a) == norm(b)


def form_section_sign(*, claim: Claim, definition: FormDefinition, section_code: str, party: str,
                      data: dict[str, Any], typed_name: str, confirmed: bool, signer_name: str,
                      actor: Actor) -> FormResponse:
    """Save and sign a section: every mandatory answer given and well-formed, the confirmation ticked and
    the typed name the signer's own (``signer_name``: the applicant's name on the claim). Records who
    signed, as which party and when. When it was the last unsigned section, the form is submitted
    (``form_submit``) in the same transaction: a pipeline refusal undoes the signature too; the
    acknowledgement of received documents is then scheduled as for an upload."""
    with transaction.atomic():
        locked, response, section = _writable(claim, definition, section_code, party)
        values = _cleaned(section, data, claim_today(locked))
        problems = {k: [v] for k, v in missing_required(section, values, form_facts(locked)).items()}
        if not confirmed:
            problems["konfirmasi"] = [_("Centang pernyataan bahwa isian ini benar.")]
        if not typed_name.strip():
            problems["nama_tanda_tangan"] = [_("Ketik nama lengkap Anda sebagai tanda tangan.")]
        elif not _same_name(typed_name, signer_name):
            problems["nama_tanda_tangan"] = [_("Nama tanda tangan harus sama dengan nama Anda pada klaim ini.")]
        if problems:
            raise InvalidInput(_("Bagian ini belum bisa ditandatangani."), code="cannot_sign", fields=problems)
        now = clock.now()
        response.answers = {**(response.answers or {}), section.code: values}
        response.signatures = {**(response.signatures or {}), section.code: {
            "name": " ".join(typed_name.split())[:150], "party": party, "at": now.isoformat()}}
        response.updated_at = now
        response.save(update_fields=["answers", "signatures", "updated_at"])
        submitting = all(s.code in response.signatures for s in definition.sections)
        if submitting:
            _submit(locked, definition, response, actor)
    if submitting:
        intake_ack_schedule(claim=claim)  # the acknowledgement an upload gets, coalesced the same way
    return response


def form_submit(*, claim: Claim, definition: FormDefinition, actor: Actor) -> FormResponse:
    """Submit a form whose sections are all signed (used when the last signer's side submits itself).
    Refused when a section is unsigned or the form was submitted already."""
    with transaction.atomic():
        locked = claim_lock(claim)
        response = FormResponse.objects.select_for_update().filter(claim=locked, form_code=definition.code).first()
        if response is None:
            raise Conflict(_("Formulir ini belum diisi."), code="form_incomplete")
        if response.status == FormResponse.Status.SUBMITTED:
            raise Conflict(_("Formulir ini sudah dikirim."), code="form_submitted")
        _submit(locked, definition, response, actor)
    intake_ack_schedule(claim=claim)
    return response


def _submit(locked: Claim, definition: FormDefinition, response: FormResponse, actor: Actor) -> None:
    unsigned = [s.code for s in definition.sections if s.code not in (response.signatures or {})]
    if unsigned:
        raise Conflict(_("Belum semua bagian formulir ditandatangani."), code="form_incomplete",
                       fields={"sections": unsigned})
    pdf = form_pdf(locked, definition, response)
    result = document_receive(claim=locked, fileobj=io.BytesIO(pdf), filename=f"{definition.code}-{locked.code}.pdf",
                              declared_type="application/pdf", source=Source.ONLINE_FORM,
                              requirement_code=definition.code, actor=actor)
    if result.outcome not in {"received", "duplicate"}:
        log.warning("forms: the pipeline refused the PDF of %s for claim %s: %s", definition.code, locked.pk,
                    result.reason_code)
        raise Conflict(result.message or _("Formulir tidak dapat diterima."), code=f"form_refused_{result.reason_code}")
    now = clock.now()
    response.status = FormResponse.Status.SUBMITTED
    response.document = result.document
    response.submitted_at = now
    response.updated_at = now
    response.save(update_fields=["status", "document", "submitted_at", "updated_at"])
