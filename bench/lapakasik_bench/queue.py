"""The officer's work queue at volume: seeds N claims (default 100,000) with their applicant parties —
``--share`` of them at the measured branch (default 0.1: 10,000, more than the 7,266 claims Cilandak
handled in three months of 2020) and ``--open`` of those still open (default 0.2; the rest paid, rejected,
cancelled or expired); ``--share 1 --open 1`` is the worst case of every claim open at one branch — then
times the queue page
(``casework.views.home``: filters, counts, template) as an officer of that branch would open it, for every
filter and for the first, a middle and the last page. Per case: server time p50/p95/max over R runs and the
number of SQL queries (which must not depend on the page or the filter). Baseline of the same run: the
page's own SQL statements replayed on a raw cursor (``ratio`` = page time / SQL time).

Run it on a database of its own (``LAPAKASIK_DATA_DIR=/tmp/bench-queue`` or ``DATABASE_URL=…/bench``): it
adds N claims with codes starting "Q" (and removes earlier ones of the same prefix first).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time
from datetime import timedelta
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--share", type=float, default=0.1, help="fraction of the claims at the measured branch")
    parser.add_argument("--open", type=float, default=0.2, help="fraction of the claims still open")
    parser.add_argument("--keep", action="store_true", help="reuse the claims of an earlier run")


def _seed(n: int, rng: random.Random, out: Any, share: float, open_share: float) -> tuple[Any, Any]:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from lapakasik.accounts.models import OfficerProfile
    from lapakasik.branches.models import Branch
    from lapakasik.branches.seed import seed_demo as branches_seed
    from lapakasik.claims import workflow
    from lapakasik.claims.models import Claim, ClaimParty
    from lapakasik.core import clock

    branches_seed()
    branches = list(Branch.objects.order_by("code"))
    branch = branches[0]
    user, _ = get_user_model().objects.get_or_create(username="bench.queue", defaults={"first_name": "Bench"})
    OfficerProfile.objects.get_or_create(user=user, defaults={"role": "officer", "branch": branch})
    others = [get_user_model().objects.get_or_create(username=f"bench.cso{i}")[0] for i in range(8)]
    open_states = sorted(workflow.PARTICIPANT_ACTIVE)
    weights = [10 if s in ("DOCUMENTS_RECEIVED", "IN_REVIEW", "AWAITING_DOCUMENTS") else 2 for s in open_states]
    closed_states, closed_weights = ["PAID", "REJECTED", "CANCELLED", "EXPIRED"], [80, 8, 6, 6]
    now = clock.now()
    syllables = ["ba", "di", "ri", "na", "wa", "ti", "su", "har", "yan", "to", "ka", "ma", "sa", "put", "ra",
                 "dew", "an", "go", "ni", "lis", "ja", "ya", "nu", "hen", "dra", "se", "tia", "wan", "fi", "kur"]

    def name() -> str:  # thousands of distinct names, as a branch's participants have
        return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize()

    started = time.perf_counter()
    batch = 5000
    for first in range(0, n, batch):
        claims = []
        for i in range(first, min(n, first + batch)):
            state = (rng.choices(open_states, weights)[0] if rng.random() < open_share
                     else rng.choices(closed_states, closed_weights)[0])
            claims.append(Claim(
                code=f"Q{i:07d}", claim_type=rng.choice(["JHT"] * 8 + ["JKK", "JKM", "JP"]), claim_reason="RESIGNED",
                branch=branch if rng.random() < share else rng.choice(branches), state=state, insured_nik=f"3174{i:012d}", insured_kpj=f"{i:011d}",
                access_token_digest=f"bench{i:059d}", session_at=now + timedelta(minutes=rng.randint(-43200, 43200)),
                documents_due_at=now + timedelta(minutes=rng.randint(-43200, 43200)),
                assignee=rng.choice([None, None, None, user, *others])))
        with transaction.atomic():
            made = Claim.objects.bulk_create(claims)
            ClaimParty.objects.bulk_create([ClaimParty(
                claim=c, role="participant", is_applicant=True, nik=c.insured_nik, full_name=f"{name()} {name()}", email=f"p{c.pk}@contoh.id",
                channels=["email"]) for c in made])
    out.write(f"seeded {n:,} claims in {time.perf_counter() - started:.1f} s\n")
    return branch, user


def run(options: dict[str, Any], stdout: Any) -> None:
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.signed_cookies import SessionStore
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from lapakasik.casework.views import home
    from lapakasik.claims.models import Claim, ClaimParty

    rng = random.Random(options["seed"])
    n = int(options["claims"])
    if not options["keep"]:
        ClaimParty.objects.filter(claim__code__startswith="Q").delete()
        Claim.objects.filter(code__startswith="Q").delete()
    branch, user = (_seed(n, rng, stdout, float(options["share"]), float(options["open"])) if not options["keep"]
                    else _existing())
    with connection.cursor() as cur:  # planner statistics and visibility map, as a production database keeps them
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    total = Claim.objects.filter(branch=branch).count()
    open_total = Claim.objects.filter(branch=branch).exclude(state__in=["PAID", "REJECTED", "CANCELLED", "EXPIRED"]).count()
    factory = RequestFactory()
    cases = {
        "first page": "", "middle page": "page=500", "last page": "page=10000", "state": "state=IN_REVIEW",
        "type": "type=JKK", "overdue": "overdue=1", "mine": "mine=1", "unassigned": "unassigned=1",
        "search code": f"q={_sample(branch).code}", "search NIK": f"q={_sample(branch).insured_nik}", "search name": f"q={_sample_name(branch)}",
        "all filters": "state=DOCUMENTS_RECEIVED&type=JHT&overdue=1&unassigned=1&page=3",
    }
    stdout.write(f"queue benchmark · {connection.vendor} · {Claim.objects.count():,} claims, {total:,} at branch "
                 f"{branch.code} ({open_total:,} open) · "
                 f"{platform.node()} · {os.cpu_count()} CPUs · load {os.getloadavg()[0]:.2f}\n")
    stdout.write(f"{'case':<14} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8} {'SQL ms':>8} {'ratio':>6}\n")
    worst = 0.0
    query_counts = set()
    for name, query in cases.items():
        times, sql_times, counts = [], [], set()
        statements: list[str] = []
        for _ in range(int(options["runs"])):
            request = factory.get(f"/petugas/?{query}")
            request.user = user
            request.session = SessionStore()
            request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = home(request)
                response.render() if hasattr(response, "render") else None
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
            counts.add(len(ctx.captured_queries))
            statements = [q["sql"] for q in ctx.captured_queries]
        with connection.cursor() as cur:
            for _ in range(int(options["runs"])):
                start = time.perf_counter()
                for sql in statements:
                    cur.execute(sql)
                    cur.fetchall()
                sql_times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
        sql50 = statistics.median(sql_times)
        worst = max(worst, p95)
        query_counts |= counts
        stdout.write(f"{name:<14} {p50:8.1f} {p95:8.1f} {max(times):8.1f} {'/'.join(map(str, sorted(counts))):>8} "
                     f"{sql50:8.1f} {p50 / sql50 if sql50 else 0:6.2f}\n")
    stdout.write(f"worst p95 {worst:.1f} ms (target < 150 ms); queries per page: {sorted(query_counts)}\n")


def _sample(branch: Any) -> Any:
    from lapakasik.claims.models import Claim

    return Claim.objects.filter(branch=branch, state="IN_REVIEW").order_by("id").first()


def _sample_name(branch: Any) -> str:
    from lapakasik.claims.models import ClaimParty

    return str(ClaimParty.objects.filter(claim=_sample(branch), is_applicant=True).get().full_name)


def _existing() -> tuple[Any, Any]:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="bench.queue")
    return user.officer.branch, user
