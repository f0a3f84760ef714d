"""The officer's in-page document viewer: every stored file shown as images rendered on the server.

Nothing active ever reaches the officer's browser: an image is decoded and re-encoded, a PDF page is
drawn by pdfium (no form environment, so no JavaScript or form action runs), and the browser only ever
gets a JPEG. The original stays available as an attachment (``views.document_download``).

Rendering is bounded like intake's image decoding: one of the process's decoding slots
(``pipeline.decode_slots``), a throw-away child process (``pipeline.child_run`` → ``imagework`` op
``view``) with an address-space limit, killed after INTAKE_VIEWER_TIMEOUT seconds; the output is at
most INTAKE_VIEWER_MAX_WIDTH pixels wide and INTAKE_VIEWER_MAX_PIXELS in all.

A rendered page is kept in the document storage next to its file (``files.view_page_name``), under a
name derived from the document's id, hash and file and from the rendering settings, so the second view
is one file read and a page is never found under another document's name. A page that could not be
rendered is remembered for a few minutes (cache), so a hostile file costs one child per page and
period, not one per request.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import gettext as _

from . import files, imagework, pipeline
from .models import DocumentStatus
from .services import document_pages_record

RENDER_VERSION = 1  # bump when the rendering changes: every cached page is rendered afresh
FAILURE_TTL_SECONDS = 300
_IMAGE_KINDS = {"jpeg", "png", "heic"}


class ViewerUnavailable(Exception):
    """The page cannot be shown. ``code``: ``unreadable`` (damaged or not a document we can draw),
    ``too_slow`` (killed at the time limit), ``too_many_pixels`` (no scale fits the budget),
    ``busy`` (no decoding slot in time: try again), ``missing`` (no stored file)."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


class PageOutOfRange(Exception):
    """The document has no such page."""


@dataclass(frozen=True)
class ViewerLimits:
    max_width: int
    max_pixels: int
    timeout: float
    quality: int
    queue_seconds: float
    memory_mb: int


def viewer_limits() -> ViewerLimits:
    return ViewerLimits(
        max_width=max(100, int(getattr(settings, "INTAKE_VIEWER_MAX_WIDTH", 1400))),
        max_pixels=max(10_000, int(getattr(settings, "INTAKE_VIEWER_MAX_PIXELS", 4_000_000))),
        timeout=float(getattr(settings, "INTAKE_VIEWER_TIMEOUT", 10)),
        quality=min(95, max(30, int(getattr(settings, "INTAKE_VIEWER_JPEG_QUALITY", 85)))),
        queue_seconds=float(getattr(settings, "INTAKE_IMAGE_QUEUE_SECONDS", 10)),
        memory_mb=int(getattr(settings, "INTAKE_IMAGE_MEMORY_MB", 1024)),
    )


_renders = itertools.count(1)
_renders_started = 0


def renders_started() -> int:
    """How many renderings (child processes or in-process) this process has started; tests check that a
    cached page costs none."""
    return _renders_started


# --- page count --------------------------------------------------------------------------------


def document_page_count(doc: Any) -> int:
    """How many pages ``doc`` shows: 1 for an image; a PDF's page count as intake recorded it (worked out
    once in a child process and recorded when missing). Raises ViewerUnavailable."""
    if doc.kind != "pdf":
        return 1
    if doc.pages:
        return int(doc.pages)
    _check_viewable(doc)
    failed = cache.get(_failure_key(f"{doc.file}#count"))
    if failed:
        raise ViewerUnavailable(str(failed))
    try:
        result = _run(doc, {"op": "count"})
    except ViewerUnavailable as exc:
        _remember_failure(f"{doc.file}#count", exc.code)
        raise
    pages = int(result.get("pages") or 0)
    if pages < 1:
        _remember_failure(f"{doc.file}#count", "unreadable")
        raise ViewerUnavailable("unreadable")
    document_pages_record(document=doc, pages=pages)
    return pages


def document_pages(doc: Any) -> list[int]:
    """The page numbers to show (1..count), for ``intake/_viewer.html``; one page when the count cannot
    be worked out (that page then says it cannot be shown)."""
    try:
        return list(range(1, document_page_count(doc) + 1))
    except ViewerUnavailable:
        return [1]


# --- one page ----------------------------------------------------------------------------------


def page_cache_name(doc: Any, page: int, lim: ViewerLimits | None = None) -> str:
    """Where page ``page`` of ``doc`` is kept once rendered."""
    lim = lim or viewer_limits()
    key = hashlib.sha256("\0".join(str(v) for v in (
        doc.pk, doc.sha256, doc.file, doc.kind, page, RENDER_VERSION, lim.max_width, lim.max_pixels, lim.quality,
    )).encode()).hexdigest()[:20]
    return files.view_page_name(doc.file, page, key)


def document_page_image(doc: Any, page: int) -> bytes:
    """Page ``page`` (1-based) of ``doc`` as JPEG bytes: from the cache when it was rendered before,
    else rendered in a child process and cached. Raises PageOutOfRange or ViewerUnavailable."""
    _check_viewable(doc)
    if not 1 <= page <= document_page_count(doc):
        raise PageOutOfRange(page)
    lim = viewer_limits()
    name = page_cache_name(doc, page, lim)
    store = files.storage()
    cached = _read(store, name)
    if cached is not None:
        return cached
    failed = cache.get(_failure_key(name))
    if failed:
        raise ViewerUnavailable(str(failed))
    try:
        result = _run(doc, {"op": "view", "page": page, "max_width": lim.max_width, "max_pixels": lim.max_pixels,
                            "max_source_pixels": pipeline.limits().max_pixels, "quality": lim.quality},
                      output=True, ready=lambda: _read(store, name), keep=lambda data: _store(store, name, data))
    except ViewerUnavailable as exc:
        if exc.code != "busy":
            _remember_failure(name, exc.code)
        raise
    data: bytes = result["data"]
    return data


def _check_viewable(doc: Any) -> None:
    if not doc.file or doc.status == DocumentStatus.REFUSED:
        raise ViewerUnavailable("missing")
    if doc.kind != "pdf" and doc.kind not in _IMAGE_KINDS:
        raise ViewerUnavailable("unreadable")


def _read(store: Any, name: str) -> bytes | None:
    try:
        if not store.exists(name):
            return None
        with store.open(name, "rb") as fh:
            data: bytes = fh.read()
    except (FileNotFoundError, OSError):
        return None
    return data or None


def _store(store: Any, name: str, data: bytes) -> None:
    """Keep a rendered page. Two officers rendering the same page at once: the first name wins, the
    second copy is removed (a storage that renames on collision would otherwise leave it unused)."""
    try:
        if store.exists(name):
            return
        saved = str(store.save(name, ContentFile(data, name=os.path.basename(name))))
    except OSError:
        return  # not cached: rendered again next time
    if saved != name:
        files.delete_quietly(saved)


def _failure_key(name: str) -> str:
    return "intake:viewer:failed:" + hashlib.sha256(name.encode()).hexdigest()


def _remember_failure(name: str, code: str) -> None:
    cache.set(_failure_key(name), code, FAILURE_TTL_SECONDS)


# --- the child process -------------------------------------------------------------------------


def _run(doc: Any, job: dict[str, Any], *, output: bool = False, ready: Callable[[], bytes | None] | None = None,
         keep: Callable[[bytes], None] | None = None) -> dict[str, Any]:
    """Run one ``imagework`` job on the document's file in a decoding slot, in a child process (or in
    this process when INTAKE_IMAGE_SUBPROCESS is off). With ``output`` the JPEG is read back into
    ``result["data"]`` and handed to ``keep`` before the slot is given back; ``ready`` is asked once the
    slot is ours, so a page another request drew while this one waited is taken, not drawn again."""
    global _renders_started
    lim = viewer_limits()
    slots = pipeline.decode_slots()
    if not slots.acquire(timeout=lim.queue_seconds):
        raise ViewerUnavailable("busy")
    try:
        done = ready() if ready is not None else None
        if done is not None:
            return {"ok": True, "data": done}
        _renders_started = next(_renders)
        with _local_file(doc.file) as src, _temp_output() as out:
            job = {**job, "src": src, "kind": doc.kind, "out": out, "mem_mb": lim.memory_mb}
            result = _child(job, lim) if getattr(settings, "INTAKE_IMAGE_SUBPROCESS", True) else _inline(job)
            if "refused" in result:
                code = str(result["refused"])
                raise ViewerUnavailable(code if code in {"too_many_pixels", "unsafe_renderer"} else "unreadable")
            if output:
                with open(out, "rb") as fh:
                    result["data"] = fh.read()
                if not result["data"].startswith(b"\xff\xd8\xff"):
                    raise ViewerUnavailable("unreadable")
                if keep is not None:
                    keep(result["data"])
            return result
    finally:
        slots.release()


def _child(job: dict[str, Any], lim: ViewerLimits) -> dict[str, Any]:
    try:
        result = pipeline.child_run(job, timeout=lim.timeout)
    except pipeline.ChildTimeout:  # killed: a page that takes this long is not shown, ever half-drawn
        raise ViewerUnavailable("too_slow") from None
    if not result:  # the child died (memory limit, renderer crash)
        raise ViewerUnavailable("unreadable")
    return result


def _inline(job: dict[str, Any]) -> dict[str, Any]:
    try:
        if job["op"] == "count":
            return imagework.pdf_page_count(job["src"])
        return imagework.view_page(job["src"], job["kind"], job["out"], page=int(job["page"]),
                                   max_width=int(job["max_width"]), max_pixels=int(job["max_pixels"]),
                                   max_source_pixels=int(job["max_source_pixels"]), quality=int(job["quality"]))
    except imagework.ImageRefused as exc:
        return {"refused": exc.code}


@contextmanager
def _local_file(name: str) -> Iterator[str]:
    """A path the child can open: the storage's own file on disk, or a temporary copy (S3)."""
    store = files.storage()
    try:
        path = store.path(name)
    except NotImplementedError:
        path = None
    if path is not None:
        if not os.path.isfile(path):
            raise ViewerUnavailable("missing")
        yield path
        return
    fd, tmp = tempfile.mkstemp(prefix="lapakasik-view-src-")
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                with store.open(name, "rb") as src:
                    for chunk in iter(lambda: src.read(pipeline.CHUNK), b""):
                        out.write(chunk)
            except (FileNotFoundError, OSError):
                raise ViewerUnavailable("missing") from None
        yield tmp
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


@contextmanager
def _temp_output() -> Iterator[str]:
    fd, out = tempfile.mkstemp(prefix="lapakasik-view-", suffix=".jpg")
    os.close(fd)
    try:
        yield out
    finally:
        try:
            os.unlink(out)
        except OSError:
            pass


# --- what the officer sees instead -------------------------------------------------------------


def unavailable_message(code: str) -> str:
    if code == "busy":
        return _("Tampilan halaman sedang sibuk. Muat ulang halaman ini sebentar lagi.")
    if code == "too_slow":
        return _("Halaman ini terlalu lama untuk ditampilkan. Unduh berkas asli untuk memeriksanya.")
    return _("Halaman ini tidak dapat ditampilkan. Unduh berkas asli untuk memeriksanya.")


_placeholders: dict[tuple[str, str], bytes] = {}


def placeholder_image(code: str) -> bytes:
    """A small PNG saying the page cannot be shown (in the active language), for the <img> of the page."""
    from PIL import Image, ImageDraw, ImageFont  # loaded late: only the failure path draws

    language = translation.get_language() or "id"
    key = (language, code)
    if key not in _placeholders:
        text = unavailable_message(code)
        img = Image.new("RGB", (900, 200), (245, 245, 245))
        draw = ImageDraw.Draw(img)
        draw.rectangle((0, 0, 899, 199), outline=(160, 160, 160), width=3)
        font = ImageFont.load_default(size=22)
        words, lines, line = text.split(), [], ""
        for word in words:
            trial = f"{line} {word}".strip()
            if draw.textlength(trial, font=font) > 840 and line:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
        for i, text_line in enumerate(lines[:5]):
            draw.text((30, 40 + i * 34), text_line, fill=(40, 40, 40), font=font)
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        _placeholders[key] = buf.getvalue()
    return _placeholders[key]
