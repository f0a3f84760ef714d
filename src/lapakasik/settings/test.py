"""Test settings: same code paths, faster hashing, a throw-away data dir, locmem e-mail by default."""

from __future__ import annotations

from lapakasik.settings import *  # noqa: F403

LAPAKASIK_ENV = "test"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "notifications", "intake", "periodic"],
    }
}
AXES_ENABLED = False

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not :memory:, so threads in the concurrency tests share one real database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405

# whitenoise looks for STATIC_ROOT at start-up; tests serve static files through the finders instead.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
WHITENOISE_USE_FINDERS = True

# The admission gate (core/admission.py) lets a request run Django on the thread that called it, when its
# turn comes: a test's database transaction belongs to the test's thread (same queue and decisions).
OVERLOAD_SHARE_CONNECTIONS = False  # a request uses the test thread's own connection (its transaction)

# The fair opening's waiting room is off unless a test turns it on (``tests/booking/opening_support.py``,
# ``tests/e2e/test_opening.py``): a test that books on the wall clock would otherwise need an admission
# whenever the suite runs between the pre-queue window (23:45 branch-local) and the end of the opening period.
LAPAKASIK = {**LAPAKASIK, "OPENING_ENABLED": 0}  # noqa: F405
