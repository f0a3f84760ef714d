"""Service rules that operators tune (all *(config)* numbers of the domain brief live here)."""

from __future__ import annotations

from .env import env_bool, env_int, env_list, env_str

LAPAKASIK = {
    # Online queue
    "BOOKING_WINDOW_DAYS": env_int("BOOKING_WINDOW_DAYS", 7),  # working days ahead, from tomorrow
    "BOOKING_OPEN_HOUR": env_int("BOOKING_OPEN_HOUR", 0),  # branch-local hour new days open
    "DEFAULT_SESSION_CAPACITY": env_int("DEFAULT_SESSION_CAPACITY", 10),
    "AVAILABILITY_CACHE_SECONDS": env_int("AVAILABILITY_CACHE_SECONDS", 5),
    "BROKER_THRESHOLD": env_int("BROKER_THRESHOLD", 3),  # distinct NIKs per phone/e-mail
    "WAITLIST_HOLD_MINUTES": env_int("WAITLIST_HOLD_MINUTES", 30),
    # A hold that would end outside these branch-local hours (a seat freed in the evening or at night)
    # ends WAITLIST_HOLD_MINUTES after WAITLIST_HOLD_DAY_START_HOUR the next morning instead.
    "WAITLIST_HOLD_DAY_START_HOUR": env_int("WAITLIST_HOLD_DAY_START_HOUR", 7),
    "WAITLIST_HOLD_DAY_END_HOUR": env_int("WAITLIST_HOLD_DAY_END_HOUR", 21),
    "BOOKING_CLAIM_TYPES": env_str("BOOKING_CLAIM_TYPES", "JHT,JKK,JKM,JP"),  # comma list of bookable claim types
    "NO_SHOW_GRACE_MINUTES": env_int("NO_SHOW_GRACE_MINUTES", 60),
    # Booking rate limits per minute (0 = off): per client IP, per NIK, per phone number. The identity
    # limits carry the protection; the per-IP one is a high safety net, because a mobile carrier puts
    # thousands of phones behind one address (carrier-grade NAT): docs/security.md, "Rate limits".
    "RATE_LIMIT_IP_PER_MINUTE": env_int("RATE_LIMIT_IP_PER_MINUTE", 3000),
    "RATE_LIMIT_NIK_PER_MINUTE": env_int("RATE_LIMIT_NIK_PER_MINUTE", 10),
    "RATE_LIMIT_PHONE_PER_MINUTE": env_int("RATE_LIMIT_PHONE_PER_MINUTE", 10),
    # Fair opening (docs/booking.md, "Fair opening"): the waiting room of each day's quota release.
    # Everyone who joins from WINDOW_BEFORE minutes before the opening hour to WINDOW_AFTER minutes after it
    # gets a place in random order; later arrivals queue behind in arrival order. From the window's start
    # until PERIOD minutes after the opening (or until the opened day's seats are gone) a booking needs
    # an admission token; people are admitted at ADMIT_PER_SECOND in queue order.
    "OPENING_ENABLED": env_int("OPENING_ENABLED", 1),
    # One explicit opening instant (ISO 8601 with offset) instead of the daily hour: rehearsals, benchmarks.
    "OPENING_AT": env_str("OPENING_AT", ""),
    "OPENING_WINDOW_BEFORE_MINUTES": env_int("OPENING_WINDOW_BEFORE_MINUTES", 15),
    "OPENING_WINDOW_AFTER_MINUTES": env_int("OPENING_WINDOW_AFTER_MINUTES", 5),
    "OPENING_PERIOD_MINUTES": env_int("OPENING_PERIOD_MINUTES", 120),
    "OPENING_ADMIT_PER_SECOND": env_int("OPENING_ADMIT_PER_SECOND", 20),
    "OPENING_ADMISSION_MINUTES": env_int("OPENING_ADMISSION_MINUTES", 10),  # an admission token's life
    "OPENING_POLL_SECONDS": env_int("OPENING_POLL_SECONDS", 5),  # the page's refresh interval
    "OPENING_POLLS_PER_MINUTE": env_int("OPENING_POLLS_PER_MINUTE", 30),  # per place; more is 429
    "OPENING_CLOCK_SKEW_SECONDS": env_int("OPENING_CLOCK_SKEW_SECONDS", 5),  # the draw waits this long
    # Automatic pacing (booking/waitroom/pacing.py): every PACING_SECONDS the admitter reads the booking
    # latency the web processes publish (p90, core/latency.py); above TARGET_BOOKING_MS the admission rate
    # is multiplied by PACING_DECREASE_PERCENT / 100 (not below ADMIT_MIN_PER_SECOND), at or below it raised
    # by PACING_INCREASE_PER_STEP (0: a tenth of ADMIT_PER_SECOND) up to ADMIT_PER_SECOND. No fresh figure
    # (none younger than LATENCY_STALE_SECONDS, or fewer than LATENCY_MIN_SAMPLES bookings): the configured
    # rate. TARGET_BOOKING_MS = 0 turns pacing off.
    "OPENING_TARGET_BOOKING_MS": env_int("OPENING_TARGET_BOOKING_MS", 250),
    "OPENING_ADMIT_MIN_PER_SECOND": env_int("OPENING_ADMIT_MIN_PER_SECOND", 1),
    "OPENING_PACING_SECONDS": env_int("OPENING_PACING_SECONDS", 5),
    "OPENING_PACING_DECREASE_PERCENT": env_int("OPENING_PACING_DECREASE_PERCENT", 50),
    "OPENING_PACING_INCREASE_PER_STEP": env_int("OPENING_PACING_INCREASE_PER_STEP", 0),
    "OPENING_LATENCY_STALE_SECONDS": env_int("OPENING_LATENCY_STALE_SECONDS", 20),
    "OPENING_LATENCY_MIN_SAMPLES": env_int("OPENING_LATENCY_MIN_SAMPLES", 5),
    # Intake
    "MAX_FILE_BYTES": env_int("MAX_FILE_BYTES", 6 * 1024 * 1024),
    "MAX_FILES_PER_CLAIM": env_int("MAX_FILES_PER_CLAIM", 40),
    "MAX_BYTES_PER_CLAIM": env_int("MAX_BYTES_PER_CLAIM", 120 * 1024 * 1024),
    "NPWP_THRESHOLD_RUPIAH": env_int("NPWP_THRESHOLD_RUPIAH", 50_000_000),
    "CLAMD_ADDRESS": env_str("CLAMD_ADDRESS", ""),  # host:port or unix socket path; empty = off
    # Visitor screening at the door (frontdesk): at or above this temperature a visitor is sent home; the
    # records (health data) are deleted after this many days, the counts per day stay.
    "SCREENING_FEVER_THRESHOLD_C": env_str("SCREENING_FEVER_THRESHOLD_C", "37.3"),
    "SCREENING_RETENTION_DAYS": env_int("SCREENING_RETENTION_DAYS", 14),
    # The dropbox (dropbox app): the minimum hours an envelope stays in quarantine after its disinfection
    # before anyone handles it (hand-over, opening, scanning) — a product decision.
    "DROPBOX_QUARANTINE_HOURS": env_int("DROPBOX_QUARANTINE_HOURS", 24),
    # Contact centre shown to participants
    "CONTACT_CENTRE": env_str("CONTACT_CENTRE", "175"),
}

# Overload (core/admission.py, docs/architecture.md "Overload"): a booking request the process could not
# answer within OVERLOAD_MAX_WAIT_SECONDS, judged from the work queued ahead of it and the recent service
# times, is refused at once with 503 + Retry-After instead of queueing. WEB_THREADS requests run Django
# at once per process (as `lapakasik serve --threads`); up to WEB_QUEUE more wait in the process.
OVERLOAD_SHEDDING = env_bool("OVERLOAD_SHEDDING", True)
OVERLOAD_MAX_WAIT_SECONDS = float(env_str("OVERLOAD_MAX_WAIT_SECONDS", "5"))
OVERLOAD_RETRY_AFTER_SECONDS = env_int("OVERLOAD_RETRY_AFTER_SECONDS", 5)
OVERLOAD_SHED_PATHS = env_list(  # POSTs only: booking, and joining the opening's waiting room
    "OVERLOAD_SHED_PATHS", "/api/v1/bookings,/antrean/periksa/,/api/v1/opening/places,/antrean/pembukaan/")
# The booking latency each web process publishes through the cache (core/latency.py): the p90 from a
# booking POST's arrival in the gate to its answer, over the last LATENCY_WINDOW_SECONDS, written at most
# every LATENCY_PUBLISH_SECONDS. The waiting room's admitter reads it (docs/booking.md, "Pacing").
LATENCY_PATHS = env_list("LATENCY_PATHS", "/api/v1/bookings,/antrean/periksa/")  # POSTs only
LATENCY_PUBLISH_SECONDS = float(env_str("LATENCY_PUBLISH_SECONDS", "2"))
LATENCY_WINDOW_SECONDS = float(env_str("LATENCY_WINDOW_SECONDS", "30"))
OVERLOAD_THREADS = env_int("WEB_THREADS", 1)
OVERLOAD_QUEUE = env_int("WEB_QUEUE", 256)
OVERLOAD_SHARE_CONNECTIONS = True  # each turn's database connections lent to the thread that holds it (core/admission.py)

_CACHE_BACKEND = env_str("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache")
# Where request rate limits count (booking/ratelimit.py): "database" shares the counts between web
# processes when the cache is per process (locmem, the embedded default); "cache" with Redis.
RATE_LIMIT_STORE = env_str("RATE_LIMIT_STORE", "database" if _CACHE_BACKEND.endswith("LocMemCache") else "cache")

CACHES = {
    "default": {
        "BACKEND": _CACHE_BACKEND,
        "LOCATION": env_str("CACHE_LOCATION", "lapakasik"),
        # locmem's default of 300 entries is less than one availability snapshot per branch (~330 branches)
        # plus the full marks, alternatives and JSON answers of a rush: at 300 it culls a third of the
        # cache at random every time it fills, and the rush re-reads evicted snapshots from the database.
        **({"OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 50_000)}}
           if _CACHE_BACKEND.endswith("LocMemCache") else {}),
    }
}

# --- the officer's casework (casework app) ---------------------------------------------------------
# Video confirmation calls: a Jitsi-compatible server; rooms are "<base>/LapakAsik-<random>".
VIDEO_CALL_BASE_URL = env_str("VIDEO_CALL_BASE_URL", "https://meet.jit.si")
# "Minta dokumen": the participant's new deadline, in working days of the branch.
CASEWORK_DOCUMENTS_REQUEST_DAYS = env_int("CASEWORK_DOCUMENTS_REQUEST_DAYS", 3)
# A claim is verified only after one confirmation (phone, e-mail or video) was reached.
CASEWORK_CONFIRMATION_REQUIRED = env_str("CASEWORK_CONFIRMATION_REQUIRED", "1") not in {"0", "false", "no"}
# Reminder to the participant this many minutes before a confirmation call.
CASEWORK_CALL_REMINDER_MINUTES = env_int("CASEWORK_CALL_REMINDER_MINUTES", 60)

# --- benefit decisions (benefits app) --------------------------------------------------------------
# Four-eyes: an approval whose net amount is above this (whole rupiah) waits for a supervisor's second one.
BENEFITS_FOUR_EYES_ABOVE = env_int("BENEFITS_FOUR_EYES_ABOVE", 50_000_000)

# --- the employer side (employers app, docs/employers.md) --------------------------------------------
# An invitation link to a company's HR address works this long, once.
EMPLOYER_INVITATION_HOURS = env_int("EMPLOYER_INVITATION_HOURS", 72)
# The company is reminded once when a JKK claim's stage II report is still missing this long after stage I.
EMPLOYER_STAGE2_REMIND_DAYS = env_int("EMPLOYER_STAGE2_REMIND_DAYS", 14)
# A one-time sign-in link e-mailed to a company HR officer works this long, once; at most this many links
# are asked for per address, and per client address, in a 15-minute window (the same answer either way).
EMPLOYER_SIGNIN_LINK_MINUTES = env_int("EMPLOYER_SIGNIN_LINK_MINUTES", 15)
EMPLOYER_SIGNIN_LINKS_PER_ADDRESS = env_int("EMPLOYER_SIGNIN_LINKS_PER_ADDRESS", 3)
EMPLOYER_SIGNIN_LINKS_PER_CLIENT = env_int("EMPLOYER_SIGNIN_LINKS_PER_CLIENT", 10)
