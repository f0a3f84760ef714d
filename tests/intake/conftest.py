"""Fixtures of the intake tests: a claim with its intake open, and file generators (no blobs)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def jpeg_bytes(size: tuple[int, int] = (800, 600), color: tuple[int, int, int] = (200, 180, 160),
               exif: bool = False, seed: int = 0) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(img)
    draw.rectangle((10 + seed, 10, 200 + seed, 120), fill=(20, 20, 20))
    draw.text((30, 40), f"KTP {seed}", fill=(250, 250, 250))
    buf = io.BytesIO()
    kwargs: dict[str, Any] = {}
    if exif:
        ex = Image.Exif()
        ex[0x010F] = "SecretPhoneMaker"  # Make
        ex[0x010E] = "Lokasi rumah: Jl. Rahasia 1"  # ImageDescription
        kwargs["exif"] = ex
    img.save(buf, format="JPEG", quality=85, **kwargs)
    return buf.getvalue()


def png_bytes(size: tuple[int, int] = (640, 480)) -> bytes:
    from PIL import Image

    img = Image.new("RGB", size, (10, 120, 200))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def huge_png_bytes(width: int = 60000, height: int = 60000) -> bytes:
    """A tiny PNG declaring huge dimensions (a decompression bomb's header)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack("!I", len(data)) + kind + data + struct.pack("!I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack("!IIBBBBB", width, height, 8, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * 1000
    idat = zlib.compress(row * 10)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def pdf_bytes(pages: int = 1, javascript: bool = False, encrypt: bool = False, embedded: bool = False,
              launch: bool = False, open_action_js: bool = False) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if javascript:
        from pypdf.generic import ArrayObject

        js = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert('hi');")})
        tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("a"), writer._add_object(js)])})
        writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    if embedded:
        writer.add_attachment("evil.exe", b"MZ\x90\x00payload")
    if launch or open_action_js:
        action = DictionaryObject()
        if launch:
            action[NameObject("/S")] = NameObject("/Launch")
            action[NameObject("/F")] = TextStringObject("cmd.exe")
        else:
            action[NameObject("/S")] = NameObject("/JavaScript")
            action[NameObject("/JS")] = TextStringObject("app.alert('hi');")
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if encrypt:
        writer.encrypt(user_password="rahasia", owner_password="rahasia")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@pytest.fixture
def make_claim(network: None) -> Any:
    from lapakasik.core import clock
    from lapakasik.core.codes import new_code
    from lapakasik.intake.catalogue import catalogue_seed
    from lapakasik.intake.services import intake_open
    from tests.claims.factories import open_claim

    catalogue_seed()  # idempotent; transactional tests (live_server) flush the migration's rows

    def make(token: str = "", branch: Any = None, **kw: Any) -> Any:
        kw.setdefault("documents_due_at", clock.now() + timedelta(days=2))
        c = open_claim(token=token or "tok-" + new_code(20), branch=branch, **kw)
        intake_open(claim=c)
        return c

    return make


@pytest.fixture
def claim(make_claim: Any) -> Any:
    return make_claim()


def stored_files() -> list[str]:
    """Every file under the documents prefix in the default storage."""
    from lapakasik.core.storage import walk_folders
    from lapakasik.intake.files import storage

    return sorted(f"{folder}/{name}" for folder, names in walk_folders(storage(), "documents") for name in names)


@pytest.fixture
def fake_clamd() -> Any:
    """A tiny clamd speaking the real INSTREAM protocol on 127.0.0.1 (finds EICAR)."""
    yield from _fake_clamd(unix_path=None)


@pytest.fixture
def fake_clamd_unix(tmp_path: Any) -> Any:
    """The same on a unix socket."""
    yield from _fake_clamd(unix_path=str(tmp_path / "clamd.sock"))


def _fake_clamd(unix_path: str | None) -> Any:
    import socketserver
    import struct
    import threading

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            sock = self.request
            sock.settimeout(10)
            buf = b""
            while b"\0" not in buf and b"\n" not in buf:
                part = sock.recv(64)
                if not part:
                    return
                buf += part
            sep = b"\0" if b"\0" in buf else b"\n"
            command, _, rest = buf.partition(sep)
            if command not in (b"zINSTREAM", b"nINSTREAM"):
                sock.sendall(b"UNKNOWN COMMAND" + bytes(sep))
                return
            data = bytearray(rest)
            body = bytearray()
            while True:
                while len(data) < 4:
                    data += sock.recv(65536)
                (length,) = struct.unpack("!L", bytes(data[:4]))
                del data[:4]
                if length == 0:
                    break
                while len(data) < length:
                    data += sock.recv(65536)
                body += data[:length]
                del data[:length]
            if EICAR in body:
                sock.sendall(b"stream: Win.Test.EICAR_HDB-1 FOUND" + sep)
            else:
                sock.sendall(b"stream: OK" + sep)

    class Server(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True

    class UnixServer(socketserver.ThreadingUnixStreamServer):
        daemon_threads = True

    server: Any = UnixServer(unix_path, Handler) if unix_path else Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    if unix_path:
        yield unix_path
    else:
        host, port = server.server_address[:2]
        yield f"{host!s}:{port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Any:
    """Upload rate limits live in the cache: each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Any) -> None:
    """Each test gets its own empty document storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private")}},
    }


def print_sheet(client: Any, claim: Any, *, branch: str | None = None, planned_on: Any = None) -> Any:
    """The participant's "can't upload" path to a printed cover sheet: confirm the failure (when not yet),
    choose the dropbox (``branch``: the first offered) and the day (default: tomorrow in the branch's zone)."""
    from lapakasik.intake.models import IntakeAccess
    from lapakasik.intake.selectors import branch_today, dropbox_branches

    token = IntakeAccess.objects.get(claim=claim, kind="upload", revoked_at__isnull=True).token
    claim.refresh_from_db()
    if claim.state not in ("UPLOAD_FAILED", "DROPBOX_EXPECTED"):
        client.post(f"/unggah/{token}/tidak-bisa/", {"masalah": "connection", "konfirmasi": "ya"})
    day = planned_on or branch_today(claim.branch) + timedelta(days=1)
    r = client.post(f"/unggah/{token}/dropbox/", {"branch": branch or dropbox_branches(claim)[0].code,
                                                  "planned_on": day.isoformat()})
    assert r.status_code == 302, r.content.decode()[:2000]
    claim.refresh_from_db()
    return r
