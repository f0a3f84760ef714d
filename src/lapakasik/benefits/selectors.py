"""Reads of benefit decisions: the eligibility trace of a claim (registry facts through the registry
adapter, the rules of ``claims.policy``), the tax rule valid on a day, the amounts a decision would give,
the live decision of a claim, the supervisor's queue of approvals waiting for a second signature, and
the breakdown the participant reads."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation

from lapakasik.claims import policy as claim_policy
from lapakasik.claims.models import Claim, ClaimEvent
from lapakasik.claims.selectors import claim_applicant
from lapakasik.core import clock
from lapakasik.core.codes import normalize_code
from lapakasik.core.dates import long_date
from lapakasik.employers.models import JkkReport
from lapakasik.intake.catalogue import claim_will_declared
from lapakasik.intake.models import Document, DocumentStatus
from lapakasik.payments.selectors import AccountStatus, bank_account_status
from lapakasik.registry.adapters import AccidentReport, MemberRecord, Relation, registry_lookup

from . import policy, programmes
from .models import BenefitRule, Decision, DecisionReason, TaxRule

WILL_DOCUMENT = "surat_wasiat"  # intake's requirement code of the deceased's will

log = logging.getLogger(__name__)


def branch_today(claim: Claim) -> date:
    """Today in the claim's branch (the day a rule or a tax rate is judged on)."""
    return clock.now().astimezone(ZoneInfo(claim.branch.time_zone or "Asia/Jakarta")).date()


def registry_record(claim: Claim) -> MemberRecord | None:
    """The insured worker's record, or None when the registry does not know them or cannot be reached."""
    try:
        return registry_lookup(nik=claim.insured_nik, kpj=claim.insured_kpj)
    except Exception:  # the registry is down: no trace, and no approval
        log.warning("registry lookup failed for claim %s", claim.code, exc_info=True)
        return None


def partial_share(claim: Claim) -> int | None:
    """The cap of a partial JHT withdrawal (10 or 30), None for any other claim."""
    cap = claim_policy.partial_cap(claim.claim_reason) if claim.claim_type == "JHT" else 0
    return cap or None


def claim_claimant(claim: Claim) -> claim_policy.Claimant | None:
    """Who applies for the claim, as the heir rules read them (JKM, the JP survivor's pension): the
    applicant party's NIK (an heir applies with their own; a participant's is the insured worker's), and
    whether a will names them (``will_verified``)."""
    party = claim_applicant(claim)
    return claim_policy.Claimant(nik=party.nik, named_in_will=will_verified(claim)) if party.nik else None


def will_verified(claim: Claim) -> bool:
    """A will names the applicant: the heir statement (Formulir 4) declares one and an officer accepted the
    will itself among the claim's documents. The declaration alone names nobody: until the document is
    checked, an applicant outside the registry's family is not an heir."""
    if claim.claim_reason != "DEATH" or claim_will_declared(claim) is not True:
        return False
    return Document.objects.filter(claim=claim, requirement__code=WILL_DOCUMENT,
                                   status=DocumentStatus.ACCEPTED).exists()


def jkk_report(claim: Claim) -> JkkReport | None:
    """The employer's JKK report (stage I, and stage II once filed) that opened the claim, or None."""
    if claim.claim_type != "JKK":
        return None
    return JkkReport.objects.filter(claim_id=claim.pk).first()


def _with_employer_report(claim: Claim, member: MemberRecord, today: date) -> tuple[MemberRecord, str]:
    """The record the JKK rules read, and the source of its accident report: the registry's when it has
    one of the reason's kind; else the employer's stage I report of this claim (``employer``), added to the
    record; else none (``""``)."""
    if claim_policy.accident_report(member, claim.claim_reason, today) is not None:
        return member, "registry"
    report = jkk_report(claim)
    if report is None:
        return member, ""
    zone = ZoneInfo(claim.branch.time_zone or "Asia/Jakarta")
    accident = AccidentReport(occurred_on=report.occurred_at.astimezone(zone).date(), npp=report.npp, kind=report.kind)
    return replace(member, accidents=(*member.accidents, accident)), "employer"


def _source_fact(check: claim_policy.RuleCheck, source: str) -> claim_policy.RuleCheck:
    label = {"registry": translation.gettext("data kepesertaan"),
             "employer": translation.gettext("laporan tahap I perusahaan (Formulir 3)"),
             "": translation.gettext("tidak ada: data kepesertaan dan laporan perusahaan kosong")}[source]
    fact = claim_policy.Fact("source", translation.gettext("Sumber laporan kecelakaan"), label)
    return replace(check, facts=(*check.facts, fact))


def claim_trace(claim: Claim, member: MemberRecord | None, *, percent: int | None = None,
                today: date | None = None) -> claim_policy.Trace:
    """Every rule of ``claims.policy`` that applies to the claim; a missing registry record is a rule that
    says no (nothing can be decided without the facts). The heir rules get the applicant party as the
    claimant. JKK: the accident report is the registry's, or else the employer's stage I report of the
    claim — the ``accident_reported`` rule names the source it used."""
    if member is None:
        check = claim_policy.RuleCheck("registry_record", str(translation.gettext("Data kepesertaan")), (), False,
                                       None, str(translation.gettext(
                                           "Data kepesertaan tidak ditemukan atau sistem kepesertaan tidak dapat "
                                           "dihubungi. Coba lagi nanti.")))
        return claim_policy.Trace((check,), claim_policy.Verdict(False, check.rule, None, check.message))
    day = today or branch_today(claim)
    source = None
    if claim.claim_type == "JKK":
        member, source = _with_employer_report(claim, member, day)
    trace = claim_policy.eligibility_trace(member, claim.claim_type, claim.claim_reason, day, percent=percent,
                                           claimant=claim_claimant(claim))
    if source is None:
        return trace
    checks = tuple(_source_fact(c, source) if c.rule == "accident_reported" else c for c in trace.checks)
    return claim_policy.Trace(checks, trace.verdict)


def benefit_rule_on(programme: str, day: date) -> BenefitRule | None:
    """The programme's benefit rule valid on ``day``: the latest valid-from on or before it."""
    return BenefitRule.objects.filter(programme=programme, valid_from__lte=day).order_by("-valid_from").first()


def _months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (0 when ``end`` is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(0, months)


def calculation(claim: Claim, member: MemberRecord, *, today: date | None = None
                ) -> tuple[programmes.Calculation, BenefitRule | None]:
    """A JKM, JP or JKK claim's benefit under the rule valid today, from the registry's facts and the
    employer's report; no rule valid today is a problem of the calculation."""
    day = today or branch_today(claim)
    rule = benefit_rule_on(claim.claim_type, day)
    if rule is None:
        return programmes.Calculation(claim.claim_type, (), (translation.gettext(
            "Belum ada ketentuan manfaat %(type)s yang berlaku; hubungi admin.") % {"type": claim.claim_type},)), None
    table: Any = rule.table
    if claim.claim_type == "JKM":
        end = member.date_of_death or member.membership_end or day
        ages = [claim_policy.age_on(c.birth_date, end) for c in member.relatives(Relation.CHILD) if c.alive]
        calc = programmes.jkm_benefit(table, membership_months=_months_between(member.membership_start, end),
                                      child_ages=ages)
    elif claim.claim_type == "JP":
        calc = programmes.jp_benefit(table, reason=claim.claim_reason, months=member.jp_contribution_months,
                                     average_wage=member.jp_average_wage)
    else:
        report = jkk_report(claim)
        calc = programmes.jkk_benefit(
            table, stage2_filed=report is not None and report.stage2_at is not None,
            outcome=report.outcome if report else "", treatment_cost=report.treatment_cost if report else None,
            days_unable=report.days_unable if report else None, monthly_wage=report.monthly_wage if report else None)
    return calc, rule


def tax_rule_on(day: date) -> TaxRule | None:
    """The tax rule valid on ``day``: the latest valid-from on or before it."""
    return TaxRule.objects.filter(valid_from__lte=day).order_by("-valid_from").first()


def four_eyes_above() -> int:
    return int(getattr(settings, "BENEFITS_FOUR_EYES_ABOVE", 50_000_000))


def decision_live(claim: Claim) -> Decision | None:
    """The claim's pending or final decision (there is at most one)."""
    return (Decision.objects.select_related("decided_by", "second_by", "reason", "tax_rule", "benefit_rule")
            .filter(claim_id=claim.pk, status__in=[Decision.Status.PENDING, Decision.Status.FINAL]).first())


def claim_by_code(code: str) -> Claim | None:
    return Claim.objects.select_related("branch", "branch__region", "assignee").filter(
        code=normalize_code(code)).first()


def decisions_of(claim: Claim) -> list[Decision]:
    return list(Decision.objects.select_related("decided_by", "second_by", "reason", "tax_rule", "benefit_rule")
                .filter(claim_id=claim.pk).order_by("decided_at", "id"))


def decision_reasons() -> list[DecisionReason]:
    return list(DecisionReason.objects.filter(is_active=True))


def decision_reason_get(code: str) -> DecisionReason | None:
    return DecisionReason.objects.filter(code=code, is_active=True).first()


def approvals_waiting(branch_ids: list[int] | None) -> list[Decision]:
    """Approvals waiting for a second signature, oldest first (``None``: every branch)."""
    qs = Decision.objects.select_related("claim", "claim__branch", "decided_by").filter(status=Decision.Status.PENDING)
    if branch_ids is not None:
        qs = qs.filter(claim__branch_id__in=branch_ids)
    return list(qs.order_by("decided_at", "id")[:500])


def verified_by(claim: Claim) -> int | None:
    """The officer who verified the claim (the actor of its move to VERIFIED)."""
    return (ClaimEvent.objects.filter(claim_id=claim.pk, kind=ClaimEvent.Kind.STATE_CHANGED, to_state="VERIFIED")
            .order_by("-seq").values_list("actor_user_id", flat=True).first())


def verified_at(claim: Claim) -> Any:
    return (ClaimEvent.objects.filter(claim_id=claim.pk, kind=ClaimEvent.Kind.STATE_CHANGED, to_state="VERIFIED")
            .order_by("-seq").values_list("created_at", flat=True).first())


# --- what the officer sees --------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """The amounts an approval would give today, with and without NPWP, and the rule they come from."""

    balance: int
    percent: int | None
    with_npwp: policy.Benefit
    without_npwp: policy.Benefit
    rule: TaxRule
    four_eyes_above: int


@dataclass(frozen=True)
class BenefitPanel:
    """The claim page's "Kelayakan dan manfaat" panel: JHT's preview (balance and tax), or the JKM / JP /
    JKK calculation with the rule row it used."""

    trace: claim_policy.Trace
    member_found: bool
    preview: Preview | None
    decision: Decision | None
    history: list[Decision]
    account: AccountStatus
    calculation: programmes.Calculation | None = None
    rule: BenefitRule | None = None

    @property
    def eligible(self) -> bool:
        return self.member_found and self.trace.eligible

    @property
    def approvable(self) -> bool:
        """Eligible, and (JKM, JP, JKK) a benefit that can be paid."""
        return self.eligible and (self.calculation is None or self.calculation.payable)


def preview(claim: Claim, member: MemberRecord, *, percent: int | None = None) -> Preview | None:
    """JHT: the gross, tax and net with and without NPWP (None for another type, or no tax rule)."""
    if claim.claim_type != "JHT":
        return None
    rule = tax_rule_on(branch_today(claim))
    if rule is None:
        return None
    share = percent if percent is not None else partial_share(claim)
    gross = policy.gross_amount(member.balance, share)
    return Preview(balance=member.balance, percent=share, with_npwp=policy.benefit(gross, has_npwp=True, table=rule.table),
                   without_npwp=policy.benefit(gross, has_npwp=False, table=rule.table), rule=rule,
                   four_eyes_above=four_eyes_above())


def benefit_panel(claim: Claim, member: MemberRecord | None) -> BenefitPanel:
    """The panel for a claim whose registry record the officer opened (``member``; None: not found)."""
    calc, rule = (calculation(claim, member) if member is not None and claim.claim_type != "JHT" else (None, None))
    return BenefitPanel(trace=claim_trace(claim, member), member_found=member is not None,
                        preview=preview(claim, member) if member is not None else None,
                        decision=decision_live(claim), history=decisions_of(claim), account=bank_account_status(claim),
                        calculation=calc, rule=rule)


# --- what the participant sees ----------------------------------------------------------------------


def participant_breakdown(claim: Claim, language: str = "id") -> dict[str, Any] | None:
    """The amounts of the claim's final approval as the participant reads them (None before approval):
    gross, the tax-free part, the taxed part, the rate and whether it was the NPWP rate, tax and net, each
    a whole number of rupiah and a formatted figure."""
    d = (Decision.objects.select_related("tax_rule", "benefit_rule")
         .filter(claim_id=claim.pk, kind=Decision.Kind.APPROVE, status=Decision.Status.FINAL).first())
    if d is None or d.gross is None or d.net is None or d.tax is None:
        return None
    with translation.override(language):
        if d.tax_rule_id is None:  # JKM, JP, JKK: the components, not taxed
            paid = [c for c in d.components if c.get("paid_now")]
            return {
                "taxed": False, "gross": d.gross, "tax": d.tax, "net": d.net, "monthly": d.monthly_amount,
                "tax_free": 0, "taxable": 0, "rate_percent": "0", "has_npwp": False, "percent": None,
                "components": [{"title": programmes.title(str(c.get("rule", ""))), "amount": c.get("amount", 0),
                                "amount_text": policy.rupiah(int(c.get("amount", 0)), language)} for c in paid],
                "legal_basis": d.benefit_rule.legal_basis if d.benefit_rule else "",
                "gross_text": policy.rupiah(d.gross, language), "tax_text": policy.rupiah(d.tax, language),
                "net_text": policy.rupiah(d.net, language),
                "monthly_text": policy.rupiah(d.monthly_amount, language) if d.monthly_amount else "",
                "approved_on": long_date((d.second_at or d.decided_at).astimezone(
                    ZoneInfo(claim.branch.time_zone or "Asia/Jakarta")), language),
            }
        return {"taxed": True,
            "gross": d.gross, "tax": d.tax, "net": d.net, "tax_free": d.threshold or 0, "taxable": d.taxable or 0,
            "rate_percent": d.rate_percent, "has_npwp": bool(d.has_npwp), "percent": d.percent,
            "legal_basis": d.tax_rule.legal_basis if d.tax_rule else "",
            "gross_text": policy.rupiah(d.gross, language), "tax_text": policy.rupiah(d.tax, language),
            "net_text": policy.rupiah(d.net, language), "tax_free_text": policy.rupiah(d.threshold or 0, language),
            "taxable_text": policy.rupiah(d.taxable or 0, language),
            "approved_on": long_date((d.second_at or d.decided_at).astimezone(
                ZoneInfo(claim.branch.time_zone or "Asia/Jakarta")), language),
        }
