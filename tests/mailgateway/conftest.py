"""Fixtures of the mail gateway tests: the gateway on a free port in a thread, real SMTP/LMTP clients
(smtplib), and message builders (email.message and hand-written raw messages; no binary blobs)."""

from __future__ import annotations

import smtplib
import uuid
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest

from tests.intake.conftest import (  # noqa: F401 - fixtures re-used from the intake tests
    _private_storage,
    claim,
    jpeg_bytes,
    make_claim,
    pdf_bytes,
    png_bytes,
)


@pytest.fixture
def gateway_factory(transactional_db: Any, settings: Any, tmp_path: Any) -> Any:
    from lapakasik.mailgateway.server import Gateway

    settings.MAILGATEWAY_SPOOL_DIR = str(tmp_path / "spool")
    started: list[Any] = []

    def start(**kw: Any) -> Any:
        gw = Gateway(host="127.0.0.1", port=0, **kw)
        gw.start()
        started.append(gw)
        return gw

    yield start
    for gw in started:
        gw.stop()


@pytest.fixture
def gateway(gateway_factory: Any) -> Any:
    return gateway_factory()


def address_of(for_claim: Any) -> str:
    from lapakasik.intake.selectors import intake_links_get

    links = intake_links_get(for_claim)
    assert links is not None
    return links.email_address


def smtp_send(gw: Any, raw: bytes | EmailMessage, *, to: list[str], sender: str = "siti@example.id",
              lmtp: bool = False) -> Any:
    """A real SMTP (or LMTP) conversation; returns smtplib's refused-recipients dict."""
    data = raw.as_bytes(policy=policy.SMTP) if isinstance(raw, EmailMessage) else raw
    client: Any = smtplib.LMTP(gw.hostname, gw.port) if lmtp else smtplib.SMTP(gw.hostname, gw.port, timeout=30)
    try:
        if not lmtp:
            client.ehlo("client.example.id")
        return client.sendmail(sender, to, data)
    finally:
        try:
            client.quit()
        except smtplib.SMTPServerDisconnected:
            pass


def run_worker() -> None:
    """Process what the gateway queued, as the worker does (django-tasks-db, queue ``intake``)."""
    from django.core.management import call_command

    call_command("db_worker", batch=True, queue_name="intake", startup_delay=False, verbosity=0)


def mail(*, to: str, subject: str = "Dokumen klaim", body: str = "Berikut dokumen saya.",
         sender: str = "Siti Rahayu <siti@example.id>", attachments: list[tuple[bytes, str, str]] | None = None,
         message_id: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or f"<{uuid.uuid4().hex}@mail.example.id>"  # unique: a reused id is a re-delivery
    msg.set_content(body)
    for data, filename, ctype in attachments or []:
        maintype, _, subtype = ctype.partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg
