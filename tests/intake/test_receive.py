"""The pipeline through ``document_receive``: hostile files are refused with a clear reason and
nothing stored; good files are cleaned and stored once."""

from __future__ import annotations

import io
from typing import Any

import pytest

from lapakasik.claims.services import Actor
from lapakasik.intake.models import Document, DocumentStatus
from lapakasik.intake.receive import document_receive

from .conftest import EICAR, huge_png_bytes, jpeg_bytes, pdf_bytes, png_bytes, stored_files

pytestmark = pytest.mark.django_db


def send(claim: Any, data: bytes, name: str, requirement: str | None = "ktp", ctype: str = "") -> Any:
    return document_receive(claim=claim, fileobj=io.BytesIO(data), filename=name, declared_type=ctype or None,
                            source="WEB", requirement_code=requirement, actor=Actor.participant())


def assert_refused_nothing_stored(claim: Any, result: Any, code: str) -> None:
    assert result.outcome == "refused", result
    assert result.reason_code == code
    assert result.message and result.message_en and result.message != result.message_en
    assert not Document.objects.filter(claim=claim).exclude(status=DocumentStatus.REFUSED).exists()
    refused = Document.objects.get(claim=claim, status=DocumentStatus.REFUSED)
    assert refused.file == "" and refused.reason_code == code
    assert stored_files() == []


HOSTILE = [
    ("html_as_jpg", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "ktp.jpg", "type_mismatch"),
    ("html_as_pdf", b"<html><body>hi</body></html>", "ktp.pdf", "type_mismatch"),
    ("exe_as_jpg", b"MZ\x90\x00\x03" + b"\x00" * 500, "ktp.jpg", "type_mismatch"),
    ("elf_as_pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 500, "scan.pdf", "type_mismatch"),
    ("zero_bytes", b"", "ktp.jpg", "empty"),
    ("svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
     "ktp.svg", "svg"),
    ("svg_as_png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "ktp.png", "svg"),
    ("zip", b"PK\x03\x04" + b"\x00" * 200, "dokumen.zip", "archive"),
    ("zip_as_jpg", b"PK\x03\x04" + b"\x00" * 200, "ktp.jpg", "archive"),
    ("tnef", b"\x78\x9f\x3e\x22" + b"\x00" * 200, "winmail.dat", "archive"),
    ("gif", b"GIF89a" + b"\x00" * 200, "ktp.gif", "type_not_allowed"),
    ("text_exe_name", b"just some text", "run.exe", "type_not_allowed"),
    ("fake_heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100, "IMG_0001.HEIC",
     "image_unreadable"),
]


@pytest.mark.parametrize(("data", "name", "code"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_hostile_file_is_refused_and_nothing_stored(claim: Any, data: bytes, name: str, code: str) -> None:
    assert_refused_nothing_stored(claim, send(claim, data, name), code)


@pytest.mark.parametrize("subprocess", [True, False], ids=["child_process", "in_process"])
def test_truncated_jpeg_is_refused_as_unreadable(claim: Any, settings: Any, subprocess: bool) -> None:
    settings.INTAKE_IMAGE_SUBPROCESS = subprocess
    data = jpeg_bytes((1200, 900))
    assert_refused_nothing_stored(claim, send(claim, data[: len(data) // 2], "ktp.jpg"), "image_unreadable")


def test_huge_png_dimensions_refused_before_decoding(claim: Any) -> None:
    assert_refused_nothing_stored(claim, send(claim, huge_png_bytes(), "kk.png"), "image_too_many_pixels")


def test_tiny_image_is_refused_as_unreadable(claim: Any) -> None:
    assert_refused_nothing_stored(claim, send(claim, jpeg_bytes((120, 90)), "ktp.jpg"), "image_too_small")


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"javascript": True}, "pdf_active_content"),
    ({"embedded": True}, "pdf_active_content"),
    ({"launch": True}, "pdf_active_content"),
    ({"open_action_js": True}, "pdf_active_content"),
    ({"encrypt": True}, "pdf_encrypted"),
    ({"pages": 31}, "pdf_too_many_pages"),
], ids=["javascript", "embedded_file", "launch", "open_action", "encrypted", "too_many_pages"])
def test_hostile_pdf_is_refused(claim: Any, kwargs: dict[str, Any], code: str) -> None:
    assert_refused_nothing_stored(claim, send(claim, pdf_bytes(**kwargs), "formulir.pdf", "formulir_5"), code)


def test_escaped_javascript_name_in_pdf_is_refused(claim: Any) -> None:
    data = pdf_bytes().replace(b"%%EOF", b"<< /S /J#61vaScript /JS (x) >>\n%%EOF")
    assert_refused_nothing_stored(claim, send(claim, data, "formulir.pdf", "formulir_5"), "pdf_active_content")


def test_broken_pdf_is_refused(claim: Any) -> None:
    assert_refused_nothing_stored(claim, send(claim, b"%PDF-1.7\n garbage garbage", "x.pdf"), "pdf_unreadable")


def test_file_over_limit_is_refused_without_reading_it_all(claim: Any, settings: Any) -> None:
    settings.LAPAKASIK = {**settings.LAPAKASIK, "MAX_FILE_BYTES": 100_000}

    class Endless(io.RawIOBase):
        read_bytes = 0

        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            self.read_bytes += 65536
            return b"\xff" * 65536

    stream: Any = Endless()
    result = document_receive(claim=claim, fileobj=stream, filename="ktp.jpg", declared_type="image/jpeg",
                              source="WEB", requirement_code="ktp", actor=Actor.participant())
    assert_refused_nothing_stored(claim, result, "too_large")
    assert "0.1 MB" in result.message
    assert stream.read_bytes <= 100_000 + 2 * 65536


@pytest.mark.parametrize("subprocess", [True, False], ids=["child_process", "in_process"])
def test_good_jpeg_is_reencoded_without_metadata_and_appended_html(claim: Any, settings: Any, subprocess: bool) -> None:
    from PIL import Image

    settings.INTAKE_IMAGE_SUBPROCESS = subprocess
    from lapakasik.intake.files import storage

    original = jpeg_bytes((1000, 700), exif=True) + b"<html><script>alert(1)</script></html>PK\x03\x04zipdata"
    result = send(claim, original, "KTP saya.JPG")
    assert result.outcome == "received", result
    doc = result.document
    assert doc.status == DocumentStatus.RECEIVED and doc.requirement.code == "ktp"
    assert doc.kind == "jpeg" and (doc.width, doc.height) == (1000, 700)
    assert doc.file.endswith(".jpg") and "KTP" not in doc.file and claim.code in doc.file
    with storage().open(doc.file) as fh:
        stored = fh.read()
    assert b"<html>" not in stored and b"PK\x03\x04" not in stored and b"SecretPhoneMaker" not in stored
    assert stored.endswith(b"\xff\xd9")
    img = Image.open(io.BytesIO(stored))
    assert not img.getexif()
    assert sorted(stored_files()) == sorted([doc.file, doc.thumbnail])


def heic_bytes(size: tuple[int, int] = (900, 600)) -> bytes:
    import pillow_heif
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, (190, 170, 150))
    ImageDraw.Draw(img).rectangle((20, 20, 300, 200), fill=(10, 10, 10))
    heif = pillow_heif.from_pillow(img)
    buf = io.BytesIO()
    heif.save(buf, quality=80)
    return buf.getvalue()


@pytest.mark.parametrize("subprocess", [True, False], ids=["child_process", "in_process"])
def test_iphone_heic_photo_is_converted_to_jpeg(claim: Any, settings: Any, subprocess: bool) -> None:
    from PIL import Image

    settings.INTAKE_IMAGE_SUBPROCESS = subprocess
    from lapakasik.intake.files import storage

    result = send(claim, heic_bytes(), "IMG_0042.HEIC")
    assert result.outcome == "received", result
    doc = result.document
    assert doc.kind == "jpeg" and doc.file.endswith(".jpg") and (doc.width, doc.height) == (900, 600)
    with storage().open(doc.file) as fh:
        stored = fh.read()
    assert Image.open(io.BytesIO(stored)).format == "JPEG"


def test_heic_refused_with_send_as_jpg_advice_when_not_allowed(claim: Any, settings: Any) -> None:
    settings.INTAKE_ALLOWED_KINDS = ["jpeg", "png", "pdf"]
    result = send(claim, heic_bytes(), "IMG_0042.HEIC")
    assert_refused_nothing_stored(claim, result, "heic_unsupported")
    assert "JPG" in result.message


def test_png_and_pdf_are_stored(claim: Any) -> None:
    r1 = send(claim, png_bytes(), "kk.png", "kk")
    r2 = send(claim, pdf_bytes(pages=2), "formulir5.pdf", "formulir_5")
    assert (r1.outcome, r2.outcome) == ("received", "received")
    assert r2.document.pages == 2 and r2.document.content_type == "application/pdf"
    assert len(stored_files()) == 3  # png + its thumbnail + pdf


def test_same_file_twice_is_kept_once(claim: Any) -> None:
    data = jpeg_bytes()
    first = send(claim, data, "ktp.jpg")
    second = send(claim, data, "ktp (1).jpg")
    assert first.outcome == "received" and second.outcome == "duplicate"
    assert second.document.pk == first.document.pk
    assert Document.objects.filter(claim=claim).count() == 1
    assert len(stored_files()) == 2


def test_per_claim_file_limit(claim: Any, settings: Any) -> None:
    settings.LAPAKASIK = {**settings.LAPAKASIK, "MAX_FILES_PER_CLAIM": 2}
    assert send(claim, jpeg_bytes(seed=1), "a.jpg", "ktp").outcome == "received"
    assert send(claim, jpeg_bytes(seed=2), "b.jpg", "kk").outcome == "received"
    r = send(claim, jpeg_bytes(seed=3), "c.jpg", "foto")
    assert r.outcome == "refused" and r.reason_code == "claim_file_limit"
    assert Document.objects.filter(claim=claim).exclude(status="REFUSED").count() == 2
    assert len(stored_files()) == 4


def test_unknown_requirement_is_refused(claim: Any) -> None:
    r = send(claim, jpeg_bytes(), "ktp.jpg", "paspor")  # passport is not asked for a resignation claim
    assert_refused_nothing_stored(claim, r, "unknown_requirement")


def test_file_name_classifies_the_requirement(claim: Any) -> None:
    r = send(claim, jpeg_bytes(), "Buku_Tabungan_BCA.jpg", None)
    assert r.requirement_code == "buku_tabungan"
    r2 = send(claim, jpeg_bytes(seed=4), "IMG_2020.jpg", None)
    assert r2.outcome == "received" and r2.requirement_code is None and r2.document.requirement is None


def test_repeated_refusals_move_the_claim_to_upload_failed(claim: Any, settings: Any) -> None:
    from lapakasik.notifications.models import Notification

    settings.INTAKE_REFUSALS_BEFORE_FAILED = 3
    for _ in range(3):
        send(claim, b"<html></html>", "ktp.jpg")
    claim.refresh_from_db()
    assert claim.state == "UPLOAD_FAILED"
    note = Notification.objects.get(claim=claim, event="upload_failed")
    assert note.context["dropbox_allowed"] is True


def test_claim_not_accepting_documents(claim: Any) -> None:
    from lapakasik.core.errors import Conflict

    claim.state = "PAID"
    claim.save()
    with pytest.raises(Conflict):
        send(claim, jpeg_bytes(), "ktp.jpg")
    assert Document.objects.count() == 0 and stored_files() == []


def test_crash_between_storage_and_row_leaves_only_an_orphan_that_is_cleaned(claim: Any, monkeypatch: Any) -> None:
    from lapakasik.intake import files, receive
    from lapakasik.intake.services import intake_orphans_clean

    def boom(**kwargs: Any) -> None:
        raise RuntimeError("power cut")

    # Simulate a crash after the file is stored but before the row commits: the row never appears.
    monkeypatch.setattr(receive, "_state_after_document", lambda *a, **k: boom())
    monkeypatch.setattr(files, "delete_quietly", lambda *names: None)  # a real crash cleans nothing
    with pytest.raises(RuntimeError):
        send(claim, jpeg_bytes(), "ktp.jpg")
    assert Document.objects.filter(claim=claim).count() == 0
    assert len(stored_files()) == 2  # orphans, no row points to nothing
    assert intake_orphans_clean(older_than_minutes=0) == 2
    assert stored_files() == []


def test_eicar_refused_by_fake_clamd(claim: Any, settings: Any, fake_clamd: str) -> None:
    settings.INTAKE_CLAMD_ADDRESS = fake_clamd
    r = send(claim, EICAR, "ktp.jpg")
    assert_refused_nothing_stored(claim, r, "virus")
    # EICAR appended to a real JPEG is found as well (the original bytes are scanned)
    Document.objects.all().delete()
    r2 = send(claim, jpeg_bytes() + EICAR, "ktp.jpg")
    assert r2.reason_code == "virus"
    # a clean file passes through clamd
    assert send(claim, jpeg_bytes(seed=9), "ktp.jpg").outcome == "received"


def test_clamd_unreachable_refuses_for_now(claim: Any, settings: Any) -> None:
    settings.INTAKE_CLAMD_ADDRESS = "127.0.0.1:1"
    assert_refused_nothing_stored(claim, send(claim, jpeg_bytes(), "ktp.jpg"), "scan_unavailable")


def test_eicar_refused_by_fake_clamd_on_unix_socket(claim: Any, settings: Any, fake_clamd_unix: str) -> None:
    settings.INTAKE_CLAMD_ADDRESS = fake_clamd_unix
    assert_refused_nothing_stored(claim, send(claim, jpeg_bytes() + EICAR, "ktp.jpg"), "virus")


def test_upload_works_again_after_upload_failed(claim: Any, settings: Any) -> None:
    settings.INTAKE_REFUSALS_BEFORE_FAILED = 2
    send(claim, b"<html></html>", "ktp.jpg")
    send(claim, b"<html></html>", "ktp.jpg")
    claim.refresh_from_db()
    assert claim.state == "UPLOAD_FAILED"
    assert send(claim, jpeg_bytes(), "ktp.jpg").outcome == "received"
    claim.refresh_from_db()
    assert claim.state == "AWAITING_DOCUMENTS"


def test_scanner_down_does_not_count_towards_upload_failed(claim: Any, settings: Any) -> None:
    settings.INTAKE_REFUSALS_BEFORE_FAILED = 2
    settings.INTAKE_CLAMD_ADDRESS = "127.0.0.1:1"
    for seed in range(3):
        assert send(claim, jpeg_bytes(seed=seed), "ktp.jpg").reason_code == "scan_unavailable"
    claim.refresh_from_db()
    assert claim.state == "BOOKED"


def test_sender_file_name_is_only_displayed_and_cleaned(claim: Any) -> None:
    r = send(claim, jpeg_bytes(), "C:\\Users\\siti\\..\\KTP\x07 Siti.jpg")
    assert r.outcome == "received"
    assert r.document.original_name == "KTP Siti.jpg"
    assert "Siti" not in r.document.file


def test_jpeg_declaring_huge_dimensions_refused_before_decoding(claim: Any) -> None:
    import struct

    data = bytearray(jpeg_bytes((400, 300)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5: sof + 9] = struct.pack(">HH", 60000, 60000)  # height, width
    assert_refused_nothing_stored(claim, send(claim, bytes(data), "ktp.jpg"), "image_too_many_pixels")


@pytest.mark.parametrize(("data", "name", "code"), [
    (b"PK\x03\x04" + b"\x00" * 100, "ktp.zip", "archive"),
    (b"", "ktp.jpg", "empty"),
    (b"<html><script>alert(1)</script></html>", "ktp.jpg", "type_mismatch"),
], ids=["archive", "empty", "html_as_jpeg"])
def test_a_refused_held_file_leaves_nothing_on_the_claim(claim: Any, data: bytes, name: str, code: str) -> None:
    from lapakasik.claims.models import ClaimEvent

    events = ClaimEvent.objects.filter(claim=claim).count()
    for _ in range(8):  # more than INTAKE_REFUSALS_BEFORE_FAILED
        r = document_receive(claim=claim, fileobj=io.BytesIO(data), filename=name, declared_type=None,
                             source="EMAIL", actor=Actor.system("mail"), hold=True)
        assert r.outcome == "refused" and r.reason_code == code and r.document is None
    assert not Document.objects.filter(claim=claim).exists()
    assert ClaimEvent.objects.filter(claim=claim).count() == events
    claim.refresh_from_db()
    assert claim.state == "BOOKED"  # not UPLOAD_FAILED


def test_a_strangers_held_file_does_not_reset_the_participants_failed_uploads(claim: Any, settings: Any) -> None:
    settings.INTAKE_REFUSALS_BEFORE_FAILED = 3
    for i in range(3):
        send(claim, b"<html></html>", "ktp.jpg")
        if i == 1:  # a stranger's photo arrives in between
            document_receive(claim=claim, fileobj=io.BytesIO(jpeg_bytes(seed=9)), filename="x.jpg", declared_type=None,
                             source="EMAIL", actor=Actor.system("mail"), hold=True)
    claim.refresh_from_db()
    assert claim.state == "UPLOAD_FAILED"


def test_held_budget_and_the_participants_budget_are_separate(claim: Any, settings: Any) -> None:
    from lapakasik.intake.types import HoldLimits

    settings.LAPAKASIK = {**settings.LAPAKASIK, "MAX_FILES_PER_CLAIM": 2}
    budget = HoldLimits(max_files=2, max_bytes=10 * 1024 * 1024)

    def put(seed: int, hold: bool) -> Any:
        return document_receive(claim=claim, fileobj=io.BytesIO(jpeg_bytes(seed=seed)), filename=f"f{seed}.jpg",
                                declared_type=None, source="EMAIL", actor=Actor.system("mail"), hold=hold,
                                hold_limits=budget)

    assert [put(i, True).outcome for i in range(3)] == ["held", "held", "refused"]
    assert [put(10 + i, False).outcome for i in range(3)] == ["received", "received", "refused"]
    assert put(20, False).reason_code == "claim_file_limit" and put(21, True).reason_code == "unverified_sender_limit"


def test_held_file_does_not_count_until_an_officer_releases_it(claim: Any) -> None:
    from lapakasik.intake.catalogue import claim_checklist
    from lapakasik.intake.services import document_review

    r = document_receive(claim=claim, fileobj=io.BytesIO(jpeg_bytes()), filename="ktp.jpg", declared_type=None,
                         source="EMAIL", requirement_code="ktp", actor=Actor.system("mail"), hold=True)
    assert r.outcome == "held" and r.document.status == "HELD"
    item = next(i for i in claim_checklist(claim).items if i.code == "ktp")
    assert item.status == "missing" and item.files[0]["status"] == "HELD"
    document_review(document=r.document, actor=Actor.system("petugas"), accept=True)
    item = next(i for i in claim_checklist(claim).items if i.code == "ktp")
    assert item.status == "accepted"
