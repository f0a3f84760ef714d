"""``lapakasik demo_participants --format csv`` — the seeded synthetic participants, for load tests."""

from __future__ import annotations

import csv
import json
from typing import Any

from django.core.management.base import BaseCommand

from lapakasik.registry.models import DemoParticipant
from lapakasik.registry.seed import EXPECTED_FOR_CASE, REASON_FOR_CASE

COLUMNS = ["nik", "kpj", "full_name", "birth_date", "case", "claim_type", "claim_reason", "expected"]


class Command(BaseCommand):
    help = "Print the synthetic demo participants (CSV or JSON lines) with the JHT reason to book and the outcome."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--case", default="", help="only this case (e.g. eligible)")
        parser.add_argument("--limit", type=int, default=0)

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
                   REASON_FOR_CASE.get(p.case, "RESIGNED"), EXPECTED_FOR_CASE.get(p.case, "")]
            if writer:
                writer.writerow(row)
            else:
                self.stdout.write(json.dumps(dict(zip(COLUMNS, row, strict=True))))
