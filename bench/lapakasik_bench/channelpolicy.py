"""A region-wide channel-policy switch at volume: seeds N claims (default 50,000) waiting for a dropbox drop
or with a failed upload, spread over the branches of one region of its own (``--branches``, default 10), each
with its applicant (e-mail; ``--phone-share`` of them also SMS) and personal upload link and e-mail address;
then switches the region to online-only with ``branches.services.channel_policy_set`` and runs the job
(``branchops.services.channel_policy_announce``) until every affected participant has their messages stored
— the notification rows and their delivery tasks, committed. Printed: the time from the switch to the last
message stored, messages per second, and the second run of the job (which must tell nobody).

Baseline of the same run: the same number of notification rows written with one ``bulk_create`` per 2,000
rows (no delivery tasks, no contexts): the floor of storing that many rows on this database
(``ratio`` = job time ÷ baseline time).

Run it on a database of its own (``LAPAKASIK_DATA_DIR=/tmp/bench-policy`` or ``DATABASE_URL=…/bench``,
migrated): it creates region ``BENCHPOL`` and claims with codes starting "P" (and removes earlier ones first).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from datetime import timedelta
from typing import Any

REGION = "BENCHPOL"
TARGET_SECONDS = 60.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--claims", type=int, default=50_000)
    parser.add_argument("--branches", type=int, default=10)
    parser.add_argument("--phone-share", type=float, default=0.3, help="fraction of applicants also told by SMS")
    parser.add_argument("--batch", type=int, default=500, help="participants per transaction of the job")
    parser.add_argument("--seed", type=int, default=11)


def _clean() -> None:
    from django.db import connection

    from lapakasik.branches.models import Branch, ChannelPolicy, Region
    from lapakasik.branchops.models import PolicyNotice
    from lapakasik.claims.models import Claim, ClaimEvent, ClaimParty
    from lapakasik.intake.models import IntakeAccess
    from lapakasik.notifications.models import Notification

    claims = Claim.objects.filter(code__startswith="P", branch__region__code=REGION)
    PolicyNotice.objects.filter(claim__in=claims).delete()
    Notification.objects.filter(claim__in=claims).delete()
    Notification.objects.filter(event="bench_baseline").delete()
    IntakeAccess.objects.filter(claim__in=claims).delete()
    ClaimEvent.objects.filter(claim__in=claims).delete()
    ClaimParty.objects.filter(claim__in=claims).delete()
    claims.delete()
    ChannelPolicy.objects.filter(Q_region()).delete()
    Branch.objects.filter(region__code=REGION).delete()
    Region.objects.filter(code=REGION).delete()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s",
                    ["%notification_deliver%"])


def Q_region() -> Any:
    from django.db.models import Q

    return Q(region__code=REGION) | Q(branch__region__code=REGION)


def _seed(n: int, n_branches: int, phone_share: float, rng: random.Random, out: Any) -> Any:
    from django.db import transaction

    from lapakasik.branches.models import Branch, ChannelPolicy, Region
    from lapakasik.claims.models import Claim, ClaimParty
    from lapakasik.core import clock
    from lapakasik.intake.models import IntakeAccess

    started = time.perf_counter()
    region = Region.objects.create(code=REGION, name="Kanwil Bench", time_zone="Asia/Makassar")
    ChannelPolicy.objects.create(region=region, mode="ONLINE_AND_DROPBOX", valid_from=clock.now() - timedelta(days=30),
                                 reason="Bench: online dan dropbox", announced_at=clock.now())
    branches = [Branch.objects.create(code=f"BP{i:03d}", name=f"KC Bench {i}", region=region, address="Jl. Bench 1",
                                      city="Makassar", time_zone="Asia/Makassar") for i in range(n_branches)]
    now = clock.now()
    batch = 5000
    for first in range(0, n, batch):
        claims = [Claim(code=f"P{i:07d}", claim_type="JHT", claim_reason="RESIGNED", branch=branches[i % n_branches],
                        state="UPLOAD_FAILED" if rng.random() < 0.6 else "DROPBOX_EXPECTED",
                        insured_nik=f"7371{i:012d}", insured_kpj=f"{i:011d}", access_token_digest=f"benchpol{i:056d}",
                        documents_due_at=now + timedelta(days=3), session_at=now + timedelta(days=4))
                  for i in range(first, min(n, first + batch))]
        with transaction.atomic():
            made = Claim.objects.bulk_create(claims)
            parties = []
            for c in made:
                phone = rng.random() < phone_share
                parties.append(ClaimParty(claim=c, role="participant", is_applicant=True, nik=c.insured_nik,
                                          full_name="Peserta Bench", email=f"{c.code.lower()}@contoh.id",
                                          phone=f"+62812{c.pk:08d}"[:15] if phone else "",
                                          language="en" if rng.random() < 0.1 else "id",
                                          channels=["email", "sms"] if phone else ["email"]))
            ClaimParty.objects.bulk_create(parties)
            IntakeAccess.objects.bulk_create(
                [IntakeAccess(claim=c, kind=kind, token=f"{kind[0]}{c.code.lower()}bench{c.pk}", created_at=now)
                 for c in made for kind in ("upload", "email")])
    out.write(f"seeded {n:,} claims at {n_branches} branches of {REGION} in {time.perf_counter() - started:.1f} s\n")
    return region


def _baseline(count: int, claim_ids: list[int]) -> float:
    from django.db import transaction

    from lapakasik.core.codes import new_code, new_token
    from lapakasik.notifications.models import Notification

    started = time.perf_counter()
    for first in range(0, count, 2000):
        with transaction.atomic():
            Notification.objects.bulk_create([Notification(
                claim_id=claim_ids[i % len(claim_ids)], event="bench_baseline", channel="email",
                recipient="bench@contoh.id", idempotency_key=new_token(24), verification_code=new_code(8))
                for i in range(first, min(count, first + 2000))])
    elapsed = time.perf_counter() - started
    Notification.objects.filter(event="bench_baseline").delete()
    return elapsed


def run(options: dict[str, Any], stdout: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from lapakasik.branches.services import channel_policy_set
    from lapakasik.branchops import services
    from lapakasik.branchops.models import PolicyNotice
    from lapakasik.claims.models import Claim
    from lapakasik.notifications.models import Notification

    rng = random.Random(options["seed"])
    n = int(options["claims"])
    _clean()
    region = _seed(n, int(options["branches"]), float(options["phone_share"]), rng, stdout)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    admin, _ = get_user_model().objects.get_or_create(username="bench.kanwil")
    stdout.write(f"channel-policy benchmark · {connection.vendor} · {platform.node()} · {os.cpu_count()} CPUs · "
                 f"load {os.getloadavg()[0]:.2f}\n")

    started = time.perf_counter()
    change = channel_policy_set(mode="ONLINE_ONLY", reason="Bench: pembatasan sosial di seluruh wilayah",
                                actor=admin, region=region)
    told = services.channel_policy_announce(batch=int(options["batch"]))
    elapsed = time.perf_counter() - started
    messages = Notification.objects.filter(event=services.EVENT, claim__branch__region=region).count()
    queued = Notification.objects.filter(event=services.EVENT, claim__branch__region=region).exclude(task_id="").count()
    notices = PolicyNotice.objects.filter(change=change, told_at__isnull=False).count()

    again_started = time.perf_counter()
    again = services.channel_policy_announce(batch=int(options["batch"]))
    again_elapsed = time.perf_counter() - again_started
    messages_after = Notification.objects.filter(event=services.EVENT, claim__branch__region=region).count()

    claim_ids = list(Claim.objects.filter(branch__region=region).values_list("id", flat=True)[:5000])
    baseline = _baseline(messages, claim_ids)

    stdout.write(f"participants told: {told:,} (of {n:,} claims; notices flagged {notices:,})\n")
    stdout.write(f"messages stored: {messages:,} ({queued:,} with their delivery task queued)\n")
    stdout.write(f"switch → last message stored: {elapsed:.1f} s ({messages / elapsed:,.0f} messages/s); "
                 f"target {TARGET_SECONDS:.0f} s: {'met' if elapsed <= TARGET_SECONDS else 'MISSED'}\n")
    stdout.write(f"second run of the job: {again} told, {messages_after - messages} new messages, "
                 f"{again_elapsed * 1000:.0f} ms\n")
    stdout.write(f"baseline (bulk insert of {messages:,} bare notification rows): {baseline:.1f} s · "
                 f"ratio {elapsed / baseline:.1f}\n")
    if told != n or again != 0 or messages_after != messages:
        raise SystemExit("channel-policy benchmark: the counts are wrong (see above)")
