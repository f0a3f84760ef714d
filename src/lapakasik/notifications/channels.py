"""Channel providers behind one interface: ``send(message) -> SendResult``, raising ``TransientError``
(retry later) or ``PermanentError`` (give up, fall back to the next channel).

- e-mail: Django's SMTP backend (HTML + text; a reply in the participant's thread when the context has
  ``reply_to_message_id``); Message-ID is derived from the idempotency key.
- WhatsApp: the WhatsApp Cloud API, template messages with parameters.
- SMS: a configurable HTTP gateway (request shape, auth and answer field are settings).
- phone: a call task for an officer (``PhoneCall`` row) with the script.
- simulator: records the message in the database (``SimulatedMessage``) — the embedded default.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

import httpx
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from lapakasik.core import clock

from . import policy
from .models import PhoneCall, SimulatedMessage

log = logging.getLogger(__name__)


class TransientError(Exception):
    """Try again later (timeouts, 429, 5xx, malformed answers). ``retry_after`` in seconds if known."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(Exception):
    """This message cannot be delivered on this channel (bad number, refused address, 4xx)."""


@dataclass
class Outbound:
    notification_id: int
    channel: str
    recipient: str
    language: str
    subject: str
    text: str
    html: str
    idempotency_key: str
    verification_code: str
    reply_to_message_id: str = ""
    provider_template: str = ""
    parameters: list[str] = field(default_factory=list)
    branch_id: int | None = None


@dataclass
class SendResult:
    provider_message_id: str
    segments: int = 0


class Provider(Protocol):
    name: str

    def send(self, message: Outbound) -> SendResult: ...


def _retry_after(response: httpx.Response) -> float | None:
    raw = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(raw))
    except ValueError:
        return None


def _classify_http(response: httpx.Response, what: str) -> None:
    """Raise for a non-2xx answer: 408/425/429/5xx are transient, other 4xx permanent."""
    status = response.status_code
    if 200 <= status < 300:
        return
    detail = response.text[:300]
    if status in (408, 425, 429) or status >= 500:
        raise TransientError(f"{what} HTTP {status}: {detail}", retry_after=_retry_after(response))
    raise PermanentError(f"{what} HTTP {status}: {detail}")


_clients: dict[int, httpx.Client] = {}


def http_client() -> httpx.Client:
    """One pooled client per process (keep-alive; the TLS context is built once, not per message)."""
    pid = os.getpid()
    client = _clients.get(pid)
    if client is None:
        client = _clients[pid] = httpx.Client(limits=httpx.Limits(max_connections=20, max_keepalive_connections=10))
    return client


def _post(url: str, *, what: str, auth: Any = None, **kwargs: Any) -> httpx.Response:
    try:
        return http_client().post(url, timeout=settings.NOTIFY_HTTP_TIMEOUT_SECONDS, auth=auth, **kwargs)
    except httpx.TimeoutException as exc:
        raise TransientError(f"{what} timeout: {exc.__class__.__name__}") from exc
    except httpx.HTTPError as exc:
        raise TransientError(f"{what} connection error: {exc.__class__.__name__}: {exc}") from exc


def _json(response: httpx.Response, what: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        # The provider accepted something, but we cannot tell what: retry with the same idempotency key.
        raise TransientError(f"{what}: malformed answer ({response.text[:100]!r})") from exc


# --- e-mail -------------------------------------------------------------------------------------


def email_message(message: Outbound) -> EmailMultiAlternatives:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "lapakasik.localhost"
    headers = {
        "Message-ID": f"<{message.idempotency_key}@{domain}>",
        "X-Lapakasik-Verification": message.verification_code,
        "X-Idempotency-Key": message.idempotency_key,
        "Auto-Submitted": "auto-generated",
    }
    if message.reply_to_message_id:
        ref = message.reply_to_message_id.strip()
        if not ref.startswith("<"):
            ref = f"<{ref}>"
        headers["In-Reply-To"] = ref
        headers["References"] = ref
    mail = EmailMultiAlternatives(subject=message.subject, body=message.text,
                                  from_email=settings.DEFAULT_FROM_EMAIL, to=[message.recipient], headers=headers)
    if message.html:
        mail.attach_alternative(message.html, "text/html")
    return mail


class SmtpEmail:
    name = "smtp"

    def send(self, message: Outbound) -> SendResult:
        mail = email_message(message)
        try:
            connection = get_connection(fail_silently=False)
            sent = connection.send_messages([mail])
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(500 <= c < 600 for c in codes):
                raise PermanentError(f"SMTP recipient refused: {codes}") from exc
            raise TransientError(f"SMTP recipient deferred: {codes}") from exc
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                raise PermanentError(f"SMTP {exc.smtp_code}") from exc
            raise TransientError(f"SMTP {exc.smtp_code}") from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise TransientError(f"SMTP: {exc.__class__.__name__}: {exc}") from exc
        if not sent:
            raise TransientError("SMTP: message not sent")
        return SendResult(provider_message_id=mail.extra_headers["Message-ID"])


# --- WhatsApp Cloud API -------------------------------------------------------------------------


def whatsapp_payload(message: Outbound) -> dict[str, Any]:
    to = message.recipient.lstrip("+")
    payload: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                               "biz_opaque_callback_data": message.idempotency_key}
    if message.provider_template:
        payload["type"] = "template"
        payload["template"] = {
            "name": message.provider_template,
            "language": {"code": message.language},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": p} for p in message.parameters]}],
        }
    else:
        payload["type"] = "text"
        payload["text"] = {"preview_url": False, "body": message.text}
    return payload


class WhatsAppCloud:
    name = "whatsapp_cloud"

    def send(self, message: Outbound) -> SendResult:
        url = (f"{settings.WHATSAPP_API_BASE_URL}/{settings.WHATSAPP_API_VERSION}/"
               f"{settings.WHATSAPP_PHONE_NUMBER_ID}/messages")
        headers = {"Idempotency-Key": message.idempotency_key}
        if settings.WHATSAPP_TOKEN:
            headers["Authorization"] = f"Bearer {settings.WHATSAPP_TOKEN}"
        response = _post(url, what="WhatsApp", json=whatsapp_payload(message), headers=headers)
        if response.status_code == 400:
            body = _json(response, "WhatsApp") if response.content else {}
            code = (body.get("error") or {}).get("code") if isinstance(body, dict) else None
            # Throttling codes come back as 400 too: 4 (app), 80007 (WABA), 130429 (throughput), 131056 (pair).
            if code in (4, 80007, 130429, 131056):
                raise TransientError(f"WhatsApp throttled (code {code})", retry_after=_retry_after(response))
        _classify_http(response, "WhatsApp")
        body = _json(response, "WhatsApp")
        try:
            message_id = str(body["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as exc:
            raise TransientError(f"WhatsApp: no message id in answer ({str(body)[:100]})") from exc
        if not message_id:
            raise TransientError("WhatsApp: empty message id")
        return SendResult(provider_message_id=message_id)


# --- SMS gateway --------------------------------------------------------------------------------


def sms_fields() -> dict[str, str]:
    mapping = {}
    for part in settings.SMS_GATEWAY_FIELDS.split(","):
        ours, _, theirs = part.partition("=")
        if ours.strip():
            mapping[ours.strip()] = (theirs or ours).strip()
    return mapping


def _dig(body: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(body, list) and part.isdigit() and int(part) < len(body):
            body = body[int(part)]
        elif isinstance(body, dict) and part in body:
            body = body[part]
        else:
            return None
    return body


class SmsGateway:
    name = "sms_gateway"

    def send(self, message: Outbound) -> SendResult:
        if not settings.SMS_GATEWAY_URL:
            raise PermanentError("SMS gateway not configured (SMS_GATEWAY_URL)")
        segments = policy.sms_segments(message.text)
        values = {"to": message.recipient, "text": message.text, "sender": settings.SMS_GATEWAY_SENDER,
                  "reference": message.idempotency_key, "encoding": policy.sms_encoding(message.text),
                  "segments": segments}
        data = {theirs: values[ours] for ours, theirs in sms_fields().items() if ours in values}
        headers = {settings.SMS_GATEWAY_IDEMPOTENCY_HEADER: message.idempotency_key} \
            if settings.SMS_GATEWAY_IDEMPOTENCY_HEADER else {}
        auth: Any = None
        if settings.SMS_GATEWAY_AUTH == "bearer" and settings.SMS_GATEWAY_TOKEN:
            headers["Authorization"] = f"Bearer {settings.SMS_GATEWAY_TOKEN}"
        elif settings.SMS_GATEWAY_AUTH == "basic":
            auth = (settings.SMS_GATEWAY_USERNAME, settings.SMS_GATEWAY_PASSWORD)
        kwargs: dict[str, Any] = {"headers": headers, "auth": auth}
        if settings.SMS_GATEWAY_FORMAT == "form":
            kwargs["data"] = {k: str(v) for k, v in data.items()}
        else:
            kwargs["json"] = data
        response = _post(settings.SMS_GATEWAY_URL, what="SMS", **kwargs)
        _classify_http(response, "SMS")
        body = _json(response, "SMS")
        message_id = _dig(body, settings.SMS_GATEWAY_ID_FIELD)
        if not message_id or not isinstance(message_id, str | int):
            raise TransientError(f"SMS: no message id in answer ({str(body)[:100]})")
        return SendResult(provider_message_id=str(message_id), segments=segments)


# --- phone: a call task for an officer ------------------------------------------------------------


class PhoneTask:
    name = "phone_task"

    def send(self, message: Outbound) -> SendResult:
        call, _ = PhoneCall.objects.get_or_create(
            notification_id=message.notification_id,
            defaults=dict(branch_id=message.branch_id, phone=message.recipient, script=message.text,
                          due_at=clock.now() + timedelta(hours=settings.NOTIFY_PHONE_CALL_DUE_HOURS)))
        return SendResult(provider_message_id=f"call-{call.pk}")


# --- simulator ----------------------------------------------------------------------------------


class Simulator:
    """Records what the recipient would get; honours the idempotency key (one message per key)."""

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.name = f"simulator_{channel}"

    def send(self, message: Outbound) -> SendResult:
        existing = SimulatedMessage.objects.filter(idempotency_key=message.idempotency_key).first()
        if existing is not None:
            return SendResult(provider_message_id=existing.provider_message_id,
                              segments=policy.sms_segments(message.text) if self.channel == "sms" else 0)
        payload: dict[str, Any] = {}
        html = ""
        if self.channel == "whatsapp":
            payload = whatsapp_payload(message)
        elif self.channel == "email":
            mail = email_message(message)
            payload = {"headers": {k: str(v) for k, v in mail.message().items()}}
            html = message.html
        elif self.channel == "sms":
            payload = {"encoding": policy.sms_encoding(message.text), "segments": policy.sms_segments(message.text)}
        row = SimulatedMessage.objects.create(
            channel=self.channel, recipient=message.recipient, idempotency_key=message.idempotency_key,
            provider_message_id=f"sim-{self.channel}-{message.idempotency_key[:12]}", subject=message.subject,
            text=message.text, html=html, payload=json.loads(json.dumps(payload, default=str)))
        return SendResult(provider_message_id=row.provider_message_id,
                          segments=policy.sms_segments(message.text) if self.channel == "sms" else 0)


def provider_for(channel: str) -> Provider:
    if channel == "phone":
        return PhoneTask()
    choice = {"email": settings.NOTIFY_EMAIL_PROVIDER, "whatsapp": settings.NOTIFY_WHATSAPP_PROVIDER,
              "sms": settings.NOTIFY_SMS_PROVIDER}.get(channel, "simulator")
    if choice == "simulator":
        return Simulator(channel)
    if channel == "email":
        return SmtpEmail()
    if channel == "whatsapp":
        return WhatsAppCloud()
    return SmsGateway()


def rate_key(provider: Provider) -> str:
    """The name its rate limit is configured under (NOTIFY_RATE_LIMITS)."""
    if provider.name.startswith("simulator"):
        return "simulator"
    return {"smtp": "email", "whatsapp_cloud": "whatsapp", "sms_gateway": "sms"}.get(provider.name, provider.name)
