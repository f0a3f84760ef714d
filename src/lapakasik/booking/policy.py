"""Pure rules of the online queue: the booking window, eligibility against the registry record, the
broker threshold. No database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from lapakasik.branches import policy as branch_policy
from lapakasik.core.dates import long_date
from lapakasik.core.validators import normalize_name
from lapakasik.registry.adapters import MemberRecord

WAITING_PERIOD_MONTHS = 1
RETIREMENT_AGE = 56
PARTIAL_MIN_YEARS = 10
SEPARATION_REASONS = frozenset({"RESIGNED", "PHK"})
PARTIAL_REASONS = frozenset({"PARTIAL_10", "PARTIAL_30"})


# --- the booking follows its claim -------------------------------------------------------------------

#: The booking status an ACTIVE booking takes when its claim arrives in a state (others: unchanged; a
#: booking whose session is over while the claim goes on is COMPLETED by the no-show job instead).
BOOKING_STATUS_FOR_CLAIM_STATE = {"CANCELLED": "CANCELLED", "EXPIRED": "EXPIRED"}


def booking_status_after(claim_state: str) -> str | None:
    """The status an active booking moves to when its claim arrives in ``claim_state`` (None: stays)."""
    return BOOKING_STATUS_FOR_CLAIM_STATE.get(claim_state)


# --- calendar -------------------------------------------------------------------------------------

def add_months(day: date, months: int) -> date:
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


def window_last_day(today: date, local_hour: int, *, open_hour: int, days: int,
                    closed_days: Iterable[date] = ()) -> date | None:
    """The last bookable date: ``days`` working days counted from tomorrow; before the opening hour
    (branch-local) the newest day is not open yet, so the window is counted from yesterday's view."""
    base = today if local_hour >= open_hour else today - timedelta(days=1)
    ahead = branch_policy.working_days_ahead(base + timedelta(days=1), days, closed_days)
    return ahead[-1] if ahead else None


def window_days(today: date, local_hour: int, *, open_hour: int, days: int,
                closed_days: Iterable[date] = ()) -> list[date]:
    """Every bookable working day: from tomorrow to ``window_last_day`` (branch-local dates)."""
    closed = set(closed_days)
    last = window_last_day(today, local_hour, open_hour=open_hour, days=days, closed_days=closed)
    result: list[date] = []
    day = today + timedelta(days=1)
    while last is not None and day <= last:
        if branch_policy.is_working_day(day, closed):
            result.append(day)
        day += timedelta(days=1)
    return result


def slot_bounds(day: date, start: time, end: time, tz_name: str) -> tuple[datetime, datetime]:
    tz = ZoneInfo(tz_name)
    return datetime.combine(day, start, tzinfo=tz), datetime.combine(day, end, tzinfo=tz)


def documents_due(slot_start_local: datetime) -> datetime:
    """H-1: documents must arrive by the end of the day before the slot (branch-local 23:59:59)."""
    day_before = slot_start_local.date() - timedelta(days=1)
    return datetime.combine(day_before, time(23, 59, 59), tzinfo=slot_start_local.tzinfo)


def parse_session_start(value: str) -> time | None:
    text = str(value or "").strip()
    if len(text) != 5 or text[2] != ":" or not (text[:2] + text[3:]).isdigit():
        return None
    hour, minute = int(text[:2]), int(text[3:])
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


# --- eligibility ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Verdict:
    eligible: bool
    rule: str = ""
    possible_from: date | None = None
    message: str = ""


OK = Verdict(True)


def names_match(given: str, registered: str) -> bool:
    """Case- and space-insensitive: ``budi  santoso`` matches ``BUDI SANTOSO``."""
    return bool(given) and normalize_name(given) == normalize_name(registered)


def eligibility(member: MemberRecord, claim_type: str, reason: str, today: date) -> Verdict:
    """Whether the registry record allows this claim now; when not, the rule and the date it becomes
    possible (None when no date can be given, e.g. while still employed)."""
    if claim_type != "JHT":
        return OK
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


def is_broker(distinct_niks: int, threshold: int) -> bool:
    return threshold > 0 and distinct_niks >= threshold
