"""Outbound e-mail (Django SMTP backend) and the inbound mail gateway."""

from __future__ import annotations

from .env import env_bool, env_int, env_str

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 1025)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Lapak Asik <noreply@lapakasik.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Inbound: personal intake addresses are <token>@INTAKE_DOMAIN (defined once, in intake.py), received by
# `lapakasik mailgateway`.
MAILGATEWAY_HOST = env_str("MAILGATEWAY_HOST", "127.0.0.1")
MAILGATEWAY_PORT = env_int("MAILGATEWAY_PORT", 2525)
MAILGATEWAY_MAX_MESSAGE_BYTES = env_int("MAILGATEWAY_MAX_MESSAGE_BYTES", 40 * 1024 * 1024)
