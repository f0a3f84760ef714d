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
from django.db import connections

from . import conf, services

log = logging.getLogger(__name__)

UNKNOWN_RECIPIENT = ("550 5.1.1 Alamat tujuan tidak dikenal atau sudah tidak berlaku; periksa alamat di pesan "
                     "konfirmasi klaim Anda / Unknown or revoked intake address; check the address in your "
                     "claim confirmation")
TOO_MANY_RECIPIENTS = "452 4.5.3 Terlalu banyak penerima / Too many recipients"
TOO_MANY_MESSAGES = ("450 4.7.1 Terlalu banyak pesan ke alamat ini dalam satu jam, coba lagi nanti / Too many "
                     "messages to this address this hour, try again later")
TEMPORARY_FAILURE = ("451 4.3.0 Pesan belum dapat disimpan, coba lagi nanti / Message could not be stored, "
                     "try again later")
TOO_MUCH_DATA = ("552 5.3.4 Pesan melebihi batas ukuran {limit} byte; kirim lampiran dalam beberapa e-mail / "
                 "Message exceeds the size limit of {limit} bytes; send the attachments in several e-mails")
WRITE_CHUNK = 256 * 1024
DATA_BLOCK = 256 * 1024


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


class _DataSink:
    """Bytes of DATA (already dot-unstuffed) into the spool, with the SIZE limit."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.spool: Spool | None = Spool()
        self.too_much = False

    def write(self, data: bytes) -> None:
        if self.spool is None or not data:
            return
        if self.limit and self.spool.size + len(data) > self.limit:
            self.too_much = True
            self.discard()
            return
        self.spool.write(data)

    def discard(self) -> None:
        if self.spool is not None:
            self.spool.discard()
            self.spool = None


class _StreamingData:
    """``smtp_DATA`` that streams to a spool file instead of collecting lines in memory (aiosmtpd's own
    holds the message about twice). Same protocol: the end is only ``CRLF . CRLF`` (never a bare-LF
    variant — no SMTP smuggling), dot-unstuffing, the SIZE limit enforced while reading with ``552``
    after the data.

    Reading is done in blocks of up to ``DATA_BLOCK`` bytes with ``readuntil(b"\\r\\n.\\r\\n")``: when
    the end is not in the buffer, ``LimitOverrunError.consumed`` is exactly what can be taken without
    cutting a possible end marker, so the marker's leading CRLF always stays unread. Only the very start
    of the data (where the preceding CRLF is the one after ``354``) is read byte by byte until it is past
    a line start. Lines are not limited to 1000 octets here (real clients exceed it; RFC 5321 §4.5.3.1
    lets servers accept them). Falls back to line-by-line reading if the stream reader lacks the
    attribute used to enlarge its buffer."""

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
        sink = _DataSink(smtp.data_size_limit)
        try:
            if hasattr(smtp._reader, "_limit"):
                await self._read_blocks(smtp._reader, sink)
            else:  # pragma: no cover - every CPython StreamReader has _limit
                await self._read_lines(smtp, sink)
        except asyncio.IncompleteReadError:
            sink.discard()
            log.info("mailgateway: connection closed during DATA")
            return
        except BaseException:
            sink.discard()
            raise
        if sink.too_much or sink.spool is None:
            sink.discard()
            await smtp.push(TOO_MUCH_DATA.format(limit=smtp.data_size_limit))
            smtp._set_post_data_state()
            return
        spool = sink.spool
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

    @staticmethod
    async def _read_blocks(reader: Any, sink: _DataSink) -> None:
        # 1. the start: byte by byte while we are at (or inside) a line break, since the end marker's
        #    CRLF may be the one before the data.
        tail = b"\r\n"
        while True:
            data = await reader.readexactly(1)
            if tail == b"\r\n" and data == b".":
                rest = await reader.readexactly(2)
                if rest == b"\r\n":
                    return  # end of data
                data = rest  # a dot-stuffed line: the first dot goes
            sink.write(data)
            tail = (tail + data)[-2:]
            if not tail.endswith(b"\r") and tail != b"\r\n":
                break
        # 2. blocks
        old_limit = reader._limit
        reader._limit = DATA_BLOCK
        try:
            held = b""
            while True:
                try:
                    block = await reader.readuntil(b"\r\n.\r\n")
                    final = True
                except asyncio.LimitOverrunError as exc:
                    block = await reader.readexactly(exc.consumed)
                    final = False
                data = held + block
                if final:
                    sink.write(data[:-3].replace(b"\r\n.", b"\r\n"))
                    return
                # keep a trailing CR or CRLF back: with the next block it may start a stuffed line
                held = b"\r\n" if data.endswith(b"\r\n") else (b"\r" if data.endswith(b"\r") else b"")
                sink.write(data[: len(data) - len(held)].replace(b"\r\n.", b"\r\n"))
        finally:
            reader._limit = old_limit

    @staticmethod
    async def _read_lines(smtp: Any, sink: _DataSink) -> None:  # pragma: no cover - fallback
        while smtp.transport is not None:
            line: bytes = await smtp._reader.readuntil(b"\r\n")
            if line == b".\r\n":
                return
            sink.write(line[1:] if line.startswith(b".") else line)


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
        try:
            claim_id, over_limit = await self.executor.run(_resolve_and_check, address)
        except Exception:
            log.exception("mailgateway: recipient lookup failed")
            return TEMPORARY_FAILURE
        if claim_id is None:
            log.info("mailgateway: unknown recipient refused")
            return UNKNOWN_RECIPIENT
        if over_limit:
            log.warning("mailgateway: too many messages for one claim this hour; deferred")
            return TOO_MANY_MESSAGES
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        claims = envelope.__dict__.setdefault("claim_ids", {})
        claims[address] = claim_id
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> list[str] | str:
        spool: Spool = envelope.spool  # type: ignore[attr-defined]
        peer = session.peer[0] if isinstance(session.peer, tuple) and session.peer else str(session.peer or "")
        try:
            spool.finish()
            await self.executor.run(lambda: services.inbound_message_store(
                spool_path=spool.path, sha256=spool.digest.hexdigest(), size=spool.size,
                envelope_from=_reverse_path(envelope.mail_from), recipients=dict(envelope.__dict__.get("claim_ids", {})),
                protocol=self.protocol, peer=str(peer)))
        except Exception:
            log.exception("mailgateway: could not store the message; answering 451")
            spool.discard()
            return TEMPORARY_FAILURE
        return [f"250 2.0.0 OK <{rcpt}>" if self.protocol == "lmtp" else "250 2.0.0 OK"
                for rcpt in envelope.rcpt_tos]


def _resolve_and_check(address: str) -> tuple[int | None, bool]:
    claim_id = services.recipient_resolve(address)
    return claim_id, (claim_id is not None and services.claim_over_inbound_limit(claim_id))


def _reverse_path(mail_from: Any) -> str:
    """The envelope sender; "" for the null reverse-path ``<>`` (bounces, auto-replies)."""
    value = str(mail_from or "").strip()
    return "" if value.strip("<> ") == "" else value


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
