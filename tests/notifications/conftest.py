"""Fixtures of the notification tests: claims, and real local servers (SMTP sink, provider HTTP)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def make_claim(network: None) -> Any:
    from tests.claims.factories import open_claim

    return open_claim


@pytest.fixture
def claim(make_claim: Any) -> Any:
    return make_claim()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks: Any) -> Any:
    """Run on_commit callbacks (the task enqueues) of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def run_queue(limit: int = 200) -> list[str]:
    """Run every ready notification task in this process, as the worker would (including the ones
    they enqueue, and the bulk task of many rows), and return the outcomes, one per row."""
    from django_tasks_db.models import DBTaskResult

    from lapakasik.notifications.delivery import notification_dispatch

    outcomes = []
    for _ in range(limit):
        task = DBTaskResult.objects.ready().filter(queue_name="notifications").order_by("enqueued_at").first()
        if task is None:
            break
        task.claim("test")
        args = task.args_kwargs["args"]
        # notification_deliver(id) or notification_deliver_many([ids]) (the bulk announcements)
        for notification_id in (args[0] if isinstance(args[0], list) else [args[0]]):
            outcomes.append(notification_dispatch(notification_id=notification_id))
        task.set_successful(None)
    return outcomes


@pytest.fixture
def templates(db: Any) -> None:
    """The shipped templates (transactional tests flush the data migration's rows)."""
    from lapakasik.notifications.services import template_defaults_install

    template_defaults_install()


@pytest.fixture
def sim() -> Any:
    """A real HTTP server on 127.0.0.1 speaking the WhatsApp Cloud API and the SMS gateway."""
    from lapakasik.notifications.simulator import SimulatorState, start

    server, thread = start(state=SimulatorState(token="test-token", timeout_sleep=1.5))
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def http_providers(settings: Any, sim: Any) -> Any:
    """WhatsApp and SMS go to the local HTTP simulator through the real provider clients."""
    settings.NOTIFY_WHATSAPP_PROVIDER = "cloud"
    settings.NOTIFY_SMS_PROVIDER = "gateway"
    settings.WHATSAPP_API_BASE_URL = sim.base_url
    settings.WHATSAPP_API_VERSION = "v21.0"
    settings.WHATSAPP_PHONE_NUMBER_ID = "1234567890"
    settings.WHATSAPP_TOKEN = "test-token"
    settings.SMS_GATEWAY_URL = sim.base_url + "/sms"
    settings.SMS_GATEWAY_TOKEN = "test-token"
    settings.SMS_GATEWAY_AUTH = "bearer"
    settings.NOTIFY_HTTP_TIMEOUT_SECONDS = 0.5
    settings.NOTIFY_BACKOFF_BASE_SECONDS = 1
    settings.NOTIFY_MAX_ATTEMPTS = 4
    return sim


class SmtpSink:
    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.envelopes: list[Any] = []
        self.refuse: dict[str, str] = {}

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email
        from email import policy as email_policy

        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email_policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_sink(settings: Any) -> Any:
    """A real SMTP server (aiosmtpd) on 127.0.0.1, port chosen by the OS; Django's SMTP backend points at it."""
    import socket

    from aiosmtpd.controller import Controller

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.NOTIFY_EMAIL_PROVIDER = "smtp"
    sink.port = port  # type: ignore[attr-defined]
    yield sink
    controller.stop()


def enqueue(**kw: Any) -> list[Any]:
    """notification_enqueue inside a committed transaction (tasks enqueued on commit), addressed to the
    claim's applicant unless the test names a recipient."""
    from django.db import transaction

    from lapakasik.claims.services import applicant_recipient
    from lapakasik.notifications.services import notification_enqueue

    if kw.get("claim") is not None and "to" not in kw and not kw.get("recipient"):
        kw["to"] = applicant_recipient(kw["claim"])
    with transaction.atomic():
        return notification_enqueue(**kw)


def make_due(*rows: Any) -> None:
    """Pretend the retry delay has passed (the tests do not sleep through backoff)."""
    from datetime import timedelta

    from lapakasik.core import clock
    from lapakasik.notifications.models import Notification

    Notification.objects.filter(pk__in=[r.pk for r in rows]).update(next_attempt_at=clock.now() - timedelta(seconds=2))
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(queue_name="notifications", status="READY").update(
        run_after=clock.now() - timedelta(seconds=1))
