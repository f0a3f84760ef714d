"""Notifications API: provider delivery-status webhooks and the public authenticity check."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from lapakasik.api.openapi import error_responses
from lapakasik.core.errors import RateLimited, Unauthorized

from . import selectors, webhooks
from .views import check_wait

router = Router(tags=["notifications"])


class WebhookOut(Schema):
    applied: int


class CheckOut(Schema):
    genuine: bool
    channel: str
    kind: str
    sent_at: datetime | None


@router.post("/notifications/webhooks/whatsapp", response=WebhookOut, auth=None, openapi_extra=error_responses(401))
def whatsapp_status(request: HttpRequest) -> WebhookOut:
    """WhatsApp Cloud API status webhook (X-Hub-Signature-256)."""
    return WebhookOut(applied=webhooks.whatsapp_webhook(
        body=request.body, signature=request.headers.get("X-Hub-Signature-256", "")))


@router.get("/notifications/webhooks/whatsapp", auth=None, include_in_schema=False)
def whatsapp_verify(request: HttpRequest) -> HttpResponse:
    """The subscription handshake: echo hub.challenge when hub.verify_token matches."""
    token = request.GET.get("hub.verify_token", "")
    if request.GET.get("hub.mode") != "subscribe" or not settings.WHATSAPP_VERIFY_TOKEN or \
            token != settings.WHATSAPP_VERIFY_TOKEN:
        raise Unauthorized(code="bad_verify_token")
    return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")


@router.post("/notifications/webhooks/sms", response=WebhookOut, auth=None, openapi_extra=error_responses(401))
def sms_report(request: HttpRequest) -> WebhookOut:
    """SMS gateway delivery report (X-Timestamp + X-Signature)."""
    return WebhookOut(applied=webhooks.sms_webhook(
        body=request.body, signature=request.headers.get("X-Signature", ""),
        timestamp=request.headers.get("X-Timestamp", "")))


@router.get("/notifications/check", response=CheckOut, auth=None, openapi_extra=error_responses(429))
def check(request: HttpRequest, code: str = "") -> CheckOut:
    """"Cek keaslian pesan": did the agency send a message with this verification code? No personal data."""
    wait = check_wait(request)
    if wait:
        raise RateLimited(retry_after=int(wait) + 1)
    lang = "en" if (request.LANGUAGE_CODE or "id").startswith("en") else "id"
    result = selectors.notification_check(code=code[:32], language=lang)
    return CheckOut(genuine=result.genuine, channel=result.channel, kind=result.kind, sent_at=result.sent_at)
