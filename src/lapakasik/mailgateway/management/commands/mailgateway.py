"""`lapakasik mailgateway`: the inbound SMTP (or LMTP) gateway for personal intake addresses."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lapakasik.core.checks import refuse_unsafe_production
from lapakasik.mailgateway import conf
from lapakasik.mailgateway.models import InboundMessage
from lapakasik.mailgateway.processing import inbound_reprocess
from lapakasik.mailgateway.server import Gateway
from lapakasik.mailgateway.services import spool_leftovers_clean


class Command(BaseCommand):
    help = ("Receive e-mail for claims' intake addresses over SMTP (default) or LMTP; store each message, "
            "then process it in the worker. --reprocess ID runs a stored message again.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=None, help="address to listen on (MAILGATEWAY_HOST, 127.0.0.1)")
        parser.add_argument("--port", type=int, default=None, help="port (MAILGATEWAY_PORT, 2525; 0 = any free)")
        parser.add_argument("--lmtp", action="store_true", help="speak LMTP (RFC 2033) instead of SMTP")
        parser.add_argument("--max-size", type=int, default=None,
                            help="largest message in bytes, advertised as SIZE (MAILGATEWAY_MAX_MESSAGE_BYTES)")
        parser.add_argument("--reprocess", type=int, default=None, metavar="ID",
                            help="process stored inbound message ID again (FAILED/stuck ones) and exit")

    def handle(self, *args: Any, **opts: Any) -> None:
        refuse_unsafe_production()
        if opts["reprocess"] is not None:
            message = InboundMessage.objects.filter(pk=opts["reprocess"]).first()
            if message is None:
                raise CommandError(f"pesan {opts['reprocess']} tidak ada / no such inbound message")
            done = inbound_reprocess(message=message)
            self.stdout.write(f"inbound message {done.pk}: {done.status}")
            return
        if int(opts.get("verbosity", 1)) < 2:  # aiosmtpd logs every command at INFO; -v 2 shows them
            logging.getLogger("mail.log").setLevel(logging.WARNING)
        conf.spool_dir()  # fail early when the data directory is not writable
        spool_leftovers_clean()  # what a crashed gateway left mid-transfer
        gateway = Gateway(host=opts["host"], port=opts["port"], lmtp=opts["lmtp"], max_message_bytes=opts["max_size"])
        try:
            gateway.start()
        except OSError as exc:
            raise CommandError(f"gerbang e-mail tidak dapat dimulai / mail gateway cannot start: {exc}") from None
        proto = "lmtp" if opts["lmtp"] else "smtp"
        self.stdout.write(f"mail gateway listening on {proto}://{gateway.hostname}:{gateway.port} "
                          f"(SIZE {gateway.SMTP_kwargs['data_size_limit']})")
        self.stdout.flush()
        stop = threading.Event()

        def _stop(*_a: Any) -> None:
            stop.set()

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        while not stop.wait(1.0):
            pass
        gateway.stop()
        self.stdout.write("mail gateway stopped")
