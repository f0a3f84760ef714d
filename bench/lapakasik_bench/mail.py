"""E-mail intake throughput and memory: messages with 5 attachments of 5 MB over SMTP, through the
whole pipeline (gateway stores → worker parses, checks, re-encodes, stores documents, acknowledges).

On a throw-away data dir with SQLite (or ``--pg URL``: a re-created PostgreSQL database ``bench_mail``): migrates, opens one claim per message (so every file is really
processed, not answered as a duplicate), starts ``lapakasik mailgateway`` and ``lapakasik worker``
(queues intake + notifications, no scheduler), sends one warm-up message, resets both processes'
peak-RSS counters (``/proc/PID/clear_refs``), then sends ``--messages`` messages with smtplib
(``--concurrency`` connections) and waits until every message is PROCESSED.

Baseline in the same run: the same files put straight into ``intake.document_receive`` in one process
(no SMTP, no MIME, no worker), files/s; the e-mail figure is also given as a ratio of it.

Prints: seconds to 250 per message (what the MTA waits), messages/s accepted by the gateway,
messages/s through the whole pipeline, and the peak RSS growth of the gateway and of the worker process
(the image decoder runs in throw-away child processes, measured apart: largest child peak). Budget
(issue 4): growth < 2 × the largest message.
"""

from __future__ import annotations

import os
import smtplib
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from email import policy
from email.message import EmailMessage
from typing import Any

from .upload import _children, _free_port, _reset_peak, _status_kb, jpeg_to_pdf, noise_jpeg


def add_arguments(parser: Any) -> None:
    parser.add_argument("--messages", type=int, default=6, help="messages to send (default 6)")
    parser.add_argument("--attachments", type=int, default=5, help="attachments per message (default 5)")
    parser.add_argument("--size-mb", type=float, default=5.0, help="size of each attachment (default 5)")
    parser.add_argument("--kind", choices=["jpeg", "pdf"], default="jpeg",
                        help="phone photos (decoded + re-encoded) or scanner-app PDFs")
    parser.add_argument("--concurrency", type=int, default=1, help="SMTP connections in parallel")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for processing")
    parser.add_argument("--pg", default="", metavar="URL",
                        help="run on PostgreSQL: server URL without database, e.g. postgres://postgres@127.0.0.1:5432 "
                             "(database bench_mail is dropped and re-created); default SQLite")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir (and database)")


_SETUP = """
from lapakasik.branches.seed import seed_demo
from lapakasik.branches.models import Branch
import secrets
from lapakasik.claims.parties import Applicant
from lapakasik.claims.services import Actor, claim_open
from lapakasik.intake.catalogue import catalogue_seed
from lapakasik.intake.services import intake_open
seed_demo()
catalogue_seed()
branch = Branch.objects.exclude(region__code='DKI').order_by('code').first()
for i in range({count}):
    c = claim_open(applicant=Applicant(full_name='Bench', email='bench@example.id', phone='+6281234567890',
        nik='31740101%08d' % secrets.randbelow(10 ** 8), kpj='12345678901'), claim_type='JHT',
        claim_reason='RESIGNED', branch=branch, channel='booking', actor=Actor.system('bench')).claim
    print('ADDRESS', intake_open(claim=c).email_address)
"""


_BASELINE = """
import glob, io, time
from lapakasik.branches.models import Branch
import secrets
from lapakasik.claims.parties import Applicant
from lapakasik.claims.services import Actor, claim_open
from lapakasik.intake.receive import document_receive
branch = Branch.objects.exclude(region__code='DKI').order_by('code').first()
paths = sorted(glob.glob('{files}/*'))
t0 = time.perf_counter()
n = 0
for i in range({count}):
    c = claim_open(applicant=Applicant(full_name='Bench', email='bench@example.id', phone='+6281234567890',
        nik='31740101%08d' % secrets.randbelow(10 ** 8), kpj='12345678901'), claim_type='JHT',
        claim_reason='RESIGNED', branch=branch, channel='booking', actor=Actor.system('bench')).claim
    for path in paths:
        with open(path, 'rb') as fh:
            r = document_receive(claim=c, fileobj=fh, filename=path.rsplit('/', 1)[1], declared_type=None,
                                 source='API', actor=Actor.system('bench'))
        assert r.outcome == 'received', r
        n += 1
print('BASELINE', n, time.perf_counter() - t0)
"""


def _message(to: str, files: list[tuple[bytes, str, str]], n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Bench <bench@example.id>"
    msg["To"] = to
    msg["Subject"] = f"Dokumen klaim {n}"
    msg["Message-ID"] = f"<bench-{n}-{time.time_ns()}@example.id>"
    msg.set_content("Berikut dokumen saya.")
    for data, name, ctype in files:
        maintype, _, subtype = ctype.partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes(policy=policy.SMTP)


def _peak_children_kb(pid: int, stop: threading.Event, out: list[int]) -> None:
    """Largest VmHWM seen among the worker's children (the image decoder processes)."""
    best = 0
    while not stop.is_set():
        for child in _children(pid):
            try:
                best = max(best, _status_kb(child, "VmHWM"))
            except (OSError, RuntimeError):
                pass
        time.sleep(0.02)
    out.append(best)


def _query(db: str, sql: str) -> list[tuple[Any, ...]]:
    """Run a read query on the benchmark database (a SQLite path or a postgres:// URL)."""
    if db.startswith("postgres"):
        import psycopg

        with psycopg.connect(db, autocommit=True) as pg_conn:
            return list(pg_conn.execute(sql).fetchall())  # type: ignore[arg-type]
    with sqlite3.connect(db, timeout=30) as conn:
        return list(conn.execute(sql).fetchall())


def _processed(db: str) -> tuple[int, int]:
    done = _query(db, "select count(*) from mailgateway_inboundmessage where status in ('PROCESSED','FAILED')")
    failed = _query(db, "select count(*) from mailgateway_inboundmessage where status='FAILED'")
    return int(done[0][0]), int(failed[0][0])


def _pg_admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def run(options: dict[str, Any], stdout: Any) -> None:
    count = int(options["messages"])
    load_before = os.getloadavg()[0]
    data_dir = tempfile.mkdtemp(prefix="lapakasik-bench-mail-")
    pg = str(options.get("pg") or "").rstrip("/")
    if pg:
        db = f"{pg}/bench_mail"
        _pg_admin(pg, "DROP DATABASE IF EXISTS bench_mail WITH (FORCE)")
        _pg_admin(pg, "CREATE DATABASE bench_mail")
        database_url = db
    else:
        db = f"{data_dir}/db.sqlite3"
        database_url = f"sqlite:///{db}"
    env = {**os.environ, "LAPAKASIK_DATA_DIR": data_dir, "DATABASE_URL": database_url,
           "SECRET_KEY": "bench-mail-secret-key-not-for-production", "STORAGE_BACKEND": "filesystem",
           "LAPAKASIK_ENV": "development", "MAX_FILE_BYTES": str(6 * 1024 * 1024),
           "MAX_BYTES_PER_CLAIM": str(200 * 1024 * 1024), "MAILGATEWAY_MAX_MESSAGE_BYTES": str(60 * 1024 * 1024)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    exe = [sys.executable, "-m", "lapakasik"]
    subprocess.run([*exe, "migrate", "-v", "0"], env=env, check=True)
    out = subprocess.run([*exe, "shell", "-c", _SETUP.replace("{count}", str(count + 1))], env=env, check=True,
                         capture_output=True, text=True).stdout
    addresses = [x.split()[1] for x in out.splitlines() if x.startswith("ADDRESS ")]
    port = _free_port()
    gateway = subprocess.Popen([*exe, "mailgateway", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([*exe, "worker", "--queues", "intake,notifications", "--no-scheduler",
                               "--interval", "0.2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        size = int(options["size_mb"] * 1024 * 1024)
        stdout.write(f"building {options['attachments']} × {options['size_mb']:g} MB {options['kind']} attachments…\n")
        files = []
        for i in range(int(options["attachments"])):
            photo = noise_jpeg(size if options["kind"] == "jpeg" else size - 8192, 10 + i)
            if options["kind"] == "pdf":
                files.append((jpeg_to_pdf(photo), f"scan-{i + 1}.pdf", "application/pdf"))
            else:
                files.append((photo, f"IMG_{1000 + i}.JPG", "image/jpeg"))
        raws = [_message(addresses[n], files, n) for n in range(count + 1)]
        largest = max(len(r) for r in raws)
        for _ in range(300):
            try:
                smtplib.SMTP("127.0.0.1", port, timeout=5).quit()
                break
            except OSError:
                time.sleep(0.1)

        def send(raw: bytes, to: str) -> float:
            t0 = time.perf_counter()
            with smtplib.SMTP("127.0.0.1", port, timeout=300) as client:
                client.sendmail("bench@example.id", [to], raw)
            return time.perf_counter() - t0

        # warm-up: imports, first connections, the decoder child's start-up
        send(raws[0], addresses[0])
        deadline = time.monotonic() + float(options["timeout"])
        while _processed(db)[0] < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        base = {"gateway": _status_kb(gateway.pid, "VmRSS"), "worker": _status_kb(worker.pid, "VmRSS")}
        exact = _reset_peak(gateway.pid) and _reset_peak(worker.pid)
        hwm0 = {"gateway": _status_kb(gateway.pid, "VmHWM"), "worker": _status_kb(worker.pid, "VmHWM")}
        stop = threading.Event()
        child_peak: list[int] = []
        watcher = threading.Thread(target=_peak_children_kb, args=(worker.pid, stop, child_peak), daemon=True)
        watcher.start()
        accept_times: list[float] = []
        lock = threading.Lock()
        queue = list(range(1, count + 1))

        def sender() -> None:
            while True:
                with lock:
                    if not queue:
                        return
                    n = queue.pop(0)
                took = send(raws[n], addresses[n])
                with lock:
                    accept_times.append(took)

        t0 = time.perf_counter()
        threads = [threading.Thread(target=sender) for _ in range(max(1, int(options["concurrency"])))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        accepted_at = time.perf_counter() - t0
        while _processed(db)[0] < count + 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        total = time.perf_counter() - t0
        stop.set()
        watcher.join()
        done, failed = _processed(db)
        docs = _query(db, "select status, count(*) from intake_document group by status")
        load_during = os.getloadavg()[0]
        # baseline in the same run: the same files straight into document_receive (no SMTP, no MIME)
        files_dir = os.path.join(data_dir, "baseline-files")
        os.makedirs(files_dir, exist_ok=True)
        for data, name, _ctype in files:
            with open(os.path.join(files_dir, name), "wb") as fh:
                fh.write(data)
        base_out = subprocess.run([*exe, "shell", "-c", _BASELINE.replace("{files}", files_dir).replace(
            "{count}", str(count))], env=env, check=True, capture_output=True, text=True).stdout
        _, base_n, base_s = next(x for x in base_out.splitlines() if x.startswith("BASELINE ")).split()
        baseline_files_s = int(base_n) / float(base_s)
        growth = {}
        for name, proc in (("gateway", gateway), ("worker", worker)):
            hwm = _status_kb(proc.pid, "VmHWM")
            growth[name] = (hwm - (base[name] if exact else hwm0[name])) / 1024
        mb = largest / 1048576
        stdout.write(f"messages {count} × {options['attachments']} attachments of {options['size_mb']:g} MB "
                     f"({options['kind']}), largest message {mb:.1f} MB on the wire, concurrency "
                     f"{options['concurrency']}, {'PostgreSQL' if pg else 'SQLite'}\n")
        stdout.write(f"load average (1 min) before {load_before:.1f}, at the end of the e-mail run {load_during:.1f} "
                     f"on {os.cpu_count()} cores\n")
        stdout.write(f"processed {done - 1}/{count} (failed {failed}); documents by status {dict(docs)}\n")
        accept_times.sort()
        stdout.write(f"time to 250: median {accept_times[len(accept_times) // 2]:.2f} s, max {accept_times[-1]:.2f} s; "
                     f"gateway accepted {count / accepted_at:.2f} msg/s ({count * mb / accepted_at:.1f} MB/s)\n")
        files_s = count * int(options["attachments"]) / total
        stdout.write(f"whole pipeline: {count / total:.3f} msg/s ({files_s:.2f} files/s), {total:.1f} s for "
                     f"{count} messages\n")
        stdout.write(f"baseline (same files, document_receive in one process, no SMTP/MIME/worker): "
                     f"{baseline_files_s:.2f} files/s → e-mail path at {files_s / baseline_files_s:.0%} of it\n")
        budget = 2 * mb
        for name in ("gateway", "worker"):
            verdict = "ok" if growth[name] < budget else "OVER"
            stdout.write(f"peak RSS growth {name:8} {growth[name]:7.1f} MB  (budget < {budget:.0f} MB: {verdict})\n")
        if child_peak and child_peak[0]:
            stdout.write(f"largest image-decoder child peak RSS {child_peak[0] / 1024:.1f} MB (throw-away process)\n")
    finally:
        for proc in (gateway, worker):
            proc.terminate()
        for proc in (gateway, worker):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if not options.get("keep"):
            import shutil

            shutil.rmtree(data_dir, ignore_errors=True)
            if pg:
                try:
                    _pg_admin(pg, "DROP DATABASE IF EXISTS bench_mail WITH (FORCE)")
                except Exception as exc:
                    stdout.write(f"(could not drop bench_mail: {exc})\n")
