"""The officer's in-page document viewer: real files rendered to bounded JPEGs in a child process,
hostile and damaged files answered with a "cannot be shown" image (never a 500, never the original),
the permission matrix, one history event per viewing, and the page cache."""

from __future__ import annotations

import io
import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import translation
from PIL import Image

from lapakasik.claims.models import ClaimEvent
from lapakasik.claims.services import Actor
from lapakasik.core import clock
from lapakasik.intake import files, imagework, pipeline, viewer
from lapakasik.intake.models import Document, DocumentStatus, Source
from lapakasik.intake.receive import document_receive
from lapakasik.intake.services import intake_orphans_clean
from tests.accounts.factories import make_officer
from tests.accounts.helpers import officer_login

pytestmark = pytest.mark.django_db

A4 = (595.2756, 841.8898)


# --- files made here -------------------------------------------------------------------------


def photo_jpeg(size: tuple[int, int], *, orientation: int = 1, secret: str = "") -> bytes:
    """A phone-like photo: grey paper, a black block in the stored image's top-left corner, noise so it
    is not trivially compressible; EXIF orientation and a private note when asked."""
    from PIL import ImageDraw

    img = Image.effect_noise(size, 40).convert("RGB")
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, size[0] // 4, size[1] // 4), fill=(0, 0, 0))
    exif = Image.Exif()
    if orientation != 1:
        exif[0x0112] = orientation
    if secret:
        exif[0x010E] = secret  # ImageDescription
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=85, exif=exif)
    return buf.getvalue()


def report_pdf(pages: int = 3, pagesize: tuple[float, float] = A4) -> bytes:
    """A text PDF as a letter writer makes it: page k has a black block in band k (top to bottom)."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=pagesize)
    width, height = pagesize
    for k in range(pages):
        c.setFont("Helvetica", 28)
        c.drawString(60, height - 60, f"Surat keterangan halaman {k + 1}")
        c.rect(60, height * (1 - k / 4 - 0.20), width - 120, height * 0.15, fill=1, stroke=0)  # k/4+.05 … k/4+.20
        c.showPage()
    c.save()
    return buf.getvalue()


def with_javascript(pdf: bytes) -> bytes:
    """The same PDF plus an /OpenAction script and a document-level JavaScript name tree."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    js = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                           NameObject("/JS"): TextStringObject("app.alert('x'); this.print(true);")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(js)
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("a"), writer._add_object(js)])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def blank_pdf(width: float, height: float) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=width, height=height)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def receive(claim: Any, data: bytes, filename: str) -> Document:
    """The file through the real intake (pipeline, storage, row)."""
    result = document_receive(claim=claim, fileobj=io.BytesIO(data), filename=filename, declared_type=None,
                              source=Source.WEB, requirement_code="ktp", actor=Actor.participant())
    assert result.outcome == "received", (result.reason_code, result.message)
    return result.document  # type: ignore[no-any-return]


def stored_as_is(claim: Any, data: bytes, kind: str, pages: int | None = None, n: int = 0) -> Document:
    """A file put into storage as it is — as if it had slipped past intake or been damaged there."""
    name = files.storage().save(files.generated_name(claim.code, pipeline.KINDS[kind][2]), io.BytesIO(data))
    return Document.objects.create(claim=claim, source=Source.WEB, status=DocumentStatus.RECEIVED,
                                   original_name=f"berkas{n}.{kind}", kind=kind,
                                   content_type=pipeline.KINDS[kind][1], size=len(data), sha256=f"{n:064d}",
                                   file=name, pages=pages, created_at=clock.now())


def decoded(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    assert img.format == "JPEG"
    img.load()
    return img


def dark(img: Image.Image, xy: tuple[float, float]) -> bool:
    x, y = int(xy[0] * (img.width - 1)), int(xy[1] * (img.height - 1))
    value = img.convert("L").getpixel((x, y))
    assert isinstance(value, int)
    return value < 60


# --- rendering -------------------------------------------------------------------------------


def test_a_sideways_phone_photo_is_shown_upright_bounded_and_without_metadata(claim: Any) -> None:
    doc = stored_as_is(claim, photo_jpeg((4000, 3000), orientation=6, secret="Jl. Rahasia 1"), "jpeg")
    data = viewer.document_page_image(doc, 1)
    img = decoded(data)
    # stored 4000×3000 landscape, shown turned a quarter clockwise: portrait, cut to 1400 px wide
    # (1400 × 1866 = 2.6 MP, within the 4 MP budget)
    assert img.size == (1400, 1866)
    assert img.width * img.height <= 4_000_000
    # the stored top-left block is now top-right; the rest is noise, not blank
    assert dark(img, (0.95, 0.05)) and not dark(img, (0.05, 0.95))
    assert img.convert("L").getextrema()[1] > 150
    assert not img.getexif() and "exif" not in img.info and b"Rahasia" not in data


def test_a_twelve_megapixel_upload_renders_to_the_width_bound(claim: Any) -> None:
    doc = receive(claim, photo_jpeg((4000, 3000)), "ktp.jpg")
    img = decoded(viewer.document_page_image(doc, 1))
    assert img.size == (1400, 1050)
    assert dark(img, (0.1, 0.1)) and not dark(img, (0.9, 0.9))


def test_a_multi_page_pdf_renders_page_by_page(claim: Any) -> None:
    doc = receive(claim, report_pdf(3), "surat.pdf")
    assert viewer.document_page_count(doc) == 3 and viewer.document_pages(doc) == [1, 2, 3]
    for k in (1, 2, 3):
        img = decoded(viewer.document_page_image(doc, k))
        assert img.width == 1400 and abs(img.height / img.width - A4[1] / A4[0]) < 0.01
        bands = [dark(img, (0.5, b / 4 + 0.125)) for b in range(4)]  # the middle of each band
        assert bands == [b == k - 1 for b in range(4)], (k, bands)
    with pytest.raises(viewer.PageOutOfRange):
        viewer.document_page_image(doc, 4)


def test_a_pdf_whose_page_count_was_not_recorded_is_counted_once(claim: Any) -> None:
    doc = stored_as_is(claim, report_pdf(2), "pdf", pages=None)
    before = viewer.renders_started()
    assert viewer.document_page_count(doc) == 2
    assert Document.objects.get(pk=doc.pk).pages == 2
    assert viewer.document_page_count(Document.objects.get(pk=doc.pk)) == 2
    assert viewer.renders_started() == before + 1


def test_scripts_in_a_pdf_never_run(claim: Any, settings: Any, monkeypatch: Any) -> None:
    """Intake refuses a PDF with JavaScript; should one be stored anyway, pdfium draws it without a form
    environment (no script engine exists in the build): the page is exactly the page without scripts."""
    import pypdfium2

    plain = report_pdf(1)
    scripted = with_javascript(plain)
    refused = document_receive(claim=claim, fileobj=io.BytesIO(scripted), filename="surat.pdf", declared_type=None,
                               source=Source.WEB, requirement_code="ktp", actor=Actor.participant())
    assert refused.outcome == "refused" and refused.reason_code == "pdf_active_content"
    info = pypdfium2.version.PDFIUM_INFO
    assert not {"V8", "XFA"} & {str(f).upper() for f in info.flags}  # the installed renderer has no engine
    a = viewer.document_page_image(stored_as_is(claim, plain, "pdf", pages=1, n=1), 1)
    b = viewer.document_page_image(stored_as_is(claim, scripted, "pdf", pages=1, n=2), 1)
    assert a == b
    # in-process, the form environment is never set up (it is what runs scripts and widget actions)
    settings.INTAKE_IMAGE_SUBPROCESS = False

    def no_forms(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("init_forms called")

    monkeypatch.setattr(pypdfium2.PdfDocument, "init_forms", no_forms)
    assert viewer.document_page_image(stored_as_is(claim, scripted, "pdf", pages=1, n=3), 1) == a


def test_a_renderer_with_a_script_engine_is_refused(tmp_path: Any, monkeypatch: Any) -> None:
    import pypdfium2

    src = tmp_path / "a.pdf"
    src.write_bytes(report_pdf(1))
    monkeypatch.setattr(pypdfium2.version, "PDFIUM_INFO", SimpleNamespace(flags=("V8", "XFA")))
    with pytest.raises(imagework.ImageRefused) as refused:
        imagework.view_page(str(src), "pdf", str(tmp_path / "out.jpg"), page=1, max_width=1400,
                            max_pixels=4_000_000, max_source_pixels=40_000_000, quality=85)
    assert refused.value.code == "unsafe_renderer"
    assert not (tmp_path / "out.jpg").exists()


@pytest.mark.parametrize(("size", "expected"), [
    ((14400, 14400), (1400, 1400)),  # the largest page PDF allows: the width bound
    ((3000, 14400), (904, 4338)),  # a long roll: the pixel budget
    ((20, 14400), (23, 16384)),  # a sliver: the height bound
])
def test_huge_media_boxes_stay_within_the_width_and_pixel_budget(claim: Any, size: tuple[int, int],
                                                                 expected: tuple[int, int]) -> None:
    doc = stored_as_is(claim, blank_pdf(*size), "pdf", pages=1)
    img = decoded(viewer.document_page_image(doc, 1))
    assert img.width <= 1400 and img.width * img.height <= 4_000_000
    assert abs(img.width - expected[0]) <= 2 and abs(img.height - expected[1]) <= 2, img.size


def test_a_page_that_fits_no_budget_is_refused(claim: Any, settings: Any) -> None:
    settings.INTAKE_VIEWER_MAX_PIXELS = 10_000
    doc = stored_as_is(claim, blank_pdf(1, 14400), "pdf", pages=1)
    with pytest.raises(viewer.ViewerUnavailable) as failed:
        viewer.document_page_image(doc, 1)
    assert failed.value.code == "too_many_pixels"


@pytest.mark.parametrize(("kind", "data"), [
    ("pdf", b"%PDF-1.7\n" + b"\x00garbage" * 500),
    ("jpeg", b"\xff\xd8\xff\xe0" + b"\x13" * 4000),
    ("png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
])
def test_a_damaged_stored_file_shows_cannot_display_never_a_500(client: Any, claim: Any, officers: Any,
                                                                kind: str, data: bytes) -> None:
    doc = stored_as_is(claim, data, kind, pages=1 if kind == "pdf" else None)
    officer_login(client, make_officer("cso.view", "officer", branch=claim.branch))
    r = client.get(f"/petugas/dokumen/{doc.pk}/halaman/1/")
    assert r.status_code == 422 and r["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(r.content)).size == (900, 200)
    assert r["Cache-Control"] == "private, no-store" and r["Content-Security-Policy"] == "default-src 'none'"
    assert not any(n.endswith(".view.jpg") for n in _folder_of(doc))  # a failure is never cached as a page
    before = viewer.renders_started()
    assert client.get(f"/petugas/dokumen/{doc.pk}/halaman/1/").status_code == 422
    assert viewer.renders_started() == before  # remembered for a few minutes: no child per request


def test_a_missing_file_and_an_uncountable_pdf(client: Any, claim: Any, officers: Any) -> None:
    gone = stored_as_is(claim, report_pdf(1), "pdf", pages=1, n=1)
    files.storage().delete(gone.file)
    broken = stored_as_is(claim, b"%PDF-1.4 nothing here", "pdf", pages=None, n=2)
    officer_login(client, make_officer("cso.view", "officer", branch=claim.branch))
    assert client.get(f"/petugas/dokumen/{gone.pk}/halaman/1/").status_code == 422
    assert client.get(f"/petugas/dokumen/{broken.pk}/halaman/1/").status_code == 422
    assert client.get(f"/petugas/dokumen/{broken.pk}/halaman/2/").status_code == 404
    assert viewer.document_pages(broken) == [1]


def test_the_time_limit_kills_the_renderer_and_fails_closed(claim: Any, settings: Any) -> None:
    settings.INTAKE_VIEWER_TIMEOUT = 0.05  # far less than a child needs to start
    doc = receive(claim, report_pdf(1), "surat.pdf")
    started = time.monotonic()
    with pytest.raises(viewer.ViewerUnavailable) as failed:
        viewer.document_page_image(doc, 1)
    assert failed.value.code == "too_slow"
    assert time.monotonic() - started < 3
    assert not files.storage().exists(viewer.page_cache_name(doc, 1))


def test_busy_renderer_answers_503_with_retry_after(client: Any, claim: Any, officers: Any,
                                                    settings: Any) -> None:
    settings.INTAKE_IMAGE_QUEUE_SECONDS = 0
    doc = receive(claim, report_pdf(1), "surat.pdf")
    officer_login(client, make_officer("cso.view", "officer", branch=claim.branch))
    slots = pipeline.decode_slots()
    held = 0
    while slots.acquire(blocking=False):
        held += 1
    try:
        r = client.get(f"/petugas/dokumen/{doc.pk}/halaman/1/")
    finally:
        for _ in range(held):
            slots.release()
    assert r.status_code == 503 and r["Retry-After"] == "5" and r["Content-Type"] == "image/png"
    assert client.get(f"/petugas/dokumen/{doc.pk}/halaman/1/").status_code == 200  # not remembered as failed


# --- the page --------------------------------------------------------------------------------


def test_permission_matrix(client: Any, claim: Any, officers: Any) -> None:
    doc = receive(claim, report_pdf(2), "surat.pdf")
    url = f"/petugas/dokumen/{doc.pk}/halaman/2/"
    r = client.get(url)
    assert r.status_code == 302 and "/petugas/masuk/" in r["Location"]
    cases = [
        (make_officer("cso.own", "officer", branch=claim.branch), 200),
        (make_officer("kc.own", "supervisor", branch=claim.branch), 200),
        (make_officer("satpam.own", "front_desk", branch=claim.branch), 403),
        (get_user_model().objects.get(username="petugas.makassar"), 404),
    ]
    assert cases[3][0].officer.branch != claim.branch
    for user, status in cases:
        officer_login(client, user)
        assert client.get(url).status_code == status, user.username
    officer_login(client, cases[0][0])
    for bad in (f"/petugas/dokumen/{doc.pk}/halaman/0/", f"/petugas/dokumen/{doc.pk}/halaman/3/",
                f"/petugas/dokumen/{doc.pk + 999}/halaman/1/", f"/petugas/dokumen/{doc.pk}/halaman/-1/"):
        assert client.get(bad).status_code == 404, bad
    Document.objects.filter(pk=doc.pk).update(status=DocumentStatus.REFUSED)
    assert client.get(url).status_code == 404


def test_page_is_an_inline_image_never_the_original_pdf(client: Any, claim: Any, officers: Any) -> None:
    doc = receive(claim, report_pdf(1), "surat.pdf")
    officer_login(client, make_officer("cso.view", "officer", branch=claim.branch))
    r = client.get(f"/petugas/dokumen/{doc.pk}/halaman/1/")
    assert r.status_code == 200
    assert r["Content-Type"] == "image/jpeg" and r.content[:3] == b"\xff\xd8\xff" and b"%PDF" not in r.content
    assert r["Content-Disposition"] == f'inline; filename="{claim.code}-ktp-{doc.pk}-1.jpg"'
    assert r["Cache-Control"] == "private, no-store"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Security-Policy"] == "default-src 'none'"


def test_each_viewing_is_one_history_event(client: Any, claim: Any, officers: Any) -> None:
    doc = receive(claim, report_pdf(2), "surat.pdf")
    officer = make_officer("cso.view", "officer", branch=claim.branch)
    officer_login(client, make_officer("satpam.view", "front_desk", branch=claim.branch))
    client.get(f"/petugas/dokumen/{doc.pk}/halaman/1/")  # refused: not recorded
    officer_login(client, officer)
    for page in (1, 2, 1, 2):  # the officer looks twice, scrolling through both pages
        assert client.get(f"/petugas/dokumen/{doc.pk}/halaman/{page}/").status_code == 200
    opened = ClaimEvent.objects.filter(claim=claim, kind=ClaimEvent.Kind.DOCUMENT_OPENED).order_by("seq")
    assert [(e.actor_label, e.data) for e in opened] == [
        ("cso.view", {"document": doc.pk, "thumbnail": False, "viewer": True})] * 2


def test_second_view_is_a_file_read_and_never_another_documents_page(client: Any, claim: Any, make_claim: Any,
                                                                     officers: Any) -> None:
    pdf = report_pdf(1)
    doc = receive(claim, pdf, "surat.pdf")
    other = receive(make_claim(branch=claim.branch), pdf, "surat.pdf")  # the same bytes for another claim
    officer_login(client, make_officer("cso.view", "officer", branch=claim.branch))
    before = viewer.renders_started()
    first = client.get(f"/petugas/dokumen/{doc.pk}/halaman/1/").content
    assert viewer.renders_started() == before + 1
    name = viewer.page_cache_name(doc, 1)
    assert name.startswith(doc.file + ".") and files.storage().exists(name)  # next to the file
    assert client.get(f"/petugas/dokumen/{doc.pk}/halaman/1/").content == first
    assert viewer.renders_started() == before + 1  # no second rendering
    assert viewer.page_cache_name(other, 1) != name
    client.get(f"/petugas/dokumen/{other.pk}/halaman/1/")
    assert viewer.renders_started() == before + 2  # its own rendering, never the first document's


def test_a_page_asked_for_twice_at_once_is_drawn_and_stored_once(claim: Any, settings: Any) -> None:
    settings.INTAKE_IMAGE_MAX_CONCURRENT = 1  # the second request waits for the slot, then finds the page
    doc = receive(claim, report_pdf(1), "surat.pdf")
    before = viewer.renders_started()
    results: list[bytes] = []
    threads = [threading.Thread(target=lambda: results.append(viewer.document_page_image(doc, 1))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 2 and results[0] == results[1] and results[0][:3] == b"\xff\xd8\xff"
    assert viewer.renders_started() == before + 1
    assert [n for n in _folder_of(doc) if n.endswith(".view.jpg")] == [viewer.page_cache_name(doc, 1).rsplit("/", 1)[1]]


def test_rendered_pages_live_as_long_as_their_document(claim: Any) -> None:
    doc = receive(claim, photo_jpeg((1200, 900)), "ktp.jpg")
    viewer.document_page_image(doc, 1)
    cached = viewer.page_cache_name(doc, 1)
    stray = files.storage().save(files.view_page_name(doc.file.replace(".jpg", "x.jpg"), 1, "0" * 20),
                                 io.BytesIO(b"\xff\xd8\xff"))
    intake_orphans_clean(older_than_minutes=0, full=True)
    assert files.storage().exists(cached) and files.storage().exists(doc.file)
    assert not files.storage().exists(stray)  # a page whose document file is gone goes too


def test_in_process_rendering_gives_the_same_page(claim: Any, settings: Any) -> None:
    doc = receive(claim, report_pdf(1), "surat.pdf")
    in_child = viewer.document_page_image(doc, 1)
    files.storage().delete(viewer.page_cache_name(doc, 1))
    settings.INTAKE_IMAGE_SUBPROCESS = False
    assert viewer.document_page_image(doc, 1) == in_child


# --- the include -----------------------------------------------------------------------------


def test_viewer_include_lists_lazy_pages_with_alt_text_and_the_download(claim: Any) -> None:
    doc = receive(claim, report_pdf(3), "surat.pdf")
    html = render_to_string("intake/_viewer.html", {"doc": doc, "pages": viewer.document_pages(doc)})
    for n in (1, 2, 3):
        assert (f'<img class="doc-page" src="/petugas/dokumen/{doc.pk}/halaman/{n}/" alt="Halaman {n} dari 3" '
                f'loading="lazy"') in html
    assert f'href="/petugas/dokumen/{doc.pk}/unduh/"' in html and "Unduh berkas asli" in html
    assert "<script" not in html
    with translation.override("en"):
        english = render_to_string("intake/_viewer.html", {"doc": doc, "pages": [1, 2, 3]})
    assert 'alt="Page 2 of 3"' in english and "Download the original file" in english


def test_cannot_display_image_speaks_the_officers_language() -> None:
    with translation.override("id"):
        indonesian = viewer.placeholder_image("unreadable")
    with translation.override("en"):
        english = viewer.placeholder_image("unreadable")
    assert indonesian != english
    assert viewer.unavailable_message("too_slow") != viewer.unavailable_message("unreadable")


def _folder_of(doc: Document) -> list[str]:
    folder = doc.file.rsplit("/", 1)[0]
    return list(files.storage().listdir(folder)[1])
