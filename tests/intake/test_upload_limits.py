"""Uploads cannot starve the web workers: a full claim refuses before the file is read or decoded,
uploads are rate-limited per link and per claim (429 + Retry-After), and image decoding is bounded in
time and in how many run at once."""

from __future__ import annotations

import io
import struct
import time
import zlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lapakasik.claims.services import Actor
from lapakasik.intake import pipeline
from lapakasik.intake.models import Document, DocumentStatus, IntakeAccess
from lapakasik.intake.receive import document_receive
from tests.conftest import error_of

from .conftest import jpeg_bytes, png_bytes, stored_files

pytestmark = pytest.mark.django_db


def big_png(side: int = 6300) -> bytes:
    """A real, complete 6300 x 6300 grey PNG (40 MP, under the pixel cap): decoding it takes seconds,
    the file itself about 40 KB."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack("!I", len(data)) + kind + data + struct.pack("!I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    packer = zlib.compressobj(9)
    row = b"\x00" + b"\x80" * side
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    ihdr = struct.pack("!IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def upload_url(claim: Any) -> str:
    token = IntakeAccess.objects.get(claim=claim, kind="upload", revoked_at__isnull=True).token
    return f"/unggah/{token}/"


def api_url(claim: Any) -> str:
    return f"/api/v1/claims/{claim.code}/documents"


def api_auth(claim: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {claim.test_token}"}


def store_one(claim: Any) -> None:
    r = document_receive(claim=claim, fileobj=io.BytesIO(jpeg_bytes()), filename="ktp.jpg", declared_type=None,
                         source="WEB", requirement_code="ktp", actor=Actor.participant())
    assert r.outcome == "received"


# --- limits before any work ------------------------------------------------------------------------


def test_full_claim_refuses_a_huge_png_at_once_without_decoding(client: Any, claim: Any, settings: Any) -> None:
    settings.LAPAKASIK = {**settings.LAPAKASIK, "MAX_FILES_PER_CLAIM": 1}
    store_one(claim)
    data = big_png()
    decodes = pipeline.decodes_started()
    started = time.monotonic()
    r = client.post(upload_url(claim), {"file": SimpleUploadedFile("kk.png", data, content_type="image/png"),
                                        "requirement": "kk"}, HTTP_ACCEPT="application/json")
    elapsed = time.monotonic() - started
    assert r.status_code == 200
    assert r.json()["results"][0]["reason_code"] == "claim_file_limit"
    assert elapsed < 1.5, elapsed
    assert pipeline.decodes_started() == decodes  # the decoder was never started
    assert Document.objects.filter(claim=claim, status=DocumentStatus.RECEIVED).count() == 1


def test_the_same_png_on_a_claim_with_room_is_decoded(claim: Any, settings: Any) -> None:
    """The other side of the test above: the PNG is real work for the decoder."""
    decodes = pipeline.decodes_started()
    r = document_receive(claim=claim, fileobj=io.BytesIO(big_png(2000)), filename="kk.png", declared_type=None,
                         source="WEB", requirement_code="kk", actor=Actor.participant())
    assert r.outcome == "received"
    assert pipeline.decodes_started() == decodes + 1


def test_claim_whose_bytes_are_used_up_refuses_before_decoding(claim: Any, settings: Any) -> None:
    store_one(claim)
    used = Document.objects.get(claim=claim).size
    settings.LAPAKASIK = {**settings.LAPAKASIK, "MAX_BYTES_PER_CLAIM": used}
    decodes = pipeline.decodes_started()
    r = document_receive(claim=claim, fileobj=io.BytesIO(png_bytes()), filename="kk.png", declared_type=None,
                         source="API", requirement_code="kk", actor=Actor.participant())
    assert (r.outcome, r.reason_code) == ("refused", "claim_size_limit")
    assert pipeline.decodes_started() == decodes


def test_full_requirement_refuses_a_new_file_before_decoding_but_a_resend_is_a_duplicate(claim: Any) -> None:
    from lapakasik.intake.catalogue import requirement_get

    ktp = requirement_get(claim, "ktp")
    sent = []
    for i in range(ktp.max_files):
        data = jpeg_bytes(seed=20 + i)
        sent.append(data)
        assert document_receive(claim=claim, fileobj=io.BytesIO(data), filename=f"ktp{i}.jpg", declared_type=None,
                                source="WEB", requirement_code="ktp", actor=Actor.participant()).outcome == "received"
    decodes = pipeline.decodes_started()
    r = document_receive(claim=claim, fileobj=io.BytesIO(jpeg_bytes(seed=40)), filename="ktp-lagi.jpg",
                         declared_type=None, source="WEB", requirement_code="ktp", actor=Actor.participant())
    assert (r.outcome, r.reason_code) == ("refused", "requirement_full")
    r = document_receive(claim=claim, fileobj=io.BytesIO(sent[0]), filename="ktp0.jpg", declared_type=None,
                         source="WEB", requirement_code="ktp", actor=Actor.participant())
    assert r.outcome == "duplicate"
    assert pipeline.decodes_started() == decodes


# --- rate limits -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _one_window(monkeypatch: Any) -> None:
    """The windows are fixed (per minute, per hour): a slow test run must not cross into the next one."""
    from lapakasik.intake import ratelimit

    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_000.0)


def test_api_answers_429_with_retry_after_after_n_files(client: Any, claim: Any, settings: Any) -> None:
    settings.INTAKE_UPLOAD_RATE_FILES_PER_MINUTE = 3
    for i in range(3):
        f = SimpleUploadedFile(f"foto{i}.jpg", jpeg_bytes(seed=i), content_type="image/jpeg")
        r = client.post(api_url(claim), {"file": f}, **api_auth(claim))
        assert r.status_code == 201, r.content
    decodes = pipeline.decodes_started()
    f = SimpleUploadedFile("foto9.jpg", jpeg_bytes(seed=9), content_type="image/jpeg")
    r = client.post(api_url(claim), {"file": f}, **api_auth(claim))
    assert r.status_code == 429
    assert 1 <= int(r["Retry-After"]) <= 61
    assert error_of(r)["code"] == "rate_limited"
    assert pipeline.decodes_started() == decodes
    assert Document.objects.filter(claim=claim).count() == 3  # the fourth left no row at all
    # the claim's limit holds across links: its upload page is refused too
    f = SimpleUploadedFile("foto8.jpg", jpeg_bytes(seed=8), content_type="image/jpeg")
    r = client.post(upload_url(claim), {"file": f}, HTTP_ACCEPT="application/json")
    assert r.status_code == 429 and r["Retry-After"]


def test_one_request_with_more_files_than_allowed_is_refused_whole(client: Any, claim: Any, settings: Any) -> None:
    settings.INTAKE_UPLOAD_RATE_FILES_PER_MINUTE = 2
    files = [SimpleUploadedFile(f"foto{i}.jpg", jpeg_bytes(seed=i), content_type="image/jpeg") for i in range(3)]
    r = client.post(api_url(claim), {"file": files}, **api_auth(claim))
    assert r.status_code == 429
    assert stored_files() == [] and not Document.objects.filter(claim=claim).exists()


def test_upload_page_says_in_indonesian_when_to_try_again(client: Any, claim: Any, settings: Any) -> None:
    settings.INTAKE_UPLOAD_RATE_FILES_PER_MINUTE = 1
    url = upload_url(claim)
    client.post(url, {"file": SimpleUploadedFile("ktp.jpg", jpeg_bytes(), content_type="image/jpeg"),
                      "requirement": "ktp"})
    r = client.post(url, {"file": SimpleUploadedFile("kk.jpg", jpeg_bytes(seed=3), content_type="image/jpeg"),
                          "requirement": "kk"})
    assert r.status_code == 429 and r["Retry-After"]
    html = r.content.decode()
    assert "Terlalu banyak berkas dikirim" in html and "menit" in html


def test_bytes_per_hour_are_refused_before_the_body_is_parsed(client: Any, claim: Any, settings: Any) -> None:
    settings.INTAKE_UPLOAD_RATE_BYTES_PER_HOUR = 50_000
    f = SimpleUploadedFile("kk.jpg", jpeg_bytes((1600, 1200), seed=4) + b"\0" * 60_000, content_type="image/jpeg")
    decodes = pipeline.decodes_started()
    r = client.post(api_url(claim), {"file": f}, **api_auth(claim))
    assert r.status_code == 429 and int(r["Retry-After"]) > 60  # the hour's window
    assert pipeline.decodes_started() == decodes and not Document.objects.filter(claim=claim).exists()


def test_links_of_other_claims_are_not_affected(client: Any, make_claim: Any, settings: Any) -> None:
    settings.INTAKE_UPLOAD_RATE_FILES_PER_MINUTE = 1
    first, second = make_claim(), make_claim()
    for c in (first, second):
        f = SimpleUploadedFile("ktp.jpg", jpeg_bytes(seed=c.pk % 50), content_type="image/jpeg")
        assert client.post(api_url(c), {"file": f, "requirement": "ktp"}, **api_auth(c)).status_code == 201


# --- bounded image work ----------------------------------------------------------------------------


def test_decode_over_the_time_limit_is_killed_and_refused(claim: Any, settings: Any) -> None:
    settings.INTAKE_IMAGE_SUBPROCESS = True
    settings.INTAKE_IMAGE_TIMEOUT = 0.05  # less than the child needs to start
    r = document_receive(claim=claim, fileobj=io.BytesIO(jpeg_bytes()), filename="ktp.jpg", declared_type=None,
                         source="WEB", requirement_code="ktp", actor=Actor.participant())
    assert (r.outcome, r.reason_code) == ("refused", "too_slow")
    assert "terlalu lama" in r.message and "too long" in r.message_en
    assert stored_files() == []


def test_decodes_beyond_the_concurrency_bound_wait_then_are_refused(claim: Any, settings: Any) -> None:
    settings.INTAKE_IMAGE_MAX_CONCURRENT = 1
    settings.INTAKE_IMAGE_QUEUE_SECONDS = 0.2
    slots = pipeline.decode_slots()
    assert slots.acquire(timeout=1)  # another upload is decoding
    try:
        started = time.monotonic()
        r = document_receive(claim=claim, fileobj=io.BytesIO(jpeg_bytes()), filename="ktp.jpg", declared_type=None,
                             source="WEB", requirement_code="ktp", actor=Actor.participant())
        assert (r.outcome, r.reason_code) == ("refused", "scan_unavailable")
        assert time.monotonic() - started < 2
    finally:
        slots.release()
    r = document_receive(claim=claim, fileobj=io.BytesIO(jpeg_bytes()), filename="ktp.jpg", declared_type=None,
                         source="WEB", requirement_code="ktp", actor=Actor.participant())
    assert r.outcome == "received"
