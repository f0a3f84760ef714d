"""Background work: django-tasks with the database backend (transactional outbox)."""

from __future__ import annotations

from .env import env_str

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "notifications", "intake", "periodic"],
    }
}
