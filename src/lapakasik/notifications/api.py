"""Notifications API: provider delivery-status webhooks and the public authenticity check."""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from lapakasik.api.openapi import error_responses
from lapakasik.core.errors import RateLimited, Unauthorized
from lapakasik.core.validators import NO_NUL_PATTERN, free_text

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


class CheckQuery(Schema):
    code: str = free_text(32, description="the verification code printed in the message", default="")


class VerifyQuery(Schema):
    mode: Literal["subscribe"] = Field(..., alias="hub.mode")
    verify_token: str = Field(..., alias="hub.verify_token", max_length=200, pattern=NO_NUL_PATTERN)
    challenge: str = Field(..., alias="hub.challenge", max_length=200, pattern=NO_NUL_PATTERN)


_VERIFY_ANSWERS = {"responses": {
    200: {"description": "hub.challenge, echoed", "content": {"text/plain": {"schema": {"type": "string"}}}},
    **error_responses(401)["responses"]}}


# Documented (it used to be hidden): the path answers GET, and its 405 names GET in `Allow` — a document
# that listed only POST disagreed with the server's own answer.
@router.get("/notifications/webhooks/whatsapp", auth=None, openapi_extra=_VERIFY_ANSWERS,
            summary="WhatsApp subscription handshake (hub.challenge)")
def whatsapp_verify(request: HttpRequest, q: Query[VerifyQuery]) -> HttpResponse:
    """The subscription handshake: echo hub.challenge when hub.verify_token matches."""
    expected = settings.WHATSAPP_VERIFY_TOKEN
    if not expected or not hmac.compare_digest(q.verify_token.encode(), str(expected).encode()):
        raise Unauthorized(code="bad_verify_token")
    return HttpResponse(q.challenge, content_type="text/plain")


@router.post("/notifications/webhooks/sms", response=WebhookOut, auth=None, openapi_extra=error_responses(401))
def sms_report(request: HttpRequest) -> WebhookOut:
    """SMS gateway delivery report (X-Timestamp + X-Signature)."""
    return WebhookOut(applied=webhooks.sms_webhook(
        body=request.body, signature=request.headers.get("X-Signature", ""),
        timestamp=request.headers.get("X-Timestamp", "")))


@router.get("/notifications/check", response=CheckOut, auth=None, openapi_extra=error_responses(429))
def check(request: HttpRequest, q: Query[CheckQuery]) -> CheckOut:
    """"Cek keaslian pesan": did the agency send a message with this verification code? No personal data."""
    wait = check_wait(request)
    if wait:
        raise RateLimited(retry_after=int(wait) + 1)
    lang = "en" if (request.LANGUAGE_CODE or "id").startswith("en") else "id"
    result = selectors.notification_check(code=q.code, language=lang)
    return CheckOut(genuine=result.genuine, channel=result.channel, kind=result.kind, sent_at=result.sent_at)
