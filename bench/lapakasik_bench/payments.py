"""A branch's payment batch at volume: seeds N approved claims (default 10,000) at a branch of their own,
each with its applicant, a checked bank account and a pending payment instruction; then times, as the
supervisor would run them, closing the day's batch (``payments.batches.batch_close``), exporting its CSV
for the bank, and importing the bank's result file (``batch_result_import``: every claim → PAID with its
history event and its "paid" message; ``--fail`` of the lines refused by the bank instead). Prints the
wall time of each step and the process's peak resident memory while they ran (sampled every 5 ms), and
the peak of Python's own allocations when ``--tracemalloc`` is given (slower; a separate run).

Run it on a database of its own (``LAPAKASIK_DATA_DIR=/tmp/bench-payments`` or ``DATABASE_URL=…/bench``):
each run adds a branch and N claims (codes starting with the run's random prefix).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import threading
import time
from datetime import date, timedelta
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--fail", type=float, default=0.01, help="share of the lines the bank refuses")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python's allocations (slower)")


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class PeakRss:
    """The process's resident memory, sampled every 5 ms while the block runs."""

    def __enter__(self) -> PeakRss:
        self.peak = self.start = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss_mb())

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


def _seed(n: int, rng: random.Random) -> tuple[Any, Any, str]:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from lapakasik.accounts.models import OfficerProfile
    from lapakasik.branches.models import Branch, Region
    from lapakasik.branches.seed import seed_demo as branches_seed
    from lapakasik.claims.models import Claim, ClaimParty
    from lapakasik.core import clock
    from lapakasik.core.codes import new_code
    from lapakasik.payments.models import BankAccount, PaymentInstruction

    branches_seed()
    run = new_code(3)
    region = Region.objects.order_by("code").first()
    assert region is not None, "seed_demo made the regions"
    branch = Branch.objects.create(code=f"BP{run}", name=f"Bench pembayaran {run}", region=region,
                                   address="Jl. Contoh 1", city="Kota Contoh", time_zone="Asia/Jakarta")
    user, _ = get_user_model().objects.get_or_create(username=f"bench.pay.{run.lower()}",
                                                     defaults={"first_name": "Bench"})
    OfficerProfile.objects.create(user=user, role="supervisor", branch=branch)
    syllables = ["ba", "di", "ri", "na", "wa", "ti", "su", "har", "yan", "to", "ka", "ma", "sa", "put", "ra"]

    def name() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize()

    now = clock.now()
    base = Claim.objects.count()  # NIKs after every claim already there: unique across runs
    for first in range(0, n, 2000):
        with transaction.atomic():
            claims = Claim.objects.bulk_create([Claim(
                code=f"{run}{i:07d}"[:16], claim_type="JHT", claim_reason="RESIGNED", branch=branch, state="APPROVED",
                opened_via="booking", insured_nik=f"36{base + i:014d}", insured_kpj=f"{i:011d}",
                access_token_digest=f"benchpay{run}{i:053d}"[:64], session_at=now - timedelta(days=3))
                for i in range(first, min(n, first + 2000))])
            names = {c.pk: f"{name()} {name()}" for c in claims}
            ClaimParty.objects.bulk_create([ClaimParty(
                claim=c, role="participant", is_applicant=True, nik=c.insured_nik, full_name=names[c.pk],
                email=f"p{c.pk}@contoh.id", channels=["email"]) for c in claims])
            BankAccount.objects.bulk_create([BankAccount(
                claim=c, bank_code="014", account_number=f"{rng.randint(0, 10**10 - 1):010d}",
                holder_name=names[c.pk].upper(), check_result="matches", checked_by=user, checked_at=now,
                updated_at=now) for c in claims])
            PaymentInstruction.objects.bulk_create([PaymentInstruction(
                reference=f"PI{run}{c.pk:010d}", claim=c, branch=branch, amount=rng.randint(1_000_000, 150_000_000),
                created_at=now) for c in claims])
    return branch, user, run


def run(options: dict[str, Any], stdout: Any) -> None:
    import tracemalloc

    from django.db import connection

    from lapakasik.payments import bankfiles
    from lapakasik.payments.batches import batch_close, batch_csv, batch_result_import
    from lapakasik.payments.models import PaymentInstruction

    rng = random.Random(int(options["seed"]))
    n = int(options["claims"])
    started = time.perf_counter()
    branch, user, _run = _seed(n, rng)
    stdout.write(f"payments benchmark · {connection.vendor} · {n:,} approved claims seeded in "
                 f"{time.perf_counter() - started:.1f} s · {platform.node()} · {os.cpu_count()} CPUs · "
                 f"load {os.getloadavg()[0]:.2f}\n")
    if options.get("tracemalloc"):
        tracemalloc.start()
    with PeakRss() as rss:
        t0 = time.perf_counter()
        batch = batch_close(branch=branch, user=user, business_date=date.today())
        t1 = time.perf_counter()
        text = batch_csv(batch)
        t2 = time.perf_counter()
        refs = list(PaymentInstruction.objects.filter(batch=batch).order_by("id").values_list("reference", "amount"))
        fail = set(rng.sample(range(len(refs)), int(len(refs) * float(options["fail"]))))
        result = bankfiles.result_csv(batch_reference=batch.reference, lines=[
            (ref, k not in fail, amount, date.today() if k not in fail else None, "" if k not in fail else "R03",
             "" if k not in fail else "Rekening tidak ditemukan") for k, (ref, amount) in enumerate(refs)])
        t3 = time.perf_counter()
        outcome = batch_result_import(batch=batch, content=result, user=user)
        t4 = time.perf_counter()
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if options.get("tracemalloc") else None
    tracemalloc.stop()
    close_s, csv_s, import_s = t1 - t0, t2 - t1, t4 - t3
    total = close_s + csv_s + import_s
    stdout.write(f"batch {batch.reference}: {batch.count:,} lines, control total Rp {batch.control_total:,}; "
                 f"CSV {len(text.encode()) / 1024:.0f} kB, result file {len(result) / 1024:.0f} kB\n")
    stdout.write(f"close {close_s:6.2f} s · export CSV {csv_s:6.2f} s · import result {import_s:6.2f} s "
                 f"({outcome.paid:,} paid, {outcome.failed:,} failed) · total {total:.2f} s (target < 10 s)\n")
    stdout.write(f"peak RSS {rss.peak:.0f} MB (before {rss.start:.0f} MB, +{rss.peak - rss.start:.0f} MB) "
                 f"(target < 200 MB)" + (f" · Python allocations peak {traced:.0f} MB" if traced else "") + "\n")
