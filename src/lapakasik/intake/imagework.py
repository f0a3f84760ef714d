"""Decoding and re-encoding one untrusted image — run in a throw-away child process by default.

Decoding a phone photo takes width × height × 3 bytes (15 MB for 5 MP) plus encoder buffers; doing it
in a short-lived child keeps the web process small (issue 4: a 10 MB upload must not grow it by more
than 15 MB) and confines a decoder bug or bomb to a process with a memory limit (RLIMIT_AS) and a
timeout. No Django here: the child starts fast (Python + Pillow only).

Child protocol: ``python -m lapakasik.intake.imagework`` reads one JSON object on stdin and writes one
JSON object on stdout, ``{"ok": true, …}`` or ``{"refused": CODE}``. The job's ``op`` says what to do:

- ``clean`` (the default; intake): src, kind, out, thumb, max_pixels, min_side, thumb_size, mem_mb →
  ``{"ok": true, "kind", "width", "height"}``;
- ``view`` (the officer's viewer, ``viewer.py``): src, kind, out, page, max_width, max_pixels,
  max_source_pixels, quality, mem_mb → one page as a JPEG in ``out``, ``{"ok": true, "width", "height"}``;
- ``count`` (the viewer): src → ``{"ok": true, "pages"}`` for a PDF.

PDFs are rendered by pdfium (pypdfium2) with no form environment, so no JavaScript, form action or
widget script can run; a pdfium build with a JavaScript engine (V8) or XFA is refused outright.
"""

from __future__ import annotations

import json
import math
import sys
import warnings
from typing import Any


class ImageRefused(Exception):
    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


def process(src: str, kind: str, out: str, thumb: str, *, max_pixels: int, min_side: int,
            thumb_size: int) -> dict[str, Any]:
    """Check and clean ``src``: pixel cap before decoding, full decode, minimum size, EXIF
    orientation applied, re-encoded without metadata (anything appended is dropped) to ``out``, and a
    small JPEG thumbnail to ``thumb``. Raises ImageRefused."""
    from PIL import Image

    if kind == "heic":  # iPhone photos: decoded by pillow-heif (libheif), re-encoded as JPEG
        # Loaded in the child process for a HEIC photo only.
        import pillow_heif  # type: ignore[import-not-found]

        pillow_heif.register_heif_opener()
    Image.MAX_IMAGE_PIXELS = max_pixels
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(src)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRefused("image_too_many_pixels") from None
        except Exception:
            raise ImageRefused("image_unreadable") from None
        with img:
            width, height = img.size
            if width * height > max_pixels:
                raise ImageRefused("image_too_many_pixels")
            try:
                img.load()
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise ImageRefused("image_too_many_pixels") from None
            except Exception:
                raise ImageRefused("image_unreadable") from None
            if min(width, height) < min_side:
                raise ImageRefused("image_too_small")
            try:
                return _reencode(img, kind, out, thumb, thumb_size)
            except ImageRefused:
                raise
            except Exception:  # an odd mode or a decoder error while re-encoding: unusable, not a crash
                raise ImageRefused("image_unreadable") from None


def _reencode(img: Any, kind: str, out: str, thumb: str, thumb_size: int) -> dict[str, Any]:
    from PIL import Image, ImageOps

    work: Image.Image = img
    if work.mode in {"I", "I;16", "I;16B", "I;16L", "F"}:  # 16-bit/float scans: to 8-bit grey
        work = ImageOps.autocontrast(work.convert("F").point(lambda v: v / 256).convert("L"))
    if img.getexif().get(0x0112, 1) != 1:  # phone photos taken sideways: apply, then drop the tag
        work = ImageOps.exif_transpose(work) or work
    out_kind = "png" if kind == "png" else "jpeg"
    if out_kind == "jpeg" and work.mode not in {"RGB", "L"}:
        work = work.convert("RGB")
    if out_kind == "png" and work.mode not in {"RGB", "RGBA", "L", "LA", "P", "1"}:
        work = work.convert("RGBA")
    with open(out, "wb") as fh:
        if out_kind == "jpeg":
            work.save(fh, format="JPEG", quality=88)
        else:
            work.save(fh, format="PNG")
    final_size = work.size
    work.thumbnail((thumb_size, thumb_size), reducing_gap=2.0)  # in place: no second full copy
    if work.mode not in {"RGB", "L"}:
        work = work.convert("RGB")
    with open(thumb, "wb") as fh:
        work.save(fh, format="JPEG", quality=75)
    return {"ok": True, "kind": out_kind, "width": final_size[0], "height": final_size[1]}


# --- the officer's viewer ----------------------------------------------------------------------

_UPSCALE_MAX = 4.0  # a tiny PDF page (a stamp-sized scan) is drawn at most at 288 dpi
_MAX_SIDE = 16384  # a long roll of a page is cut to this many pixels high (JPEG's limit is 65535)


def view_page(src: str, kind: str, out: str, *, page: int, max_width: int, max_pixels: int,
              max_source_pixels: int, quality: int) -> dict[str, Any]:
    """Page ``page`` (1-based) of ``src`` as a JPEG in ``out``: at most ``max_width`` pixels wide and
    ``max_pixels`` in all, EXIF orientation applied, no metadata. Raises ImageRefused."""
    if kind == "pdf":
        return _view_pdf_page(src, out, page=page, max_width=max_width, max_pixels=max_pixels, quality=quality)
    if page != 1:
        raise ImageRefused("no_such_page")
    return _view_image(src, kind, out, max_width=max_width, max_pixels=max_pixels,
                       max_source_pixels=max_source_pixels, quality=quality)


def pdf_page_count(src: str) -> dict[str, Any]:
    pdfium = _pdfium()
    try:
        pdf = pdfium.PdfDocument(src)
    except Exception:
        raise ImageRefused("unreadable") from None
    try:
        return {"ok": True, "pages": len(pdf)}
    finally:
        pdf.close()


def _pdfium() -> Any:
    import pypdfium2 as pdfium

    info = getattr(getattr(pdfium, "version", None), "PDFIUM_INFO", None)
    flags = {str(f).upper() for f in getattr(info, "flags", ())}
    if flags & {"V8", "XFA"} or getattr(pdfium, "V_PDFIUM_IS_V8", False):
        raise ImageRefused("unsafe_renderer")  # a JavaScript engine in the renderer: never used here
    return pdfium


def page_scale(width_pt: float, height_pt: float, *, max_width: int, max_pixels: int) -> float:
    """The scale (pixels per point) that fits a page into the width and pixel budget."""
    if not (math.isfinite(width_pt) and math.isfinite(height_pt)) or width_pt <= 0 or height_pt <= 0:
        raise ImageRefused("unreadable")
    # pdfium rounds the bitmap size up: aim a hair under the bounds
    return min((max_width - 0.01) / width_pt, (_MAX_SIDE - 0.01) / height_pt,
               math.sqrt(max_pixels * 0.98 / (width_pt * height_pt)), _UPSCALE_MAX)


def _view_pdf_page(src: str, out: str, *, page: int, max_width: int, max_pixels: int,
                   quality: int) -> dict[str, Any]:
    pdfium = _pdfium()
    try:
        pdf = pdfium.PdfDocument(src)  # no init_forms(): no form environment, no scripts, no widgets' actions
    except Exception:
        raise ImageRefused("unreadable") from None
    try:
        if not 1 <= page <= len(pdf):
            raise ImageRefused("no_such_page")
        try:
            pdf_page = pdf[page - 1]
            width_pt, height_pt = pdf_page.get_size()  # the displayed size (page rotation applied)
        except ImageRefused:
            raise
        except Exception:
            raise ImageRefused("unreadable") from None
        scale = page_scale(width_pt, height_pt, max_width=max_width, max_pixels=max_pixels)
        if math.ceil(width_pt * scale) * math.ceil(height_pt * scale) > max_pixels or min(
                width_pt * scale, height_pt * scale) < 1:
            raise ImageRefused("too_many_pixels")  # a sliver page: no scale fits it into the bounds
        try:
            bitmap = pdf_page.render(scale=scale, may_draw_forms=False)
            image = bitmap.to_pil().convert("RGB")
        except Exception:
            raise ImageRefused("unreadable") from None
        image.save(out, format="JPEG", quality=quality)
        return {"ok": True, "width": image.size[0], "height": image.size[1]}
    finally:
        pdf.close()


def _view_image(src: str, kind: str, out: str, *, max_width: int, max_pixels: int, max_source_pixels: int,
                quality: int) -> dict[str, Any]:
    from PIL import Image, ImageOps

    if kind == "heic":
        import pillow_heif  # type: ignore[import-not-found]

        pillow_heif.register_heif_opener()
    Image.MAX_IMAGE_PIXELS = max_source_pixels
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(src)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRefused("too_many_pixels") from None
        except Exception:
            raise ImageRefused("unreadable") from None
        with img:
            width, height = img.size
            if width * height > max_source_pixels:
                raise ImageRefused("too_many_pixels")
            try:
                orientation = int(img.getexif().get(0x0112, 1) or 1)
            except Exception:
                orientation = 1
            turned = orientation in {5, 6, 7, 8}
            shown_w, shown_h = (height, width) if turned else (width, height)
            scale = min(1.0, max_width / shown_w, math.sqrt(max_pixels / (shown_w * shown_h)))
            target = (max(1, int(shown_w * scale)), max(1, int(shown_h * scale)))
            try:
                if img.format == "JPEG":  # decode at 1/2, 1/4 or 1/8 straight from the DCT: a 12 MP photo fast
                    img.draft("RGB", (target[1], target[0]) if turned else target)
                img.load()
                work: Image.Image = ImageOps.exif_transpose(img) if orientation != 1 else img
                work = _flatten(work)
                if work.size != target:
                    work = work.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
                work.save(out, format="JPEG", quality=quality)  # no exif=, no icc_profile=: no metadata
            except ImageRefused:
                raise
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise ImageRefused("too_many_pixels") from None
            except Exception:
                raise ImageRefused("unreadable") from None
            return {"ok": True, "width": target[0], "height": target[1]}


def _flatten(img: Any) -> Any:
    """Any mode to 8-bit RGB/L; transparency over white (a scan's background)."""
    from PIL import Image, ImageOps

    if img.mode in {"I", "I;16", "I;16B", "I;16L", "F"}:
        return ImageOps.autocontrast(img.convert("F").point(lambda v: v / 256).convert("L"))
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in {"RGBA", "LA", "PA", "RGBa", "La"}:
        rgba = img.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    if img.mode not in {"RGB", "L"}:
        return img.convert("RGB")
    return img


def _limit_memory(mem_mb: int) -> None:
    if mem_mb <= 0:
        return
    try:
        import resource  # POSIX only (the ImportError below)

        limit = mem_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # pragma: no cover - not on every platform
        pass


def main() -> int:
    job = json.loads(sys.stdin.read())
    _limit_memory(int(job.get("mem_mb", 0)))
    op = job.get("op", "clean")
    try:
        if op == "view":
            result = view_page(job["src"], job["kind"], job["out"], page=int(job["page"]),
                               max_width=int(job["max_width"]), max_pixels=int(job["max_pixels"]),
                               max_source_pixels=int(job["max_source_pixels"]), quality=int(job["quality"]))
        elif op == "count":
            result = pdf_page_count(job["src"])
        else:
            result = process(job["src"], job["kind"], job["out"], job["thumb"], max_pixels=int(job["max_pixels"]),
                             min_side=int(job["min_side"]), thumb_size=int(job["thumb_size"]))
    except ImageRefused as exc:
        result = {"refused": exc.code}
    except MemoryError:
        result = {"refused": "image_too_many_pixels" if op == "clean" else "too_many_pixels"}
    sys.stdout.write(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
