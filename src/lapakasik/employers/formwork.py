"""The employer's reports ARE the employer's sections of the online forms (docs/employers.md, "One entry"):

- stage I is the company's section (``laporan``) of **Formulir 3**: the page asks the report's facts once,
  plus what only the form needs (two witnesses, the monthly wage, the officer's position) and the officer's
  electronic signature; ``stage1_file`` opens the claim (``services.stage1_report``) and signs that section
  with the same answers (``forms.services.form_section_sign``, party ``employer_officer``) in ONE transaction;
- stage II is the company's section of **Formulir 3a** (``stage2_file``: ``services.stage2_report`` and the
  signature together);
- ``section_sign`` / ``section_save``: any other section the company fills on its claim (Formulir 3b, the
  doctor's statement transcribed by the employer), through ``forms.services``.

A form is submitted — its PDF received through intake's pipeline as ``ONLINE_FORM``, meeting its row on the
checklist — when its last section is signed, whoever signs last (the worker's part is signed on the
worker's own form pages). Any refusal, of the report or of the form, writes nothing.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lapakasik.claims import workflow
from lapakasik.claims.models import Claim
from lapakasik.core import clock
from lapakasik.core.errors import InvalidInput, NotFound
from lapakasik.forms.definitions import EMPLOYER_OFFICER, FormDefinition, Section, definition_current
from lapakasik.forms.services import claim_form, claim_today, form_draft_save, form_section_sign
from lapakasik.forms.validation import clean_section, missing_required
from lapakasik.registry.adapters import registry_employer

from . import services
from .models import JkkReport

SECTION = "laporan"  # the company's section of Formulir 3 and 3a
#: Formulir 3a's outcome → the stage II report's (a partial or total disability is a disability).
OUTCOME_OF_AKIBAT = {"recovered": "recovered", "partial_disability": "disability", "total_disability": "disability",
                     "death": "death"}
#: A form field's problem shown under the stage page's own field (the rest: at the top of the page).
STAGE1_FIELDS = {"tanggal_kecelakaan": "occurred_on", "jam_kecelakaan": "occurred_time", "jenis": "kind",
                 "tempat": "place", "uraian": "description", "konfirmasi": "konfirmasi",
                 "nama_tanda_tangan": "nama_tanda_tangan", "saksi_1": "saksi_1", "saksi_2": "saksi_2",
                 "upah": "upah", "jabatan_petugas": "jabatan_petugas"}
STAGE2_FIELDS = {"akibat": "outcome", "tanggal_selesai": "outcome_on", "hari_tidak_bekerja": "hari_tidak_bekerja",
                 "biaya_pengobatan": "biaya_pengobatan", "biaya_pengangkutan": "biaya_pengangkutan", "upah": "upah",
                 "jabatan_petugas": "jabatan_petugas", "konfirmasi": "konfirmasi",
                 "nama_tanda_tangan": "nama_tanda_tangan"}


def signer_name(user: Any) -> str:
    """The name an officer signs with: the name on their account (their user name when it has none)."""
    return (user.get_full_name() or "").strip() or user.get_username()


def _today() -> date:
    return clock.local(clock.now(), "Asia/Jakarta").date()


def _problems(section: Section, values: dict[str, Any], *, typed_name: str, confirmed: bool, signer: str,
              today: date) -> dict[str, list[Any]]:
    """What ``form_section_sign`` would refuse, without a claim (to report every problem together when the
    report itself is refused too)."""
    cleaned, errors = clean_section(section, values, today=today)
    problems: dict[str, list[Any]] = {k: [v] for k, v in errors.items()}
    for k, v in missing_required(section, cleaned).items():
        problems.setdefault(k, [v])
    if not confirmed:
        problems["konfirmasi"] = [_("Centang pernyataan bahwa isian ini benar.")]
    if not typed_name.strip():
        problems["nama_tanda_tangan"] = [_("Ketik nama lengkap Anda sebagai tanda tangan.")]
    elif " ".join(typed_name.casefold().split()) != " ".join(signer.casefold().split()):
        problems["nama_tanda_tangan"] = [_("Nama tanda tangan harus sama dengan nama Anda pada akun ini.")]
    return problems


def _mapped(fields: dict[str, Any] | None, names: dict[str, str], *, known: dict[str, Any] | None = None
            ) -> dict[str, list[Any]]:
    """A form's field problems under the stage page's field names; one already reported there is not
    repeated; a field the page does not show goes to the top of the page (``__all__``)."""
    out: dict[str, list[Any]] = {k: list(v) if isinstance(v, list | tuple) else [v] for k, v in (known or {}).items()}
    for code, messages in (fields or {}).items():
        messages = list(messages) if isinstance(messages, list | tuple) else [messages]
        target = names.get(code, "__all__")
        if target in (known or {}):
            continue
        out.setdefault(target, []).extend(messages)
    return out


def _form_of(claim: Claim, code: str) -> FormDefinition | None:
    try:
        return claim_form(claim, code)
    except NotFound:  # the claim type's catalogue has no such row (the form is then the paper one)
        return None


def _sign(claim: Claim, definition: FormDefinition, values: dict[str, Any], *, user: Any, typed_name: str,
          confirmed: bool, names: dict[str, str]) -> None:
    try:
        form_section_sign(claim=claim, definition=definition, section_code=SECTION, party=EMPLOYER_OFFICER,
                          data=values, typed_name=typed_name, confirmed=confirmed, signer_name=signer_name(user),
                          actor=services.employer_actor(user))
    except InvalidInput as exc:  # a malformed answer stops the service before the signature is looked at
        section = definition.section(SECTION)
        problems = _problems(section, values, typed_name=typed_name, confirmed=confirmed, signer=signer_name(user),
                             today=claim_today(claim)) if section is not None else {}
        raise InvalidInput(exc.message, code=exc.code,
                           fields=_mapped({**problems, **(exc.fields or {})}, names)) from None


def _employer_name(npp: str) -> str:
    employer = registry_employer(npp=npp)
    return employer.name if employer is not None else npp


def stage1_values(*, npp: str, occurred_on: Any, occurred_time: Any, kind: Any, place: Any, description: Any,
                  extras: dict[str, Any], officer: str) -> dict[str, Any]:
    """Formulir 3's company section from the stage I page: the report's facts, asked once."""
    return {
        "nama_perusahaan": _employer_name(npp), "npp": npp,
        "tanggal_kecelakaan": occurred_on.isoformat() if isinstance(occurred_on, date) else "",
        "jam_kecelakaan": occurred_time.strftime("%H:%M") if isinstance(occurred_time, time) else "",
        "jenis": str(kind or ""), "tempat": str(place or ""), "uraian": str(description or ""),
        "saksi_1": extras.get("saksi_1", ""), "saksi_2": extras.get("saksi_2", ""), "upah": extras.get("upah", ""),
        "nama_petugas": officer, "jabatan_petugas": extras.get("jabatan_petugas", ""),
    }


def stage1_file(*, user: Any, npp: str, report: dict[str, Any], extras: dict[str, Any], typed_name: str,
                confirmed: bool) -> JkkReport:
    """Stage I as Formulir 3's company section: the report (``services.stage1_report`` with ``report``'s
    keyword arguments) and the signed section, together or not at all. Every problem of both is reported
    at once, under the page's field names."""
    officer = signer_name(user)
    values = stage1_values(npp=npp, occurred_on=report.get("occurred_on"), occurred_time=report.get("occurred_time"),
                           kind=report.get("kind"), place=report.get("place"), description=report.get("description"),
                           extras=extras, officer=officer)
    with transaction.atomic():
        try:
            filed = services.stage1_report(user=user, npp=npp, officer_name=officer,
                                           officer_email=getattr(user, "email", ""), **report)
        except InvalidInput as exc:
            definition = definition_current("formulir_3", _today())
            section = definition.section(SECTION) if definition is not None else None
            problems = (_problems(section, values, typed_name=typed_name, confirmed=confirmed, signer=officer,
                                  today=_today()) if section is not None else {})
            raise InvalidInput(exc.message, code=exc.code,
                               fields=_mapped(problems, STAGE1_FIELDS, known=exc.fields)) from None
        definition = _form_of(filed.claim, "formulir_3")
        if definition is not None:
            _sign(filed.claim, definition, values, user=user, typed_name=typed_name, confirmed=confirmed,
                  names=STAGE1_FIELDS)
    return filed


def stage2_values(report: JkkReport, *, npp: str, akibat: Any, outcome_on: Any, extras: dict[str, Any],
                  officer: str) -> dict[str, Any]:
    """Formulir 3a's company section from the stage II page (the accident's date from stage I)."""
    zone = report.claim.branch.time_zone or "Asia/Jakarta"
    return {
        "npp": npp, "tanggal_kecelakaan": clock.local(report.occurred_at, zone).date().isoformat(),
        "tanggal_selesai": outcome_on.isoformat() if isinstance(outcome_on, date) else "",
        "akibat": str(akibat or ""), "hari_tidak_bekerja": extras.get("hari_tidak_bekerja", ""),
        "biaya_pengobatan": extras.get("biaya_pengobatan", ""),
        "biaya_pengangkutan": extras.get("biaya_pengangkutan", ""), "upah": extras.get("upah", ""),
        "nama_petugas": officer, "jabatan_petugas": extras.get("jabatan_petugas", ""),
    }


# The report's figures (``services.stage2_report``) under the names of Formulir 3a's page fields.
_FIGURE_FIELDS = {"treatment_cost": "biaya_pengobatan", "days_unable": "hari_tidak_bekerja", "monthly_wage": "upah"}


def _figure(value: Any) -> Any:
    """A rupiah amount or a number of days as typed on the page ("1.500.000"): an int, None when empty, or
    the text itself for the report's rules to refuse."""
    text = str(value or "").replace(".", "").replace(" ", "").strip()
    if not text:
        return None
    return int(text) if text.isdigit() else text


def stage2_file(*, user: Any, npp: str, code: str, outcome: Any, outcome_on: Any, description: Any,
                extras: dict[str, Any], typed_name: str, confirmed: bool) -> JkkReport:
    """Stage II as Formulir 3a's company section: ``outcome`` is one of 3a's (recovered, partial or total
    disability, death). Only after stage I (``NotFound``); the report and the signed section together. A
    claim that no longer takes documents (decided, closed) gets the report on its history only: its forms
    are closed."""
    officer = signer_name(user)
    with transaction.atomic():
        try:
            filed = services.stage2_report(user=user, npp=npp, code=code, outcome=OUTCOME_OF_AKIBAT.get(str(outcome), ""),
                                           outcome_on=outcome_on, description=description,
                                           treatment_cost=_figure(extras.get("biaya_pengobatan")),
                                           days_unable=_figure(extras.get("hari_tidak_bekerja")),
                                           monthly_wage=_figure(extras.get("upah")))
        except InvalidInput as exc:
            definition = definition_current("formulir_3a", _today())
            section = definition.section(SECTION) if definition is not None else None
            problems: dict[str, list[Any]] = {}
            found = JkkReport.objects.select_related("claim__branch").filter(claim__code=code, npp=npp).first()
            if section is not None and found is not None:
                values = stage2_values(found, npp=npp, akibat=outcome, outcome_on=outcome_on, extras=extras,
                                       officer=officer)
                problems = _problems(section, values, typed_name=typed_name, confirmed=confirmed, signer=officer,
                                     today=_today())
            known = {_FIGURE_FIELDS.get(k, k): v for k, v in exc.fields.items()}
            raise InvalidInput(exc.message, code=exc.code,
                               fields=_mapped(problems, STAGE2_FIELDS, known=known)) from None
        claim = filed.claim
        definition = _form_of(claim, "formulir_3a") if claim.state in workflow.ACCEPTS_DOCUMENTS else None
        if definition is not None:
            values = stage2_values(filed, npp=npp, akibat=outcome, outcome_on=outcome_on, extras=extras,
                                   officer=officer)
            _sign(claim, definition, values, user=user, typed_name=typed_name, confirmed=confirmed,
                  names=STAGE2_FIELDS)
    return filed


def section_save(*, user: Any, claim: Claim, definition: FormDefinition, section_code: str,
                 data: dict[str, Any]) -> None:
    """A draft of another company section (Formulir 3b's doctor's statement); a section the company does
    not fill is refused (``PermissionDenied`` from ``forms.services``)."""
    form_draft_save(claim=claim, definition=definition, section_code=section_code, party=EMPLOYER_OFFICER, data=data)


def section_sign(*, user: Any, claim: Claim, definition: FormDefinition, section_code: str, data: dict[str, Any],
                 typed_name: str, confirmed: bool) -> None:
    """Sign another company section; the form is submitted when it is the last signature."""
    form_section_sign(claim=claim, definition=definition, section_code=section_code, party=EMPLOYER_OFFICER,
                      data=data, typed_name=typed_name, confirmed=confirmed, signer_name=signer_name(user),
                      actor=services.employer_actor(user))
