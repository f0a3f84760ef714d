"""The after-opening report: what an opening's rows say once it is over — who joined (in the draw or
after), booked with their turn, were told the day was gone, the broker signals across its places, per
branch — beside the settings and the branch quotas in force that morning. Counts only: nobody is named.
Read by the operators' report page (``branchops``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q

from lapakasik.booking.models import BrokerSignal, BrokerSignalEntry, OpeningPlace, OpeningSettingsChange
from lapakasik.branches.models import QuotaChange

from . import config


@dataclass(frozen=True)
class BranchLine:
    branch_id: int
    chosen: int
    booked: int


@dataclass(frozen=True)
class OpeningReport:
    opens_at: datetime
    joined: int
    in_draw: int
    late: int
    booked: int
    told_sold_out: int
    signals: int
    flagged_places: int
    branches: list[BranchLine]
    settings_change: OpeningSettingsChange | None  # None: the service's configuration was in force
    settings: config.Editable
    quota_changes: list[QuotaChange]  # the day before the opening, of the branches reported

    @property
    def not_booked(self) -> int:
        return self.joined - self.booked


def past_openings(limit: int = 30) -> list[datetime]:
    """The openings that have places, newest first."""
    return list(OpeningPlace.objects.order_by("-opening_at").values_list("opening_at", flat=True)
                .distinct()[:limit])


def opening_report(opens_at: datetime, branch_ids: list[int]) -> OpeningReport:
    """The report of the opening at ``opens_at``; the per-branch lines and quota changes of ``branch_ids``
    (the caller's scope). A handful of queries."""
    places = OpeningPlace.objects.filter(opening_at=opens_at)
    totals = places.aggregate(joined=Count("id"), in_draw=Count("id", filter=Q(in_draw=True)),
                              booked=Count("id", filter=Q(used_at__isnull=False)),
                              told=Count("id", filter=Q(told_sold_out_at__isnull=False)))
    lines = [BranchLine(branch_id=r["branch_id"], chosen=r["chosen"], booked=r["booked"]) for r in (
        places.filter(branch_id__in=branch_ids).values("branch_id")
        .annotate(chosen=Count("id"), booked=Count("id", filter=Q(used_at__isnull=False))).order_by("branch_id"))]
    signals = BrokerSignal.objects.filter(source=BrokerSignal.Source.OPENING, opening_at=opens_at)
    flagged = (BrokerSignalEntry.objects.filter(signal__in=signals, place__isnull=False)
               .values("place_id").distinct().count())
    change = config.in_force_at(opens_at)
    quotas = list(QuotaChange.objects.select_related("branch", "set_by").filter(
        branch_id__in=branch_ids, created_at__gt=opens_at - timedelta(days=1), created_at__lte=opens_at)[:200])
    return OpeningReport(
        opens_at=opens_at, joined=totals["joined"], in_draw=totals["in_draw"],
        late=totals["joined"] - totals["in_draw"], booked=totals["booked"], told_sold_out=totals["told"],
        signals=signals.count(), flagged_places=flagged, branches=lines, settings_change=change,
        settings=config.values_of(change) if change is not None else config.configured(), quota_changes=quotas)
