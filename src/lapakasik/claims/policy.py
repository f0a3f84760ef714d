"""Pure rules of a claim: whether the insured worker's registry record allows the claim now, per claim type
and reason. No database: the caller fetches the record through the registry adapter
(``registry.adapters.registry_lookup``) and passes it in.

JHT is checked here (PP 60/2015 and Permenaker 19/2015 as amended): after resignation or PHK the
membership must be inactive and one month must have passed since employment ended; the age reason needs
56 years; the partial 10%/30% withdrawal needs an active membership of at least 10 years and is taken
once.

JKM (UU 40/2004, PP 44/2015 as amended): the registry must show the insured worker deceased, and the
claimant must be their heir — a member of the family the registry holds, or a person named in a will —
with no living heir before them in the heir order (widow/widower; child; parent or grandchild; sibling;
parent-in-law; a person named in a will). JP (PP 45/2015): the old-age pension from the pension age
(56 here); a monthly pension needs at least 180 contribution months (15 years), fewer are paid as a lump
sum; a survivor's pension goes to the widow/widower, then the children, then the parents. JKK (PP
44/2015): the employer has reported an accident (or an occupational disease) for the worker, while it
employed them. The reasons decided on the documents alone (JP disability) say so by name
(``OFFICER_DECIDES``), not as a silent "eligible"."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from lapakasik.claims.reasons import is_valid_reason
from lapakasik.core.dates import long_date
from lapakasik.core.validators import normalize_name
from lapakasik.registry.adapters import AccidentKind, AccidentReport, FamilyMember, MemberRecord, Relation

WAITING_PERIOD_MONTHS = 1
RETIREMENT_AGE = 56
PARTIAL_MIN_YEARS = 10
SEPARATION_REASONS = frozenset({"RESIGNED", "PHK"})
PARTIAL_REASONS = frozenset({"PARTIAL_10", "PARTIAL_30"})

#: JP (PP 45/2015): the pension age, and the contribution months a monthly pension needs (15 years).
PENSION_AGE = 56
JP_MONTHLY_MIN_MONTHS = 180
MONTHLY, LUMP_SUM = "monthly", "lump_sum"
BENEFIT_FORMS = (MONTHLY, LUMP_SUM)

#: The heir order: a lower rank claims only while no heir of a higher (smaller) rank is alive.
WILL = "will"  # a person named in a will: not in the registry's family data
HEIR_RANK: dict[str, int] = {Relation.SPOUSE: 1, Relation.CHILD: 2, Relation.PARENT: 3, Relation.GRANDCHILD: 3,
                             Relation.SIBLING: 4, Relation.PARENT_IN_LAW: 5, WILL: 6}
#: Who a JP survivor's pension goes to (PP 45/2015), in the same order.
JP_HEIRS = frozenset({Relation.SPOUSE, Relation.CHILD, Relation.PARENT})
ALL_HEIRS = frozenset(HEIR_RANK)


def _in_order(relations: Iterable[str]) -> list[str]:
    """Relations in the heir order (parent before grandchild, who share a place)."""
    order = [*Relation.ALL, WILL]
    return sorted(set(relations), key=lambda r: (HEIR_RANK[r], order.index(r)))
#: The kinds of accident report each JKK reason rests on.
JKK_KINDS: dict[str, frozenset[str]] = {
    "ACCIDENT": frozenset({AccidentKind.WORKPLACE, AccidentKind.ROAD}),
    "OCCUPATIONAL_DISEASE": frozenset({AccidentKind.OCCUPATIONAL_DISEASE}),
}

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
                "message": self.message, "facts": [{"name": f.name, "label": str(f.label), "value": str(f.value)}
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
    return _("ya") if value else _("tidak")  # type: ignore[return-value]  # lazy: turned into text when read


def _long_date(value: date | None) -> str:
    return long_date(value) if value else "—"


# A fact's date is written out only when somebody reads it (the officer's trace, a refusal's message): the
# booking asks for the verdict alone, and formatting every date of every rule cost a tenth of its CPU.
_day = lazy(_long_date, str)


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


@dataclass(frozen=True)
class Claimant:
    """Who applies for the claim, as the heir rules need them: their NIK, and whether a will names them
    (a person named in a will is not in the registry's family data)."""

    nik: str
    named_in_will: bool = False


@dataclass(frozen=True)
class Asked:
    """What the claim asks for beyond its type and reason: the share of a partial JHT withdrawal, who
    claims (JKM and the JP survivor's pension), and the JP benefit form (``monthly`` or ``lump_sum``)."""

    percent: int | None = None
    claimant: Claimant | None = None
    benefit_form: str | None = None


def eligibility(member: MemberRecord, claim_type: str, reason: str, today: date, *,
                claimant: Claimant | None = None, benefit_form: str | None = None) -> Verdict:
    """Whether the registry record allows this claim now (see ``Verdict``): the first rule of
    ``eligibility_trace`` that says no."""
    return eligibility_trace(member, claim_type, reason, today, claimant=claimant,
                             benefit_form=benefit_form).verdict


def eligibility_trace(member: MemberRecord, claim_type: str, reason: str, today: date, *,
                      percent: int | None = None, claimant: Claimant | None = None,
                      benefit_form: str | None = None) -> Trace:
    """Every rule that applies to this claim type and reason, each with the registry facts it used, its
    verdict and the date it becomes possible. ``percent``: the share a partial JHT withdrawal asks for
    (checked against its cap; None: the cap itself). ``claimant``: who applies (the heir rules of JKM and
    of the JP survivor's pension; None: not known, which those rules refuse). ``benefit_form``: the JP
    old-age benefit asked for (None: the one the contribution months give)."""
    if not is_valid_reason(claim_type, reason):
        return _trace([RuleCheck(UNKNOWN_REASON, str(_("Jenis dan alasan klaim")), (
            Fact("claim_type", str(_("Jenis klaim")), claim_type), Fact("reason", str(_("Alasan")), reason)),
            False, None, str(_("Jenis atau alasan klaim ini tidak dikenal.")))])
    asked = Asked(percent=percent, claimant=claimant, benefit_form=benefit_form)
    return _trace(TRACES[claim_type](member, reason, today, asked))


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
    """A reason no registry rule is checked for here (JP disability): the claim goes on and the officer
    decides on the documents (the doctor's statement)."""
    return _trace(officer_checks(member, reason, today, None)).verdict


def officer_checks(member: MemberRecord, reason: str, today: date, percent: int | None = None) -> list[RuleCheck]:
    return [RuleCheck(OFFICER_DECIDES, str(_("Diperiksa petugas dari dokumen")), (), True, None, str(_(
        "Syarat klaim ini belum diperiksa otomatis; petugas memeriksanya dari dokumen Anda.")))]


# --- labels --------------------------------------------------------------------------------------------

def relation_label(relation: str) -> str:
    labels = {
        Relation.SPOUSE: _("suami/istri (janda/duda)"), Relation.CHILD: _("anak"), Relation.PARENT: _("orang tua"),
        Relation.GRANDCHILD: _("cucu"), Relation.SIBLING: _("saudara kandung"), Relation.PARENT_IN_LAW: _("mertua"),
        WILL: _("penerima wasiat"),
    }
    return str(labels.get(relation, relation))


def accident_kind_label(kind: str) -> str:
    labels = {AccidentKind.WORKPLACE: _("kecelakaan di tempat kerja"), AccidentKind.ROAD: _("kecelakaan lalu lintas"),
              AccidentKind.OCCUPATIONAL_DISEASE: _("penyakit akibat kerja")}
    return str(labels.get(kind, kind))


def benefit_form_label(form: str) -> str:
    labels = {MONTHLY: _("pensiun bulanan"), LUMP_SUM: _("manfaat sekaligus")}
    return str(labels.get(form, form))


# --- JKM and the survivors: the insured worker died, the claimant is their heir -----------------------

def _deceased_check(member: MemberRecord) -> RuleCheck:
    dead = member.deceased
    return RuleCheck(
        "insured_deceased", str(_("Peserta tercatat meninggal dunia")),
        (Fact("date_of_death", str(_("Tanggal meninggal")), _day(member.date_of_death)),), dead, None,
        "" if dead else str(_("Menurut data kepesertaan, peserta ini masih hidup. Klaim karena meninggal dunia "
                              "hanya bisa diajukan ahli waris setelah kematian peserta tercatat.")))


def heir_of(member: MemberRecord, claimant: Claimant | None) -> tuple[str, FamilyMember | None]:
    """The claimant's place among the insured worker's heirs: (relation or ``WILL``, the family member),
    or ("", None) when they are not an heir the registry or a will shows."""
    if claimant is None or not claimant.nik or claimant.nik == member.nik:
        return "", None
    person = member.family_member(claimant.nik)
    if person is not None and person.alive:
        return person.relation, person
    if person is None and claimant.named_in_will:
        return WILL, None
    return "", person


def heir_checks(member: MemberRecord, claimant: Claimant | None, allowed: frozenset[str] = ALL_HEIRS) -> list[RuleCheck]:
    """``heir_known``: the claimant is a living member of the deceased's family in the registry (or named
    in a will) with a relation that has a right to this benefit; ``heir_order``: no heir before them in
    the order is alive."""
    relation, person = heir_of(member, claimant)
    facts = (Fact("relation", str(_("Hubungan pemohon dengan peserta")), relation_label(relation) if relation else "—"),
             Fact("named_in_will", str(_("Disebut dalam surat wasiat")),
                  _yes_no(bool(claimant and claimant.named_in_will))))
    why: object
    if claimant is None or not claimant.nik:
        why = _("Pemohon klaim belum diketahui; klaim ini diajukan oleh ahli waris dengan NIK-nya sendiri.")
    elif claimant.nik == member.nik:
        why = _("Klaim karena meninggal dunia diajukan oleh ahli waris, bukan atas nama peserta sendiri.")
    elif person is not None and not person.alive:
        why = _("Menurut data kepesertaan, pemohon telah meninggal dunia.")
    elif not relation:
        why = _("NIK pemohon tidak tercatat sebagai keluarga peserta dalam data kepesertaan. Selain keluarga, "
                "hanya orang yang disebut dalam surat wasiat yang dapat menjadi ahli waris.")
    elif relation not in allowed:
        why = _("Untuk manfaat ini, yang berhak hanya %(who)s.") % {
            "who": ", ".join(relation_label(r) for r in _in_order(allowed))}
    else:
        why = ""
    known = RuleCheck("heir_known", str(_("Pemohon adalah ahli waris peserta")), facts, not why, None, str(why))
    if why:
        return [known]
    rank = HEIR_RANK[relation]
    before = [m for m in member.family if m.alive and m.relation in allowed and HEIR_RANK[m.relation] < rank]
    relations = _in_order(m.relation for m in before)
    counted = ", ".join(f"{relation_label(r)} ({sum(m.relation == r for m in before)})" for r in relations)
    ok = not before
    order = RuleCheck(
        "heir_order", str(_("Urutan ahli waris")),
        (Fact("relation", str(_("Hubungan pemohon dengan peserta")), relation_label(relation)),
         Fact("before", str(_("Ahli waris sebelumnya yang masih hidup")), counted or "—")),
        ok, None, "" if ok else str(_(
            "Menurut urutan ahli waris, %(who)s yang masih hidup berhak lebih dahulu. Klaim diajukan oleh ahli "
            "waris itu, atau oleh wakil yang diberi surat kuasa oleh para ahli waris.") % {
            "who": relation_label(relations[0])}))
    return [known, order]


def jkm_checks(member: MemberRecord, reason: str, today: date, asked: Asked) -> list[RuleCheck]:
    return [_deceased_check(member), *heir_checks(member, asked.claimant)]


# --- JP -------------------------------------------------------------------------------------------------

def jp_benefit_form(contribution_months: int) -> str:
    """The JP old-age benefit the contribution months give: a monthly pension from 180 months, else a lump sum."""
    return MONTHLY if contribution_months >= JP_MONTHLY_MIN_MONTHS else LUMP_SUM


def _pension_age_check(member: MemberRecord, today: date) -> RuleCheck:
    possible = add_years(member.birth_date, PENSION_AGE)
    ok = today >= possible
    return RuleCheck(
        "pension_age", str(_("Usia pensiun %(age)s tahun") % {"age": PENSION_AGE}),
        (Fact("birth_date", str(_("Tanggal lahir")), _day(member.birth_date)),
         Fact("age", str(_("Usia hari ini")), str(age_on(member.birth_date, today))),
         Fact("possible_from", str(_("Mencapai usia pensiun pada")), _day(possible))),
        ok, None if ok else possible,
        "" if ok else str(_("Jaminan Pensiun hari tua bisa diajukan saat Anda mencapai usia pensiun %(age)s tahun, "
                            "yaitu mulai %(date)s.") % {"age": PENSION_AGE, "date": _day(possible)}))


def _benefit_form_check(member: MemberRecord, wanted: str | None) -> RuleCheck:
    months = member.jp_contribution_months
    form = jp_benefit_form(months)
    asked = form if wanted is None else wanted
    why: object
    if asked not in BENEFIT_FORMS:
        why = _("Bentuk manfaat Jaminan Pensiun tidak dikenal: pilih pensiun bulanan atau manfaat sekaligus.")
    elif asked == MONTHLY and form != MONTHLY:
        why = _("Pensiun bulanan memerlukan iuran minimal %(need)s bulan (15 tahun); iuran Anda %(months)s bulan, "
                "sehingga manfaat dibayar sekaligus.") % {"need": JP_MONTHLY_MIN_MONTHS, "months": months}
    elif asked == LUMP_SUM and form != LUMP_SUM:
        why = _("Dengan iuran %(months)s bulan (minimal %(need)s), manfaat Jaminan Pensiun dibayar sebagai pensiun "
                "bulanan, bukan sekaligus.") % {"need": JP_MONTHLY_MIN_MONTHS, "months": months}
    else:
        why = ""
    return RuleCheck(
        "jp_benefit_form", str(_("Bentuk manfaat menurut masa iuran")),
        (Fact("contribution_months", str(_("Masa iuran JP (bulan)")), str(months)),
         Fact("monthly_needs", str(_("Pensiun bulanan perlu minimal (bulan)")), str(JP_MONTHLY_MIN_MONTHS)),
         Fact("benefit_form", str(_("Bentuk manfaat")), benefit_form_label(form)),
         Fact("asked", str(_("Yang diminta")), benefit_form_label(asked) if asked in BENEFIT_FORMS else str(asked))),
        not why, None, str(why))


def jp_checks(member: MemberRecord, reason: str, today: date, asked: Asked) -> list[RuleCheck]:
    if reason == "OLD_AGE":
        return [_pension_age_check(member, today), _benefit_form_check(member, asked.benefit_form)]
    if reason == "DEATH":
        return [_deceased_check(member), *heir_checks(member, asked.claimant, JP_HEIRS)]
    return officer_checks(member, reason, today)


# --- JKK ------------------------------------------------------------------------------------------------

def accident_report(member: MemberRecord, reason: str, today: date) -> AccidentReport | None:
    """The latest report (up to today) of the kind the JKK reason rests on, or None."""
    kinds = JKK_KINDS.get(reason, frozenset())
    reports = [a for a in member.accidents if a.kind in kinds and a.occurred_on <= today]
    return max(reports, key=lambda a: a.occurred_on, default=None)


def jkk_checks(member: MemberRecord, reason: str, today: date, asked: Asked) -> list[RuleCheck]:
    report = accident_report(member, reason, today)
    disease = reason == "OCCUPATIONAL_DISEASE"
    reported = RuleCheck(
        "accident_reported", str(_("Laporan penyakit akibat kerja dari perusahaan") if disease
                                 else _("Laporan kecelakaan kerja dari perusahaan")),
        (Fact("occurred_on", str(_("Tanggal kejadian")), _day(report.occurred_on if report else None)),
         Fact("npp", str(_("NPP perusahaan pelapor")), report.npp if report else "—"),
         Fact("kind", str(_("Jenis kejadian")), accident_kind_label(report.kind) if report else "—")),
        report is not None, None,
        "" if report is not None else str(
            _("Belum ada laporan penyakit akibat kerja dari perusahaan untuk peserta ini di data kepesertaan. "
              "Perusahaan perlu melaporkannya lebih dahulu.") if disease else
            _("Belum ada laporan kecelakaan kerja dari perusahaan untuk peserta ini di data kepesertaan. Perusahaan "
              "perlu melaporkannya lebih dahulu (Formulir 3, laporan tahap I).")))
    if report is None:
        return [reported]
    employed = any(p.npp == report.npp and p.covers(report.occurred_on) for p in member.employments)
    return [reported, RuleCheck(
        "accident_employer", str(_("Peserta bekerja di perusahaan pelapor pada hari kejadian")),
        (Fact("npp", str(_("NPP perusahaan pelapor")), report.npp),
         Fact("employed", str(_("Tercatat bekerja di sana pada hari itu")), _yes_no(employed))),
        employed, None, "" if employed else str(_(
            "Menurut data kepesertaan, peserta tidak bekerja di perusahaan pelapor pada hari kejadian. Petugas "
            "memeriksa laporan kecelakaan dengan perusahaan.")))]


# --- the tables -------------------------------------------------------------------------------------------

def _jht(member: MemberRecord, reason: str, today: date, asked: Asked) -> list[RuleCheck]:
    return jht_checks(member, reason, today, asked.percent)


#: The rules per claim type, as a trace (every rule that applied, with its facts).
TRACES: dict[str, Callable[[MemberRecord, str, date, Asked], list[RuleCheck]]] = {
    "JHT": _jht,
    "JKK": jkk_checks,
    "JKM": jkm_checks,
    "JP": jp_checks,
}


def _verdict_of(claim_type: str) -> Callable[[MemberRecord, str, date], Verdict]:
    def verdict(member: MemberRecord, reason: str, today: date) -> Verdict:
        return eligibility(member, claim_type, reason, today)
    return verdict


#: The same rules as a verdict (the trace's first refusal), per claim type.
RULES: dict[str, Callable[[MemberRecord, str, date], Verdict]] = {t: _verdict_of(t) for t in TRACES}
