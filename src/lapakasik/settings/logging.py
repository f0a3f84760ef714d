"""structlog JSON logs (console-friendly in development). PII is masked by core.masking."""

from __future__ import annotations

from typing import Any

import structlog

from .base import PRODUCTION
from .env import env_str

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")

_shared: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processor": structlog.processors.JSONRenderer(),
            "foreign_pre_chain": _shared,
        },
        "console": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processor": structlog.dev.ConsoleRenderer(colors=False),
            "foreign_pre_chain": _shared,
        },
    },
    "filters": {"pii": {"()": "lapakasik.core.masking.PiiLogFilter"}},
    "handlers": {
        "default": {
            "class": "logging.StreamHandler",
            "formatter": "json" if PRODUCTION or env_str("LOG_FORMAT") == "json" else "console",
            "filters": ["pii"],
        }
    },
    "root": {"handlers": ["default"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"level": "WARNING"},
        # Every 4xx (a full slot, a wrong code) would be a warning line: ~45,000 in a booking rush. The
        # API answers them with the error shape; server errors (5xx) are still logged.
        "django.request": {"level": "ERROR"},
        # One line per task run (periodic jobs every 30 s) buries the console; failures are still logged.
        "django_tasks": {"level": env_str("LOG_TASKS_LEVEL", "WARNING")},
    },
}

structlog.configure(
    processors=[*_shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
    logger_factory=structlog.stdlib.LoggerFactory(),
    wrapper_class=structlog.stdlib.BoundLogger,
    cache_logger_on_first_use=True,
)
