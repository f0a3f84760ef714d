"""The employer side's rules, pure (no database): the JKK reporting deadlines (PP 44/2015: the employer
reports an accident within 2 × 24 hours — stage I — and reports the outcome within 2 × 24 hours of the
doctor's statement of recovery, disability or death — stage II), whether a worker was the company's on the
day, and which addresses may be invited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from lapakasik.registry.adapters import EmploymentPeriod

REPORT_WINDOW = timedelta(hours=48)  # 2 × 24 h, both stages
#: The JKK reason a stage I report's kind opens the claim with (``claims.reasons``).
REASON_OF_KIND = {"workplace": "ACCIDENT", "road": "ACCIDENT", "occupational_disease": "OCCUPATIONAL_DISEASE"}
#: The stage II report's figures (the JKK benefit's inputs): beyond these a figure is a mistake, refused.
MAX_TREATMENT_COST = 10_000_000_000  # Rp 10 billion
MAX_MONTHLY_WAGE = 1_000_000_000  # Rp 1 billion a month
MAX_DAYS_UNABLE = 3_660  # ten years


def stage1_due(occurred_at: datetime) -> datetime:
    """Stage I is due 2 × 24 h after the accident."""
    return occurred_at + REPORT_WINDOW


def stage2_due(outcome_day_start: datetime) -> datetime:
    """Stage II is due 2 × 24 h after the day of the outcome began (its midnight in the branch's zone: the
    doctor's statement has a date, not a time)."""
    return outcome_day_start + REPORT_WINDOW


def late(filed_at: datetime, due_at: datetime) -> bool:
    """A report filed after its deadline is accepted, and flagged late."""
    return filed_at > due_at


def employed_on(employments: Iterable[EmploymentPeriod], npp: str, day: date) -> bool:
    """The registry has the worker employed by the company ``npp`` on ``day``."""
    return any(p.npp == npp and p.covers(day) for p in employments)


def may_invite(email: str, hr_emails: Iterable[str]) -> bool:
    """Only an HR address the registry lists for the company may be invited (case of the letters aside)."""
    wanted = email.strip().lower()
    return bool(wanted) and any(wanted == e.strip().lower() for e in hr_emails)
