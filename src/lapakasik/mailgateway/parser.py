"""A streaming MIME reader for inbound mail: what real clients send, without holding the message.

``parse(fh)`` reads a raw RFC 5322 message from a binary file line by line and returns a ``Parsed``:
subject, From, Message-ID, some body text (for keyword classification) and every file part, each
decoded (base64 / quoted-printable / 7bit / 8bit / binary) into its own temporary file while it is
read. Memory stays at a few buffers whatever the size of the message; only headers are parsed with
the standard library (``email.parser.BytesHeaderParser``, policy ``default``: RFC 2231 and
encoded-word file names).

What it copes with: multipart/mixed, nested alternative/related, inline images (iPhone photos are
inline parts with a file name), forwarded messages (``message/rfc822``, also base64-encoded ones) —
recursed into, their text used too —, parts without a file name, upper-case extensions, and
malformed structure: a missing or wrong boundary, unterminated multiparts, parts without headers,
absurdly long lines, deep nesting. Malformed input never raises; it is recorded in ``defects`` and
read as well as it can be (a part it cannot make sense of becomes a nameless file that the intake
pipeline then types by its content).

Not files: the body text parts, S/MIME / PGP signatures, delivery reports, and small images embedded
in an HTML body (``multipart/related`` with a Content-ID, shortest side under 300 px: e-mail
signature logos and icons; a photo pasted into the body is a document) — those are listed
with ``skipped`` so nothing disappears silently.

This module is the walk over the structure (boundaries, nesting, forwarded messages, limits); header
blocks are read in ``headers``, bodies decoded in ``transfer``, file names and what is not a document
decided in ``attachments``.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import IO, Any

from .attachments import EMBEDDED_MIN_SIDE, NOT_DOCUMENTS, clean_filename, too_small_to_be_a_document
from .headers import (
    MAX_HEADER_BYTES,
    MAX_LINE,
    authentication_results,
    header_summary,
    is_auto_submitted,
    normalize_message_id,
    parse_headers,
)
from .transfer import MAX_TEXT_CHARS, Decoder, Sink, decode_text, transfer_encoding

MAX_DEPTH = 12
MAX_PARTS = 60

_TAG = re.compile(r"<[^>]{0,2000}>")
_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]{1,76}:")


@dataclass
class Part:
    """One non-text part of the message (a candidate document)."""

    index: int
    filename: str  # as the sender named it ("" when it had no name)
    content_type: str
    disposition: str
    path: str | None = None  # decoded content in a temporary file (None when skipped)
    size: int = 0
    truncated: bool = False  # more than ``max_bytes``: the rest was not kept
    skipped: str = ""  # why it is not a document: signature, report, embedded_image, too_many_parts
    content_id: str = ""
    forwarded: bool = False  # inside a forwarded message

    @property
    def display_name(self) -> str:
        return self.filename or f"lampiran-{self.index}"


@dataclass
class Parsed:
    subject: str = ""
    header_from: str = ""  # the address only, as written
    message_id: str = ""
    auto_submitted: bool = False  # an auto-reply / bulk mail (RFC 3834): never answered
    authentication_results: list[str] = field(default_factory=list)  # RFC 8601 headers, as found
    text: str = ""  # body text (plain, else HTML without tags), subjects of forwarded messages
    parts: list[Part] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    _temps: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[Part]:
        return [p for p in self.parts if not p.skipped and p.path is not None]

    def cleanup(self) -> None:
        for path in self._temps:
            try:
                os.unlink(path)
            except OSError:
                pass
        self._temps.clear()

    def __enter__(self) -> Parsed:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.cleanup()


class _Reader:
    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.pushed: list[bytes] = []

    def readline(self) -> bytes:
        if self.pushed:
            return self.pushed.pop()
        return self.fh.readline(MAX_LINE)

    def unread(self, line: bytes) -> None:
        self.pushed.append(line)


class _Parser:
    def __init__(self, result: Parsed, max_bytes: int, depth: int = 0, forwarded: bool = False,
                 min_side: int = EMBEDDED_MIN_SIDE) -> None:
        self.result = result
        self.max_bytes = max_bytes
        self.min_side = min_side
        self.base_depth = depth
        self.forwarded = forwarded
        self.plain: list[str] = []
        self.html: list[str] = []

    # --- structure --------------------------------------------------------------------------

    def parse(self, fh: IO[bytes], top: bool) -> None:
        reader = _Reader(fh)
        headers = self._headers(reader, ())
        if top:
            self.result.subject, self.result.header_from, self.result.message_id = header_summary(headers)
            self.result.auto_submitted = is_auto_submitted(headers)
            try:
                self.result.authentication_results = authentication_results(headers)
            except Exception:
                self.result.defects.append("unreadable Authentication-Results")
        else:  # a forwarded message: its subject says what it carries
            self._add_text(header_summary(headers)[0])
        self._body(reader, headers, (), self.base_depth, related=False)
        text = "\n".join(self.plain) if self.plain else _TAG.sub(" ", "\n".join(self.html))
        self._add_text(text)

    def _add_text(self, text: str) -> None:
        room = MAX_TEXT_CHARS - len(self.result.text)
        if room > 0 and text.strip():
            self.result.text = (self.result.text + "\n" + " ".join(text.split())[:room]).strip()

    def _headers(self, reader: _Reader, boundaries: tuple[bytes, ...]) -> EmailMessage:
        lines: list[bytes] = []
        total = 0
        first = True
        while True:
            line = reader.readline()
            if not line:
                break
            if line in (b"\r\n", b"\n"):
                break
            if boundaries and line.startswith(b"--") and self._match(line, boundaries):
                reader.unread(line)  # a part with headers only (or none): its body is empty
                break
            looks_like_header = line[:1] in (b" ", b"\t") or _HEADER_LINE.match(line)
            if first and not looks_like_header:
                self.result.defects.append("part without headers")
                reader.unread(line)
                break
            first = False
            if not looks_like_header:  # a broken header block: what follows is body
                self.result.defects.append("malformed header line")
                reader.unread(line)
                break
            total += len(line)
            if total > MAX_HEADER_BYTES:
                self.result.defects.append("header block too large")
                break
            lines.append(line)
        try:
            return parse_headers(b"".join(lines))
        except Exception:
            self.result.defects.append("unparsable headers")
            return parse_headers(b"")

    @staticmethod
    def _match(line: bytes, boundaries: tuple[bytes, ...]) -> tuple[bytes, bool] | None:
        """(boundary, closing) when ``line`` is a delimiter line of one of ``boundaries``."""
        stripped = line.rstrip(b" \t\r\n")
        for b in reversed(boundaries):  # innermost first
            if stripped == b"--" + b:
                return b, False
            if stripped == b"--" + b + b"--":
                return b, True
        return None

    def _skip_until(self, reader: _Reader, boundaries: tuple[bytes, ...]) -> bytes | None:
        while True:
            line = reader.readline()
            if not line:
                return None
            if line.startswith(b"--") and self._match(line, boundaries):
                return line

    def _entity(self, reader: _Reader, boundaries: tuple[bytes, ...], depth: int, related: bool) -> bytes | None:
        headers = self._headers(reader, boundaries)
        return self._body(reader, headers, boundaries, depth, related)

    def _body(self, reader: _Reader, headers: EmailMessage, boundaries: tuple[bytes, ...], depth: int,
              related: bool) -> bytes | None:
        """Read the body of an entity whose headers are ``headers``; returns the delimiter line that
        ended it (one of ``boundaries``) or None at the end of the input."""
        try:
            ctype = headers.get_content_type()
        except Exception:
            ctype = "text/plain"
        if ctype.startswith("multipart/") and depth < MAX_DEPTH:
            try:
                boundary = str(headers.get_param("boundary") or "")
            except Exception:
                boundary = ""
            if boundary and len(boundary) <= 200:
                return self._multipart(reader, boundary.encode("utf-8", "surrogateescape"), boundaries, depth,
                                       related=ctype == "multipart/related")
            self.result.defects.append("multipart without boundary")
            ctype = "application/octet-stream"
        if ctype == "message/rfc822" and depth < MAX_DEPTH:
            cte = transfer_encoding(headers)
            if cte in {"7bit", "8bit", "binary", ""}:
                inner = self._headers(reader, boundaries)
                subject, _from, _mid = header_summary(inner)
                self._add_text(subject)
                nested = _Parser(self.result, self.max_bytes, depth + 1, forwarded=True, min_side=self.min_side)
                term = nested._body(reader, inner, boundaries, depth + 1, related=False)
                nested._add_text("\n".join(nested.plain) if nested.plain else _TAG.sub(" ", "\n".join(nested.html)))
                return term
            # an encoded forwarded message: decode it, then read it as a message of its own
            return self._leaf(reader, headers, boundaries, related, as_message=True, depth=depth)
        return self._leaf(reader, headers, boundaries, related, depth=depth)

    def _multipart(self, reader: _Reader, boundary: bytes, boundaries: tuple[bytes, ...], depth: int,
                   related: bool) -> bytes | None:
        inner = (*boundaries, boundary)
        term = self._skip_until(reader, inner)  # preamble
        while True:
            if term is None:
                self.result.defects.append("multipart not closed")
                return None
            which = self._match(term, inner)
            assert which is not None
            if which[0] != boundary:  # an outer delimiter: this multipart was never closed
                self.result.defects.append("multipart not closed")
                return term
            if which[1]:  # closing delimiter: skip the epilogue
                return self._skip_until(reader, boundaries) if boundaries else self._drain(reader)
            term = self._entity(reader, inner, depth + 1, related)

    @staticmethod
    def _drain(reader: _Reader) -> None:
        while reader.readline():
            pass
        return None

    # --- leaves -----------------------------------------------------------------------------

    def _base64_body(self, reader: _Reader, boundaries: tuple[bytes, ...], decoder: Decoder) -> bytes | None:
        """The hot loop for base64 bodies (most of every message): lines are gathered and decoded in
        blocks, not one by one."""
        readline, match = reader.readline, self._match
        lines: list[bytes] = []
        term: bytes | None = None
        while True:
            line = readline()
            if not line:
                break
            if line[:2] == b"--" and boundaries and match(line, boundaries):
                term = line
                break
            lines.append(line)
            if len(lines) >= 1024:
                decoder.feed(b"".join(lines))
                lines.clear()
        if lines:
            decoder.feed(b"".join(lines))
        return term

    def _leaf(self, reader: _Reader, headers: EmailMessage, boundaries: tuple[bytes, ...], related: bool,
              depth: int, as_message: bool = False) -> bytes | None:
        try:
            ctype = headers.get_content_type()
        except Exception:
            ctype = "application/octet-stream"
        try:
            disposition = (headers.get_content_disposition() or "").lower()
        except Exception:
            disposition = ""
        try:
            filename = clean_filename(headers.get_filename() or "")
        except Exception:
            filename = ""
            self.result.defects.append("unreadable file name")
        is_text_body = (ctype in {"text/plain", "text/html"} and disposition != "attachment" and not filename
                        and not as_message)
        skip = NOT_DOCUMENTS.get(ctype, "")
        part: Part | None = None
        sink: Sink
        if is_text_body or skip:
            sink = Sink(None, 0)
        elif len(self.result.parts) >= MAX_PARTS:
            part = Part(index=len(self.result.parts) + 1, filename=filename, content_type=ctype,
                        disposition=disposition, skipped="too_many_parts", forwarded=self.forwarded)
            self.result.parts.append(part)
            part = None
            sink = Sink(None, 0)
            skip = "too_many_parts"
        else:
            fd, path = tempfile.mkstemp(prefix="lapakasik-mail-")
            os.close(fd)
            self.result._temps.append(path)
            part = Part(index=len(self.result.parts) + 1, filename=filename, content_type=ctype,
                        disposition=disposition, path=path, forwarded=self.forwarded,
                        content_id=normalize_message_id(headers.get("Content-ID", "")))
            self.result.parts.append(part)
            sink = Sink(path, self.max_bytes if not as_message else 4 * self.max_bytes + 1)
        decoder = Decoder(transfer_encoding(headers), sink)
        term: bytes | None = None
        if decoder.cte == "base64":
            term = self._base64_body(reader, boundaries, decoder)
        else:
            while True:
                line = reader.readline()
                if not line:
                    break
                if boundaries and line.startswith(b"--") and self._match(line, boundaries):
                    term = line
                    break
                decoder.feed(line)
        decoder.finish()
        sink.close()
        if part is not None:
            part.size, part.truncated = sink.size, sink.truncated
            if (related and part.content_id and disposition != "attachment" and ctype.startswith("image/")
                    and part.path and too_small_to_be_a_document(part.path, self.min_side)):
                part.skipped = "embedded_image"
            if as_message and part.path:
                part.skipped = "forwarded_message"
                with open(part.path, "rb") as fh:
                    _Parser(self.result, self.max_bytes, depth + 1, forwarded=True,
                            min_side=self.min_side).parse(fh, top=False)
        elif skip and skip != "too_many_parts":
            self.result.parts.append(Part(index=len(self.result.parts) + 1, filename=filename, content_type=ctype,
                                          disposition=disposition, skipped=skip, size=sink.size,
                                          forwarded=self.forwarded))
        elif is_text_body:
            text = decode_text(bytes(sink.text), headers)
            (self.plain if ctype == "text/plain" else self.html).append(text)
        return term


def parse(fh: IO[bytes], *, max_bytes: int, embedded_min_side: int = EMBEDDED_MIN_SIDE) -> Parsed:
    """Read a whole raw message from ``fh``. Each file part is decoded into a temporary file of at
    most ``max_bytes + 1`` bytes (``truncated`` says the rest was dropped — the pipeline refuses it as
    too large). Call ``cleanup()`` (or use ``with``) to remove the temporary files."""
    result = Parsed()
    try:
        _Parser(result, max_bytes, min_side=embedded_min_side).parse(fh, top=True)
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps recursion shallow
        result.defects.append("nesting too deep")
    except BaseException:
        result.cleanup()
        raise
    return result
