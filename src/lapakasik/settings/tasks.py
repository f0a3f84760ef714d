"""Background work: django-tasks with the database backend (transactional outbox)."""

from __future__ import annotations

from .env import env_int, env_str

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "notifications", "intake", "periodic"],
    }
}

# Leases on work in flight (see docs/architecture.md, "Supervision and leases"): a task row RUNNING
# longer than TASK_LEASE_SECONDS (or whose worker process on this machine is gone) is queued again;
# the recovery jobs run every LEASE_CHECK_SECONDS.
TASK_LEASE_SECONDS = env_int("TASK_LEASE_SECONDS", 600)
LEASE_CHECK_SECONDS = env_int("LEASE_CHECK_SECONDS", 30)
