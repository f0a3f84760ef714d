"""Delivery-status webhooks: signature, freshness and replay checks, then the status reports.

- WhatsApp Cloud API: ``X-Hub-Signature-256: sha256=HMAC(app secret, raw body)``; statuses carry a Unix
  ``timestamp`` (refused when older than NOTIFY_WHATSAPP_WEBHOOK_MAX_AGE_SECONDS or in the future).
- SMS gateway: ``X-Timestamp`` + ``X-Signature: sha256=HMAC(secret, "<timestamp>.<raw body>")``, refused
  outside NOTIFY_WEBHOOK_TOLERANCE_SECONDS.
- Both: the digest of every accepted body is stored; the same body again is a replay and is refused.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from lapakasik.core.errors import Conflict, InvalidInput, Unauthorized

from . import policy
from .delivery import notification_status_report
from .models import WebhookReceipt


def _remember(provider: str, body: bytes) -> None:
    digest = hashlib.sha256(provider.encode() + b":" + body).hexdigest()
    try:
        with transaction.atomic():
            WebhookReceipt.objects.create(provider=provider, digest=digest)
    except IntegrityError:
        raise Conflict(_("Pemberitahuan ini sudah pernah diterima (replay)."), code="replayed") from None


def _json_body(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput(_("Isi pemberitahuan bukan JSON yang sah."), code="malformed") from None


def whatsapp_webhook(*, body: bytes, signature: str, now: float | None = None) -> int:
    """Verify and apply a WhatsApp status webhook. Returns the number of statuses applied."""
    now = time.time() if now is None else now
    if not policy.signature_valid(secret=settings.WHATSAPP_APP_SECRET, payload=body, header=signature):
        raise Unauthorized(_("Tanda tangan pemberitahuan tidak sah."), code="bad_signature")
    data = _json_body(body)
    statuses: list[dict[str, Any]] = []
    try:
        for entry in data.get("entry", []):
            for change in entry.get("changes", []):
                statuses.extend(change.get("value", {}).get("statuses", []) or [])
    except AttributeError:
        raise InvalidInput(_("Isi pemberitahuan tidak dikenali."), code="malformed") from None
    def fresh_enough(status: Any) -> bool:
        # not older than the max age, not more than the tolerance in the future
        if not isinstance(status, dict):
            return False
        max_age, skew = settings.NOTIFY_WHATSAPP_WEBHOOK_MAX_AGE_SECONDS, settings.NOTIFY_WEBHOOK_TOLERANCE_SECONDS
        return policy.timestamp_fresh(str(status.get("timestamp", "")), now=now + (skew - max_age) / 2,
                                      tolerance=(max_age + skew) / 2)

    fresh = [s for s in statuses if fresh_enough(s)]
    if statuses and not fresh:
        raise Conflict(_("Pemberitahuan kedaluwarsa."), code="stale")
    _remember("whatsapp", body)
    applied = 0
    for status in fresh:
        errors = status.get("errors") or []
        error = ""
        if errors and isinstance(errors[0], dict):
            error = f"{errors[0].get('code', '')} {errors[0].get('title', '')}".strip()
        row = notification_status_report(
            provider_message_id=str(status.get("id", "")), idempotency_key=str(status.get("biz_opaque_callback_data", "")),
            status=str(status.get("status", "")), error=error,
            at=datetime.fromtimestamp(float(status["timestamp"]), tz=UTC))
        applied += int(row is not None)
    return applied


def sms_webhook(*, body: bytes, signature: str, timestamp: str, now: float | None = None) -> int:
    """Verify and apply an SMS delivery report (one object or a list). Returns the reports applied."""
    now = time.time() if now is None else now
    if not policy.signature_valid(secret=settings.SMS_WEBHOOK_SECRET, payload=timestamp.encode() + b"." + body,
                                  header=signature):
        raise Unauthorized(_("Tanda tangan pemberitahuan tidak sah."), code="bad_signature")
    if not policy.timestamp_fresh(timestamp, now=now, tolerance=settings.NOTIFY_WEBHOOK_TOLERANCE_SECONDS):
        raise Conflict(_("Pemberitahuan kedaluwarsa."), code="stale")
    data = _json_body(body)
    reports = data if isinstance(data, list) else [data]
    if not all(isinstance(r, dict) for r in reports):
        raise InvalidInput(_("Isi pemberitahuan tidak dikenali."), code="malformed")
    _remember("sms", body)
    applied = 0
    for report in reports:
        row = notification_status_report(
            provider_message_id=str(report.get("message_id") or report.get("id") or ""),
            idempotency_key=str(report.get("reference") or ""),
            status=str(report.get("status") or ""), error=str(report.get("error") or ""),
            at=datetime.fromtimestamp(float(timestamp), tz=UTC))
        applied += int(row is not None)
    return applied


def sign_sms(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """The headers a gateway (or our simulator) sends with a delivery report."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {"X-Timestamp": ts, "X-Signature": "sha256=" + policy.hmac_hex(secret, ts.encode() + b"." + body)}


def sign_whatsapp(body: bytes, secret: str) -> dict[str, str]:
    return {"X-Hub-Signature-256": "sha256=" + policy.hmac_hex(secret, body)}
