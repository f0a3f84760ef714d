"""Pure rules of a claim: whether the insured worker's registry record allows the claim now, per claim type
and reason. No database: the caller fetches the record through the registry adapter
(``registry.adapters.registry_lookup``) and passes it in.

JHT is checked here (PP 60/2015 and Permenaker 19/2015 as amended): after resignation or PHK the
membership must be inactive and one month must have passed since employment ended; the age reason needs
56 years; the partial 10%/30% withdrawal needs an active membership of at least 10 years and is taken
once. JKK, JKM and JP are not rules-checked here yet: their verdict says so by name
(``OFFICER_DECIDES``), it is not a silent "eligible"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from lapakasik.claims.reasons import is_valid_reason
from lapakasik.core.dates import long_date
from lapakasik.core.validators import normalize_name
from lapakasik.registry.adapters import MemberRecord

WAITING_PERIOD_MONTHS = 1
RETIREMENT_AGE = 56
PARTIAL_MIN_YEARS = 10
SEPARATION_REASONS = frozenset({"RESIGNED", "PHK"})
PARTIAL_REASONS = frozenset({"PARTIAL_10", "PARTIAL_30"})

#: The rule name of a verdict this module did not decide: the claim may go on, the officer checks it.
OFFICER_DECIDES = "officer_decides"
#: The rule name for a claim type / reason pair that does not exist.
UNKNOWN_REASON = "unknown_reason"


# --- calendar -------------------------------------------------------------------------------------

def add_months(day: date, months: int) -> date:
    """``day`` plus whole months; the 31st becomes the last day of a shorter month."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# --- the verdict ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Verdict:
    """``eligible``: the claim may go on now. When not, ``rule`` names the rule that refuses it and
    ``possible_from`` the date it becomes possible (None when no date can be given, e.g. while still
    employed). An eligible verdict with ``rule == OFFICER_DECIDES`` was not checked here."""

    eligible: bool
    rule: str = ""
    possible_from: date | None = None
    message: str = ""

    @property
    def checked_here(self) -> bool:
        return self.rule != OFFICER_DECIDES


OK = Verdict(True)


def names_match(given: str, registered: str) -> bool:
    """Case- and space-insensitive: ``budi  santoso`` matches ``BUDI SANTOSO``."""
    return bool(given) and normalize_name(given) == normalize_name(registered)


def eligibility(member: MemberRecord, claim_type: str, reason: str, today: date) -> Verdict:
    """Whether the registry record allows this claim now (see ``Verdict``)."""
    if not is_valid_reason(claim_type, reason):
        return Verdict(False, UNKNOWN_REASON, None, str(_("Jenis atau alasan klaim ini tidak dikenal.")))
    return RULES[claim_type](member, reason, today)


def jht_eligibility(member: MemberRecord, reason: str, today: date) -> Verdict:
    if reason in SEPARATION_REASONS:
        if member.active or member.membership_end is None:
            return Verdict(False, "membership_active", None, str(_(
                "Kepesertaan Anda masih aktif (masih tercatat bekerja). Klaim JHT karena berhenti bekerja "
                "baru bisa diajukan setelah perusahaan menonaktifkan kepesertaan Anda.")))
        possible = add_months(member.membership_end, WAITING_PERIOD_MONTHS)
        if today < possible:
            return Verdict(False, "waiting_period", possible, str(_(
                "Masa tunggu satu bulan setelah berhenti bekerja belum selesai. Klaim bisa diajukan mulai "
                "%(date)s.") % {"date": long_date(possible)}))
        return OK
    if reason == "AGE_56":
        possible = add_years(member.birth_date, RETIREMENT_AGE)
        if today < possible:
            return Verdict(False, "age_56", possible, str(_(
                "Klaim karena usia pensiun bisa diajukan saat Anda berusia 56 tahun, yaitu mulai %(date)s.")
                % {"date": long_date(possible)}))
        return OK
    if reason in PARTIAL_REASONS:
        if member.partial_withdrawal_taken:
            return Verdict(False, "partial_once", None, str(_(
                "Klaim JHT sebagian hanya bisa diambil satu kali, dan Anda sudah pernah mengambilnya.")))
        if not member.active:
            return Verdict(False, "membership_inactive", None, str(_(
                "Klaim JHT sebagian hanya untuk peserta yang masih aktif bekerja.")))
        possible = add_years(member.membership_start, PARTIAL_MIN_YEARS)
        if today < possible:
            return Verdict(False, "membership_10_years", possible, str(_(
                "Klaim JHT sebagian memerlukan kepesertaan minimal 10 tahun; Anda bisa mengajukannya mulai "
                "%(date)s.") % {"date": long_date(possible)}))
        return OK
    return OK  # disability, leaving Indonesia, death: decided on the documents


def officer_decides(member: MemberRecord, reason: str, today: date) -> Verdict:
    """JKK, JKM and JP: no registry rule is checked here yet; the claim goes on and the officer decides on
    the documents (the employer's accident report, the death certificate, the pension age)."""
    return Verdict(True, OFFICER_DECIDES, None, str(_(
        "Syarat klaim ini belum diperiksa otomatis; petugas memeriksanya dari dokumen Anda.")))


#: The rules per claim type. A new programme's rules take the place of ``officer_decides`` here.
RULES: dict[str, Callable[[MemberRecord, str, date], Verdict]] = {
    "JHT": jht_eligibility,
    "JKK": officer_decides,
    "JKM": officer_decides,
    "JP": officer_decides,
}
