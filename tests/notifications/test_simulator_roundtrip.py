"""The demo round trip over real HTTP: worker → WhatsApp/SMS simulator (``notifysim``) → dev inbox, and
the simulator's signed delivery report → webhook → DELIVERED."""

from __future__ import annotations

import time
from typing import Any

import pytest

from .conftest import enqueue, run_queue

pytestmark = pytest.mark.django_db(transaction=True)


def test_notifysim_records_and_reports_delivery(make_claim: Any, templates: None, settings: Any,
                                                live_server: Any) -> None:
    from lapakasik.notifications.management.commands.notifysim import record, report
    from lapakasik.notifications.models import Notification, SimulatedMessage
    from lapakasik.notifications.simulator import SimulatorState, start

    settings.WHATSAPP_APP_SECRET = "sim-secret"
    settings.SMS_WEBHOOK_SECRET = "sim-secret"
    reports: list[Any] = []

    def on_message(entry: dict[str, Any]) -> None:
        record(entry)
        reports.append(entry)

    server, thread = start(state=SimulatorState(token="sim", on_message=on_message))
    try:
        settings.NOTIFY_WHATSAPP_PROVIDER = "cloud"
        settings.NOTIFY_SMS_PROVIDER = "gateway"
        settings.WHATSAPP_API_BASE_URL = server.base_url
        settings.WHATSAPP_PHONE_NUMBER_ID = "1"
        settings.WHATSAPP_TOKEN = "sim"
        settings.SMS_GATEWAY_URL = server.base_url + "/sms"
        settings.SMS_GATEWAY_TOKEN = "sim"
        claim = make_claim(channels=["whatsapp", "sms"])
        rows = enqueue(event="claim_paid", claim=claim, context={"amount": "3.000.000"})
        assert run_queue() == ["sent", "sent"]
        inbox = SimulatedMessage.objects.order_by("channel")
        assert [m.channel for m in inbox] == ["sms", "whatsapp"]
        wa = inbox.get(channel="whatsapp")
        assert f"klaim {claim.code}" in wa.text and "3.000.000" in wa.text  # as the recipient reads it
        for entry in reports:
            report(entry, live_server.url, 0)
        deadline = time.time() + 10
        while time.time() < deadline and Notification.objects.filter(status="DELIVERED").count() < 2:
            time.sleep(0.1)
        assert {r.status for r in Notification.objects.filter(pk__in=[r.pk for r in rows])} == {"DELIVERED"}
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
