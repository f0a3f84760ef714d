"""A small real HTTP server speaking the WhatsApp Cloud API and the SMS gateway endpoints.

Used by the tests (with fault injection: 429, 500, timeouts, malformed answers, refusals), by the
reliability benchmark (counts provider-side duplicates), and by ``lapakasik notifysim`` for the demo
(records each message in the database so /dev/inbox shows it, and posts signed delivery reports back).

Endpoints:
- ``POST /{version}/{phone_number_id}/messages`` — WhatsApp Cloud API (bearer token);
- ``POST /sms`` — the SMS gateway (JSON or form; ``reference`` or the Idempotency-Key header);
- ``GET /_messages`` — what was received (JSON), for debugging.
"""

from __future__ import annotations

import collections
import hashlib
import itertools
import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

FAULTS = ("429", "500", "503", "timeout", "malformed", "no_id", "400", "throttle400", "drop")


@dataclass
class SimulatorState:
    token: str = ""
    honour_idempotency: bool = True
    timeout_sleep: float = 3.0
    on_message: Callable[[dict[str, Any]], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    messages: list[dict[str, Any]] = field(default_factory=list)
    by_key: dict[str, str] = field(default_factory=dict)
    calls: collections.Counter[str] = field(default_factory=collections.Counter)
    faults: dict[str, collections.deque[str]] = field(
        default_factory=lambda: {"whatsapp": collections.deque(), "sms": collections.deque()})
    first_call_at: dict[str, float] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def fail_next(self, channel: str, *faults: str) -> None:
        with self.lock:
            self.faults[channel].extend(faults)

    def key_counts(self) -> collections.Counter[str]:
        with self.lock:
            return collections.Counter(m["key"] for m in self.messages if m["key"])

    def duplicates(self) -> int:
        """Messages the recipient got more than once (same idempotency key recorded twice)."""
        return sum(n - 1 for n in self.key_counts().values() if n > 1)


class _Handler(BaseHTTPRequestHandler):
    server: Any
    protocol_version = "HTTP/1.1"
    # One write per answer (headers + body) and no Nagle: no 40 ms delayed-ACK stalls on keep-alive.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None, raw: bytes | None = None) -> None:
        data = raw if raw is not None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if raw is None else "text/html")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        state: SimulatorState = self.server.state
        if urlparse(self.path).path == "/_messages":
            with state.lock:
                self._send(200, {"messages": state.messages[-200:], "calls": dict(state.calls)})
            return
        self._send(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:
        state: SimulatorState = self.server.state
        path = urlparse(self.path).path.rstrip("/")
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if path.endswith("/messages"):
            channel = "whatsapp"
        elif path == "/sms":
            channel = "sms"
        else:
            self._send(404, {"error": {"message": "not found"}})
            return
        with state.lock:
            state.calls[channel] += 1
            state.first_call_at.setdefault(channel, time.time())
            fault = state.faults[channel].popleft() if state.faults[channel] else ""
        if state.token and self.headers.get("Authorization") != f"Bearer {state.token}":
            self._send(401, {"error": {"message": "Invalid OAuth access token", "type": "OAuthException", "code": 190}})
            return
        if fault == "timeout":
            time.sleep(state.timeout_sleep)
            fault = ""  # the message arrives late (the client has given up): the provider keeps it
        if fault == "drop":
            self.close_connection = True
            return
        if fault in ("429",):
            self._send(429, {"error": {"message": "Too many requests", "code": 130429}}, {"Retry-After": "1"})
            return
        if fault in ("500", "503"):
            self._send(int(fault), {"error": {"message": "Service temporarily unavailable", "code": 2}})
            return
        if fault == "400":
            self._send(400, {"error": {"message": "Message undeliverable", "code": 131026}})
            return
        if fault == "throttle400":
            self._send(400, {"error": {"message": "Rate limit hit", "code": 130429}})
            return
        try:
            body = self._parse(raw)
        except ValueError:
            self._send(400, {"error": {"message": "Malformed request body", "code": 100}})
            return
        if channel == "whatsapp":
            to = str(body.get("to", ""))
            key = self.headers.get("Idempotency-Key") or str(body.get("biz_opaque_callback_data", ""))
            if not to or body.get("messaging_product") != "whatsapp" or body.get("type") not in ("template", "text"):
                self._send(400, {"error": {"message": "Invalid parameter", "code": 100}})
                return
        else:
            to = str(body.get("to") or body.get("msisdn") or body.get("destination") or "")
            key = self.headers.get("Idempotency-Key") or str(body.get("reference") or body.get("ref") or "")
            if not to or not (body.get("text") or body.get("message") or body.get("body")):
                self._send(400, {"error": {"message": "to and text are required"}})
                return
        message_id = self._record(state, channel, to, key, body)
        if fault == "malformed":
            self._send(200, None, raw=b"<html><body>Bad Gateway</body></html>")
            return
        if fault == "no_id":
            self._send(200, {"messages": []} if channel == "whatsapp" else {"status": "ACCEPTED"})
            return
        if channel == "whatsapp":
            self._send(200, {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                             "messages": [{"id": message_id}]})
        else:
            self._send(200, {"message_id": message_id, "status": "ACCEPTED"})

    def _parse(self, raw: bytes) -> dict[str, Any]:
        ctype = self.headers.get("Content-Type", "")
        if "application/x-www-form-urlencoded" in ctype:
            return {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        body = json.loads(raw.decode() or "null")
        if not isinstance(body, dict):
            raise ValueError("not an object")
        return body

    def _record(self, state: SimulatorState, channel: str, to: str, key: str, body: dict[str, Any]) -> str:
        with state.lock:
            if key and state.honour_idempotency and key in state.by_key:
                return state.by_key[key]
            prefix = "wamid." if channel == "whatsapp" else "sms-"
            message_id = prefix + hashlib.sha1(f"{key}:{next(state._ids)}".encode(), usedforsecurity=False).hexdigest()[:20]
            if key:
                state.by_key.setdefault(key, message_id)
            entry = {"channel": channel, "to": to, "key": key, "id": message_id, "body": body, "at": time.time()}
            state.messages.append(entry)
        if state.on_message is not None:
            state.on_message(entry)
        return message_id


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: SimulatorState | None = None) -> None:
        super().__init__(address, _Handler)
        self.state = state or SimulatorState()

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a client went away mid-request (a killed worker): not the simulator's problem
        super().handle_error(request, client_address)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


def start(host: str = "127.0.0.1", port: int = 0, state: SimulatorState | None = None) -> tuple[SimulatorServer, threading.Thread]:
    """Start a simulator in a daemon thread; ``server.shutdown()`` stops it."""
    server = SimulatorServer((host, port), state)
    thread = threading.Thread(target=server.serve_forever, name="notify-simulator", daemon=True)
    thread.start()
    return server, thread
