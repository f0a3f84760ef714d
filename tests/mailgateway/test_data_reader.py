"""The DATA reader on its own: whatever way the bytes are split into TCP segments, what is stored is
exactly the message (dot-unstuffed), the end is only CRLF.CRLF, and what follows stays unread."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from lapakasik.mailgateway import server


def stuff(content: bytes) -> bytes:
    """What a client sends for ``content`` (which ends with CRLF): dots at line starts doubled."""
    lines = re.split(rb"(?<=\r\n)", content)
    return b"".join(b"." + line if line.startswith(b".") else line for line in lines) + b".\r\n"


class _Sink(server._DataSink):
    def __init__(self) -> None:
        self.limit = None
        self.too_much = False
        self.data = bytearray()
        self.spool = None

    def write(self, data: bytes) -> None:
        self.data += data


def run(wire: bytes, cuts: list[int], block: int) -> tuple[bytes, bytes]:
    async def go() -> tuple[bytes, bytes]:
        reader = asyncio.StreamReader(limit=1001)
        sink = _Sink()

        async def feed() -> None:
            last = 0
            for cut in [*sorted(set(cuts)), len(wire)]:
                reader.feed_data(wire[last:cut])
                last = cut
                await asyncio.sleep(0)
            reader.feed_eof()

        feeder = asyncio.ensure_future(feed())
        await server._StreamingData._read_blocks(reader, sink)
        await feeder
        return bytes(sink.data), await reader.read()

    old = server.DATA_BLOCK
    server.DATA_BLOCK = block
    try:
        return asyncio.run(go())
    finally:
        server.DATA_BLOCK = old


line = st.binary(max_size=40).map(lambda b: b.replace(b"\r\n", b"\r")) | st.sampled_from(
    [b"", b".", b"..", b".\r", b"\n.", b".\n", b"\r", b"\n", b"\r.\n", b"abc"])


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(line, max_size=30), cuts=st.lists(st.integers(0, 2000), max_size=12),
       block=st.sampled_from([16, 64, 1024, 256 * 1024]), after=st.sampled_from([b"", b"QUIT\r\n", b".\r\n"]))
def test_any_segmentation_gives_the_message_back(lines: list[bytes], cuts: list[int], block: int, after: bytes) -> None:
    content = b"".join(x + b"\r\n" for x in lines)
    wire = stuff(content)
    got, rest = run(wire + after, cuts, block)
    assert got == content
    assert rest == after


def test_empty_message_and_dot_lines() -> None:
    assert run(b".\r\n", [], 64) == (b"", b"")
    assert run(b"..\r\n.\r\n", [1, 2], 16) == (b".\r\n", b"")
    assert run(b"\r\n.\r\n", [1], 16) == (b"\r\n", b"")
    assert run(b"a\r\n..b\r\n.\r\nX", [3, 4], 16) == (b"a\r\n.b\r\n", b"X")


def test_bare_lf_dot_does_not_end_the_data() -> None:
    got, rest = run(b"a\n.\nb\r\n.\r\n", [], 16)
    assert got == b"a\n.\nb\r\n" and rest == b""


def test_size_limit_while_reading(tmp_path: Any, settings: Any) -> None:
    settings.MAILGATEWAY_SPOOL_DIR = str(tmp_path)
    sink = server._DataSink(limit=100)

    async def go() -> None:
        reader = asyncio.StreamReader(limit=1001)
        reader.feed_data(stuff(b"x" * 500 + b"\r\n"))
        reader.feed_eof()
        await server._StreamingData._read_blocks(reader, sink)

    asyncio.run(go())
    assert sink.too_much and sink.spool is None and list(tmp_path.iterdir()) == []
