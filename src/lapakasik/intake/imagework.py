"""Decoding and re-encoding one untrusted image — run in a throw-away child process by default.

Decoding a phone photo takes width × height × 3 bytes (15 MB for 5 MP) plus encoder buffers; doing it
in a short-lived child keeps the web process small (issue 4: a 10 MB upload must not grow it by more
than 15 MB) and confines a decoder bug or bomb to a process with a memory limit (RLIMIT_AS) and a
timeout. No Django here: the child starts fast (Python + Pillow only).

Child protocol: ``python -m lapakasik.intake.imagework`` reads one JSON object on stdin
(src, kind, out, thumb, max_pixels, min_side, thumb_size, mem_mb) and writes one JSON object on stdout:
``{"ok": true, "kind", "width", "height"}`` or ``{"refused": CODE}``.
"""

from __future__ import annotations

import json
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
    try:
        result = process(job["src"], job["kind"], job["out"], job["thumb"], max_pixels=int(job["max_pixels"]),
                         min_side=int(job["min_side"]), thumb_size=int(job["thumb_size"]))
    except ImageRefused as exc:
        result = {"refused": exc.code}
    except MemoryError:
        result = {"refused": "image_too_many_pixels"}
    sys.stdout.write(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
