"""WhatsApp Cloud API and SMS gateway against a real local HTTP server: success, 429, 500, timeouts,
malformed answers, refusals; retries keep the idempotency key; permanent failure falls back."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import enqueue, make_due, run_queue

pytestmark = pytest.mark.django_db(transaction=True)


def _row(pk: int) -> Any:
    from lapakasik.notifications.models import Notification

    return Notification.objects.get(pk=pk)


def test_whatsapp_template_message_reaches_the_cloud_api(make_claim: Any, templates: None, http_providers: Any) -> None:
    claim = make_claim(channels=["whatsapp"], language="en")
    [row] = enqueue(event="claim_approved", claim=claim, context={"amount": "12.500.000"})
    assert run_queue() == ["sent"]
    row = _row(row.pk)
    assert row.status == "SENT" and row.attempts == 1 and row.provider_message_id.startswith("wamid.")
    [msg] = http_providers.state.messages
    body = msg["body"]
    assert msg["to"] == "6281234567890" and msg["key"] == row.idempotency_key
    assert body["type"] == "template" and body["template"]["name"] == "lapakasik_pesan"
    assert body["template"]["language"] == {"code": "en"}
    params = [p["text"] for p in body["template"]["components"][0]["parameters"]]
    assert f"Claim {claim.code} is approved" in params[0] and "Rp 12.500.000" in params[0]
    assert params[1] == f"{row.verification_code[:4]}-{row.verification_code[4:]}"
    assert body["biz_opaque_callback_data"] == row.idempotency_key


@pytest.mark.parametrize("fault", ["429", "500", "503", "timeout", "malformed", "no_id", "drop", "throttle400"])
def test_transient_failures_are_retried_with_the_same_key(fault: str, make_claim: Any, templates: None,
                                                          http_providers: Any) -> None:
    claim = make_claim(channels=["whatsapp"])
    http_providers.state.fail_next("whatsapp", fault)
    [row] = enqueue(event="claim_verified", claim=claim)
    assert run_queue() == ["retry"]
    first = _row(row.pk)
    assert first.status == "PENDING" and first.attempts == 1 and first.last_error
    assert first.next_attempt_at is not None
    make_due(first)
    assert run_queue() == ["sent"]
    done = _row(row.pk)
    assert done.status == "SENT" and done.attempts == 2
    # The provider saw the same idempotency key each time and kept one message.
    assert http_providers.state.duplicates() == 0
    assert len(http_providers.state.key_counts()) == 1


def test_retry_after_of_a_429_is_respected(make_claim: Any, templates: None, http_providers: Any, settings: Any) -> None:
    from lapakasik.core import clock

    settings.NOTIFY_BACKOFF_BASE_SECONDS = 0
    claim = make_claim(channels=["whatsapp"])
    http_providers.state.fail_next("whatsapp", "429")
    before = clock.now()
    [row] = enqueue(event="claim_verified", claim=claim)
    run_queue()
    delay = (_row(row.pk).next_attempt_at - before).total_seconds()
    assert delay >= 0.9  # Retry-After: 1


def test_backoff_grows_then_fails_for_good_and_falls_back(make_claim: Any, templates: None, http_providers: Any,
                                                         settings: Any) -> None:
    from lapakasik.notifications.models import Notification

    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.NOTIFY_BACKOFF_BASE_SECONDS = 10
    claim = make_claim(channels=["whatsapp"])
    http_providers.state.fail_next("whatsapp", "500", "500", "500")
    [row] = enqueue(event="claim_paid", claim=claim, context={"amount": "5.000.000"})
    delays = []
    from lapakasik.core import clock

    for _ in range(3):
        before = clock.now()
        outcome = run_queue(limit=1)
        after = _row(row.pk)
        if after.status == "PENDING":
            delays.append((after.next_attempt_at - before).total_seconds())
            make_due(after)
        else:
            assert outcome == ["failed"]
    failed = _row(row.pk)
    assert failed.status == "FAILED" and failed.attempts == 3 and "500" in failed.last_error
    assert 5 <= delays[0] <= 12 and 10 <= delays[1] <= 22  # exponential (10, 20 s ceilings), with jitter
    fallback = Notification.objects.get(fallback_of=failed)
    assert fallback.channel == "sms" and fallback.fallback_reason == "failed"
    assert run_queue() == ["sent"]
    [sms] = [m for m in http_providers.state.messages if m["channel"] == "sms"]
    assert sms["to"] == "+6281234567890" and claim.code in sms["body"]["text"]


def test_permanent_refusal_falls_back_at_once(make_claim: Any, templates: None, http_providers: Any) -> None:
    from lapakasik.notifications.models import Notification

    claim = make_claim(channels=["whatsapp"])
    http_providers.state.fail_next("whatsapp", "400")
    [row] = enqueue(event="claim_rejected", claim=claim, context={"reason": "Masa tunggu belum selesai"})
    assert run_queue() == ["failed", "sent"]
    assert _row(row.pk).status == "FAILED" and _row(row.pk).attempts == 1
    assert Notification.objects.get(fallback_of=row).status == "SENT"


def test_wrong_token_is_a_permanent_failure(make_claim: Any, templates: None, http_providers: Any,
                                            settings: Any) -> None:
    settings.WHATSAPP_TOKEN = "expired"
    claim = make_claim(channels=["whatsapp"], email="")
    [row] = enqueue(event="claim_verified", claim=claim)
    outcomes = run_queue()
    assert outcomes[0] == "failed" and "401" in _row(row.pk).last_error


def test_sms_gateway_json_with_segments_and_reference(make_claim: Any, templates: None, http_providers: Any) -> None:
    claim = make_claim(channels=["sms"])
    [row] = enqueue(event="otp_code", claim=claim, context={"otp": "482913"})
    assert run_queue() == ["sent"]
    [msg] = http_providers.state.messages
    body = msg["body"]
    assert body["to"] == "+6281234567890" and "482913" in body["text"]
    assert body["reference"] == _row(row.pk).idempotency_key and body["sender"] == "LAPAKASIK"
    assert body["encoding"] == "GSM-7" and body["segments"] == _row(row.pk).segments >= 1


def test_sms_gateway_form_shape_and_gsm7_only(make_claim: Any, templates: None, http_providers: Any, settings: Any) -> None:
    from lapakasik.notifications.models import NotificationTemplate

    settings.SMS_GATEWAY_FORMAT = "form"
    settings.SMS_GATEWAY_FIELDS = "to=msisdn,text=message,reference=ref"
    settings.SMS_GATEWAY_ID_FIELD = "message_id"
    NotificationTemplate.objects.filter(event="claim_verified", channel="sms", language="id").update(
        body="Klaim {{ claim_code }} terverifikasi ✅ " + "lanjut " * 10)
    claim = make_claim(channels=["sms"])
    [row] = enqueue(event="claim_verified", claim=claim)
    assert run_queue() == ["sent"]
    [msg] = http_providers.state.messages
    assert set(msg["body"]) == {"msisdn", "message", "ref"}
    # An admin's emoji would make the whole SMS UCS-2 (70 a segment): SMS texts stay GSM-7, the emoji goes.
    assert "✅" not in msg["body"]["message"] and "terverifikasi lanjut" in msg["body"]["message"]
    from lapakasik.notifications.policy import sms_encoding, sms_units

    row = _row(row.pk)
    assert sms_encoding(row.body_text) == "GSM-7" and row.body_text == msg["body"]["message"]
    assert row.segments == (1 if sms_units(row.body_text) <= 160 else -(-sms_units(row.body_text) // 153))


def test_sms_without_gateway_configured_fails_permanently(make_claim: Any, templates: None, settings: Any) -> None:
    settings.NOTIFY_SMS_PROVIDER = "gateway"
    settings.SMS_GATEWAY_URL = ""
    claim = make_claim(channels=["sms"], email="")
    enqueue(event="claim_verified", claim=claim)
    assert run_queue()[0] == "failed"
