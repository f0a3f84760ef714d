"""PDF inspection for the intake pipeline (``pipeline.inspect`` calls ``check_pdf``).

Fail closed: whatever we cannot inspect completely within the limits is refused (``pdf_uninspectable``),
never "not followed". Every stream a viewer would inflate is inflated here first, chunk by chunk with a
cap on the total (``INTAKE_PDF_MAX_INFLATED_BYTES``) and a wall-clock limit (``INTAKE_PDF_INSPECT_SECONDS``);
object streams (where a name tree can hide from the raw-byte scan) are scanned for active names while
they inflate; then every object in the cross-reference table — compressed ones included — is walked.
A file that needs "repair" (broken xref, objects not where the table says, duplicate keys — anything the
parser warns about) is refused too: a viewer's repair may see other objects than ours did.
"""

from __future__ import annotations

import contextvars
import logging
import mmap
import re
import time
import zlib
from typing import Any

log = logging.getLogger(__name__)


class PdfRefused(Exception):
    """The file is refused; ``code`` is the pipeline's reason code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# /OpenAction holding an action dictionary is refused; a plain destination array (what Word and
# scanner apps write to say "open at page 1") is harmless and allowed.
_ACTIVE_KEYS = {"/JavaScript", "/JS", "/AA", "/Launch", "/EmbeddedFiles", "/EmbeddedFile",
                "/RichMedia", "/XFA", "/GoToE", "/SubmitForm", "/ImportData"}
_ACTIVE_VALUES = {"/JavaScript", "/Launch", "/EmbeddedFile", "/RichMedia", "/GoToE", "/GoToR", "/SubmitForm",
                  "/ImportData", "/Rendition", "/Movie", "/Sound"}
_MAX_PDF_OBJECTS = 200_000
# Object and cross-reference streams hold dictionaries, never page data: a few hundred KB in real files.
_MAX_STRUCTURE_STREAM_BYTES = 16 * 1024 * 1024
_INFLATE_STEP = 1024 * 1024
_FLATE = {"/FlateDecode", "/Fl"}
_IMAGE_CODECS = {"/DCTDecode", "/DCT", "/JPXDecode", "/CCITTFaxDecode", "/CCF", "/JBIG2Decode"}
_TEXT_AND_OLD_CODECS = {"/ASCIIHexDecode", "/AHx", "/ASCII85Decode", "/A85", "/LZWDecode", "/LZW",
                        "/RunLengthDecode", "/RL"}


class _Uninspectable(Exception):
    """A limit or an error while inspecting a PDF (the message says which; for logs only)."""


class _Budget:
    """What inspecting one PDF may still inflate, and until when."""

    def __init__(self, max_bytes: int, seconds: float) -> None:
        self.left = max_bytes
        self._time = time.monotonic
        self.deadline = time.monotonic() + seconds

    def spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise _Uninspectable("inflated bytes over the limit")

    def tick(self) -> None:
        if self._time() > self.deadline:
            raise _Uninspectable("inspection took too long")


_NAME = re.compile(rb"/[A-Za-z0-9#]{2,24}")
_RAW_ACTIVE = {b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/EmbeddedFiles", b"/RichMedia", b"/XFA"}


def _active_name_in(data: bytes) -> bool:
    """An active name in ``data``, with ``#xx``-escaped spellings decoded (``/J#61vaScript``)."""
    for m in _NAME.finditer(data):
        name = m.group(0)
        if b"#" in name:
            name = re.sub(rb"#([0-9a-fA-F]{2})", lambda h: bytes([int(h.group(1), 16)]), name)
        if name in _RAW_ACTIVE:
            return True
    return False


_STREAM_START = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")


def _raw_has_active_names(path: str) -> bool:
    """Belt and braces: active names in the raw bytes outside stream bodies (compressed data is
    random bytes that spell ``/JS`` now and then; the streams themselves are checked by
    ``_check_stream``, object streams as they inflate)."""
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        pos = 0
        while pos < len(data):
            m = _STREAM_START.search(data, pos)
            stop = m.end() if m else len(data)
            if _active_name_in(data[pos:stop]):
                return True
            if m is None:
                return False
            end = data.find(b"endstream", stop)
            pos = len(data) if end < 0 else end
    return False


def _inflate(data: bytes, budget: _Budget, *, cap: int, scan: bool) -> None:
    """Inflate ``data`` a megabyte at a time, counting against ``budget`` and ``cap`` (never holding
    the output); with ``scan``, refuse active names in it."""
    inflater = zlib.decompressobj()
    pending = data
    produced = 0
    tail = b""
    try:
        while not inflater.eof:
            budget.tick()
            out = inflater.decompress(pending, _INFLATE_STEP)
            pending = inflater.unconsumed_tail
            produced += len(out)
            budget.spend(len(out))
            if produced > cap:
                raise _Uninspectable("stream inflates past what it can hold")
            if scan:
                if _active_name_in(tail + out):
                    raise PdfRefused("pdf_active_content")
                tail = out[-32:]
            if not out and not pending:
                break
    except zlib.error:
        raise _Uninspectable("corrupt compressed stream") from None


_A85 = {"/ASCII85Decode", "/A85"}
_A85_DIGITS = bytes(range(33, 118))
_A85_TABLE = bytes((c - 33) % 256 for c in range(256))


def _a85decode(data: bytes) -> bytes:
    """ASCII85 in linear time (reportlab writes images as ASCII85 + Flate; the standard library's
    decoder loops in Python, seconds per megabyte). Each 5-digit group is 4 independent bytes, so the
    whole stream is one base-85 number per digit column: Horner's rule over five big integers."""
    data = re.sub(rb"\s+", b"", bytes(data))
    data = data.removeprefix(b"<~")
    end = data.find(b"~>")
    data = (data if end < 0 else data[:end]).replace(b"z", b"!!!!!")
    if data.translate(None, _A85_DIGITS):
        raise _Uninspectable("not ASCII85")
    pad = -len(data) % 5
    digits = (data + b"u" * pad).translate(_A85_TABLE)
    groups = len(digits) // 5
    total = 0
    for column in range(5):
        slots = bytearray(4 * groups)
        slots[3::4] = digits[column::5]
        total = total * 85 + int.from_bytes(slots, "big")
    try:
        return total.to_bytes(4 * groups, "big")[: 4 * groups - pad]
    except OverflowError:  # a group over 2**32 - 1: not valid ASCII85
        raise _Uninspectable("not ASCII85") from None


def _decode_in_memory(stream: Any, budget: _Budget, *, cap: int, scan: bool) -> None:
    """The rare filter chains (ASCII85, LZW, run-length, several filters) through pypdf's own decoders,
    with every output limit set to what is left of the budget."""
    from pypdf import apply_configuration
    from pypdf.filters import decode_stream_data

    limit = max(0, min(budget.left, cap)) + 1
    with apply_configuration(zlib_maximum_output_length=limit, lzw_maximum_output_length=limit,
                             run_length_maximum_output_length=limit,
                             array_based_stream_maximum_output_length=limit,
                             stream_decoding_work_maximum_length=limit * 4):
        data = decode_stream_data(stream)
    if not isinstance(data, bytes):
        raise _Uninspectable("stream did not decode to bytes")
    budget.spend(len(data))
    if len(data) > cap:
        raise _Uninspectable("stream over the limit")
    if scan and _active_name_in(data):
        raise PdfRefused("pdf_active_content")


def _number(value: Any) -> int:
    from pypdf.generic import IndirectObject, NumberObject

    if isinstance(value, IndirectObject):
        value = value.get_object()
    if not isinstance(value, NumberObject | int) or int(value) <= 0:
        raise _Uninspectable("image without a proper size")
    return int(value)


def _check_stream(stream: Any, budget: _Budget, lim: Any) -> None:
    from pypdf.generic import ArrayObject, NameObject

    raw = stream.get("/Filter")
    raw = raw.get_object() if raw is not None else None
    if raw is None:
        filters: list[str] = []
    elif isinstance(raw, NameObject):
        filters = [str(raw)]
    elif isinstance(raw, ArrayObject) and all(isinstance(f, NameObject) for f in raw) and len(raw) <= 4:
        filters = [str(f) for f in raw]
    else:
        raise _Uninspectable("odd /Filter")
    image_bytes = 0
    if stream.get("/Subtype") == "/Image":
        width, height = _number(stream.get("/Width")), _number(stream.get("/Height"))
        if width * height > lim.max_pixels:
            raise PdfRefused("image_too_many_pixels")
        bits = stream.get("/BitsPerComponent", 8)
        bits = min(_number(bits), 16) if bits is not None else 8
        # at most 4 colour components; a predictor adds a byte per row: what a viewer would read
        image_bytes = (width * 4 * bits + 7) // 8 * height + height + 4096
    image_codec = bool(filters) and filters[-1] in _IMAGE_CODECS
    if image_codec:
        filters = filters[:-1]  # decoded to pixels by the viewer: bounded by the pixel cap above
    if any(f not in _FLATE | _TEXT_AND_OLD_CODECS for f in filters):
        raise _Uninspectable("a filter we do not inflate ourselves")  # /Crypt, /BrotliDecode, unknown
    structure = stream.get("/Type") in {"/ObjStm", "/XRef"}
    cap = _MAX_STRUCTURE_STREAM_BYTES if structure else image_bytes or budget.left
    data = stream._data  # the encoded bytes as stored; never pypdf's unbounded get_data()
    if not filters:
        if structure and _active_name_in(data):
            raise PdfRefused("pdf_active_content")
    elif len(filters) == 1 and filters[0] in _FLATE:
        _inflate(data, budget, cap=cap, scan=structure)
    elif len(filters) == 2 and filters[0] in _A85 and filters[1] in _FLATE:
        _inflate(_a85decode(data), budget, cap=cap, scan=structure)
    elif image_codec:
        raise _Uninspectable("image under a filter chain")
    else:
        _decode_in_memory(stream, budget, cap=min(cap, 32 * 1024 * 1024), scan=structure)


def _check_streams(reader: Any, budget: _Budget, lim: Any) -> int:
    """Every stream object of the cross-reference table (object streams cannot hold streams).
    Returns how many objects the table lists."""
    from pypdf.generic import IndirectObject, StreamObject

    count = 0
    for generation, entries in list(reader.xref.items()):
        if generation == 65535:
            continue
        for idnum in list(entries):
            count += 1
            if count > _MAX_PDF_OBJECTS:
                raise _Uninspectable("too many objects")
            budget.tick()
            obj = reader.get_object(IndirectObject(idnum, generation, reader))
            if isinstance(obj, StreamObject):
                _check_stream(obj, budget, lim)
    return count + len(reader.xref_objStm)


def _pdf_has_active_content(reader: Any, budget: _Budget) -> bool:
    """Walk the trailer and EVERY object the cross-reference table lists (reachable or not,
    compressed or not), and everything inside them."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    for generation, entries in reader.xref.items():
        if generation != 65535:
            stack.extend(IndirectObject(idnum, generation, reader) for idnum in entries)
    stack.extend(IndirectObject(idnum, 0, reader) for idnum in reader.xref_objStm)
    visited = 0
    while stack:
        obj = stack.pop()
        visited += 1
        if visited > _MAX_PDF_OBJECTS * 10:
            raise _Uninspectable("too many objects")
        if visited % 1000 == 0:
            budget.tick()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()  # any error: the caller refuses the file
        if isinstance(obj, DictionaryObject):
            for k, v in obj.items():
                if k in _ACTIVE_KEYS:
                    return True
                if k == "/OpenAction":  # "go to page 1" (LaTeX, Word) is fine; any other action is not
                    target = v.get_object() if isinstance(v, IndirectObject) else v
                    if isinstance(target, DictionaryObject) and target.get("/S") != "/GoTo":
                        return True
                if k in {"/S", "/Subtype", "/Type"} and isinstance(v, NameObject) and v in _ACTIVE_VALUES:
                    return True
                stack.append(v)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return False


class _PdfWarnings(logging.Handler):
    """pypdf reports every repair of the file's structure as a warning: collected per inspection (see
    _WARNINGS). Its stream decoders' remarks ("missing EOD", from pypdf.filters) are not structure."""

    def emit(self, record: logging.LogRecord) -> None:
        seen = _WARNINGS.get()
        if seen is not None and record.levelno >= logging.WARNING and not record.name.startswith("pypdf.filters"):
            seen.append(record.getMessage()[:200])


_WARNINGS: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("intake_pdf_warnings", default=None)


def _listen_to_pypdf() -> None:
    logger = logging.getLogger("pypdf")
    if not any(isinstance(h, _PdfWarnings) for h in logger.handlers):
        logger.addHandler(_PdfWarnings())
        logger.setLevel(logging.WARNING)
        logger.propagate = False  # a hostile file must not flood the service log: we refuse and say why


def check_pdf(src: str, lim: Any) -> int:
    """The PDF's page count, or ``PdfRefused`` with the reason code (``lim``: ``pipeline.Limits``)."""
    from pypdf import PdfReader, apply_configuration

    _listen_to_pypdf()
    if _raw_has_active_names(src):
        raise PdfRefused("pdf_active_content")
    budget = _Budget(lim.pdf_max_inflated_bytes, lim.pdf_inspect_seconds)
    warnings: list[str] = []
    token = _WARNINGS.set(warnings)
    cap = _MAX_STRUCTURE_STREAM_BYTES  # what pypdf itself may inflate: xref and object streams only
    try:
        with open(src, "rb") as fh, apply_configuration(
                zlib_maximum_output_length=cap, lzw_maximum_output_length=cap, run_length_maximum_output_length=cap,
                array_based_stream_maximum_output_length=cap, brotli_maximum_output_length=cap,
                jbig2_maximum_output_length=cap, jbig2dec_binary=None, maximum_declared_stream_length=max(
                    lim.max_file_bytes, 1)):
            try:
                reader = PdfReader(fh, strict=False)
            except (RecursionError, MemoryError) as exc:
                raise _Uninspectable(exc.__class__.__name__) from None
            except Exception as exc:
                if exc.__class__.__name__ == "LimitReachedError":
                    raise _Uninspectable(str(exc)[:200]) from None
                raise PdfRefused("pdf_unreadable") from None
            if reader.is_encrypted:
                raise PdfRefused("pdf_encrypted")
            _check_streams(reader, budget, lim)
            pages = len(reader.pages)
            if pages < 1:
                raise PdfRefused("pdf_unreadable")
            if pages > lim.max_pdf_pages:
                raise PdfRefused("pdf_too_many_pages")
            if _pdf_has_active_content(reader, budget):
                raise PdfRefused("pdf_active_content")
            if warnings:
                raise _Uninspectable("needed repair: " + "; ".join(warnings[:3]))
    except PdfRefused:
        raise
    except Exception as exc:  # fail closed: ANY error while inspecting refuses the file
        log.info("intake: PDF refused as uninspectable (%s: %s)", exc.__class__.__name__, str(exc)[:200])
        raise PdfRefused("pdf_uninspectable") from None
    finally:
        _WARNINGS.reset(token)
    return pages
