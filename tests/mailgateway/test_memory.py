"""Memory: the gateway and the parser stream; a big message never sits in memory (traced with
tracemalloc while a 12 MB message goes through)."""

from __future__ import annotations

import base64
import io
import os
import socket
import tracemalloc
from typing import Any

from lapakasik.mailgateway.models import InboundMessage
from lapakasik.mailgateway.parser import parse

from .conftest import address_of

MB = 1024 * 1024


def big_message(to: str, payload: int = 9 * MB) -> bytes:
    body = base64.encodebytes(os.urandom(payload)).replace(b"\n", b"\r\n")
    head = (f"From: siti@example.id\r\nTo: {to}\r\nSubject: besar\r\nMessage-ID: <besar@example.id>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
            "Content-Type: text/plain\r\n\r\nhalo\r\n--b\r\nContent-Type: application/pdf\r\n"
            "Content-Disposition: attachment; filename=besar.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n").encode()
    return head + body + b"--b--\r\n"


def _reply(sock: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\r\n") or data.split(b"\r\n")[-2][3:4] == b"-":
        data += sock.recv(4096)
    return data


def test_gateway_streams_a_big_message_to_disk(gateway: Any, claim: Any) -> None:
    raw = big_message(address_of(claim))
    view = memoryview(raw)
    sock = socket.create_connection((gateway.hostname, gateway.port), timeout=60)
    try:
        _reply(sock)
        for line in (b"EHLO x\r\n", b"MAIL FROM:<siti@example.id>\r\n",
                     f"RCPT TO:<{address_of(claim)}>\r\n".encode(), b"DATA\r\n"):
            sock.sendall(line)
            _reply(sock)
        tracemalloc.start()
        try:
            for i in range(0, len(raw), 64 * 1024):
                sock.sendall(view[i:i + 64 * 1024])
            sock.sendall(b".\r\n")
            reply = _reply(sock)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        sock.sendall(b"QUIT\r\n")
    finally:
        sock.close()
    assert reply.startswith(b"250"), reply
    assert InboundMessage.objects.get().size == len(raw)
    assert peak < 3 * MB, f"gateway allocated {peak / MB:.1f} MB for a {len(raw) / MB:.1f} MB message"


def test_parser_streams_parts_to_files() -> None:
    raw = big_message("tok@dokumen.lapakasik.local")
    fh = io.BufferedReader(io.BytesIO(raw))  # type: ignore[arg-type]
    tracemalloc.start()
    try:
        parsed = parse(fh, max_bytes=20 * MB)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    with parsed:
        assert parsed.files[0].size == 9 * MB
    assert peak < 2 * MB, f"parser allocated {peak / MB:.1f} MB"
