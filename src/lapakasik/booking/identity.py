"""Who may queue for a claim, before any seat: the claim types bookable online, the registry match and
the eligibility verdict (``claims.policy``), the one-open-claim rule. Shared by the booking services
(``services.validation``) and the opening's waiting room (``waitroom``); writes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lapakasik.claims import policy as claim_policy
from lapakasik.claims.models import Claim
from lapakasik.claims.parties import Applicant
from lapakasik.claims.workflow import TERMINAL
from lapakasik.core import clock
from lapakasik.core.errors import Conflict, InvalidInput
from lapakasik.registry.adapters import MemberRecord, registry_lookup

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
    An heir's request is checked against the deceased's record instead (``services.validation``)."""
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
        raise Conflict(verdict.message, code="not_eligible", extra={
            "rule": verdict.rule,
            "possible_from": verdict.possible_from.isoformat() if verdict.possible_from else None,
        })
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
