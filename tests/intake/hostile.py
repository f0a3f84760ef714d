"""The hostile PDF corpus, generated at run time (nothing binary in the repository; each file is small).

Every file here is a PDF a viewer would open, with one thing the intake must refuse:

- ``hidden_name_tree``: the JavaScript name tree sits in a compressed object stream that inflates past
  the parser's own limit (about 80 KB → 84 MB); the raw bytes show no active name at all;
- ``flate_bomb``: a page content stream of about 1 MB that inflates to 1 GiB;
- ``page_aa_js``: JavaScript in a page's additional actions (/AA);
- ``open_action_js``: JavaScript run when the document opens (/OpenAction);
- ``encrypted``: password protected;
- ``embedded_file``: an executable attached as an embedded file;
- ``broken_xref``: the cross-reference table points at the wrong bytes (a viewer would "repair" it and
  may see other objects than we did).

The deflate data of the two bombs is built from one flushed block repeated (a full flush makes each
block independent), with the zlib trailer computed arithmetically: building them costs milliseconds
and a megabyte, never the inflated size.
"""

from __future__ import annotations

import functools
import io
import struct
import zlib

MIB = 1024 * 1024


def _repeated_deflate(head: bytes, filler: bytes, repeats: int, tail: bytes = b"") -> bytes:
    """zlib data that inflates to ``head + filler * repeats + tail`` (``filler`` is at most 1 MiB),
    built without ever holding the inflated bytes."""
    c = zlib.compressobj(9)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(filler) + c.flush(zlib.Z_FULL_FLUSH)  # independent of what came before
    adler = zlib.adler32(head)
    one = zlib.adler32(filler)
    for _ in range(repeats):  # adler32_combine (zlib's formula): no pass over the repeated bytes
        a = (adler & 0xFFFF) + (one & 0xFFFF) - 1
        b = (adler >> 16) + (one >> 16) + len(filler) * ((adler & 0xFFFF) - 1)
        adler = ((b % 65521) << 16) | (a % 65521)
    last = b""
    if tail:
        last = c.compress(tail) + c.flush(zlib.Z_FULL_FLUSH)
        adler = zlib.adler32(tail, adler)
    # an empty final block with fixed codes (BFINAL=1, BTYPE=01, end-of-block) then the checksum
    return first + block * repeats + last + b"\x03\x00" + struct.pack(">I", adler & 0xFFFFFFFF)


def _classic(objects: list[bytes], *, root: int = 1, trailer_extra: bytes = b"", break_xref: bool = False) -> bytes:
    """A PDF with objects 1..n (``objects[i]`` is the body of object i+1) and a classic xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref_at = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        if break_xref:
            offset = offset + 7  # into the middle of the object: a viewer has to rebuild the table
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, root, trailer_extra, xref_at))
    return out.getvalue()


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


_CONTENT = b"BT /F1 24 Tf 72 720 Td (Formulir 5) Tj ET"
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _page(extra: bytes = b"", contents: int = 4) -> bytes:
    return (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
            b"/Contents %d 0 R " % contents + extra + b">>")


def good_pdf(pages: int = 3) -> bytes:
    """A plain multi-page text PDF (compressed content streams): must pass."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % (6 + 2 * i) for i in range(pages)),
                                                             pages),
               b"<< >>", b"<< >>", _FONT]
    for i in range(pages):
        objects.append(_page(contents=7 + 2 * i))
        objects.append(_stream(b"/Filter /FlateDecode", zlib.compress(_CONTENT + b" %% page %d" % (i + 1))))
    return _classic(objects)


def _simple(page_extra: bytes = b"", catalog_extra: bytes = b"", more: list[bytes] | None = None,
            contents: bytes | None = None, break_xref: bool = False) -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               _page(page_extra),
               contents if contents is not None else _stream(b"/Filter /FlateDecode", zlib.compress(_CONTENT)),
               _FONT, *(more or [])]
    return _classic(objects, break_xref=break_xref)


@functools.cache
def flate_bomb() -> bytes:
    """A page whose content stream (about 1 MB) inflates to 1 GiB of zeros."""
    data = _repeated_deflate(_CONTENT + b"\n", b"\0" * MIB, 1024)
    return _simple(contents=_stream(b"/Filter /FlateDecode", data))


def page_aa_js() -> bytes:
    return _simple(page_extra=b"/AA << /O 6 0 R >> ",
                   more=[b"<< /Type /Action /S /JavaScript /JS (app.alert\\('page opened'\\);) >>"])


def open_action_js() -> bytes:
    return _simple(catalog_extra=b"/OpenAction 6 0 R ",
                   more=[b"<< /Type /Action /S /JavaScript /JS (app.launchURL\\('http://evil.test/'\\);) >>"])


def broken_xref() -> bytes:
    return _simple(break_xref=True)


def embedded_file() -> bytes:
    payload = b"MZ\x90\x00" + b"\x00" * 200
    return _simple(catalog_extra=b"/Names << /EmbeddedFiles 6 0 R >> ", more=[
        b"<< /Names [(evil.exe) 7 0 R] >>",
        b"<< /Type /Filespec /F (evil.exe) /EF << /F 8 0 R >> >>",
        _stream(b"/Type /EmbeddedFile", payload),
    ])


def encrypted() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(good_pdf(1))))
    writer.encrypt(user_password="rahasia", owner_password="rahasia")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@functools.cache
def hidden_name_tree(padding_mib: int = 84) -> bytes:
    """The catalog's /Names points into a compressed object stream holding the JavaScript name tree
    and action behind ``padding_mib`` MiB of whitespace (the stream inflates past the parser's limit;
    the raw file shows no active name); a cross-reference stream points into it."""
    inner = [
        (4, b"<< /JavaScript 5 0 R >>"),
        (5, b"<< /Names [(a) 6 0 R] >>"),
        (6, b"<< /S /JavaScript /JS (app.alert\\('hidden'\\);) >>"),
    ]
    padding = padding_mib * MIB
    body = b""
    header = []
    for number, obj in inner:
        header.append(b"%d %d" % (number, padding + len(body)))
        body += obj + b"\n"
    head = b" ".join(header) + b"\n"
    data = _repeated_deflate(head, b" " * MIB, padding_mib, tail=body)
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    plain = {
        1: b"<< /Type /Catalog /Pages 2 0 R /Names 4 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        7: _stream(b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (len(inner), len(head)), data),
    }
    for number, obj in plain.items():
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref_number = 8
    offsets[xref_number] = out.tell()
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    in_stream = {number: index for index, (number, _obj) in enumerate(inner)}
    for number in range(1, xref_number + 1):
        if number in in_stream:
            rows.append(struct.pack(">BIH", 2, 7, in_stream[number]))
        else:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
    xref = b"".join(rows)
    out.write(b"%d 0 obj\n" % xref_number + _stream(
        b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % (xref_number + 1), xref) + b"\nendobj\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number])
    return out.getvalue()


# name → (builder, the reason code the intake must answer)
CORPUS = {
    "hidden_name_tree": (hidden_name_tree, "pdf_uninspectable"),
    "small_hidden_name_tree": (lambda: hidden_name_tree(1), "pdf_active_content"),
    "flate_bomb": (flate_bomb, "pdf_uninspectable"),
    "page_aa_js": (page_aa_js, "pdf_active_content"),
    "open_action_js": (open_action_js, "pdf_active_content"),
    "encrypted": (encrypted, "pdf_encrypted"),
    "embedded_file": (embedded_file, "pdf_active_content"),
    "broken_xref": (broken_xref, "pdf_uninspectable"),
}
