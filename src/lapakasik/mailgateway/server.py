"""The SMTP/LMTP end of the gateway (aiosmtpd).

- RCPT: each recipient is resolved to a claim's live intake address; an unknown or revoked address is
  refused at once with ``550 5.1.1`` and a bilingual text (the sending MTA bounces it to the sender,
  who learns the address is wrong before uploading anything).
- DATA: streamed line by line to a spool file (never collected in memory), SHA-256 and size counted on
  the way, the advertised SIZE enforced (``552`` after the data, as RFC 5321 §4.2.5 implies). Then the
  file is fsync'ed, moved into storage, the ``InboundMessage`` row(s) and the processing task are
  committed in one transaction — and only then ``250`` (LMTP: one reply per recipient). A database or
  storage failure answers ``451`` (the MTA retries), never ``250`` for something not kept.

Blocking work (database, storage, fsync) runs in a small thread pool; each job closes its database
connections when it ends, so the gateway holds none while idle.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session

from . import conf

log = logging.getLogger(__name__)

UNKNOWN_RECIPIENT = ("550 5.1.1 Alamat tujuan tidak dikenal atau sudah tidak berlaku; periksa alamat di pesan "
                     "konfirmasi klaim Anda / Unknown or revoked intake address; check the address in your "
                     "claim confirmation")
TOO_MANY_RECIPIENTS = "452 4.5.3 Terlalu banyak penerima / Too many recipients"
TEMPORARY_FAILURE = ("451 4.3.0 Pesan belum dapat disimpan, coba lagi nanti / Message could not be stored, "
                     "try again later")
TOO_MUCH_DATA = ("552 5.3.4 Pesan melebihi batas ukuran {limit} byte; kirim lampiran dalam beberapa e-mail / "
                 "Message exceeds the size limit of {limit} bytes; send the attachments in several e-mails")
LINE_TOO_LONG = "500 5.5.2 Baris terlalu panjang / Line too long (RFC 5321 4.5.3.1.6)"
WRITE_CHUNK = 256 * 1024


class _Executor:
    """Runs blocking Django work off the event loop; closes DB connections after each job."""

    def __init__(self, workers: int = 4) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mailgateway-db")

    async def run(self, func: Any, *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, _closing, func, args)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True)


def _closing(func: Any, args: tuple[Any, ...]) -> Any:
    from django.db import connections

    try:
        return func(*args)
    finally:
        connections.close_all()


class Spool:
    """The message as it arrives: a file in the spool directory, hashed and counted."""

    def __init__(self) -> None:
        fd, self.path = tempfile.mkstemp(prefix="in-", suffix=".eml", dir=str(conf.spool_dir()))
        self.fh = os.fdopen(fd, "wb")
        self.digest = hashlib.sha256()
        self.size = 0
        self.buffer = bytearray()

    def write(self, data: bytes) -> None:
        self.buffer += data
        self.size += len(data)
        if len(self.buffer) >= WRITE_CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.digest.update(self.buffer)
            self.fh.write(self.buffer)
            self.buffer.clear()

    def finish(self) -> None:
        """Flush and fsync (durable before we answer)."""
        self.flush()
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()

    def discard(self) -> None:
        try:
            if not self.fh.closed:
                self.fh.close()
        finally:
            try:
                os.unlink(self.path)
            except OSError:
                pass


class _StreamingData:
    """``smtp_DATA`` that streams to a spool file instead of collecting lines in memory. Otherwise the
    same protocol behaviour as aiosmtpd's (dot-unstuffing, line and size limits)."""

    lmtp = False

    async def smtp_DATA(self, arg: str) -> None:
        smtp: Any = self
        if await smtp.check_helo_needed():
            return
        if await smtp.check_auth_needed("DATA"):
            return
        envelope: Envelope = smtp.envelope
        if not envelope.rcpt_tos:
            await smtp.push("503 Error: need RCPT command")
            return
        if arg:
            await smtp.push("501 Syntax: DATA")
            return
        await smtp.push("354 End data with <CR><LF>.<CR><LF>")
        limit = smtp.data_size_limit
        spool: Spool | None = Spool()
        too_much = too_long = False
        fragments: list[bytes] = []
        try:
            while smtp.transport is not None:
                try:
                    line: bytes = await smtp._reader.readuntil(b"\r\n")
                except asyncio.LimitOverrunError as exc:
                    too_long = True
                    line = await smtp._reader.read(exc.consumed)
                if not fragments and line == b".\r\n":
                    break
                if not line.endswith(b"\r\n"):
                    fragments.append(line)
                    continue
                if fragments:
                    fragments.append(line)
                    line = b"".join(fragments)
                    fragments = []
                    if len(line) > smtp.line_length_limit:
                        too_long = True
                if too_long or too_much:
                    continue
                if line.startswith(b"."):
                    line = line[1:]
                if limit and spool is not None and spool.size + len(line) > limit:
                    too_much = True
                    spool.discard()
                    spool = None
                    continue
                assert spool is not None
                spool.write(line)
        except BaseException:
            if spool is not None:
                spool.discard()
            raise
        if too_long or too_much or spool is None:
            if spool is not None:
                spool.discard()
            await smtp.push(LINE_TOO_LONG if too_long else TOO_MUCH_DATA.format(limit=limit))
            smtp._set_post_data_state()
            return
        envelope.content = b""  # the message is in the spool file, not in memory
        envelope.spool = spool  # type: ignore[attr-defined]
        replies = await smtp._call_handler_hook("DATA")
        smtp._set_post_data_state()
        if isinstance(replies, str):
            replies = [replies]
        if not self.lmtp:
            await smtp.push(replies[0])
            return
        # LMTP (RFC 2033): one reply per accepted recipient.
        for reply in (replies if len(replies) == len(envelope.rcpt_tos) else replies[:1] * len(envelope.rcpt_tos)):
            await smtp.push(reply)


class GatewaySMTP(_StreamingData, SMTP):
    pass


class GatewayLMTP(_StreamingData, LMTP):
    lmtp = True


class GatewayHandler:
    """aiosmtpd handler: recipients are resolved at RCPT, the message is stored at DATA."""

    def __init__(self, protocol: str = "smtp", executor: _Executor | None = None) -> None:
        self.protocol = protocol
        self.executor = executor or _Executor()

    async def handle_RCPT(self, server: Any, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if len(envelope.rcpt_tos) >= conf.max_recipients():
            return TOO_MANY_RECIPIENTS
        from .services import recipient_resolve

        try:
            claim_id = await self.executor.run(recipient_resolve, address)
        except Exception:
            log.exception("mailgateway: recipient lookup failed")
            return TEMPORARY_FAILURE
        if claim_id is None:
            log.info("mailgateway: unknown recipient refused")
            return UNKNOWN_RECIPIENT
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        claims = envelope.__dict__.setdefault("claim_ids", {})
        claims[address] = claim_id
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> list[str] | str:
        from .services import inbound_message_store

        spool: Spool = envelope.spool  # type: ignore[attr-defined]
        peer = session.peer[0] if isinstance(session.peer, tuple) and session.peer else str(session.peer or "")
        try:
            spool.finish()
            await self.executor.run(lambda: inbound_message_store(
                spool_path=spool.path, sha256=spool.digest.hexdigest(), size=spool.size,
                envelope_from=str(envelope.mail_from or ""), recipients=dict(envelope.__dict__.get("claim_ids", {})),
                protocol=self.protocol, peer=str(peer)))
        except Exception:
            log.exception("mailgateway: could not store the message; answering 451")
            spool.discard()
            return TEMPORARY_FAILURE
        return [f"250 2.0.0 OK <{rcpt}>" if self.protocol == "lmtp" else "250 2.0.0 OK"
                for rcpt in envelope.rcpt_tos]


class Gateway(Controller):
    """The gateway in a background thread (used by the command and by tests; ``port=0`` picks a free
    port, read it back from ``.port`` after ``start``)."""

    def __init__(self, *, host: str | None = None, port: int | None = None, lmtp: bool = False,
                 max_message_bytes: int | None = None) -> None:
        self.protocol = "lmtp" if lmtp else "smtp"
        self.executor = _Executor()
        super().__init__(GatewayHandler(self.protocol, self.executor), hostname=host or conf.host(),
                         port=conf.port() if port is None else port,
                         data_size_limit=max_message_bytes or conf.max_message_bytes(),
                         server_hostname=conf.server_hostname(), enable_SMTPUTF8=True)

    def factory(self) -> SMTP:
        cls = GatewayLMTP if self.protocol == "lmtp" else GatewaySMTP
        return cls(self.handler, **self.SMTP_kwargs)

    def _trigger_server(self) -> None:
        # port 0 = any free port: read back the one the server bound.
        if self.port == 0 and self.server is not None:
            self.port = self.server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        super()._trigger_server()

    def stop(self, no_assert: bool = False) -> None:
        super().stop(no_assert=no_assert)
        self.executor.shutdown()
