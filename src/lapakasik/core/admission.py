"""Overload never hangs: a WSGI gate that refuses a booking at once when it could not be answered in time.

At the daily opening more people try to book than the booking path can serve (about 17 ms of server CPU
for a booking that succeeds, 1 ms for a refusal, on the 2-core reference machine). A web server that
accepts everything lets the answers queue until the clients give up (30 s timeouts); nobody learns
anything and the work done for an abandoned request is wasted. This gate keeps the queue honest:

- **``WEB_THREADS`` requests run Django at once per process**, each holding one of the gate's turns. The
  server's own thread runs the request when its turn comes (a request that finds a turn free and nobody
  waiting runs at once: no hand-off to another thread); every other request waits in one FIFO queue *inside
  this process*, where it can be seen — never in the WSGI server's own backlog, which is invisible to Python:
  ``lapakasik serve`` gives the server as many threads as requests the gate may hold
  (``WEB_THREADS + WEB_QUEUE``) and caps the connections it accepts at that number (granian's
  ``--backpressure``; see docs/architecture.md, "Overload"). Each turn owns its database connections and
  lends them to the thread that holds it (``OVERLOAD_SHARE_CONNECTIONS``), so a process keeps
  ``WEB_THREADS`` connections open, not one per server thread. (An earlier version ran Django on a pool of
  gate-owned threads: two thread switches per request, about 0.1 ms of CPU each on the reference machine.)
- **The work queued** is the sum of the expected service time of every request running or waiting, each
  counted at the recent (exponentially weighted) service time of its kind: booking or other.
- **A new booking request** — a POST to one of ``OVERLOAD_SHED_PATHS`` (the booking API and the booking
  page) — is answered at once with **503 and ``Retry-After``** when the work ahead of it plus its own would
  end later than ``OVERLOAD_MAX_WAIT_SECONDS`` (or when the queue is full): JSON in the API's error shape
  (``{"error": {"code": "overloaded", …}}``) or a small page, in Indonesian or English. The work is
  re-valued at every decision with the current estimates, so a slowdown counts for the whole queue at once.
- **The estimate can be wrong** (the service slows down after a booking was queued): a booking whose turn
  comes so late that it could not finish within the bound is refused the same way *before it starts* —
  Django never sees it, nothing is written — so every answer still comes within the bound.
- **Nothing else is refused**: reads (availability, pages, a waiting room's polls) wait their turn, and a
  request that started is always finished.
- **Bookings are served first** (``_Queue``): a booking request waits behind the bookings queued before it,
  not behind a crowd of polls and page views. Other requests are slowed, never starved: one is served after
  every ``_BURST`` bookings in a row, and one that has waited half the bound is served next. The shedding
  decision still counts every request ahead (the safe side: a booking admitted is answered within the bound
  whatever the order).

The answers from the micro-cache (``core/microcache.py``, outside this gate) never queue. ``OVERLOAD_SHEDDING
= False`` keeps the queue and the thread pool but refuses nothing (the benchmark's "off" run).
"""

from __future__ import annotations

import collections
import contextlib
import json
import logging
import math
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from lapakasik.core.errors import Overloaded
from lapakasik.core.latency import Recorder

log = logging.getLogger(__name__)
WSGIApp = Callable[..., Iterable[bytes]]
BOOKING, OTHER = "booking", "other"
# Before anything was measured: a successful booking on the embedded default (SQLite), rounded up.
_INITIAL_SECONDS = {BOOKING: 0.05, OTHER: 0.01}
_WEIGHT = 0.1  # of the newest measurement in the moving average
LOG_EVERY_SECONDS = 10.0  # refusals are logged as one line per period, not one per request


class _Turn:
    """One of the gate's ``threads`` turns: the right to run Django now, and — when the gate shares its
    connections — the database connections that go with it, whichever server thread holds the turn."""

    def __init__(self) -> None:
        self.connections: dict[str, Any] | None = None


@dataclass
class _Job:
    environ: dict[str, Any]
    kind: str
    queued_at: float
    ready: threading.Event = field(default_factory=threading.Event)  # its turn came, or it was refused
    turn: _Turn | None = None  # handed over by the request that finished before it
    retry_after: int = 0  # > 0: refused when its turn came (it had waited too long), Django never saw it
    timed: bool = False  # a booking whose latency is published (LATENCY_PATHS, core/latency.py)


_BURST = 4  # bookings served in a row while other requests wait, before one of those


class _Queue:
    """The gate's waiting line: bookings ahead of other requests, in arrival order within each kind. Other
    requests are not starved: one is served after every ``_BURST`` bookings served in a row while they
    wait, and one that has waited ``patience`` seconds is served next whatever waits (so a read, which is
    never refused, still answers within the bound the shedding keeps for the whole queue)."""

    def __init__(self, patience: float) -> None:
        self._bookings: collections.deque[_Job] = collections.deque()
        self._others: collections.deque[_Job] = collections.deque()
        self._streak = 0
        self.patience = patience

    def __len__(self) -> int:
        return len(self._bookings) + len(self._others)

    def append(self, job: _Job) -> None:
        (self._bookings if job.kind == BOOKING else self._others).append(job)

    def popleft(self) -> _Job:
        if self._bookings and self._others and (
                self._streak >= _BURST or time.monotonic() - self._others[0].queued_at >= self.patience):
            self._streak = 0
            return self._others.popleft()
        if self._bookings:
            self._streak = self._streak + 1 if self._others else 0
            return self._bookings.popleft()
        self._streak = 0
        return self._others.popleft()


@dataclass(frozen=True)
class Decision:
    admitted: bool
    wait: float  # the expected time until the request's answer, in seconds
    retry_after: int = 0


def environ_language(environ: dict[str, Any]) -> str:
    """The language of an answer given before Django runs (no LocaleMiddleware): ``?lang=``, then the language
    cookie, then ``Accept-Language``; Indonesian unless English is asked for."""
    query = str(environ.get("QUERY_STRING", ""))
    for part in query.split("&"):
        if part.startswith("lang="):
            return "en" if part[5:7].lower() == "en" else "id"
    cookie = str(environ.get("HTTP_COOKIE", ""))
    name = f"{settings.LANGUAGE_COOKIE_NAME}="
    for part in cookie.split(";"):
        if part.strip().startswith(name):
            return "en" if part.strip()[len(name):len(name) + 2].lower() == "en" else "id"
    accept = str(environ.get("HTTP_ACCEPT_LANGUAGE", "")).strip().lower()
    return "en" if accept.startswith("en") else "id"


class AdmissionGate:
    """WSGI wrapper: runs ``app`` on ``threads`` worker threads, queues the rest, sheds bookings in time."""

    def __init__(self, app: WSGIApp, *, threads: int | None = None, queue: int | None = None,
                 max_wait: float | None = None, shedding: bool | None = None,
                 shed_paths: Iterable[str] | None = None, retry_after: int | None = None,
                 share_connections: bool | None = None) -> None:
        self.app = app
        # share_connections: each turn has its own database connections, lent to the server thread that holds
        # it. Off in the tests, whose database transaction is the test thread's own connection.
        self.share_connections = bool(settings.OVERLOAD_SHARE_CONNECTIONS if share_connections is None
                                      else share_connections)
        self.threads = max(1, threads if threads is not None else int(settings.OVERLOAD_THREADS))
        self.queue_limit = max(0, queue if queue is not None else int(settings.OVERLOAD_QUEUE))
        self.max_wait = float(max_wait if max_wait is not None else settings.OVERLOAD_MAX_WAIT_SECONDS)
        self.shedding = bool(settings.OVERLOAD_SHEDDING if shedding is None else shedding)
        self.shed_paths = frozenset(shed_paths if shed_paths is not None else settings.OVERLOAD_SHED_PATHS)
        self.retry_after = int(retry_after if retry_after is not None else settings.OVERLOAD_RETRY_AFTER_SECONDS)
        self._cond = threading.Condition()
        self._queue = _Queue(patience=self.max_wait / 2)
        self._count = {BOOKING: 0, OTHER: 0}  # running + waiting, by kind
        self._service = dict(_INITIAL_SECONDS)
        self._free = [_Turn() for _ in range(self.threads)]
        self.shed_count = 0
        self._logged_at = time.monotonic()
        self._logged_count = 0
        self.latency_paths = frozenset(getattr(settings, "LATENCY_PATHS", ()))
        self.latency = Recorder()

    # --- the figures ----------------------------------------------------------------------------------

    def service_time(self, kind: str) -> float:
        with self._cond:
            return self._service[kind]

    def queued(self) -> int:
        with self._cond:
            return len(self._queue)

    def _timed(self, environ: dict[str, Any]) -> bool:
        return environ.get("REQUEST_METHOD") == "POST" and str(environ.get("PATH_INFO", "")) in self.latency_paths

    def kind_of(self, environ: dict[str, Any]) -> str:
        if environ.get("REQUEST_METHOD") == "POST" and str(environ.get("PATH_INFO", "")) in self.shed_paths:
            return BOOKING
        return OTHER

    def _work(self) -> float:
        """Under the lock: the expected seconds of service of everything running or waiting, each request at
        the *current* estimate of its kind (so a slowdown is seen at once for the whole queue)."""
        return sum(n * self._service[k] for k, n in self._count.items())

    def _retry_after(self) -> int:
        """The queue's drain time (at least OVERLOAD_RETRY_AFTER_SECONDS), spread by up to half again so
        that the people refused in the same second do not all come back in the same second."""
        base = max(1, self.retry_after, math.ceil(self._work() / self.threads))
        return base + random.randint(0, base // 2)

    def _note_shed(self) -> None:
        """Under the lock: count a refusal; at most one log line per LOG_EVERY_SECONDS says how many."""
        self.shed_count += 1
        now = time.monotonic()
        if now - self._logged_at >= LOG_EVERY_SECONDS or self._logged_count == 0:
            log.warning("overloaded: %d booking requests refused in the last %.0f s (queue %d, %d running; "
                        "booking %.0f ms, other %.0f ms)", self.shed_count - self._logged_count,
                        now - self._logged_at, len(self._queue), sum(self._count.values()) - len(self._queue),
                        self._service[BOOKING] * 1000, self._service[OTHER] * 1000)
            self._logged_at, self._logged_count = now, self.shed_count

    def _decide(self, kind: str) -> Decision:
        """Under the lock: admit or refuse one request of ``kind``."""
        wait = (self._work() + self._service[kind]) / self.threads
        if kind == BOOKING and self.shedding and (wait > self.max_wait or len(self._queue) >= self.queue_limit):
            return Decision(False, wait, self._retry_after())
        return Decision(True, wait)

    # --- WSGI --------------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        kind = self.kind_of(environ)
        with self._cond:
            decision = self._decide(kind)
            if not decision.admitted:
                self._note_shed()
            else:
                job = _Job(environ, kind, time.monotonic(), timed=self._timed(environ))
                self._count[kind] += 1
                if self._free and not self._queue:
                    job.turn = self._free.pop()  # nobody waits: this thread runs it now, no hand-off
                else:
                    self._queue.append(job)
        if not decision.admitted:
            if self._timed(environ):  # a refused booking: the process is beyond what it serves
                self.latency.record(self.max_wait)
            return self._refuse(environ, start_response, decision.retry_after)
        if job.turn is None:
            job.ready.wait()  # the request finishing before it hands over its turn (or refuses it: too late)
        if job.turn is None:
            if job.timed:
                self.latency.record(self.max_wait)
            return self._refuse(environ, start_response, job.retry_after)
        return self._serve(job, start_response)

    def _serve(self, job: _Job, start_response: Callable[..., Any]) -> list[bytes]:
        """Django's whole request on this thread while it holds the turn, body and ``close()`` included (the
        database connections and ``request_finished`` belong to the turn); then the turn goes to the next."""
        turn = job.turn
        assert turn is not None
        got: dict[str, Any] = {}

        def record(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
            got.update(status=status, headers=list(headers), exc_info=exc_info)
            return lambda data: None  # the write() callable: Django never uses it

        started = time.perf_counter()
        try:
            with self._lent(turn):
                result = self.app(job.environ, record)
                try:
                    body = b"".join(result)
                finally:
                    close = getattr(result, "close", None)
                    if close is not None:
                        close()
        finally:
            self._hand_over(turn, job.kind, time.perf_counter() - started)
            if job.timed:  # from its arrival in the gate to its answer
                self.latency.record(time.monotonic() - job.queued_at)
        start_response(got["status"], got["headers"], got["exc_info"])
        return [body]

    def _hand_over(self, turn: _Turn, kind: str, took: float) -> None:
        """The request of ``kind`` that held ``turn`` is done: learn its time, then give the turn to the next
        request in line. A booking whose turn came too late (the service slowed down after it was queued) is
        refused instead, before it starts: its answer still comes within the bound."""
        with self._cond:
            self._count[kind] -= 1
            self._service[kind] += _WEIGHT * (took - self._service[kind])
            while self._queue:
                job = self._queue.popleft()
                if (job.kind == BOOKING and self.shedding
                        and time.monotonic() - job.queued_at + self._service[BOOKING] > self.max_wait):
                    self._count[job.kind] -= 1
                    self._note_shed()
                    job.retry_after = self._retry_after()
                    job.ready.set()
                    continue
                job.turn = turn
                job.ready.set()
                return
            self._free.append(turn)

    @contextlib.contextmanager
    def _lent(self, turn: _Turn) -> Iterator[None]:
        """The turn's database connections installed as this thread's for the request, and taken back after
        (the thread's own, if it had any, put back). Django's connections are per thread: without this, each
        of the server's threads (``WEB_THREADS + WEB_QUEUE`` of them) would open and keep its own. The
        connections are marked shareable (``inc_thread_sharing``): the gate guarantees one thread at a time."""
        if not self.share_connections:
            yield
            return
        if turn.connections is None:
            turn.connections = {}
            for alias in connections:
                conn = connections.create_connection(alias)
                conn.inc_thread_sharing()
                turn.connections[alias] = conn
        own = {conn.alias: conn for conn in connections.all(initialized_only=True)}
        for alias, conn in turn.connections.items():
            connections[alias] = conn
        try:
            yield
        finally:
            for alias in turn.connections:
                if alias in own:
                    connections[alias] = own[alias]
                else:
                    del connections[alias]

    # --- the refusal -----------------------------------------------------------------------------------------

    _language = staticmethod(environ_language)

    def _refuse(self, environ: dict[str, Any], start_response: Callable[..., Any], retry_after: int) -> list[bytes]:
        language = self._language(environ)
        with translation.override(language):
            message = _("Layanan antrean sedang sangat ramai. Permintaan Anda belum diproses dan tidak ada yang "
                        "tercatat. Coba lagi dalam %(s)d detik.") % {"s": retry_after}
            if str(environ.get("PATH_INFO", "")).startswith("/api/"):
                error = Overloaded(message, extra={"retry_after": retry_after})
                body = json.dumps(error.as_dict(), ensure_ascii=False).encode()
                content_type = "application/json"
            else:
                title = _("Sedang ramai")
                again = _("Kembali")
                body = (f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
                        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                        f"<title>{escape(title)}</title></head><body><main><h1>{escape(title)}</h1>"
                        f"<p>{escape(message)}</p><p><a href=\"/antrean/\">{escape(again)}</a></p>"
                        f"</main></body></html>").encode()
                content_type = "text/html; charset=utf-8"
        start_response("503 Service Unavailable", [
            ("Content-Type", content_type), ("Content-Length", str(len(body))), ("Retry-After", str(retry_after)),
            ("Cache-Control", "no-store"), ("Content-Language", language), ("X-Overload", "shed"),
            ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
            ("Content-Security-Policy", "default-src 'none'; style-src 'self'; frame-ancestors 'none'"),
        ])
        return [body]
