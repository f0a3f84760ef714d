"""Decoding a MIME leaf's body as it streams past: Content-Transfer-Encoding (base64 in blocks,
quoted-printable across over-long lines, 7bit / 8bit / binary as is) into a ``Sink`` — a capped
temporary file for a file part, a bounded buffer for body text — and the text's charset."""

from __future__ import annotations

import binascii
from email.message import EmailMessage
from typing import IO

MAX_TEXT_CHARS = 32 * 1024
FLUSH_BYTES = 64 * 1024

_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_DELETE = bytes(b for b in range(256) if b not in _B64_ALPHABET)


def transfer_encoding(headers: EmailMessage) -> str:
    """The part's Content-Transfer-Encoding, lower-case ("" when absent or unreadable)."""
    try:
        return str(headers.get("Content-Transfer-Encoding", "") or "").strip().lower()
    except Exception:
        return ""


def decode_text(data: bytes, headers: EmailMessage) -> str:
    """A text part's bytes in its declared charset (UTF-8 when unknown); never raises."""
    try:
        charset = str(headers.get_content_charset() or "utf-8")
    except Exception:
        charset = "utf-8"
    try:
        return data.decode(charset, "replace")
    except LookupError:
        return data.decode("utf-8", "replace")


def _split_eol(line: bytes) -> tuple[bytes, bytes]:
    if line.endswith(b"\r\n"):
        return line[:-2], b"\r\n"
    if line.endswith(b"\n"):
        return line[:-1], b"\n"
    return line, b""


class Sink:
    """Where a leaf part's decoded bytes go: a temporary file (capped) or the text collector."""

    def __init__(self, path: str | None, max_bytes: int) -> None:
        self.fh: IO[bytes] | None = open(path, "wb") if path else None
        self.max_bytes = max_bytes
        self.size = 0
        self.truncated = False
        self.text = bytearray()

    def write(self, data: bytes) -> None:
        if not data:
            return
        self.size += len(data)
        if self.fh is None:
            if len(self.text) < MAX_TEXT_CHARS * 4:
                self.text += data[: MAX_TEXT_CHARS * 4 - len(self.text)]
            return
        if self.truncated:
            return
        room = self.max_bytes + 1 - (self.size - len(data))
        if len(data) > room:
            data = data[: max(room, 0)]
            self.truncated = True
        self.fh.write(data)

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()


class Decoder:
    """Content-Transfer-Encoding decoding, line by line (base64 buffered in blocks)."""

    def __init__(self, cte: str, sink: Sink) -> None:
        self.cte = cte if cte in {"base64", "quoted-printable"} else "raw"
        self.sink = sink
        self.pending = b""  # the line break before a boundary belongs to the boundary: held back
        self.buf = bytearray()
        self.carry = b""

    def feed(self, line: bytes) -> None:
        if self.cte == "base64":
            self.buf += line.translate(None, _B64_DELETE + b"=")
            if len(self.buf) >= FLUSH_BYTES:
                self._b64(final=False)
            return
        content, eol = _split_eol(line)
        if self.cte == "quoted-printable":
            content = self.carry + content
            self.carry = b""
            if not eol:  # a piece of an over-long line: keep an escape that may be cut
                cut = content.rfind(b"=", max(0, len(content) - 2))
                if cut != -1:
                    content, self.carry = content[:cut], content[cut:]
                self.sink.write(self.pending + binascii.a2b_qp(content))
                self.pending = b""
                return
            soft = content.endswith(b"=")
            decoded = binascii.a2b_qp(content[:-1] if soft else content)
            self.sink.write(self.pending + decoded)
            self.pending = b"" if soft else b"\r\n"
            return
        self.sink.write(self.pending + content)
        self.pending = eol

    def _b64(self, final: bool) -> None:
        usable = len(self.buf) if final else len(self.buf) // 4 * 4
        data = bytes(self.buf[:usable])
        del self.buf[:usable]
        if final and len(data) % 4:
            data = data[: len(data) - len(data) % 4] + _pad(data[len(data) - len(data) % 4:])
        if data:
            try:
                self.sink.write(binascii.a2b_base64(data))
            except binascii.Error:
                pass

    def finish(self) -> None:
        if self.cte == "base64":
            self._b64(final=True)
        elif self.cte == "quoted-printable" and self.carry:
            self.sink.write(binascii.a2b_qp(self.carry))


def _pad(rest: bytes) -> bytes:
    if len(rest) == 1:  # a lone base64 character carries no whole byte
        return b""
    return rest + b"=" * (4 - len(rest))
