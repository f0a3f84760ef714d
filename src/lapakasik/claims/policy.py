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


# --- the trace: every rule that applied, with its facts -----------------------------------------------

@dataclass(frozen=True)
class Fact:
    """One registry fact (or derived figure) a rule used: ``name`` for machines, ``label`` and ``value``
    as the officer reads them."""

    name: str
    label: str
    value: str


@dataclass(frozen=True)
class RuleCheck:
    """One rule applied to the claim: the facts it used, its verdict (``passed``) and the date the claim
    becomes possible under it (None when it passed, or when no date can be given)."""

    rule: str
    title: str
    facts: tuple[Fact, ...]
    passed: bool
    possible_from: date | None = None
    message: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "title": self.title, "passed": self.passed,
                "possible_from": self.possible_from.isoformat() if self.possible_from else None,
                "message": self.message, "facts": [{"name": f.name, "label": f.label, "value": f.value}
                                                   for f in self.facts]}


@dataclass(frozen=True)
class Trace:
    """Every rule that applied, in order; ``verdict`` is the first rule that says no (what
    ``eligibility`` answers), or eligible."""

    checks: tuple[RuleCheck, ...]
    verdict: Verdict

    @property
    def eligible(self) -> bool:
        return self.verdict.eligible and all(c.passed for c in self.checks)

    @property
    def refusing(self) -> tuple[RuleCheck, ...]:
        return tuple(c for c in self.checks if not c.passed)

    def as_list(self) -> list[dict[str, object]]:
        return [c.as_dict() for c in self.checks]


def _yes_no(value: bool) -> str:
    return str(_("ya")) if value else str(_("tidak"))


def _day(value: date | None) -> str:
    return long_date(value) if value else "—"


def _rupiah(amount: int) -> str:
    return f"Rp {amount:,}".replace(",", ".")


def _trace(checks: list[RuleCheck]) -> Trace:
    for c in checks:
        if not c.passed:
            return Trace(tuple(checks), Verdict(False, c.rule, c.possible_from, c.message))
    if checks and checks[-1].rule == OFFICER_DECIDES:
        return Trace(tuple(checks), Verdict(True, OFFICER_DECIDES, None, checks[-1].message))
    return Trace(tuple(checks), OK)


def partial_cap(reason: str) -> int:
    """The largest share (per cent of the JHT balance) a partial withdrawal may take: 10 or 30."""
    return {"PARTIAL_10": 10, "PARTIAL_30": 30}.get(reason, 0)


def eligibility(member: MemberRecord, claim_type: str, reason: str, today: date) -> Verdict:
    """Whether the registry record allows this claim now (see ``Verdict``): the first rule of
    ``eligibility_trace`` that says no."""
    return eligibility_trace(member, claim_type, reason, today).verdict


def eligibility_trace(member: MemberRecord, claim_type: str, reason: str, today: date, *,
                      percent: int | None = None) -> Trace:
    """Every rule that applies to this claim type and reason, each with the registry facts it used, its
    verdict and the date it becomes possible. ``percent``: the share a partial JHT withdrawal asks for
    (checked against its cap; None: the cap itself)."""
    if not is_valid_reason(claim_type, reason):
        return _trace([RuleCheck(UNKNOWN_REASON, str(_("Jenis dan alasan klaim")), (
            Fact("claim_type", str(_("Jenis klaim")), claim_type), Fact("reason", str(_("Alasan")), reason)),
            False, None, str(_("Jenis atau alasan klaim ini tidak dikenal.")))])
    return _trace(TRACES[claim_type](member, reason, today, percent))


def jht_eligibility(member: MemberRecord, reason: str, today: date) -> Verdict:
    return _trace(jht_checks(member, reason, today, None)).verdict


def _separation_checks(member: MemberRecord, today: date) -> list[RuleCheck]:
    end = member.membership_end
    status = (Fact("active", str(_("Kepesertaan aktif")), _yes_no(member.active)),
              Fact("membership_end", str(_("Akhir kepesertaan")), _day(end)))
    inactive = not member.active and end is not None
    checks = [RuleCheck("membership_active", str(_("Kepesertaan sudah nonaktif")), status, inactive, None,
                        "" if inactive else str(_(
                            "Kepesertaan Anda masih aktif (masih tercatat bekerja). Klaim JHT karena berhenti "
                            "bekerja baru bisa diajukan setelah perusahaan menonaktifkan kepesertaan Anda.")))]
    possible = add_months(end, WAITING_PERIOD_MONTHS) if end is not None else None
    waited = possible is not None and today >= possible
    checks.append(RuleCheck(
        "waiting_period", str(_("Masa tunggu satu bulan setelah berhenti bekerja")),
        (Fact("membership_end", str(_("Akhir kepesertaan")), _day(end)),
         Fact("possible_from", str(_("Bisa diajukan mulai")), _day(possible))),
        waited, None if waited else possible,
        "" if waited else str(_("Masa tunggu satu bulan setelah berhenti bekerja belum selesai. Klaim bisa "
                                "diajukan mulai %(date)s.") % {"date": _day(possible)})))
    return checks


def _age_checks(member: MemberRecord, today: date) -> list[RuleCheck]:
    possible = add_years(member.birth_date, RETIREMENT_AGE)
    ok = today >= possible
    return [RuleCheck(
        "age_56", str(_("Usia pensiun 56 tahun")),
        (Fact("birth_date", str(_("Tanggal lahir")), _day(member.birth_date)),
         Fact("age", str(_("Usia hari ini")), str(age_on(member.birth_date, today))),
         Fact("possible_from", str(_("Berusia 56 tahun pada")), _day(possible))),
        ok, None if ok else possible,
        "" if ok else str(_("Klaim karena usia pensiun bisa diajukan saat Anda berusia 56 tahun, yaitu mulai "
                            "%(date)s.") % {"date": _day(possible)}))]


def _partial_checks(member: MemberRecord, reason: str, today: date, percent: int | None) -> list[RuleCheck]:
    taken = member.partial_withdrawal_taken
    checks = [RuleCheck("partial_once", str(_("JHT sebagian hanya sekali")),
                        (Fact("partial_withdrawal_taken", str(_("Pernah mengambil JHT sebagian")), _yes_no(taken)),),
                        not taken, None, str(_("Klaim JHT sebagian hanya bisa diambil satu kali, dan Anda sudah "
                                               "pernah mengambilnya.")) if taken else ""),
              RuleCheck("membership_inactive", str(_("Kepesertaan masih aktif")),
                        (Fact("active", str(_("Kepesertaan aktif")), _yes_no(member.active)),),
                        member.active, None, "" if member.active else str(_(
                            "Klaim JHT sebagian hanya untuk peserta yang masih aktif bekerja.")))]
    possible = add_years(member.membership_start, PARTIAL_MIN_YEARS)
    ok = today >= possible
    checks.append(RuleCheck(
        "membership_10_years", str(_("Kepesertaan minimal 10 tahun")),
        (Fact("membership_start", str(_("Awal kepesertaan")), _day(member.membership_start)),
         Fact("possible_from", str(_("Genap 10 tahun pada")), _day(possible))),
        ok, None if ok else possible,
        "" if ok else str(_("Klaim JHT sebagian memerlukan kepesertaan minimal 10 tahun; Anda bisa mengajukannya "
                            "mulai %(date)s.") % {"date": _day(possible)})))
    cap = partial_cap(reason)
    share = cap if percent is None else percent
    fits = 1 <= share <= cap
    checks.append(RuleCheck(
        "partial_share", str(_("Bagian yang diambil paling banyak %(cap)s%%") % {"cap": cap}),
        (Fact("balance", str(_("Saldo JHT")), _rupiah(member.balance)),
         Fact("percent", str(_("Bagian yang diminta")), f"{share}%"),
         Fact("cap", str(_("Batas")), f"{cap}%")),
        fits, None, "" if fits else str(_("Bagian JHT sebagian harus antara 1%% dan %(cap)s%% dari saldo.")
                                        % {"cap": cap})))
    return checks


def jht_checks(member: MemberRecord, reason: str, today: date, percent: int | None = None) -> list[RuleCheck]:
    if reason in SEPARATION_REASONS:
        return _separation_checks(member, today)
    if reason == "AGE_56":
        return _age_checks(member, today)
    if reason in PARTIAL_REASONS:
        return _partial_checks(member, reason, today, percent)
    # Disability, leaving Indonesia, death: decided on the documents.
    return [RuleCheck("documents", str(_("Diputuskan dari dokumen")), (), True, None,
                      str(_("Alasan ini diputuskan petugas dari dokumen klaim.")))]


def officer_decides(member: MemberRecord, reason: str, today: date) -> Verdict:
    """JKK, JKM and JP: no registry rule is checked here yet; the claim goes on and the officer decides on
    the documents (the employer's accident report, the death certificate, the pension age)."""
    return _trace(officer_checks(member, reason, today, None)).verdict


def officer_checks(member: MemberRecord, reason: str, today: date, percent: int | None = None) -> list[RuleCheck]:
    return [RuleCheck(OFFICER_DECIDES, str(_("Diperiksa petugas dari dokumen")), (), True, None, str(_(
        "Syarat klaim ini belum diperiksa otomatis; petugas memeriksanya dari dokumen Anda.")))]


#: The rules per claim type. A new programme's rules take the place of ``officer_decides`` here.
RULES: dict[str, Callable[[MemberRecord, str, date], Verdict]] = {
    "JHT": jht_eligibility,
    "JKK": officer_decides,
    "JKM": officer_decides,
    "JP": officer_decides,
}

#: The same rules as a trace (every rule that applied, with its facts).
TRACES: dict[str, Callable[[MemberRecord, str, date, int | None], list[RuleCheck]]] = {
    "JHT": jht_checks,
    "JKK": officer_checks,
    "JKM": officer_checks,
    "JP": officer_checks,
}
