"""THE intake pipeline: one incoming file in, a validated and cleaned file (or a refusal) out.

Used by web upload, API, e-mail and (later) dropbox scans through ``receive.document_receive``.
No database access here: it only reads the incoming stream and writes temporary files.

Steps (each may refuse with a reason code from ``REASONS``):
1. spool the stream to a temporary file in 64 KiB chunks, counting bytes (≤ MAX_FILE_BYTES) and
   hashing (SHA-256) on the way — the upload is never held whole in memory;
2. virus scan with clamd (INSTREAM) when configured;
3. type by magic bytes AND extension (both must agree and be allowed);
4. images: dimensions checked before decoding (pixel cap), fully decoded (truncation), too-small
   refused as unreadable, re-encoded (drops EXIF/metadata and anything appended), thumbnail;
   PDFs: parsed, encrypted / JavaScript / OpenAction / Launch / embedded files refused, page cap.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import logging
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import imagework, pdfcheck, policy

CHUNK = 64 * 1024
log = logging.getLogger(__name__)

# kind → (extensions, content type, stored extension)
KINDS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "jpeg": ((".jpg", ".jpeg", ".jpe", ".jfif"), "image/jpeg", "jpg"),
    "png": ((".png",), "image/png", "png"),
    "pdf": ((".pdf",), "application/pdf", "pdf"),
    "heic": ((".heic", ".heif"), "image/heic", "heic"),
}

# reason code → Indonesian explanation with what to do (English in the app's catalogue).
REASONS: dict[str, Any] = {
    "empty": _("Berkas kosong (0 byte). Pilih atau lampirkan berkasnya lagi, lalu kirim ulang."),
    "too_large": _("Berkas lebih besar dari %(max_mb)s MB. Perkecil resolusi foto atau pindai ulang dengan "
                   "kualitas lebih rendah, lalu kirim lagi."),
    "type_not_allowed": _("Jenis berkas ini tidak diterima. Kirim foto JPG/PNG atau dokumen PDF."),
    "type_mismatch": _("Isi berkas tidak sesuai dengan namanya (mis. bukan gambar padahal bernama .jpg). "
                       "Kirim foto JPG/PNG atau PDF asli dari kamera atau aplikasi pemindai."),
    "archive": _("Arsip (ZIP/RAR/winmail.dat) tidak diterima. Kirim setiap dokumen sebagai lampiran JPG, "
                 "PNG atau PDF tersendiri."),
    "office_document": _("Dokumen Word atau Excel tidak diterima. Buka berkasnya, simpan sebagai PDF (File > "
                         "Simpan Sebagai > PDF), lalu kirim PDF-nya."),
    "svg": _("Gambar SVG tidak diterima. Kirim foto JPG/PNG atau dokumen PDF."),
    "heic_unsupported": _("Foto iPhone (HEIC) belum dapat kami baca. Kirim sebagai JPG: di iPhone pilih "
                          "Pengaturan > Kamera > Format > Paling Kompatibel, atau bagikan foto sebagai JPG."),
    "image_unreadable": _("Gambar rusak atau tidak lengkap sehingga tidak dapat dibuka. Foto atau pindai "
                          "ulang dokumennya, lalu kirim lagi."),
    "image_too_small": _("Gambar terlalu kecil untuk dibaca (sisi terpendek kurang dari %(min_side)s piksel). "
                         "Foto dokumen lebih dekat dengan cahaya cukup, lalu kirim lagi."),
    "image_too_many_pixels": _("Ukuran gambar (jumlah piksel) terlalu besar. Perkecil resolusi foto, "
                               "lalu kirim lagi."),
    "pdf_unreadable": _("PDF rusak atau tidak dapat dibuka. Simpan ulang atau pindai ulang dokumennya "
                        "sebagai PDF, lalu kirim lagi."),
    "pdf_encrypted": _("PDF dilindungi kata sandi. Kirim PDF tanpa kata sandi atau foto dokumennya."),
    "pdf_active_content": _("PDF berisi skrip, tindakan otomatis atau berkas sisipan yang tidak diizinkan. "
                            "Cetak ulang ke PDF (\"Simpan sebagai PDF\") atau kirim foto dokumennya."),
    "pdf_uninspectable": _("Kami tidak dapat memeriksa PDF ini dengan aman (strukturnya rusak, terlalu rumit atau "
                           "isinya membengkak terlalu besar saat dibuka). Cetak ulang ke PDF (\"Simpan sebagai "
                           "PDF\") atau pindai ulang dokumennya, lalu kirim lagi."),
    "too_slow": _("Gambar ini terlalu lama untuk diperiksa. Perkecil resolusi foto atau kirim sebagai JPG, "
                  "lalu kirim lagi."),
    "pdf_too_many_pages": _("PDF lebih dari %(max_pages)s halaman. Kirim hanya halaman dokumen yang diminta."),
    "virus": _("Berkas terdeteksi mengandung virus atau kode berbahaya dan tidak disimpan. Pindai ulang "
               "dokumen asli dengan perangkat yang bersih, lalu kirim lagi."),
    "scan_unavailable": _("Pemeriksaan keamanan berkas sedang tidak tersedia. Coba kirim lagi beberapa menit "
                          "lagi."),
    "claim_file_limit": _("Jumlah berkas untuk klaim ini sudah mencapai batas (%(max_files)s). Hubungi petugas "
                          "bila masih ada dokumen yang perlu dikirim."),
    "claim_size_limit": _("Total ukuran berkas untuk klaim ini sudah mencapai batas. Perkecil berkas atau "
                          "hubungi petugas."),
    "requirement_full": _("Berkas untuk dokumen ini sudah cukup. Bila ada yang salah, tunggu pemeriksaan "
                          "petugas atau hubungi contact center 175."),
    "officer_refused": _("Petugas menolak berkas ini karena tidak terbaca atau tidak sesuai dengan dokumen yang "
                         "diminta. Kirim ulang dokumen yang benar dan jelas."),
    "unknown_requirement": _("Jenis dokumen yang dipilih tidak dikenal untuk klaim ini. Pilih dari daftar "
                             "dokumen yang diminta."),
}


class Refused(Exception):
    """The file is not accepted; ``code`` is a key of REASONS."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)


def reason_message(code: str, language: str | None = None, **params: Any) -> str:
    """The explanation for ``code`` in ``language`` (default: the active one)."""
    template = REASONS.get(code, REASONS["type_not_allowed"])
    lim = limits()
    values = {"max_mb": f"{round(lim.max_file_bytes / (1024 * 1024), 1):g}", "min_side": lim.min_image_side,
              "max_pages": lim.max_pdf_pages, "max_files": lim.max_files_per_claim, **params}
    if language:
        with translation.override(language):
            return str(template) % values
    return str(template) % values


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    max_files_per_claim: int
    max_bytes_per_claim: int
    max_pixels: int
    min_image_side: int
    max_pdf_pages: int
    allowed_kinds: tuple[str, ...]
    clamd_address: str
    clamd_timeout: int
    thumbnail_size: int
    pdf_max_inflated_bytes: int = 128 * 1024 * 1024
    pdf_inspect_seconds: float = 20.0


def limits() -> Limits:
    service = getattr(settings, "LAPAKASIK", {})
    return Limits(
        max_file_bytes=int(service.get("MAX_FILE_BYTES", 6 * 1024 * 1024)),
        max_files_per_claim=int(service.get("MAX_FILES_PER_CLAIM", 40)),
        max_bytes_per_claim=int(service.get("MAX_BYTES_PER_CLAIM", 120 * 1024 * 1024)),
        max_pixels=int(getattr(settings, "INTAKE_MAX_PIXELS", 40_000_000)),
        min_image_side=int(getattr(settings, "INTAKE_MIN_IMAGE_SIDE", 300)),
        max_pdf_pages=int(getattr(settings, "INTAKE_MAX_PDF_PAGES", 30)),
        allowed_kinds=tuple(k.lower() for k in getattr(settings, "INTAKE_ALLOWED_KINDS", ["jpeg", "png", "pdf"])),
        clamd_address=str(getattr(settings, "INTAKE_CLAMD_ADDRESS", "") or service.get("CLAMD_ADDRESS", "") or ""),
        clamd_timeout=int(getattr(settings, "INTAKE_CLAMD_TIMEOUT", 30)),
        thumbnail_size=int(getattr(settings, "INTAKE_THUMBNAIL_SIZE", 320)),
        pdf_max_inflated_bytes=int(getattr(settings, "INTAKE_PDF_MAX_INFLATED_BYTES", 128 * 1024 * 1024)),
        pdf_inspect_seconds=float(getattr(settings, "INTAKE_PDF_INSPECT_SECONDS", 20)),
    )


@dataclass
class Prepared:
    """A file that passed the pipeline. ``path`` is a temporary file with the cleaned content (the
    caller stores it, then calls ``close``)."""

    kind: str
    content_type: str
    extension: str
    path: str
    size: int
    sha256: str  # of the ORIGINAL bytes (the same file sent twice has the same hash)
    original_size: int
    width: int | None = None
    height: int | None = None
    pages: int | None = None
    thumbnail_path: str | None = None
    _temps: list[str] = field(default_factory=list)

    def close(self) -> None:
        for path in self._temps:
            try:
                os.unlink(path)
            except OSError:
                pass
        self._temps.clear()


@dataclass
class Spooled:
    path: str
    size: int
    sha256: str
    head: bytes

    def close(self) -> None:
        try:
            os.unlink(self.path)
        except OSError:
            pass


def _tmp(suffix: str = "") -> tuple[int, str]:
    return tempfile.mkstemp(prefix="lapakasik-intake-", suffix=suffix)


def spool(fileobj: IO[bytes], max_bytes: int) -> Spooled:
    """Copy ``fileobj`` to a temporary file in chunks, hashing and counting. Refuses ``too_large`` as
    soon as the limit is passed (the rest is not read) and ``empty`` for 0 bytes."""
    fd, path = _tmp()
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with os.fdopen(fd, "wb") as out:
            while True:
                chunk = fileobj.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise Refused("too_large")
                if len(head) < 4096:
                    head += chunk[: 4096 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise Refused("empty")
    except BaseException:
        try:
            os.unlink(path)
        except OSError:
            pass
        raise
    return Spooled(path=path, size=size, sha256=digest.hexdigest(), head=head)


# --- type detection ---------------------------------------------------------------------------


def sniff(head: bytes) -> str:
    """What the content is, by magic bytes: jpeg, png, pdf, heic, or a refused family
    (zip, archive, tnef, svg, html, executable, gif, unknown)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in {
        b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis", b"avif"}:
        return "heic"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if head.startswith((b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh")):
        return "archive"
    if head.startswith(b"\x78\x9f\x3e\x22"):  # TNEF (winmail.dat)
        return "tnef"
    if head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"#!")):
        return "executable"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in text[:1024] or (text.startswith(b"<?xml") and b"svg" in text[:1024]):
        return "svg"
    if text.startswith((b"<!doctype", b"<html", b"<head", b"<script", b"<body", b"<")):
        return "html"
    return "unknown"


def extension_of(filename: str) -> str:
    return os.path.splitext((filename or "").strip().lower())[1]


def kind_for_extension(ext: str) -> str | None:
    for kind, (exts, _ct, _stored) in KINDS.items():
        if ext in exts:
            return kind
    return None


def check_type(head: bytes, filename: str) -> str:
    """The allowed kind of the file, or Refused. Content decides; the extension must agree (a file
    without extension — e.g. a nameless mail part — is typed by content alone)."""
    allowed = limits().allowed_kinds
    content = sniff(head)
    if content not in KINDS and policy.is_office_document(head, extension_of(filename)):
        raise Refused("office_document")
    if content in {"zip", "archive", "tnef"}:
        raise Refused("archive")
    if content == "svg":
        raise Refused("svg")
    ext = extension_of(filename)
    by_ext = kind_for_extension(ext)
    if content not in KINDS:
        raise Refused("type_mismatch" if by_ext else "type_not_allowed")
    if ext and ext not in {".bin", ".dat"} and by_ext != content:
        # .jpg that is a PNG, is harmless but we still refuse a disagreeing name for other families
        if not ({content, by_ext} <= {"jpeg", "png"}):
            raise Refused("type_mismatch")
    if content == "heic":
        if "heic" in allowed and _heif_available():
            return "heic"
        raise Refused("heic_unsupported")
    if content not in allowed:
        raise Refused("type_not_allowed")
    return content


def _heif_available() -> bool:
    try:
        # a probe: is the optional HEIC decoder installed here?
        import pillow_heif  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return False
    return True


# --- virus scan -------------------------------------------------------------------------------


def clamd_scan(path: str, address: str, timeout: int = 30) -> str | None:
    """Scan ``path`` with clamd's INSTREAM command. Returns the signature name when infected, None
    when clean. Raises OSError when clamd cannot be reached or answers nonsense. ``address`` is
    ``host:port`` or a unix socket path."""
    if address.startswith("/") or address.startswith("unix:"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target: Any = address.removeprefix("unix:")
    else:
        host, _, port = address.rpartition(":")
        sock = socket.socket(socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET, socket.SOCK_STREAM)
        target = (host.strip("[]") or "127.0.0.1", int(port))
    sock.settimeout(timeout)
    try:
        sock.connect(target)
        sock.sendall(b"zINSTREAM\0")
        with open(path, "rb") as fh:
            while True:
                chunk = fh.read(CHUNK)
                if not chunk:
                    break
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
        sock.sendall(struct.pack("!L", 0))
        reply = b""
        while not reply.endswith(b"\0"):
            part = sock.recv(4096)
            if not part:
                break
            reply += part
    finally:
        sock.close()
    text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith("OK"):
        return None
    if text.endswith("FOUND"):
        return text.removeprefix("stream:").removesuffix("FOUND").strip() or "unknown"
    raise OSError(f"clamd answered: {text[:200]!r}")


# --- images -----------------------------------------------------------------------------------


_decodes = itertools.count(1)
_decodes_started = 0


def decodes_started() -> int:
    """How many image decodes this process has started (tests check that a refusal came first)."""
    return _decodes_started


def _process_image(src: str, kind: str, lim: Limits, prepared: Prepared) -> None:
    """Decode/re-encode through ``imagework`` — in a throw-away child process (default, see
    INTAKE_IMAGE_SUBPROCESS) or in this process."""
    global _decodes_started
    slots = decode_slots()
    # A flood of uploads must not hold every web worker in decoding: at most N decodes at once per
    # process; a file that cannot get a slot in time is refused as "try again in a few minutes".
    if not slots.acquire(timeout=float(getattr(settings, "INTAKE_IMAGE_QUEUE_SECONDS", 10))):
        raise Refused("scan_unavailable")
    try:
        _decodes_started = next(_decodes)
        _decode_image(src, kind, lim, prepared)
    finally:
        slots.release()


_slots: tuple[int, threading.BoundedSemaphore] | None = None
_slots_lock = threading.Lock()


def decode_slots() -> threading.BoundedSemaphore:
    """The process's decoding slots (INTAKE_IMAGE_MAX_CONCURRENT), shared by intake's image decoding
    and the officer's document viewer (``viewer.py``): heavy decoding never holds every web worker."""
    global _slots
    wanted = max(1, int(getattr(settings, "INTAKE_IMAGE_MAX_CONCURRENT", 2)))
    with _slots_lock:
        if _slots is None or _slots[0] != wanted:
            _slots = (wanted, threading.BoundedSemaphore(wanted))
        return _slots[1]


class ChildTimeout(Exception):
    """The child did not answer in time (it has been killed)."""


def child_run(job: dict[str, Any], *, timeout: float) -> dict[str, Any]:
    """Run one ``imagework`` job in a throw-away child process (``python -m lapakasik.intake.imagework``,
    JSON in on stdin, JSON out on stdout, address space limited to ``job["mem_mb"]``). Returns the
    child's answer, or ``{}`` when it died (memory limit, decoder crash); raises ChildTimeout after
    ``timeout`` seconds (the child is killed first)."""
    try:
        done = subprocess.run([sys.executable, "-m", "lapakasik.intake.imagework"], input=json.dumps(job),
                              capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise ChildTimeout from None
    try:
        result = json.loads(done.stdout or "{}")
    except ValueError:
        return {}
    return result if isinstance(result, dict) else {}


def _decode_image(src: str, kind: str, lim: Limits, prepared: Prepared) -> None:
    out_kind = "png" if kind == "png" else "jpeg"
    fd, out_path = _tmp("." + KINDS[out_kind][2])
    os.close(fd)
    prepared._temps.append(out_path)
    tfd, thumb_path = _tmp(".jpg")
    os.close(tfd)
    prepared._temps.append(thumb_path)
    job = {"src": src, "kind": kind, "out": out_path, "thumb": thumb_path, "max_pixels": lim.max_pixels,
           "min_side": lim.min_image_side, "thumb_size": lim.thumbnail_size,
           "mem_mb": int(getattr(settings, "INTAKE_IMAGE_MEMORY_MB", 1024))}
    if getattr(settings, "INTAKE_IMAGE_SUBPROCESS", True):
        try:
            result = child_run(job, timeout=float(getattr(settings, "INTAKE_IMAGE_TIMEOUT", 20)))
        except ChildTimeout:  # the child is killed; the file is refused, never half-done
            raise Refused("too_slow") from None
        if not result:  # the child died (memory limit, decoder crash): the image is not usable
            raise Refused("image_unreadable")
    else:
        try:
            result = imagework.process(src, kind, out_path, thumb_path, max_pixels=lim.max_pixels,
                                       min_side=lim.min_image_side, thumb_size=lim.thumbnail_size)
        except imagework.ImageRefused as exc:
            raise Refused(exc.code) from None
    if "refused" in result:
        raise Refused(str(result["refused"]))
    prepared.kind = str(result["kind"])
    prepared.content_type = KINDS[prepared.kind][1]
    prepared.extension = KINDS[prepared.kind][2]
    prepared.path = out_path
    prepared.size = os.path.getsize(out_path)
    prepared.width, prepared.height = int(result["width"]), int(result["height"])
    prepared.thumbnail_path = thumb_path


# --- PDFs: pdfcheck.py ----------------------------------------------------------------------


def _process_pdf(src: str, lim: Limits, prepared: Prepared) -> None:
    try:
        prepared.pages = pdfcheck.check_pdf(src, lim)
    except pdfcheck.PdfRefused as exc:
        raise Refused(exc.code) from None


# --- the whole thing --------------------------------------------------------------------------


def inspect(spooled: Spooled, filename: str, declared_type: str | None = None) -> Prepared:
    """Run the checks after spooling (virus scan, type, content). Returns a Prepared whose temporary
    files the caller must ``close``; raises Refused (nothing left behind)."""
    lim = limits()
    if lim.clamd_address:
        try:
            found = clamd_scan(spooled.path, lim.clamd_address, lim.clamd_timeout)
        except (OSError, ValueError):
            raise Refused("scan_unavailable") from None
        if found:
            raise Refused("virus", signature=found)
    kind = check_type(spooled.head, filename)
    prepared = Prepared(kind=kind, content_type=KINDS[kind][1], extension=KINDS[kind][2], path=spooled.path,
                        size=spooled.size, sha256=spooled.sha256, original_size=spooled.size)
    try:
        if kind == "pdf":
            _process_pdf(spooled.path, lim, prepared)
        else:
            _process_image(spooled.path, kind, lim, prepared)
    except BaseException:
        prepared.close()
        raise
    return prepared


def process(fileobj: IO[bytes], filename: str, declared_type: str | None = None) -> Prepared:
    """Spool + inspect in one call (the Prepared owns the spooled temp file too)."""
    spooled = spool(fileobj, limits().max_file_bytes)
    try:
        prepared = inspect(spooled, filename, declared_type)
    except BaseException:
        spooled.close()
        raise
    if spooled.path not in prepared._temps:
        prepared._temps.append(spooled.path)
    return prepared


def as_stream(data: bytes) -> IO[bytes]:
    return io.BytesIO(data)
