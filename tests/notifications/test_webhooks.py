"""Delivery-status webhooks over real HTTP requests to the API: signed ones apply, forged, replayed,
stale and malformed ones are refused and change nothing."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client

from tests.conftest import error_of

from .conftest import enqueue, run_queue

pytestmark = pytest.mark.django_db(transaction=True)
WA_URL = "/api/v1/notifications/webhooks/whatsapp"
SMS_URL = "/api/v1/notifications/webhooks/sms"


@pytest.fixture
def secrets(settings: Any) -> None:
    settings.WHATSAPP_APP_SECRET = "wa-app-secret"
    settings.SMS_WEBHOOK_SECRET = "sms-secret"
    settings.WHATSAPP_VERIFY_TOKEN = "verify-me"


@pytest.fixture
def sent_whatsapp(make_claim: Any, templates: None, http_providers: Any, secrets: None) -> Any:
    from lapakasik.notifications.models import Notification

    claim = make_claim(channels=["whatsapp"])
    [row] = enqueue(event="claim_approved", claim=claim)
    run_queue()
    return Notification.objects.get(pk=row.pk)


@pytest.fixture
def sent_sms(make_claim: Any, templates: None, http_providers: Any, secrets: None) -> Any:
    from lapakasik.notifications.models import Notification

    claim = make_claim(channels=["sms"])
    [row] = enqueue(event="claim_approved", claim=claim)
    run_queue()
    return Notification.objects.get(pk=row.pk)


def wa_body(row: Any, status: str = "delivered", ts: int | None = None, errors: list[Any] | None = None) -> bytes:
    st: dict[str, Any] = {"id": row.provider_message_id, "status": status, "timestamp": str(ts or int(time.time())),
                          "recipient_id": row.recipient.lstrip("+"), "biz_opaque_callback_data": row.idempotency_key}
    if errors:
        st["errors"] = errors
    return json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [
        {"field": "messages", "value": {"messaging_product": "whatsapp", "statuses": [st]}}]}]}).encode()


def post_wa(body: bytes, secret: str = "wa-app-secret") -> Any:
    from lapakasik.notifications.webhooks import sign_whatsapp

    return Client().post(WA_URL, data=body, content_type="application/json", headers=sign_whatsapp(body, secret))


def post_sms(body: bytes, secret: str = "sms-secret", ts: int | None = None) -> Any:
    from lapakasik.notifications.webhooks import sign_sms

    return Client().post(SMS_URL, data=body, content_type="application/json", headers=sign_sms(body, secret, ts))


def test_signed_whatsapp_delivery_report_marks_delivered(sent_whatsapp: Any) -> None:
    response = post_wa(wa_body(sent_whatsapp))
    assert response.status_code == 200 and response.json() == {"applied": 1}
    sent_whatsapp.refresh_from_db()
    assert sent_whatsapp.status == "DELIVERED" and sent_whatsapp.delivered_at is not None


def test_forged_whatsapp_webhook_is_refused(sent_whatsapp: Any) -> None:
    body = wa_body(sent_whatsapp)
    for response in (post_wa(body, secret="guessed"),
                     Client().post(WA_URL, data=body, content_type="application/json"),
                     Client().post(WA_URL, data=body, content_type="application/json",
                                   HTTP_X_HUB_SIGNATURE_256="sha256=" + "0" * 64)):
        assert response.status_code == 401 and error_of(response)["code"] == "bad_signature"
    sent_whatsapp.refresh_from_db()
    assert sent_whatsapp.status == "SENT"


def test_replayed_whatsapp_webhook_is_refused(sent_whatsapp: Any) -> None:
    body = wa_body(sent_whatsapp, status="read")
    assert post_wa(body).status_code == 200
    again = post_wa(body)
    assert again.status_code == 409 and error_of(again)["code"] == "replayed"


def test_stale_whatsapp_status_is_refused(sent_whatsapp: Any, settings: Any) -> None:
    settings.NOTIFY_WHATSAPP_WEBHOOK_MAX_AGE_SECONDS = 3600
    response = post_wa(wa_body(sent_whatsapp, ts=int(time.time()) - 7200))
    assert response.status_code == 409 and error_of(response)["code"] == "stale"
    future = post_wa(wa_body(sent_whatsapp, ts=int(time.time()) + 3600))
    assert future.status_code == 409
    sent_whatsapp.refresh_from_db()
    assert sent_whatsapp.status == "SENT"


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"entry": "x"}', b"\xff\xfe"])
def test_malformed_but_signed_whatsapp_body_is_refused(body: bytes, secrets: None) -> None:
    response = post_wa(body)
    assert response.status_code == 422 and error_of(response)["code"] == "malformed"


def test_whatsapp_failed_status_falls_back_to_sms(sent_whatsapp: Any, http_providers: Any) -> None:
    from lapakasik.notifications.models import Notification

    response = post_wa(wa_body(sent_whatsapp, status="failed", errors=[{"code": 131026, "title": "Undeliverable"}]))
    assert response.status_code == 200
    sent_whatsapp.refresh_from_db()
    assert sent_whatsapp.status == "FAILED" and "131026" in sent_whatsapp.last_error
    fallback = Notification.objects.get(fallback_of=sent_whatsapp)
    assert fallback.channel == "sms" and fallback.fallback_reason == "provider_failed"
    assert run_queue() == ["sent"]


def test_delivered_never_goes_back(sent_whatsapp: Any) -> None:
    assert post_wa(wa_body(sent_whatsapp, status="delivered")).status_code == 200
    assert post_wa(wa_body(sent_whatsapp, status="sent", ts=int(time.time()) - 5)).status_code == 200
    sent_whatsapp.refresh_from_db()
    assert sent_whatsapp.status == "DELIVERED"


def test_whatsapp_subscription_handshake(secrets: None) -> None:
    ok = Client().get(WA_URL, {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"})
    assert ok.status_code == 200 and ok.content == b"1158201444"
    bad = Client().get(WA_URL, {"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"})
    assert bad.status_code == 401


def test_signed_sms_report_marks_delivered(sent_sms: Any) -> None:
    body = json.dumps({"message_id": sent_sms.provider_message_id, "reference": sent_sms.idempotency_key,
                       "status": "DELIVERED"}).encode()
    response = post_sms(body)
    assert response.status_code == 200 and response.json() == {"applied": 1}
    sent_sms.refresh_from_db()
    assert sent_sms.status == "DELIVERED"


def test_forged_replayed_and_stale_sms_reports_are_refused(sent_sms: Any) -> None:
    body = json.dumps({"message_id": sent_sms.provider_message_id, "status": "DELIVERED"}).encode()
    forged = post_sms(body, secret="wrong")
    assert forged.status_code == 401
    # A valid signature over another timestamp does not fit this one.
    from lapakasik.notifications.webhooks import sign_sms

    headers = sign_sms(body, "sms-secret", int(time.time()) - 10)
    moved = Client().post(SMS_URL, data=body, content_type="application/json",
                          HTTP_X_SIGNATURE=headers["X-Signature"], HTTP_X_TIMESTAMP=str(int(time.time())))
    assert moved.status_code == 401
    stale = post_sms(body, ts=int(time.time()) - 3600)
    assert stale.status_code == 409 and error_of(stale)["code"] == "stale"
    no_ts = Client().post(SMS_URL, data=body, content_type="application/json", HTTP_X_SIGNATURE="sha256=00")
    assert no_ts.status_code == 401
    sent_sms.refresh_from_db()
    assert sent_sms.status == "SENT"
    ts = int(time.time())
    assert post_sms(body, ts=ts).status_code == 200
    replay = post_sms(body, ts=ts)
    assert replay.status_code == 409 and error_of(replay)["code"] == "replayed"


def test_sms_undelivered_report_falls_back(sent_sms: Any) -> None:
    from lapakasik.notifications.models import Notification

    body = json.dumps([{"message_id": sent_sms.provider_message_id, "status": "UNDELIVERED",
                        "error": "absent subscriber"}]).encode()
    assert post_sms(body).status_code == 200
    sent_sms.refresh_from_db()
    assert sent_sms.status == "FAILED"
    assert Notification.objects.get(fallback_of=sent_sms).channel == "whatsapp"


def test_webhook_without_secret_configured_refuses_everything(sent_sms: Any, settings: Any) -> None:
    settings.SMS_WEBHOOK_SECRET = ""
    body = json.dumps({"message_id": sent_sms.provider_message_id, "status": "DELIVERED"}).encode()
    assert post_sms(body, secret="").status_code == 401
