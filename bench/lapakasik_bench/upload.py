"""Web upload memory: how much a 10 MB multipart upload grows the web process.

Starts ``lapakasik serve`` (gunicorn, one sync worker, so one process handles every request) on a
throw-away SQLite data dir, opens one claim, warms the worker up (imports, first upload), resets the
worker's peak-RSS counter (``/proc/PID/clear_refs``), then sends one 10 MB multipart request to
``POST /api/v1/claims/{code}/documents`` and reads the worker's peak RSS (psutil when installed,
else ``/proc/PID/status`` VmHWM). Scenarios: two ~5 MB scanner-app PDFs, two ~5 MB phone photos
(JPEG; fully decoded and re-encoded by the pipeline), and a 10 MB single file (refused by size while
streaming). Budget (issue 4): growth ≤ 15 MB.
"""

from __future__ import annotations

import io
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any

BUDGET_MB = 15.0


def add_arguments(parser: Any) -> None:
    parser.add_argument("--size-mb", type=float, default=10.0, help="total request size (default 10)")
    parser.add_argument("--scenarios", default="pdf,jpeg,oversize", help="comma list of pdf,jpeg,oversize")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def _status_kb(pid: int, field: str) -> int:
    try:
        import psutil  # type: ignore[import-untyped]

        proc = psutil.Process(pid)
        info = proc.memory_info()
        if field == "VmRSS":
            return int(info.rss // 1024)
        peak = getattr(info, "peak_wset", None) or getattr(info, "peak", None)
        if peak:
            return int(peak // 1024)
    except ImportError:
        pass
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not found for {pid}")


def _reset_peak(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def noise_jpeg(target_bytes: int, seed: int) -> bytes:
    """A photo-like JPEG of about ``target_bytes`` (noise compresses badly, like a real photo)."""
    from PIL import Image

    rnd = random.Random(seed)
    side = 1200
    data = b""
    while True:
        w, h = side * 4 // 3, side
        img = Image.frombytes("RGB", (w, h), rnd.randbytes(w * h * 3))
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=90)
        data = buf.getvalue()
        if len(data) >= target_bytes * 0.9 or side > 6000:
            break
        side = int(side * (target_bytes / len(data)) ** 0.5) + 16
    # shrink if over target
    while len(data) > target_bytes:
        side = int(side * 0.97)
        w, h = side * 4 // 3, side
        img = Image.frombytes("RGB", (w, h), rnd.randbytes(w * h * 3))
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=90)
        data = buf.getvalue()
    return data


def jpeg_to_pdf(jpeg: bytes) -> bytes:
    """A scanner-app style PDF: one page holding the JPEG as is (reportlab passes JPEG data through)."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    rl_config.useA85 = 0  # binary JPEG stream, as scanner apps write it
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    pdf.drawImage(ImageReader(io.BytesIO(jpeg)), 0, 0, A4[0], A4[1])
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


_SETUP = """
from lapakasik.branches.seed import seed_demo
from lapakasik.branches.models import Branch
import secrets
from lapakasik.claims.parties import Applicant
from lapakasik.claims.services import Actor, claim_open
from lapakasik.intake.services import intake_open
seed_demo()
branch = Branch.objects.exclude(region__code='DKI').order_by('code').first()
opened = claim_open(applicant=Applicant(full_name='Bench', email='bench@example.id', phone='+6281234567890',
    nik='31740101%08d' % secrets.randbelow(10 ** 8), kpj='12345678901'), claim_type='JHT',
    claim_reason='RESIGNED', branch=branch, channel='booking', actor=Actor.system('bench'))
c, token = opened.claim, opened.access_token
intake_open(claim=c)
print('CLAIM', c.code, token)
"""


def run(options: dict[str, Any], stdout: Any) -> None:
    import httpx

    total = int(options["size_mb"] * 1024 * 1024)
    per_file = total // 2
    data_dir = tempfile.mkdtemp(prefix="lapakasik-bench-upload-")
    env = {**os.environ, "LAPAKASIK_DATA_DIR": data_dir, "DATABASE_URL": f"sqlite:///{data_dir}/db.sqlite3",
           "SECRET_KEY": "bench-upload-secret-key-not-for-production", "STORAGE_BACKEND": "filesystem",
           "INTAKE_MAX_REQUEST_BYTES": str(total + 1024 * 1024), "LAPAKASIK_ENV": "development",
           "MAX_FILE_BYTES": str(6 * 1024 * 1024)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    exe = [sys.executable, "-m", "lapakasik"]
    subprocess.run([*exe, "migrate", "-v", "0"], env=env, check=True)
    out = subprocess.run([*exe, "shell", "-c", _SETUP], env=env, check=True, capture_output=True, text=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("CLAIM "))
    _, code, token = line.split()
    port = _free_port()
    server = subprocess.Popen([*exe, "serve", "--server", "gunicorn", "--workers", "1", "--threads", "1",
                               "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/api/v1/claims/{code}/documents"
    headers = {"Authorization": f"Bearer {token}"}
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        worker = (_children(server.pid) or [server.pid])[0]
        stdout.write(f"server pid {server.pid}, worker pid {worker}; request {total / 1048576:.1f} MB\n")
        # warm-up: imports of Pillow/pypdf, first DB connections, one small upload of each kind
        small = noise_jpeg(300_000, 99)
        httpx.post(url, headers=headers, files=[("file", ("warm.jpg", small, "image/jpeg")),
                                                ("file", ("warm.pdf", jpeg_to_pdf(small), "application/pdf"))],
                   timeout=120)
        photo_a, photo_b = noise_jpeg(per_file - 4096, 1), noise_jpeg(per_file - 4096, 2)
        scenarios = {
            "pdf": [("file", ("scan-a.pdf", jpeg_to_pdf(noise_jpeg(per_file - 8192, 3)), "application/pdf")),
                    ("file", ("scan-b.pdf", jpeg_to_pdf(noise_jpeg(per_file - 8192, 4)), "application/pdf"))],
            "jpeg": [("file", ("photo-a.jpg", photo_a, "image/jpeg")),
                     ("file", ("photo-b.jpg", photo_b, "image/jpeg"))],
            "oversize": [("file", ("big.pdf", b"%PDF-1.4\n" + os.urandom(total - 16), "application/pdf"))],
        }
        rows = []
        for name in [s.strip() for s in options["scenarios"].split(",") if s.strip()]:
            files = scenarios[name]
            body_mb = sum(len(f[1][1]) for f in files) / 1048576
            rss_before = _status_kb(worker, "VmRSS")
            exact = _reset_peak(worker)
            hwm_before = _status_kb(worker, "VmHWM")
            t0 = time.perf_counter()
            r = httpx.post(url, headers=headers, files=files, timeout=300)
            took = time.perf_counter() - t0
            hwm_after = _status_kb(worker, "VmHWM")
            rss_after = _status_kb(worker, "VmRSS")
            growth = (hwm_after - (rss_before if exact else hwm_before)) / 1024
            outcomes = ",".join(x["outcome"] for x in r.json().get("results", [])) or r.json().get("error", {}).get(
                "code", "")
            rows.append((name, body_mb, r.status_code, outcomes, growth, (rss_after - rss_before) / 1024, took))
        stdout.write(f"{'scenario':10} {'body MB':>8} {'HTTP':>5} {'outcomes':24} {'peak growth MB':>15} "
                     f"{'RSS kept MB':>12} {'seconds':>8}  budget {BUDGET_MB:.0f} MB\n")
        for name, mb, status, outcomes, growth, kept, took in rows:
            verdict = "ok" if growth <= BUDGET_MB else "OVER"
            stdout.write(f"{name:10} {mb:8.1f} {status:5d} {outcomes:24} {growth:15.1f} {kept:12.1f} {took:8.2f}  "
                         f"{verdict}\n")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        if not options.get("keep"):
            import shutil

            shutil.rmtree(data_dir, ignore_errors=True)
