"""Deterministic synthetic participants for the demo registry (SYNTHETIC DATA: names, NIKs and KPJs
are generated, not real people). Participant ``i`` is always the same person for the same seed date,
with a valid NIK (province, region, birth date, serial) and one of several cases:

=================  =====================================================  =====================
case               situation                                              JHT booking outcome
=================  =====================================================  =====================
eligible           left work 2–24 months ago, membership inactive         RESIGNED/PHK: booked
still_active       still working, membership active                       not_eligible: membership_active
waiting_period     left work less than a month ago                        not_eligible: waiting_period
age_56             57–60 years old                                        AGE_56: booked
partial_eligible   active, ≥ 10 years' membership, never withdrew         PARTIAL_10/30: booked
partial_short      active, < 10 years' membership                         not_eligible: membership_10_years
partial_taken      active, ≥ 10 years, already withdrew once              not_eligible: partial_once
=================  =====================================================  =====================
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from lapakasik.core import clock

from .models import DemoParticipant

# 20-step cycle: most participants are eligible (load tests need bookable people).
CYCLE = (["eligible"] * 12 + ["still_active", "still_active", "waiting_period", "waiting_period", "age_56",
                              "partial_eligible", "partial_short", "partial_taken"])
REASON_FOR_CASE = {
    "eligible": "RESIGNED", "still_active": "RESIGNED", "waiting_period": "RESIGNED", "age_56": "AGE_56",
    "partial_eligible": "PARTIAL_10", "partial_short": "PARTIAL_10", "partial_taken": "PARTIAL_30",
}
EXPECTED_FOR_CASE = {
    "eligible": "eligible", "still_active": "membership_active", "waiting_period": "waiting_period",
    "age_56": "eligible", "partial_eligible": "eligible", "partial_short": "membership_10_years",
    "partial_taken": "partial_once",
}
PROVINCES = ["31", "32", "33", "35", "36", "12", "16", "51", "64", "73", "94"]
FIRST = ["Budi", "Siti", "Agus", "Dewi", "Joko", "Rina", "Andi", "Sri", "Eko", "Wati", "Hendra", "Putri",
         "Yusuf", "Nur", "Rudi", "Ayu", "Fajar", "Lestari", "Dedi", "Intan"]
LAST = ["Santoso", "Wijaya", "Saputra", "Lestari", "Hidayat", "Pratama", "Kusuma", "Siregar", "Nasution",
        "Simanjuntak", "Wibowo", "Setiawan", "Hasibuan", "Sitompul", "Rahmawati", "Gunawan"]
EMPLOYERS = ["PT Maju Bersama", "PT Sinar Jaya Abadi", "CV Karya Mandiri", "PT Nusantara Logistik",
             "PT Tekstil Priangan", "PT Bumi Konstruksi", "PT Sejahtera Retail", "PT Samudra Perikanan"]


def _years_ago(today: date, years: int, days: int = 0) -> date:
    try:
        d = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        d = today.replace(year=today.year - years, day=28)
    return d - timedelta(days=days)


def participant(i: int, today: date) -> dict[str, Any]:
    """The ``i``-th synthetic participant as field values of ``DemoParticipant``."""
    rnd = random.Random(i * 1_000_003 + 17)
    case = CYCLE[i % len(CYCLE)]
    if case == "age_56":
        birth = _years_ago(today, rnd.randint(57, 60), rnd.randint(0, 360))
    else:
        birth = _years_ago(today, rnd.randint(26, 50), rnd.randint(0, 360))
    female = i % 2 == 1
    block, serial = divmod(i, 9999)
    nik = (f"{PROVINCES[i % len(PROVINCES)]}{block % 90 + 1:02d}{block // 90 % 90 + 1:02d}"
           f"{birth.day + (40 if female else 0):02d}{birth.month:02d}{birth.year % 100:02d}{serial + 1:04d}")
    kpj = f"{(i * 7919 + 10_000_000_000) % 10**11:011d}"
    name = f"{FIRST[rnd.randrange(len(FIRST))]} {LAST[rnd.randrange(len(LAST))]}"
    start: date
    end: date | None = None
    active = True
    taken = False
    if case == "eligible":
        start = _years_ago(today, rnd.randint(3, 15), rnd.randint(0, 300))
        end = today - timedelta(days=rnd.randint(62, 730))
        active = False
    elif case == "waiting_period":
        start = _years_ago(today, rnd.randint(3, 15), rnd.randint(0, 300))
        end = today - timedelta(days=rnd.randint(1, 25))
        active = False
    elif case == "partial_eligible":
        start = _years_ago(today, rnd.randint(11, 20))
    elif case == "partial_short":
        start = _years_ago(today, rnd.randint(2, 8))
    elif case == "partial_taken":
        start = _years_ago(today, rnd.randint(12, 20))
        taken = True
    else:  # still_active, age_56
        start = _years_ago(today, rnd.randint(5, 25))
    last_contribution = (end or today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return {
        "nik": nik, "kpj": kpj, "full_name": name, "birth_date": birth, "employer": EMPLOYERS[i % len(EMPLOYERS)],
        "membership_start": start, "membership_end": end, "active": active,
        "balance": rnd.randint(3_000, 180_000) * 1_000, "last_contribution": last_contribution,
        "partial_withdrawal_taken": taken, "case": case,
    }


def seed_demo(stdout: Any = None, participants: int = 200, **options: Any) -> int:
    """Create participants 0..N-1 that do not exist yet (idempotent). Returns how many were added."""
    today = clock.now().date()
    before = DemoParticipant.objects.count()
    batch: list[DemoParticipant] = []
    for i in range(before, max(before, int(participants or 0))):
        batch.append(DemoParticipant(**participant(i, today)))
        if len(batch) >= 2000:
            DemoParticipant.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        DemoParticipant.objects.bulk_create(batch, ignore_conflicts=True)
    added = DemoParticipant.objects.count() - before
    if stdout is not None:
        stdout.write(f"registry: {added} synthetic participants added ({before + added} in total)")
    return added
