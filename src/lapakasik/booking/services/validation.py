"""Checking a booking request before anything is written: the slot against the window, the claim
type and reason, the applicant (``claims.parties.applicant_validate``, the one rule set the pages and
the API share), the insured worker when the applicant is an heir, the one-open-claim rule and the
registry. Writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lapakasik.booking import policy, selectors
from lapakasik.booking.identity import (  # re-exported: the services' callers import them from here
    ClaimantRequest,
    benefit_form_clean,
    bookable_claim_types,
    check_claimant,
    check_member,
    claimant_validate,
    duplicate,
    has_open_claim_of,
    heir_in_family,
    insured_clean,
    refusal,
    setting,
)
from lapakasik.booking.selectors import BranchInfo, SessionAvailability
from lapakasik.claims import policy as claim_policy
from lapakasik.core import clock
from lapakasik.core.dates import long_date
from lapakasik.core.errors import Conflict, InvalidInput
from lapakasik.core.validators import parse_nik, validate_kpj
from lapakasik.registry.adapters import MemberRecord, registry_lookup

__all__ = ["BookingRequest", "ClaimantRequest", "SlotFull", "benefit_form_clean", "bookable_claim_types",
           "booking_eligibility", "check_claimant", "check_member", "check_registry", "checked_request",
           "claimant_validate", "duplicate", "has_open_claim", "heir_in_family", "insured_clean", "refusal",
           "resolve_slot", "setting", "validate_request"]


class SlotFull(Conflict):
    code = "slot_full"
    default_message = _("Kuota sesi ini sudah penuh. Pilih sesi lain atau cabang terdekat yang masih tersedia "
                        "(lihat daftar alternatif), atau masuk daftar tunggu.")


@dataclass(frozen=True, kw_only=True)
class BookingRequest(ClaimantRequest):
    """A validated booking request: the slot resolved against the window, and the claim with who applies
    (``identity.ClaimantRequest``: the applicant, the insured worker an heir names, the JP benefit form)."""

    branch: BranchInfo
    date: date
    session: SessionAvailability

    @property
    def by_heir(self) -> bool:
        return self.insured is not None


def _as_date(value: date | str) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def resolve_slot(*, branch_code: str, day: date | str, session_start: str, now: datetime | None = None,
                 fields: dict[str, list[Any]] | None = None) -> tuple[BranchInfo, SessionAvailability]:
    """The branch and session for (branch, date, "HH:MM"), checked against the window, the calendar
    and the session templates. Raises InvalidInput with per-field messages."""
    errors: dict[str, list[Any]] = fields if fields is not None else {}
    branch = selectors.branch_info(str(branch_code or "")[:32]) if branch_code else None
    if branch is None:
        errors.setdefault("branch_code", []).append(_(
            "Kantor cabang tidak ditemukan atau sedang tidak melayani. Pilih cabang dari daftar."))
    the_day = _as_date(day)
    if the_day is None:
        errors.setdefault("date", []).append(_("Tanggal harus berformat TTTT-BB-HH, misalnya 2026-12-01."))
    start = policy.parse_session_start(session_start)
    if start is None:
        errors.setdefault("session_start", []).append(_("Jam sesi harus berformat JJ:MM, misalnya 08:00."))
    if branch is None or the_day is None or start is None:
        raise InvalidInput(fields=errors)
    today, window, closures = selectors.branch_window(branch, now)
    if the_day <= today:
        errors.setdefault("date", []).append(_(
            "Tanggal sudah lewat atau hari ini. Pilih tanggal mulai besok (%(tz)s).") % {"tz": branch.tz_abbreviation})
        raise InvalidInput(fields=errors)
    if not window or the_day > window[-1]:
        errors.setdefault("date", []).append(_(
            "Tanggal di luar masa pemesanan. Anda bisa memesan sampai %(last)s; hari baru dibuka setiap hari.")
            % {"last": long_date(window[-1]) if window else "-"})
        raise InvalidInput(fields=errors)
    if the_day not in window:
        reason = policy.branch_policy.closed_reason(the_day, closures) or ""
        errors.setdefault("date", []).append(_(
            "Kantor cabang tutup pada tanggal ini (%(reason)s). Pilih hari kerja lain.")
            % {"reason": _("akhir pekan") if reason == "weekend" else reason})
        raise InvalidInput(fields=errors)
    session = selectors.session_lookup(branch, the_day, f"{start:%H:%M}", now)
    if session is None:
        errors.setdefault("session_start", []).append(_(
            "Sesi %(start)s tidak ada di cabang ini. Pilih salah satu sesi yang tersedia.") % {"start": session_start})
        raise InvalidInput(fields=errors)
    if session.status == selectors.CLOSED:
        errors.setdefault("date", []).append(_("Sesi ini ditutup oleh kantor cabang. Pilih sesi atau hari lain."))
        raise InvalidInput(fields=errors)
    if errors:
        raise InvalidInput(fields=errors)
    return branch, session


def validate_request(
    *, branch_code: str, date: date | str, session_start: str, claim_type: str, claim_reason: str, nik: str,
    kpj: str, full_name: str, email: str, phone: str, language: str = "id", channels: list[str] | None = None,
    insured_nik: str = "", insured_kpj: str = "", benefit_form: str | None = None,
    now: datetime | None = None, resolved: tuple[BranchInfo, SessionAvailability] | None = None,
) -> BookingRequest:
    """Check every field; all problems are reported together (422, per field). Writes nothing.
    ``insured_nik``/``insured_kpj``: the deceased worker an heir claims for (both or neither; the
    applicant's ``kpj`` is then optional). ``resolved``: the (branch, session) the caller already got
    from ``resolve_slot`` for these values."""
    fields: dict[str, list[Any]] = {}
    who = claimant_validate(claim_type=claim_type, claim_reason=claim_reason, nik=nik, kpj=kpj, full_name=full_name,
                            email=email, phone=phone, language=language, channels=channels, insured_nik=insured_nik,
                            insured_kpj=insured_kpj, benefit_form=benefit_form, fields=fields)
    if resolved is not None:
        branch, session = resolved
    else:
        try:
            branch, session = resolve_slot(branch_code=branch_code, day=date, session_start=session_start, now=now,
                                           fields=fields)
        except InvalidInput as exc:
            raise InvalidInput(fields=exc.fields) from None
    if fields or who is None:
        raise InvalidInput(fields=fields)
    return BookingRequest(branch=branch, date=session.date, session=session, claim_type=who.claim_type,
                          claim_reason=who.claim_reason, applicant=who.applicant, insured=who.insured,
                          benefit_form=who.benefit_form)


def checked_request(*, now: datetime, resolved: tuple[BranchInfo, SessionAvailability] | None = None,
                    duplicate_check: bool = True, **fields: Any) -> BookingRequest:
    """What booking and joining the waitlist both check before writing: every field (422), one open
    claim per insured NIK and claim type (409), the registry rules (409).
    ``duplicate_check=False``: the caller's own INSERT meets the one-open-claim constraint instead."""
    req = validate_request(now=now, resolved=resolved, **fields)
    if duplicate_check and has_open_claim(req):
        raise duplicate(req.by_heir)
    check_registry(req, today=now.date())
    return req


def check_registry(req: BookingRequest, today: date | None = None) -> MemberRecord:
    """Match identity against the registry and apply the eligibility rules (``identity.check_claimant``)."""
    return check_claimant(req.applicant, req.insured, req.claim_type, req.claim_reason, today=today,
                          benefit_form=req.benefit_form)


def has_open_claim(req: BookingRequest) -> bool:
    """The insured worker already has a claim of this type that is not finished (the rule the
    ``claim_one_open_per_insured_type`` index enforces)."""
    return has_open_claim_of(req.insured_worker.nik, req.claim_type)


def booking_eligibility(*, nik: str, kpj: str, full_name: str, claim_type: str, claim_reason: str,
                        insured_nik: str = "", insured_kpj: str = "",
                        benefit_form: str | None = None) -> claim_policy.Verdict:
    """For the pages' identity step: the registry verdict before a slot is chosen. Raises InvalidInput for
    malformed identity or a registry mismatch (an heir: the insured worker's NIK/KPJ, then the heir's place
    in the family); returns the Verdict (eligible or rule + date)."""
    fields: dict[str, list[Any]] = {}
    ctype, reason = str(claim_type or "").strip().upper(), str(claim_reason or "").strip().upper()
    insured = insured_clean(insured_nik, insured_kpj, claim_type=ctype, claim_reason=reason, applicant_nik=nik,
                            fields=fields)
    heir = insured is not None or "insured_nik" in fields or "insured_kpj" in fields
    form = benefit_form_clean(benefit_form, ctype, reason, fields)
    nik_value = kpj_value = ""
    try:
        nik_value = parse_nik(nik, today=clock.now().date()).nik
    except ValidationError as exc:
        fields["nik"] = list(exc.messages)
    if not heir or str(kpj or "").strip():
        try:
            kpj_value = validate_kpj(kpj)
        except ValidationError as exc:
            fields["kpj"] = list(exc.messages)
    if fields:
        raise InvalidInput(fields=fields)
    claimant = claim_policy.Claimant(nik=nik_value)
    if insured is not None:
        member = registry_lookup(nik=insured.nik, kpj=insured.kpj)
        if member is None:
            raise InvalidInput(code="registry_mismatch", fields={"insured_kpj": [_(
                "Nomor KPJ tidak cocok dengan NIK peserta ini menurut data kepesertaan.")]})
        heir_in_family(member, nik_value, full_name)
        return claim_policy.eligibility(member, ctype, reason, clock.now().date(), claimant=claimant,
                                        benefit_form=form)
    member = registry_lookup(nik=nik_value, kpj=kpj_value)
    if member is None:
        raise InvalidInput(code="registry_mismatch", fields={"kpj": [_(
            "Nomor KPJ tidak cocok dengan NIK ini menurut data kepesertaan.")]})
    if not claim_policy.names_match(full_name, member.full_name):
        raise InvalidInput(code="name_mismatch", fields={"full_name": [_(
            "Nama tidak sama dengan data kepesertaan (huruf besar/kecil dan spasi tidak berpengaruh).")]})
    return claim_policy.eligibility(member, ctype, reason, clock.now().date(), claimant=claimant, benefit_form=form)
