"""Who may queue for a claim, before any seat: the claim types bookable online, the registry match and
the eligibility verdict (``claims.policy``), the one-open-claim rule. Shared by the booking services
(``services.validation``) and the opening's waiting room (``waitroom``); writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lapakasik.claims import policy as claim_policy
from lapakasik.claims.models import Claim
from lapakasik.claims.parties import Applicant, Insured, Role, applicant_validate
from lapakasik.claims.reasons import claimed_by_heir, is_valid_reason
from lapakasik.claims.workflow import TERMINAL
from lapakasik.core import clock
from lapakasik.core.errors import Conflict, InvalidInput
from lapakasik.core.validators import parse_nik, validate_kpj
from lapakasik.registry.adapters import FamilyMember, MemberRecord, registry_lookup

#: Every claim type the queue knows; ``BOOKING_CLAIM_TYPES`` narrows it.
ALL_CLAIM_TYPES = "JHT,JKK,JKM,JP"


def setting(name: str, default: Any) -> Any:
    return settings.LAPAKASIK.get(name, default)


def bookable_claim_types() -> list[str]:
    return [t.strip().upper() for t in str(setting("BOOKING_CLAIM_TYPES", ALL_CLAIM_TYPES)).split(",") if t.strip()]


def check_member(who: Applicant, claim_type: str, claim_reason: str, today: date | None = None, *,
                 benefit_form: str | None = None) -> MemberRecord:
    """The registry record of ``who`` (NIK + KPJ, then the name) and the eligibility verdict for the claim:
    422 ``registry_mismatch`` / ``name_mismatch``, 409 ``not_eligible`` with ``rule`` and ``possible_from``.
    Booking, the waitlist and the opening's waiting room share it. The participant is the claimant (the heir
    rules refuse a participant claiming their own death); ``benefit_form``: the JP old-age form asked for.
    An heir's request is checked against the deceased's record instead (``check_claimant``)."""
    member = registry_lookup(nik=who.nik, kpj=who.kpj)
    if member is None:
        raise InvalidInput(
            _("NIK dan nomor KPJ tidak cocok dengan data kepesertaan. Periksa kartu peserta dan KTP Anda."),
            code="registry_mismatch",
            fields={"kpj": [_("Nomor KPJ tidak cocok dengan NIK ini menurut data kepesertaan.")]})
    if not claim_policy.names_match(who.full_name, member.full_name):
        raise InvalidInput(
            _("Nama tidak sama dengan nama di data kepesertaan. Tulis nama lengkap seperti di KTP."),
            code="name_mismatch",
            fields={"full_name": [_("Nama tidak sama dengan data kepesertaan (huruf besar/kecil dan spasi "
                                    "tidak berpengaruh).")]})
    verdict = claim_policy.eligibility(member, claim_type, claim_reason, today or clock.now().date(),
                                       claimant=claim_policy.Claimant(nik=who.nik), benefit_form=benefit_form)
    if not verdict.eligible:
        raise refusal(verdict)
    return member


def has_open_claim_of(nik: str, claim_type: str) -> bool:
    """The insured worker already has a claim of this type that is not finished (the rule the
    ``claim_one_open_per_insured_type`` index enforces)."""
    return Claim.objects.filter(insured_nik=nik, claim_type=claim_type).exclude(state__in=TERMINAL).exists()


def duplicate(by_heir: bool = False) -> Conflict:
    """409 ``duplicate_active_booking``. ``by_heir``: the claim is for a deceased worker, and the open one
    may have been made by another heir — the message says so (and names no one)."""
    if by_heir:
        return Conflict(_("Klaim jenis ini untuk peserta yang meninggal sudah diajukan dan masih berjalan, mungkin "
                          "oleh ahli waris lain. Satu kematian diklaim satu kali: hubungi ahli waris lain atau kantor "
                          "cabang; bila Anda yang memesan, buka booking Anda."), code="duplicate_active_booking")
    return Conflict(_("Anda sudah punya booking aktif untuk jenis klaim ini. Buka booking Anda untuk melihat, "
                      "mengubah jadwal atau membatalkannya."), code="duplicate_active_booking")


def refusal(verdict: claim_policy.Verdict) -> Conflict:
    """A rule's "no" as the 409 ``not_eligible`` answer: its text, rule and date."""
    return Conflict(verdict.message, code="not_eligible", extra={
        "rule": verdict.rule,
        "possible_from": verdict.possible_from.isoformat() if verdict.possible_from else None,
    })


# --- who makes the claim: the participant, or an heir naming the deceased worker -------------------------

@dataclass(frozen=True)
class ClaimantRequest:
    """The claim asked for and who asks: the applicant, and — when an heir applies — the deceased insured
    worker (None: the applicant is the participant). ``benefit_form``: the JP old-age form asked for."""

    claim_type: str
    claim_reason: str
    applicant: Applicant
    insured: Insured | None = None
    benefit_form: str | None = None

    @property
    def insured_worker(self) -> Insured:
        """Whom the claim is about: the named insured worker, or the applicant themself."""
        return self.insured or self.applicant.insured


def claimant_validate(*, claim_type: str, claim_reason: str, nik: str, kpj: str, full_name: str, email: str,
                      phone: str, language: str = "id", channels: list[str] | None = None, insured_nik: str = "",
                      insured_kpj: str = "", benefit_form: str | None = None,
                      fields: dict[str, list[Any]]) -> ClaimantRequest | None:
    """Every field of the claim and of who makes it, as booking, the waitlist and the opening's waiting room
    take them. Problems go into ``fields`` (all together); None when there is any. An heir (``insured_nik``
    and ``insured_kpj``, both or neither) may leave their own ``kpj`` empty."""
    ctype = str(claim_type or "").strip().upper()
    if ctype not in bookable_claim_types():
        fields.setdefault("claim_type", []).append(_(
            "Jenis klaim ini belum bisa dipesan melalui antrean online. Pilih: %(types)s.")
            % {"types": ", ".join(bookable_claim_types())})
    reason = str(claim_reason or "").strip().upper()
    if ctype and not is_valid_reason(ctype, reason):
        fields.setdefault("claim_reason", []).append(_("Alasan klaim tidak dikenal untuk jenis klaim ini."))
    insured = insured_clean(insured_nik, insured_kpj, claim_type=ctype, claim_reason=reason, applicant_nik=nik,
                            fields=fields)
    heir = insured is not None or "insured_nik" in fields or "insured_kpj" in fields
    form = benefit_form_clean(benefit_form, ctype, reason, fields)
    applicant: Applicant | None = None
    try:
        applicant = applicant_validate(nik=nik, kpj=kpj, full_name=full_name, email=email, phone=phone,
                                       language=language, channels=channels, role=Role.HEIR if heir else Role.PARTICIPANT,
                                       today=clock.now().date())
    except InvalidInput as exc:
        for name, messages in exc.fields.items():
            fields.setdefault(name, []).extend(messages)
    if fields or applicant is None:
        return None
    return ClaimantRequest(claim_type=ctype, claim_reason=reason, applicant=applicant, insured=insured,
                           benefit_form=form)


def check_claimant(who: Applicant, insured: Insured | None, claim_type: str, claim_reason: str,
                   today: date | None = None, *, benefit_form: str | None = None) -> MemberRecord:
    """Match identity against the registry and apply the eligibility rules (409 not_eligible). An heir:
    the registry record is the insured worker's (by their NIK and KPJ), the applicant must be in its
    family, and the rules get the applicant as the claimant. The participant: ``check_member``."""
    if insured is None:
        return check_member(who, claim_type, claim_reason, today=today, benefit_form=benefit_form)
    member = registry_lookup(nik=insured.nik, kpj=insured.kpj)
    if member is None:
        raise InvalidInput(
            _("NIK dan nomor KPJ peserta tidak cocok dengan data kepesertaan. Periksa kartu peserta dan KTP "
              "peserta yang meninggal."), code="registry_mismatch",
            fields={"insured_kpj": [_("Nomor KPJ tidak cocok dengan NIK peserta ini menurut data kepesertaan.")]})
    heir_in_family(member, who.nik, who.full_name)
    verdict = claim_policy.eligibility(member, claim_type, claim_reason, today or clock.now().date(),
                                       claimant=claim_policy.Claimant(nik=who.nik), benefit_form=benefit_form)
    if not verdict.eligible:
        raise refusal(verdict)
    return member


def insured_clean(insured_nik: Any, insured_kpj: Any, *, claim_type: str, claim_reason: str, applicant_nik: Any,
                  fields: dict[str, list[Any]]) -> Insured | None:
    """The insured worker an heir names (their NIK and KPJ), or None when neither is given (the applicant
    is the participant). Both or neither; well formed; not the applicant's own NIK; only for a claim an
    heir makes (``claims.reasons.claimed_by_heir``). Problems go into ``fields``."""
    nik_given, kpj_given = str(insured_nik or "").strip(), str(insured_kpj or "").strip()
    if not nik_given and not kpj_given:
        return None
    nik_value = kpj_value = ""
    if not nik_given:
        fields.setdefault("insured_nik", []).append(_(
            "Isi juga NIK peserta yang meninggal (16 angka), atau kosongkan kedua data peserta bila Anda sendiri "
            "pesertanya."))
    else:
        try:
            nik_value = parse_nik(nik_given, today=clock.now().date()).nik
        except ValidationError as exc:
            fields.setdefault("insured_nik", []).extend(exc.messages)
    if not kpj_given:
        fields.setdefault("insured_kpj", []).append(_(
            "Isi juga nomor KPJ peserta yang meninggal (11 angka), atau kosongkan kedua data peserta bila Anda "
            "sendiri pesertanya."))
    else:
        try:
            kpj_value = validate_kpj(kpj_given)
        except ValidationError as exc:
            fields.setdefault("insured_kpj", []).extend(exc.messages)
    if nik_value and nik_value == "".join(str(applicant_nik or "").split()):
        fields.setdefault("insured_nik", []).append(_(
            "NIK peserta sama dengan NIK Anda. Ahli waris mengisi NIK-nya sendiri di atas dan NIK peserta yang "
            "meninggal di sini; bila Anda sendiri pesertanya, kosongkan data peserta."))
    if claim_type and is_valid_reason(claim_type, claim_reason) and not claimed_by_heir(claim_type, claim_reason):
        fields.setdefault("claim_reason", []).append(_(
            "Atas nama peserta lain hanya klaim karena peserta meninggal dunia yang bisa dipesan (oleh ahli "
            "waris). Untuk alasan ini, peserta memesan sendiri."))
    if not nik_value or not kpj_value:
        return None
    return Insured(nik=nik_value, kpj=kpj_value)


def benefit_form_clean(value: Any, claim_type: str, reason: str, fields: dict[str, list[Any]]) -> str | None:
    """The JP old-age benefit form asked for: ``monthly``, ``lump_sum`` or nothing (the months decide)."""
    form = str(value or "").strip().lower()
    if not form:
        return None
    if form not in claim_policy.BENEFIT_FORMS:
        fields.setdefault("benefit_form", []).append(_("Bentuk manfaat harus monthly (pensiun bulanan) atau lump_sum "
                                                       "(manfaat sekaligus)."))
        return None
    if (claim_type, reason) != ("JP", "OLD_AGE"):
        fields.setdefault("benefit_form", []).append(_("Bentuk manfaat hanya dipilih untuk Jaminan Pensiun hari tua."))
        return None
    return form


def heir_in_family(member: MemberRecord, nik: str, full_name: str) -> FamilyMember:
    """The applicant as a member of the deceased worker's family in the registry, found by their NIK and
    with the same name (the tolerant name check); InvalidInput per field otherwise. Whether this family
    member is the heir who may claim is the rules' (``heir_known``, ``heir_order``)."""
    person = member.family_member(nik)
    if person is None:
        raise InvalidInput(
            _("NIK Anda tidak tercatat sebagai keluarga peserta ini dalam data kepesertaan."),
            code="heir_not_in_family",
            fields={"nik": [_("NIK ini tidak tercatat sebagai keluarga peserta (kartu keluarga di data kepesertaan). "
                              "Periksa NIK Anda dan NIK/KPJ peserta; ahli waris lain hanya dengan surat wasiat, "
                              "di kantor cabang.")]})
    if not claim_policy.names_match(full_name, person.full_name):
        raise InvalidInput(
            _("Nama tidak sama dengan nama Anda di data keluarga peserta. Tulis nama lengkap seperti di KTP."),
            code="name_mismatch",
            fields={"full_name": [_("Nama tidak sama dengan nama anggota keluarga ini di data kepesertaan (huruf "
                                    "besar/kecil dan spasi tidak berpengaruh).")]})
    return person
