"""Chaos: `lapakasik up` under e-mail intake and bookings while each child is SIGKILLed in turn.

Each child (web, worker, mail gateway) is killed in the middle of traffic; `up` must restart it within
seconds, and afterwards every message the gateway accepted (250) ended processed with exactly one
acknowledgement in its thread, and every booking answered 201 exists exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import smtplib
import sqlite3
import subprocess
import threading
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.intake.conftest import jpeg_bytes

from .procs import alive, child_env, descendants, free_port, kill_tree, lapakasik, wait_ready

pytestmark = pytest.mark.slow

KILL_EVERY = 7.0
# Back within seconds on a quiet machine (see docs/security.md); the bound leaves room for a loaded CI box.
RESTART_BOUND = 60.0


def _child_pid(up_pid: int, name: str) -> int | None:
    """`up`'s direct child for ``name`` (the web child has exec'd into granian)."""
    commands = {b"serve", b"granian", b"gunicorn"} if name == "web" else {name.encode()}
    for pid in descendants(up_pid):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if ppid == up_pid and commands & set(argv) and alive(pid):
            return pid
    return None


def _smtp_up(port: int) -> bool:
    try:
        smtplib.SMTP("127.0.0.1", port, timeout=2).quit()
        return True
    except (OSError, smtplib.SMTPException):
        return False


def _web_up(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


class Traffic:
    def __init__(self, base: str, smtp_port: int, people: list[dict[str, Any]], slots: list[tuple[str, str, str]]):
        self.base, self.smtp_port, self.people, self.slots = base, smtp_port, people, slots
        self.stop = threading.Event()
        self.booked: list[str] = []  # codes answered 201
        self.addresses: list[tuple[str, str]] = []  # (intake address, participant e-mail)
        self.accepted: list[str] = []  # Message-IDs the gateway answered 250 to
        self.lock = threading.Lock()
        self.errors: list[str] = []

    def book(self) -> None:
        client = httpx.Client(timeout=15)
        n = 0
        while not self.stop.is_set() and n < len(self.people):
            p = self.people[n]
            branch, day, start = self.slots[n % len(self.slots)]
            body = {"branch_code": branch, "date": day, "session_start": start, "claim_type": "JHT",
                    "claim_reason": p["claim_reason"], "nik": p["nik"], "kpj": p["kpj"],
                    "full_name": p["full_name"], "email": f"peserta{n}@contoh.id",
                    "phone": f"0812{71000000 + n:08d}", "language": "id", "channels": ["email"]}
            try:
                r = client.post(f"{self.base}/api/v1/bookings", json=body)
            except httpx.HTTPError:
                time.sleep(0.3)  # the web server is restarting: try the same person again
                client.close()
                client = httpx.Client(timeout=15)
                continue
            if r.status_code == 201:
                data = r.json()
                with self.lock:
                    self.booked.append(data["code"])
                    if data.get("intake"):
                        self.addresses.append((data["intake"]["email_address"], body["email"]))
            elif r.status_code >= 500:
                self.errors.append(f"booking {r.status_code}: {r.text[:200]}")
            n += 1
        client.close()

    def mail(self) -> None:
        n = 0
        photo = jpeg_bytes(seed=3)
        while not self.stop.is_set():
            with self.lock:
                targets = list(self.addresses)
            if not targets:
                time.sleep(0.2)
                continue
            to, sender = targets[n % len(targets)]
            msg = EmailMessage()
            msg["From"], msg["To"], msg["Subject"] = sender, to, f"Dokumen {n}"
            msg["Message-ID"] = f"<chaos-{n}@contoh.id>"
            msg.set_content("Berikut KTP saya.")
            msg.add_attachment(photo, maintype="image", subtype="jpeg", filename=f"ktp-{n}.jpg")
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:  # as an MTA does: try again until 250
                try:
                    with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=15) as smtp:
                        smtp.sendmail(sender, [to], msg.as_bytes())
                    with self.lock:
                        self.accepted.append(msg["Message-ID"].strip("<>"))
                    break
                except (OSError, smtplib.SMTPException):
                    time.sleep(0.3)
            n += 1
            time.sleep(0.2)


def test_every_child_killed_mid_traffic_is_restarted_and_nothing_is_lost_or_doubled(tmp_path: Path) -> None:
    port, smtp_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    data = tmp_path / "data"
    env = child_env(data, MAILGATEWAY_PORT=str(smtp_port), LEASE_CHECK_SECONDS="2", MAILGATEWAY_LEASE_SECONDS="4",
                    RATE_LIMIT_IP_PER_MINUTE="0", MAILGATEWAY_MAX_MESSAGES_PER_CLAIM_HOUR="0")
    err_path = tmp_path / "stderr"
    with (tmp_path / "stdout").open("wb") as out, err_path.open("wb") as err:
        up = subprocess.Popen(lapakasik("up", "--port", str(port)), env=env, stdout=out, stderr=err,
                              start_new_session=True)
    restarts: dict[str, float] = {}
    began = time.monotonic()
    try:
        wait_ready(f"{base}/readyz", up, timeout=180)
        people = [json.loads(line) for line in subprocess.run(
            lapakasik("demo_participants", "--format", "json", "--case", "eligible"), env=env, capture_output=True,
            timeout=120, check=True).stdout.decode().splitlines() if line.startswith("{")]
        avail = httpx.get(f"{base}/api/v1/branches/JKT02/availability", timeout=30).json()
        slots = [("JKT02", day["date"], s["start"]) for day in avail["days"] for s in day["sessions"]
                 if s["remaining"] > 0]
        assert people and slots
        traffic = Traffic(base, smtp_port, people, slots)
        threads = [threading.Thread(target=traffic.book), threading.Thread(target=traffic.mail)]
        for t in threads:
            t.start()
        try:
            time.sleep(3)
            for name in ("worker", "mailgateway", "web"):
                pid = _child_pid(up.pid, name)
                assert pid is not None, name
                os.kill(pid, signal.SIGKILL)
                killed = time.monotonic()
                deadline = killed + RESTART_BOUND
                while time.monotonic() < deadline:
                    new = _child_pid(up.pid, name)
                    if new and new != pid and (name != "web" or _web_up(base)) and (
                            name != "mailgateway" or _smtp_up(smtp_port)):
                        break
                    time.sleep(0.1)
                restarts[name] = time.monotonic() - killed
                assert restarts[name] < RESTART_BOUND, f"{name} not back: {err_path.read_text()[-2000:]}"
                time.sleep(max(0.0, KILL_EVERY - restarts[name]))
        finally:
            traffic.stop.set()
            for t in threads:
                t.join(timeout=60)
        assert up.poll() is None, "up stopped"
        # Let the worker finish what was accepted (a killed worker's message waits for its lease).
        db = data / "lapakasik.sqlite3"

        def rows() -> list[tuple[str, str]]:
            with sqlite3.connect(db, timeout=30) as conn:
                return conn.execute("SELECT message_id, status FROM mailgateway_inboundmessage").fetchall()

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(status != "PROCESSED" for _m, status in rows()):
            time.sleep(0.5)
        with sqlite3.connect(db, timeout=30) as conn:
            messages = {str(m).strip("<>"): status for m, status in conn.execute(
                "SELECT message_id, status FROM mailgateway_inboundmessage").fetchall()}
            acks = {str(m or "").strip("<>"): n for m, n in conn.execute(
                "SELECT json_extract(context, '$.reply_to_message_id'), count(*) FROM notifications_notification "
                "WHERE event = 'intake_ack' GROUP BY 1").fetchall()}
            codes = [r[0] for r in conn.execute("SELECT code FROM booking_booking").fetchall()]
    finally:
        if up.poll() is None:
            up.send_signal(signal.SIGTERM)
            try:
                up.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        kill_tree(up)
    stderr = err_path.read_text()
    print(f"restart times (s): { {k: round(v, 1) for k, v in restarts.items()} }; accepted messages "
          f"{len(traffic.accepted)}, bookings {len(traffic.booked)}; took {time.monotonic() - began:.0f} s")
    assert traffic.accepted and traffic.booked, stderr[-3000:]
    assert not traffic.errors, traffic.errors[:5]
    for name in ("worker", "mailgateway", "web"):
        assert f"{name} stopped (signal SIGKILL)" in stderr, stderr[-3000:]
    for message_id in traffic.accepted:
        assert messages.get(message_id) == "PROCESSED", (message_id, messages.get(message_id))
        assert acks.get(message_id) == 1, (message_id, acks.get(message_id))
    for code in traffic.booked:
        assert codes.count(code) == 1, code
    assert up.returncode == 0, stderr[-3000:]
