"""Notification channel settings (owned by the notifications app). Read from environment variables.

Providers per channel (``NOTIFY_*_PROVIDER``):
- e-mail: ``smtp`` (Django's SMTP backend: EMAIL_HOST, EMAIL_PORT, …) or ``simulator``;
- WhatsApp: ``cloud`` (WhatsApp Cloud API) or ``simulator``;
- SMS: ``gateway`` (a configurable HTTP gateway) or ``simulator``.
The ``simulator`` providers record each message in the database; ``/dev/inbox`` shows them. On the
embedded default (demo mode, nothing configured) every channel uses its simulator.
"""

from __future__ import annotations

import os

from .base import DEBUG, DEMO_MODE
from .env import env_bool, env_int, env_str

# The local HTTP simulator (`lapakasik notifysim`): WhatsApp + SMS endpoints on one port. With
# NOTIFY_HTTP_SIMULATOR=1 (demo) the real WhatsApp/SMS clients talk to it over HTTP, it posts signed
# delivery reports back, and `lapakasik up` starts it.
NOTIFY_SIMULATOR_HOST = env_str("NOTIFY_SIMULATOR_HOST", "127.0.0.1")
NOTIFY_SIMULATOR_PORT = env_int("NOTIFY_SIMULATOR_PORT", 8025)
NOTIFY_HTTP_SIMULATOR = env_bool("NOTIFY_HTTP_SIMULATOR", False)
_SIM = f"http://{NOTIFY_SIMULATOR_HOST}:{NOTIFY_SIMULATOR_PORT}" if NOTIFY_HTTP_SIMULATOR else ""


def _default_provider(real: str, configured_by: str) -> str:
    return real if (os.environ.get(configured_by) or not DEMO_MODE or _SIM) else "simulator"


NOTIFY_EMAIL_PROVIDER = env_str("NOTIFY_EMAIL_PROVIDER", _default_provider("smtp", "EMAIL_HOST") if not _SIM
                                else ("smtp" if os.environ.get("EMAIL_HOST") else "simulator"))
NOTIFY_WHATSAPP_PROVIDER = env_str("NOTIFY_WHATSAPP_PROVIDER", _default_provider("cloud", "WHATSAPP_API_BASE_URL"))
NOTIFY_SMS_PROVIDER = env_str("NOTIFY_SMS_PROVIDER", _default_provider("gateway", "SMS_GATEWAY_URL"))

# WhatsApp Cloud API: POST {base}/{version}/{phone_number_id}/messages with a bearer token.
WHATSAPP_API_BASE_URL = env_str("WHATSAPP_API_BASE_URL", _SIM or "https://graph.facebook.com").rstrip("/")
WHATSAPP_API_VERSION = env_str("WHATSAPP_API_VERSION", "v21.0")
WHATSAPP_PHONE_NUMBER_ID = env_str("WHATSAPP_PHONE_NUMBER_ID", "1000000001" if _SIM else "")
WHATSAPP_TOKEN = env_str("WHATSAPP_TOKEN", "simulator" if _SIM else "")
# Webhooks: X-Hub-Signature-256 = HMAC-SHA256(app secret, raw body); GET verification token.
WHATSAPP_APP_SECRET = env_str("WHATSAPP_APP_SECRET", "simulator-secret" if _SIM else "")
WHATSAPP_VERIFY_TOKEN = env_str("WHATSAPP_VERIFY_TOKEN", "")

# SMS gateway over HTTP. The request shape is configurable:
#   SMS_GATEWAY_FORMAT  json | form
#   SMS_GATEWAY_FIELDS  our-name=their-name pairs for to, text, sender, reference, encoding, segments
#   SMS_GATEWAY_AUTH    bearer | basic | none (SMS_GATEWAY_TOKEN / SMS_GATEWAY_USERNAME + PASSWORD)
#   SMS_GATEWAY_ID_FIELD  where the message id is in the JSON answer (dot path)
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", f"{_SIM}/sms" if _SIM else "")
SMS_GATEWAY_FORMAT = env_str("SMS_GATEWAY_FORMAT", "json")
SMS_GATEWAY_FIELDS = env_str(
    "SMS_GATEWAY_FIELDS", "to=to,text=text,sender=sender,reference=reference,encoding=encoding,segments=segments")
SMS_GATEWAY_AUTH = env_str("SMS_GATEWAY_AUTH", "bearer")
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN", "simulator" if _SIM else "")
SMS_GATEWAY_USERNAME = env_str("SMS_GATEWAY_USERNAME", "")
SMS_GATEWAY_PASSWORD = env_str("SMS_GATEWAY_PASSWORD", "")
SMS_GATEWAY_SENDER = env_str("SMS_GATEWAY_SENDER", "LAPAKASIK")
SMS_GATEWAY_ID_FIELD = env_str("SMS_GATEWAY_ID_FIELD", "message_id")
SMS_GATEWAY_IDEMPOTENCY_HEADER = env_str("SMS_GATEWAY_IDEMPOTENCY_HEADER", "Idempotency-Key")
# Delivery reports: X-Signature = sha256=HMAC-SHA256(secret, "<X-Timestamp>.<raw body>").
SMS_WEBHOOK_SECRET = env_str("SMS_WEBHOOK_SECRET", "simulator-secret" if _SIM else "")
# Longest SMS we send (in segments); longer texts are cut with an ellipsis.
SMS_MAX_SEGMENTS = env_int("SMS_MAX_SEGMENTS", 4)
# No reminder within this many hours after the booking confirmation (or a reschedule's): the
# confirmation already said what the reminder would say.
NOTIFY_REMINDER_QUIET_HOURS = env_int("NOTIFY_REMINDER_QUIET_HOURS", 12)

# Delivery: retries with exponential backoff and full jitter, then technical failure and fallback.
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 8)
NOTIFY_BACKOFF_BASE_SECONDS = env_int("NOTIFY_BACKOFF_BASE_SECONDS", 15)
NOTIFY_BACKOFF_CAP_SECONDS = env_int("NOTIFY_BACKOFF_CAP_SECONDS", 3600)
NOTIFY_HTTP_TIMEOUT_SECONDS = float(env_str("NOTIFY_HTTP_TIMEOUT_SECONDS", "10"))
# A row in SENDING longer than this (the worker died) is handed back to the queue by the replay job.
NOTIFY_LEASE_SECONDS = env_int("NOTIFY_LEASE_SECONDS", 120)
# A PENDING row whose task has not run this long after it was due is re-enqueued by the replay job.
NOTIFY_REPLAY_GRACE_SECONDS = env_int("NOTIFY_REPLAY_GRACE_SECONDS", 120)
NOTIFY_REPLAY_EVERY_SECONDS = env_int("NOTIFY_REPLAY_EVERY_SECONDS", 30)
# Fallback: the next channel when one fails for good or is not confirmed delivered in time.
NOTIFY_FALLBACK_CHAIN = env_str("NOTIFY_FALLBACK_CHAIN", "whatsapp,sms,email")
NOTIFY_DELIVERY_TIMEOUT_MINUTES = env_int("NOTIFY_DELIVERY_TIMEOUT_MINUTES", 60)
NOTIFY_PHONE_CALL_DUE_HOURS = env_int("NOTIFY_PHONE_CALL_DUE_HOURS", 8)
# Per-provider rate limits (messages per second), shared by all workers through the database.
NOTIFY_RATE_LIMITS = env_str("NOTIFY_RATE_LIMITS", "whatsapp=80,sms=30,email=30,simulator=1000")
# Webhooks older than this (seconds, by their timestamp) are refused; a repeated body is always refused.
NOTIFY_WEBHOOK_TOLERANCE_SECONDS = env_int("NOTIFY_WEBHOOK_TOLERANCE_SECONDS", 300)
NOTIFY_WHATSAPP_WEBHOOK_MAX_AGE_SECONDS = env_int("NOTIFY_WHATSAPP_WEBHOOK_MAX_AGE_SECONDS", 7 * 24 * 3600)
# "Cek keaslian pesan": lookups per client address per minute.
NOTIFY_CHECK_RATE_PER_MINUTE = env_int("NOTIFY_CHECK_RATE_PER_MINUTE", 10)
# The development inbox (/dev/inbox): only in debug or demo mode.
NOTIFY_DEV_INBOX = env_bool("NOTIFY_DEV_INBOX", DEBUG or DEMO_MODE)
