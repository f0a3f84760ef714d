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
deceased           died 20–90 days ago; a widow and two children          DEATH (heir): documents
accident           still working; a work accident 2–20 days ago          not_eligible: membership_active
=================  =====================================================  =====================

The last two take the place of one participant of the cycle: every hundredth (``i % 100 == 2``, a man
who would have been ``eligible``) has died, leaving a widow and two children (a JKM claim by the widow);
every other ``still_active`` worker (``i % 40 == 12``) had an accident at work that the employer reported
(a JKK claim; a road accident when ``i % 80 == 12``). The ``age_56`` participants are at the pension age
of JP as well (their JP contribution months count from July 2015, when JP began, so none has the 180
months a monthly pension needs yet: JP pays them a lump sum).

Everyone has an employer with an NPP (``EMPLOYERS``), employment periods at one or two of them, a
family (a spouse for most, children, parents — alive or with a date of death —, siblings, sometimes a
parent-in-law) whose NIKs are valid, unique and never a participant's (other province codes), and the
JP contribution months of their membership.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from lapakasik.core import clock

from .adapters import MemberRecord, member_record
from .models import DemoEmployer, DemoParticipant

# 20-step cycle: most participants are eligible (load tests need bookable people).
CYCLE = (["eligible"] * 12 + ["still_active", "still_active", "waiting_period", "waiting_period", "age_56",
                              "partial_eligible", "partial_short", "partial_taken"])
REASON_FOR_CASE = {
    "deceased": "DEATH", "accident": "RESIGNED",
    "eligible": "RESIGNED", "still_active": "RESIGNED", "waiting_period": "RESIGNED", "age_56": "AGE_56",
    "partial_eligible": "PARTIAL_10", "partial_short": "PARTIAL_10", "partial_taken": "PARTIAL_30",
}
EXPECTED_FOR_CASE = {
    "deceased": "eligible", "accident": "membership_active",
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
#: (NPP, address, the HR officers' mailbox names) per employer of ``EMPLOYERS``, in the same order.
EMPLOYER_DETAILS = [
    ("31001001", "Jl. Gatot Subroto No. 12, Jakarta Selatan", ["hrd", "personalia"]),
    ("32002002", "Jl. Soekarno-Hatta No. 88, Bandung", ["hrd"]),
    ("33003003", "Jl. Pemuda No. 5, Semarang", ["admin.sdm"]),
    ("35004004", "Jl. Tanjung Perak Barat No. 210, Surabaya", ["hrd", "k3"]),
    ("32005005", "Jl. Raya Cimahi No. 41, Cimahi", ["hrd"]),
    ("64006006", "Jl. MT Haryono No. 17, Balikpapan", ["hrd", "hse"]),
    ("36007007", "Jl. Raya Serpong Km 7, Tangerang Selatan", ["hrd"]),
    ("73008008", "Jl. Nusantara No. 3, Makassar", ["personalia"]),
]
#: Family members' NIKs use province codes no participant has, one per slot in the family, so that a
#: family member's NIK is unique and never a participant's.
FAMILY_PROVINCES = ["11", "13", "14", "15", "17", "18", "19", "21", "34"]
SLOT_SPOUSE, SLOT_CHILD, SLOT_FATHER, SLOT_MOTHER, SLOT_SIBLING, SLOT_IN_LAW = 0, 1, 4, 5, 6, 8
JP_START = date(2015, 7, 1)  # Jaminan Pensiun began (PP 45/2015)


def _years_ago(today: date, years: int, days: int = 0) -> date:
    try:
        d = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        d = today.replace(year=today.year - years, day=28)
    return d - timedelta(days=days)


def employer_domain(name: str) -> str:
    words = [w for w in name.lower().split() if w not in {"pt", "cv"}]
    return "-".join(words) + ".contoh.id"


def employer(k: int) -> dict[str, Any]:
    """The ``k``-th demo employer as field values of ``DemoEmployer``."""
    npp, address, boxes = EMPLOYER_DETAILS[k]
    name = EMPLOYERS[k]
    return {"npp": npp, "name": name, "address": address,
            "hr_emails": [f"{box}@{employer_domain(name)}" for box in boxes]}


def case_of(i: int) -> str:
    if i % 100 == 2:
        return "deceased"
    if i % 40 == 12:
        return "accident"
    return CYCLE[i % len(CYCLE)]


def _nik(slot_province: str, i: int, birth: date, female: bool) -> str:
    block, serial = divmod(i, 9999)
    return (f"{slot_province}{block % 90 + 1:02d}{block // 90 % 90 + 1:02d}"
            f"{birth.day + (40 if female else 0):02d}{birth.month:02d}{birth.year % 100:02d}{serial + 1:04d}")


def _member(relation: str, slot: int, i: int, birth: date, female: bool, name: str,
            death: date | None = None) -> dict[str, Any]:
    return {"relation": relation, "nik": _nik(FAMILY_PROVINCES[slot], i, birth, female), "full_name": name,
            "birth_date": birth.isoformat(), "date_of_death": death.isoformat() if death else None}


def _between(rnd: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rnd.randint(0, max(0, (last - first).days)))


def family(i: int, today: date, birth: date, female: bool, name: str, case: str) -> list[dict[str, Any]]:
    """The participant's family (JSON-ready ``FamilyMember`` fields), consistent with their birth date:
    children born when the participant was 22 or older and before today, parents 22–35 years older;
    nobody in it has the participant's own name."""
    rnd = random.Random(i * 7_000_003 + 29)
    last_name = name.rpartition(" ")[2]
    out: list[dict[str, Any]] = []
    taken = {name}

    def named(last: str | None = None) -> str:
        first = rnd.randrange(len(FIRST))
        surname = last or LAST[rnd.randrange(len(LAST))]
        while f"{FIRST[first]} {surname}" in taken:
            first = (first + 1) % len(FIRST)
        taken.add(f"{FIRST[first]} {surname}")
        return f"{FIRST[first]} {surname}"

    married = case == "deceased" or rnd.random() < 0.7
    if married:
        spouse_birth = min(birth + timedelta(days=rnd.randint(-6 * 365, 6 * 365)), _years_ago(today, 20))
        out.append(_member("spouse", SLOT_SPOUSE, i, spouse_birth, not female, named()))
        wanted = 2 if case == "deceased" else rnd.choice([0, 1, 1, 2, 2, 3])
        child_birth = _between(rnd, add_years(birth, 22), add_years(birth, 30))
        for k in range(wanted):
            if child_birth > today - timedelta(days=365):
                child_birth = today - timedelta(days=365 * (wanted - k) + rnd.randint(0, 200))
            out.append(_member("child", SLOT_CHILD + k, i, child_birth, rnd.random() < 0.5, named(last_name)))
            child_birth += timedelta(days=rnd.randint(400, 1500))
        if rnd.random() < 0.5:
            in_law_birth = spouse_birth - timedelta(days=rnd.randint(22 * 365, 35 * 365))
            out.append(_member("parent_in_law", SLOT_IN_LAW, i, in_law_birth, True, named()))
    for slot, is_mother in ((SLOT_FATHER, False), (SLOT_MOTHER, True)):
        parent_birth = birth - timedelta(days=rnd.randint(22 * 365, 35 * 365))
        died = add_years(parent_birth, rnd.randint(60, 88)) + timedelta(days=rnd.randint(0, 360))
        out.append(_member("parent", slot, i, parent_birth, is_mother, named(None if is_mother else last_name),
                           died if died < today else None))
    for k in range(rnd.choice([0, 1, 1, 2])):
        sibling_birth = min(birth + timedelta(days=rnd.choice([-1, 1]) * rnd.randint(400, 8 * 365)),
                            _years_ago(today, 1))
        out.append(_member("sibling", SLOT_SIBLING + k, i, sibling_birth, rnd.random() < 0.5, named(last_name)))
    return out


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def jp_months(start: date, last: date | None) -> int:
    """Months of JP contributions from the membership's start (JP began in July 2015) to ``last``."""
    first = max(start, JP_START).replace(day=1)
    if last is None or last < first:
        return 0
    return (last.year - first.year) * 12 + last.month - first.month + 1


def participant(i: int, today: date) -> dict[str, Any]:
    """The ``i``-th synthetic participant as field values of ``DemoParticipant``."""
    rnd = random.Random(i * 1_000_003 + 17)
    case = case_of(i)
    if case == "age_56":
        birth = _years_ago(today, rnd.randint(57, 60), rnd.randint(0, 360))
    else:
        birth = _years_ago(today, rnd.randint(26, 50), rnd.randint(0, 360))
    female = i % 2 == 1
    nik = _nik(PROVINCES[i % len(PROVINCES)], i, birth, female)
    kpj = f"{(i * 7919 + 10_000_000_000) % 10**11:011d}"
    name = f"{FIRST[rnd.randrange(len(FIRST))]} {LAST[rnd.randrange(len(LAST))]}"
    start: date
    end: date | None = None
    active = True
    taken = False
    death: date | None = None
    if case == "deceased":
        start = _years_ago(today, rnd.randint(3, 15), rnd.randint(0, 300))
        death = today - timedelta(days=rnd.randint(20, 90))
        end = death
        active = False
    elif case == "eligible":
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
    else:  # still_active, accident, age_56
        start = _years_ago(today, rnd.randint(5, 25))
    last_contribution = (end or today.replace(day=1) - timedelta(days=1)).replace(day=1)
    balance = rnd.randint(3_000, 180_000) * 1_000
    # Everything below draws from its own generator: the fields above stay what they always were.
    more = random.Random(i * 3_000_017 + 5)
    current = EMPLOYER_DETAILS[i % len(EMPLOYERS)][0]
    employments: list[dict[str, Any]] = []
    if (end or today) - start > timedelta(days=8 * 365) and more.random() < 0.5:
        earlier = EMPLOYER_DETAILS[(i + 3) % len(EMPLOYERS)][0]
        moved = _between(more, start + timedelta(days=365), (end or today) - timedelta(days=2 * 365))
        employments.append({"npp": earlier, "start": start.isoformat(), "end": moved.isoformat()})
        employments.append({"npp": current, "start": (moved + timedelta(days=1)).isoformat(),
                            "end": end.isoformat() if end else None})
    else:
        employments.append({"npp": current, "start": start.isoformat(), "end": end.isoformat() if end else None})
    accidents: list[dict[str, Any]] = []
    if case == "accident":
        kind = "road" if i % 80 == 12 else "workplace"
        accidents.append({"occurred_on": (today - timedelta(days=more.randint(2, 20))).isoformat(), "npp": current,
                          "kind": kind})
    return {
        "nik": nik, "kpj": kpj, "full_name": name, "birth_date": birth, "employer": EMPLOYERS[i % len(EMPLOYERS)],
        "membership_start": start, "membership_end": end, "active": active,
        "balance": balance, "last_contribution": last_contribution,
        "partial_withdrawal_taken": taken, "employer_npp": current, "date_of_death": death,
        "jp_contribution_months": jp_months(start, last_contribution),
        "employments": employments, "family": family(i, today, birth, female, name, case),
        "accidents": accidents, "case": case,
    }


def record(fields: dict[str, Any]) -> MemberRecord:
    """A participant's field values (``participant(i, today)``, with or without ``case``) as the registry
    adapter's record."""
    return member_record({k: v for k, v in fields.items() if k != "case"})


def employers_seed() -> int:
    """Create the demo employers that are missing (idempotent). Returns how many were added."""
    added = 0
    for k in range(len(EMPLOYERS)):
        row = employer(k)
        _, created = DemoEmployer.objects.get_or_create(npp=row["npp"], defaults=row)
        added += int(created)
    return added


def seed_demo(stdout: Any = None, participants: int = 200, **options: Any) -> int:
    """Create the demo employers, and participants 0..N-1 that do not exist yet (idempotent). Returns how
    many participants were added."""
    today = clock.now().date()
    employers_seed()
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
