"""The hostile PDF corpus (``hostile.py``) through every way a file comes in — the participant's upload
page (a real multipart request), the API, and e-mail through the gateway and the worker: each is
refused with its reason and nothing is stored; a good multi-page PDF still passes every way."""

from __future__ import annotations

import io
import resource
import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lapakasik.intake import pdfcheck, pipeline
from lapakasik.intake.models import Document, DocumentStatus
from tests.mailgateway.conftest import gateway, gateway_factory  # noqa: F401 - the real gateway, for e-mail

from . import hostile
from .conftest import stored_files

NAMES = sorted(hostile.CORPUS)


def nothing_stored(claim: Any) -> None:
    assert not Document.objects.filter(claim=claim).exclude(status=DocumentStatus.REFUSED).exists()
    assert stored_files() == []


def upload_url(claim: Any) -> str:
    from lapakasik.intake.models import IntakeAccess

    token = IntakeAccess.objects.get(claim=claim, kind="upload", revoked_at__isnull=True).token
    return f"/unggah/{token}/"


@pytest.mark.parametrize("name", NAMES)
def test_pipeline_refuses_each_hostile_pdf(name: str) -> None:
    build, code = hostile.CORPUS[name]
    with pytest.raises(pipeline.Refused) as refused:
        pipeline.process(io.BytesIO(build()), f"{name}.pdf")
    assert refused.value.code == code


def test_the_hidden_name_tree_is_not_visible_in_the_raw_bytes() -> None:
    """What made it dangerous: without inflating the object stream nothing looks active."""
    data = hostile.hidden_name_tree()
    assert len(data) < 100_000
    assert b"/JavaScript" not in data and b"/JS" not in data


def test_flate_bomb_is_refused_quickly_with_little_memory() -> None:
    data = hostile.flate_bomb()
    assert len(data) < 1_100_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with pytest.raises(pipeline.Refused) as refused:
        pipeline.process(io.BytesIO(data), "bomb.pdf")
    assert refused.value.code == "pdf_uninspectable"
    assert time.monotonic() - started < 15  # inflating stops at the budget (128 MiB), not at 1 GiB
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 64 * 1024  # the inflated bytes are counted, never held


def test_inflation_budget_is_a_setting(settings: Any) -> None:
    """A good PDF whose streams inflate past a (tiny) budget is refused: the limit really applies."""
    settings.INTAKE_PDF_MAX_INFLATED_BYTES = 10
    with pytest.raises(pipeline.Refused) as refused:
        pipeline.process(io.BytesIO(hostile.good_pdf(3)), "surat.pdf")
    assert refused.value.code == "pdf_uninspectable"


def test_image_declaring_more_pixels_than_allowed_is_refused() -> None:
    big = hostile._simple(more=[hostile._stream(
        b"/Type /XObject /Subtype /Image /Width 60000 /Height 60000 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /DCTDecode", b"\xff\xd8\xff\xd9")])
    with pytest.raises(pipeline.Refused) as refused:
        pipeline.process(io.BytesIO(big), "scan.pdf")
    assert refused.value.code == "image_too_many_pixels"


def test_image_stream_inflating_past_its_declared_size_is_refused() -> None:
    bomb = hostile._repeated_deflate(b"", b"\0" * hostile.MIB, 8)  # 8 MiB for a 100 x 100 grey image
    pdf = hostile._simple(more=[hostile._stream(
        b"/Type /XObject /Subtype /Image /Width 100 /Height 100 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode", bomb)])
    with pytest.raises(pipeline.Refused) as refused:
        pipeline.process(io.BytesIO(pdf), "scan.pdf")
    assert refused.value.code == "pdf_uninspectable"


@pytest.mark.parametrize("pages", [1, 5])
def test_good_pdfs_pass(pages: int) -> None:
    prepared = pipeline.process(io.BytesIO(hostile.good_pdf(pages)), "surat.pdf")
    try:
        assert prepared.kind == "pdf" and prepared.pages == pages
    finally:
        prepared.close()


def test_open_at_page_one_action_is_harmless() -> None:
    """LaTeX and Word write ``/OpenAction << /S /GoTo ... >>``: not active content."""
    pdf = hostile._simple(catalog_extra=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >> ")
    pipeline.process(io.BytesIO(pdf), "surat.pdf").close()


def test_ascii85_and_flate_images_pass_and_are_counted() -> None:
    """reportlab writes images as ASCII85 + Flate: decoded (quickly) and counted like any stream."""
    import base64
    import zlib

    pixels = bytes(range(256)) * 1200
    data = base64.a85encode(zlib.compress(pixels), adobe=True, wrapcol=72)
    pdf = hostile._simple(more=[hostile._stream(
        b"/Type /XObject /Subtype /Image /Width 480 /Height 640 /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter [/ASCII85Decode /FlateDecode]", data)])
    pipeline.process(io.BytesIO(pdf), "scan.pdf").close()
    assert pdfcheck._a85decode(data) == zlib.compress(pixels)


def test_broken_ascii85_is_refused() -> None:
    pdf = hostile._simple(more=[hostile._stream(
        b"/Filter [/ASCII85Decode /FlateDecode]", b"<~ not{ascii85} ~>")])
    with pytest.raises(pipeline.Refused) as refused:
        pipeline.process(io.BytesIO(pdf), "scan.pdf")
    assert refused.value.code == "pdf_uninspectable"


# --- the three ways in ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_web_upload_refuses(client: Any, claim: Any, name: str) -> None:
    build, code = hostile.CORPUS[name]
    f = SimpleUploadedFile(f"{name}.pdf", build(), content_type="application/pdf")
    r = client.post(upload_url(claim), {"file": f, "requirement": "formulir_5"}, HTTP_ACCEPT="application/json")
    assert r.status_code == 200, r.content
    result = r.json()["results"][0]
    assert (result["outcome"], result["reason_code"]) == ("refused", code)
    assert len(result["message"]) > 40
    nothing_stored(claim)


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_api_upload_refuses(client: Any, claim: Any, name: str) -> None:
    from tests.conftest import error_of

    build, code = hostile.CORPUS[name]
    f = SimpleUploadedFile(f"{name}.pdf", build(), content_type="application/pdf")
    r = client.post(f"/api/v1/claims/{claim.code}/documents", {"file": f, "requirement": "formulir_5"},
                    HTTP_AUTHORIZATION=f"Bearer {claim.test_token}")
    assert r.status_code == 422, r.content
    err = error_of(r)
    assert err["code"] == f"file_{code}" and err["results"][0]["reason_code"] == code
    nothing_stored(claim)


@pytest.mark.django_db
def test_good_pdf_passes_web_and_api(client: Any, claim: Any) -> None:
    f = SimpleUploadedFile("formulir5.pdf", hostile.good_pdf(3), content_type="application/pdf")
    r = client.post(upload_url(claim), {"file": f, "requirement": "formulir_5"}, HTTP_ACCEPT="application/json")
    assert r.status_code == 201 and r.json()["results"][0]["outcome"] == "received"
    f = SimpleUploadedFile("surat.pdf", hostile.good_pdf(4), content_type="application/pdf")
    r = client.post(f"/api/v1/claims/{claim.code}/documents", {"file": f, "requirement": "paklaring"},
                    HTTP_AUTHORIZATION=f"Bearer {claim.test_token}")
    assert r.status_code == 201 and r.json()["results"][0]["outcome"] == "received"
    assert sorted(Document.objects.filter(claim=claim).values_list("pages", flat=True)) == [3, 4]
    assert len(stored_files()) == 2


def test_email_refuses_each_and_keeps_the_good_one(gateway: Any, claim: Any) -> None:  # noqa: F811
    """One message carrying the whole corpus and a good PDF, through SMTP and the worker."""
    from lapakasik.mailgateway.models import InboundMessage
    from tests.mailgateway import messages as m
    from tests.mailgateway.conftest import address_of, run_worker, smtp_send

    parts = [m.attachment_part(build(), filename_header=f'filename="{name}.pdf"', ctype="application/pdf")
             for name, (build, _code) in sorted(hostile.CORPUS.items())]
    parts.append(m.attachment_part(hostile.good_pdf(2), filename_header='filename="formulir 5.pdf"',
                                   ctype="application/pdf"))
    raw = m.simple(to=address_of(claim), parts=parts, message_id="<hostile-corpus@example.id>")
    smtp_send(gateway, raw, to=[address_of(claim)])
    run_worker()
    row = InboundMessage.objects.get()
    assert row.status == "PROCESSED", row.error
    outcome = {d.original_name: (d.status, d.reason_code) for d in Document.objects.filter(claim=claim)}
    assert outcome == {**{f"{name}.pdf": ("REFUSED", code) for name, (_b, code) in hostile.CORPUS.items()},
                       "formulir 5.pdf": ("RECEIVED", "")}
    kept = Document.objects.get(claim=claim, status=DocumentStatus.RECEIVED)
    assert stored_files() == [str(kept.file)]
