"""``lapakasik notifysim``: the local WhatsApp Cloud API + SMS gateway simulator over real HTTP.

Each accepted message is recorded in the database (the development inbox shows it as the recipient
sees it) and, after a short delay, a signed delivery report is posted back to the webhooks — the
whole provider round trip, on the machine. Started by ``lapakasik up`` when NOTIFY_HTTP_SIMULATOR=1.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from lapakasik.notifications import policy
from lapakasik.notifications.models import Notification, SimulatedMessage
from lapakasik.notifications.simulator import SimulatorServer, SimulatorState
from lapakasik.notifications.webhooks import sign_sms, sign_whatsapp


def record(entry: dict[str, Any]) -> None:
    """Store what the simulated provider received (text as the recipient reads it)."""
    close_old_connections()
    body = entry["body"]
    row = Notification.objects.filter(idempotency_key=entry["key"]).only("body_text").first() if entry["key"] else None
    if entry["channel"] == "whatsapp":
        params = [p.get("text", "") for c in (body.get("template") or {}).get("components", [])
                  for p in c.get("parameters", [])]
        text = row.body_text if row is not None else ((body.get("text") or {}).get("body") or "\n\n".join(params))
        payload = body
    else:
        text = str(body.get("text") or body.get("message") or "")
        payload = {"encoding": policy.sms_encoding(text), "segments": policy.sms_segments(text), "request": body}
    SimulatedMessage.objects.create(channel=entry["channel"], recipient=entry["to"], idempotency_key=entry["key"],
                                    provider_message_id=entry["id"], text=text, payload=payload)


def report(entry: dict[str, Any], base: str, delay: float) -> None:
    """Post a signed "delivered" report for the message, as the provider would."""
    time.sleep(delay)
    now = int(time.time())
    try:
        if entry["channel"] == "whatsapp" and settings.WHATSAPP_APP_SECRET:
            body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "SIM", "changes": [
                {"field": "messages", "value": {"messaging_product": "whatsapp", "statuses": [
                    {"id": entry["id"], "status": "delivered", "timestamp": str(now), "recipient_id": entry["to"],
                     "biz_opaque_callback_data": entry["key"]}]}}]}]}).encode()
            httpx.post(f"{base}/api/v1/notifications/webhooks/whatsapp", content=body, timeout=10,
                       headers={"Content-Type": "application/json", **sign_whatsapp(body, settings.WHATSAPP_APP_SECRET)})
        elif entry["channel"] == "sms" and settings.SMS_WEBHOOK_SECRET:
            body = json.dumps({"message_id": entry["id"], "reference": entry["key"], "status": "DELIVERED"}).encode()
            httpx.post(f"{base}/api/v1/notifications/webhooks/sms", content=body, timeout=10,
                       headers={"Content-Type": "application/json", **sign_sms(body, settings.SMS_WEBHOOK_SECRET, now)})
    except httpx.HTTPError:
        pass  # the web process is not up: the row simply stays SENT


class Command(BaseCommand):
    help = "Run the local WhatsApp Cloud API + SMS gateway simulator (records to the dev inbox)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=settings.NOTIFY_SIMULATOR_HOST)
        parser.add_argument("--port", type=int, default=settings.NOTIFY_SIMULATOR_PORT)
        parser.add_argument("--report-to", default=settings.PUBLIC_BASE_URL,
                            help="base URL to post delivery reports to ('' = none)")
        parser.add_argument("--report-delay", type=float, default=1.0)

    def handle(self, *args: Any, **opts: Any) -> None:
        def on_message(entry: dict[str, Any]) -> None:
            record(entry)
            if opts["report_to"]:
                threading.Thread(target=report, args=(entry, opts["report_to"].rstrip("/"), opts["report_delay"]),
                                 daemon=True).start()

        state = SimulatorState(token=settings.WHATSAPP_TOKEN if settings.NOTIFY_HTTP_SIMULATOR else "",
                               on_message=on_message)
        server = SimulatorServer((opts["host"], opts["port"]), state)
        self.stdout.write(f"notification simulator on {server.base_url} "
                          f"(WhatsApp: POST /<version>/<phone id>/messages, SMS: POST /sms)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
