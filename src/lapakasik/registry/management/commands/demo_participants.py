"""``lapakasik demo_participants --format csv`` — the seeded synthetic participants, for load tests and for
trying the queue by hand. After each ``deceased`` participant come their heir cases: the widow (or
widower), who may book the JKM claim, and a child, whom the heir order refuses while she lives — each with
their own NIK and name, no KPJ of their own, and the deceased's NIK and KPJ as ``insured_nik`` and
``insured_kpj``."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand

from lapakasik.registry.models import DemoParticipant
from lapakasik.registry.seed import EXPECTED_FOR_CASE, REASON_FOR_CASE

COLUMNS = ["nik", "kpj", "full_name", "birth_date", "case", "claim_type", "claim_reason", "expected", "applicant",
           "insured_nik", "insured_kpj"]
#: The heirs listed after a deceased participant: (relation, the outcome of their JKM booking).
HEIR_CASES = (("spouse", "eligible"), ("child", "heir_order"))


def heir_rows(p: DemoParticipant) -> Iterator[list[str]]:
    """The heir cases of a deceased participant: the first living family member of each relation."""
    for relation, expected in HEIR_CASES:
        heir = next((m for m in p.family or [] if m.get("relation") == relation and not m.get("date_of_death")), None)
        if heir is not None:
            yield [heir["nik"], "", heir["full_name"], str(heir.get("birth_date") or ""), p.case, "JKM", "DEATH",
                   expected, "heir", p.nik, p.kpj]


class Command(BaseCommand):
    help = ("Print the synthetic demo participants (CSV or JSON lines) with the reason to book and the outcome; "
            "after each deceased participant, the heirs who book the JKM claim with the deceased's NIK and KPJ.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--case", default="", help="only this case (e.g. eligible, deceased)")
        parser.add_argument("--limit", type=int, default=0, help="at most this many participants (their heirs follow)")

    def handle(self, *args: Any, **options: Any) -> None:
        qs = DemoParticipant.objects.order_by("id")
        if options["case"]:
            qs = qs.filter(case=options["case"])
        if options["limit"]:
            qs = qs[: options["limit"]]
        writer = csv.writer(self.stdout, lineterminator="\n") if options["format"] == "csv" else None
        if writer:
            writer.writerow(COLUMNS)
        for p in qs.iterator():
            row = [p.nik, p.kpj, p.full_name, p.birth_date.isoformat(), p.case, "JHT",
                   REASON_FOR_CASE.get(p.case, "RESIGNED"), EXPECTED_FOR_CASE.get(p.case, ""), "participant", "", ""]
            for line in (row, *(heir_rows(p) if p.case == "deceased" else ())):
                if writer:
                    writer.writerow(line)
                else:
                    self.stdout.write(json.dumps(dict(zip(COLUMNS, line, strict=True))))
