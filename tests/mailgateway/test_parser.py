"""The streaming MIME reader on what real clients send, and on broken structure (no database)."""

from __future__ import annotations

import io
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lapakasik.mailgateway.parser import parse

from . import messages as m
from .conftest import jpeg_bytes, pdf_bytes, png_bytes

TO = "tok@dokumen.lapakasik.local"
MAX = 6 * 1024 * 1024


def read(raw: bytes, max_bytes: int = MAX) -> Any:
    return parse(io.BytesIO(raw), max_bytes=max_bytes)


def content(part: Any) -> bytes:
    with open(part.path, "rb") as fh:
        return fh.read()


def test_iphone_inline_photos_are_files_and_signature_is_text() -> None:
    a, b = jpeg_bytes(seed=1), jpeg_bytes(seed=2)
    with read(m.iphone(to=TO, photos=[(a, "IMG_0001.jpeg", "image/jpeg"), (b, "IMG_0002.JPG", "image/jpeg")])) as p:
        assert [f.filename for f in p.files] == ["IMG_0001.jpeg", "IMG_0002.JPG"]
        assert [content(f) for f in p.files] == [a, b]
        assert p.files[0].disposition == "inline"
        assert "berikut dokumen saya" in p.text and "Dikirim dari iPhone saya" in p.text
        assert p.message_id == "B6A2F0E4-1C1D-4C3E-9E55-0A1B2C3D4E5F@example.id"
        assert p.header_from == "siti@example.id" and not p.defects


def test_outlook_nested_related_alternative_logo_skipped_encoded_word_name() -> None:
    pdf = pdf_bytes()
    logo = png_bytes((120, 40))
    raw = m.outlook(to=TO, attachment=(pdf, "Kartu Keluarga Bu Sri Rahàyu.PDF", "application/pdf"), logo=logo)
    with read(raw) as p:
        assert [f.filename for f in p.files] == ["Kartu Keluarga Bu Sri Rahàyu.PDF"]
        assert content(p.files[0]) == pdf
        assert [(s.filename, s.skipped) for s in p.parts if s.skipped] == [("image001.png", "embedded_image")]
        assert p.subject == "Kartu Keluarga untuk klaim"
        assert "terlampir Kartu Keluarga" in p.text and "<p>" not in p.text


@pytest.mark.parametrize(("header", "expected"), [
    ("filename*=UTF-8''Buku%20Tabungan%20Bu%20R%C3%A0hayu.JPG", "Buku Tabungan Bu Ràhayu.JPG"),
    ("filename*0*=UTF-8''Surat%20Pengunduran;\n filename*1*=%20Diri%20Pak%20Bud%C3%AC.pdf",
     "Surat Pengunduran Diri Pak Budì.pdf"),
    ('filename="=?UTF-8?Q?Kartu_Keluarga_S=C3=BCsanti.jpg?="', "Kartu Keluarga Süsanti.jpg"),
    ('filename="=?ISO-8859-1?B?S1RQIEpvc+kuSlBFRw==?="', "KTP José.JPEG"),
    ('filename="C:\\\\Users\\\\siti\\\\Desktop\\\\ktp.jpg"', "ktp.jpg"),
], ids=["rfc2231", "rfc2231_continuation", "encoded_word_q", "encoded_word_b_latin1", "windows_path"])
def test_file_names_indonesian_and_encoded(header: str, expected: str) -> None:
    raw = m.simple(to=TO, parts=[m.attachment_part(jpeg_bytes(), filename_header=header, ctype="image/jpeg")])
    with read(raw) as p:
        assert [f.filename for f in p.files] == [expected]


def test_quoted_printable_binary_part_and_missing_name_and_octet_stream() -> None:
    data = bytes(b for b in range(256) if b not in (10, 13)) * 40 + b"\r\nbaris = kedua\r\n.end"
    raw = m.simple(to=TO, parts=[m.attachment_part(data, encoding="quoted-printable"),
                                 m.attachment_part(jpeg_bytes(), ctype="application/octet-stream")])
    with read(raw) as p:
        assert [f.filename for f in p.files] == ["", ""]
        assert [f.display_name for f in p.files] == ["lampiran-1", "lampiran-2"]
        assert content(p.files[0]) == data
        assert content(p.files[1])[:3] == b"\xff\xd8\xff"


def test_forwarded_message_is_recursed_into() -> None:
    inner_msg = EmailMessage()
    inner_msg["From"] = "hrd@pt-maju.co.id"
    inner_msg["Subject"] = "Paklaring Siti"
    inner_msg.set_content("Terlampir surat paklaring.")
    pdf = pdf_bytes()
    inner_msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="surat.pdf")
    inner = inner_msg.as_bytes(policy=policy.SMTP)
    for encode in (False, True):
        with read(m.forwarded(to=TO, inner=inner, encode_inner=encode)) as p:
            assert [f.filename for f in p.files] == ["surat.pdf"], encode
            assert content(p.files[0]) == pdf
            assert p.files[0].forwarded
            assert "Paklaring Siti" in p.text and "surat paklaring" in p.text


def test_message_without_attachment_has_no_files() -> None:
    msg = EmailMessage()
    msg["From"] = "siti@example.id"
    msg["Subject"] = "Pertanyaan"
    msg.set_content("Dokumen apa saja yang harus dikirim?")
    msg.add_alternative("<p>Dokumen apa saja yang harus dikirim?</p>", subtype="html")
    with read(msg.as_bytes(policy=policy.SMTP)) as p:
        assert p.files == [] and "Dokumen apa saja" in p.text


def test_part_is_capped_while_decoding() -> None:
    raw = m.simple(to=TO, parts=[m.attachment_part(b"\xff" * 50_000, filename_header='filename="besar.jpg"')])
    with read(raw, max_bytes=10_000) as p:
        assert p.files[0].truncated and p.files[0].size == 50_000 and len(content(p.files[0])) == 10_001


MALFORMED = {
    "no_closing_boundary": m.simple(to=TO, parts=[m.attachment_part(b"%PDF-1.4 x", filename_header='filename="a.pdf"')],
                                    closing=False),
    "boundary_never_used": m.simple(to=TO, parts=[], boundary="abc").replace(b"--abc", b"--xyz"),
    "empty_boundary": b"Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\nhello\r\n",
    "missing_boundary_param": b"Content-Type: multipart/mixed\r\nSubject: x\r\n\r\n--foo\r\nContent-Type: image/jpeg\r\n\r\nxx\r\n",
    "inner_unclosed": (b"Content-Type: multipart/mixed; boundary=out\r\n\r\n--out\r\nContent-Type: multipart/alternative;"
                       b" boundary=in\r\n\r\n--in\r\nContent-Type: text/plain\r\n\r\nhi\r\n--out\r\nContent-Type: "
                       b"application/pdf\r\nContent-Disposition: attachment; filename=x.pdf\r\n\r\n%PDF-1.4\r\n--out--\r\n"),
    "garbage_headers": b"\x00\x01\x02 not a header\r\n\r\n\xff\xfe",
    "huge_line": b"Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n" + b"A" * 300_000 + b"\r\n--b--\r\n",
    "deep_nesting": b"".join(b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i) for i in range(200)),
    "bad_base64": m.simple(to=TO, parts=["Content-Type: image/jpeg\nContent-Transfer-Encoding: base64\n"
                                         "Content-Disposition: attachment; filename=k.jpg\n\n!!!*** ===A=B=C\nQUJD\n"]),
    "empty": b"",
    "headers_only": b"Subject: hi\r\nContent-Type: multipart/mixed; boundary=q\r\n",
    "bad_params": b"Content-Type: image/jpeg; name*0*=bogus'''%ZZ; name=\r\nContent-Disposition: attachment; ;;filename\r\n\r\nxx\r\n",
}


@pytest.mark.parametrize("raw", list(MALFORMED.values()), ids=list(MALFORMED))
def test_malformed_structure_never_raises(raw: bytes) -> None:
    with read(raw) as p:
        for f in p.files:
            assert f.path is not None and f.size == len(content(f))


def test_inner_unclosed_multipart_still_finds_the_attachment() -> None:
    with read(MALFORMED["inner_unclosed"]) as p:
        assert [f.filename for f in p.files] == ["x.pdf"] and "multipart not closed" in p.defects


def test_temporary_files_are_removed() -> None:
    import os

    p = read(m.simple(to=TO, parts=[m.attachment_part(b"x", filename_header='filename="a.pdf"')]))
    paths = [f.path for f in p.files]
    assert paths and all(os.path.exists(x) for x in paths)
    p.cleanup()
    assert not any(os.path.exists(x) for x in paths)


def _corpus() -> list[bytes]:
    inner = EmailMessage()
    inner["Subject"] = "Paklaring"
    inner.set_content("x")
    inner.add_attachment(b"%PDF-1.4 tiny", maintype="application", subtype="pdf", filename="a.pdf")
    return [
        m.iphone(to=TO, photos=[(b"\xff\xd8\xff" + bytes(range(256)) * 4, "IMG_1.JPG", "image/jpeg")]),
        m.outlook(to=TO, attachment=(b"%PDF-1.4 " * 50, "Kartu Keluarga Rahàyu.PDF", "application/pdf"), logo=b"\x89PNG" * 20),
        m.forwarded(to=TO, inner=inner.as_bytes(policy=policy.SMTP)),
        m.simple(to=TO, parts=[m.attachment_part(b"\x00\x01=\xff" * 100, encoding="quoted-printable",
                                                 filename_header="filename*=UTF-8''K%C3%A0rtu.pdf")]),
    ]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_mangled_messages_never_raise_and_leave_no_files(data: Any) -> None:
    import os

    raw = bytearray(data.draw(st.sampled_from(_corpus())))
    for _ in range(data.draw(st.integers(0, 6))):
        op = data.draw(st.sampled_from(["flip", "cut", "dup", "insert"]))
        pos = data.draw(st.integers(0, max(0, len(raw) - 1)))
        if op == "flip" and raw:
            raw[pos] = data.draw(st.sampled_from(b"-\r\n=\"; :\x00."))
        elif op == "cut":
            del raw[pos:pos + data.draw(st.integers(1, 400))]
        elif op == "dup":
            raw[pos:pos] = raw[pos:pos + data.draw(st.integers(1, 400))]
        else:
            raw[pos:pos] = data.draw(st.sampled_from([b"\r\n--", b"\r\n\r\n", b"Content-Type: multipart/mixed; boundary=x\r\n",
                                                      b"--x--\r\n", b"=?utf-8?B?", b"\r\n.\r\n"]))
    parsed = read(bytes(raw))
    paths = [p.path for p in parsed.files]
    for f in parsed.files:
        assert f.size == len(content(f))
    parsed.cleanup()
    assert not any(os.path.exists(p) for p in paths if p)
