"""The admission gate (core/admission.py): a booking that could not be answered within the bound is refused
at once with 503 + Retry-After; reads and requests already queued are served; Django runs on the server's
thread when its turn comes, on the turn's database connections. The real server under an open-loop load is tests/smoke/test_overload.py."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.conf import settings

from lapakasik.core.admission import AdmissionGate
from lapakasik.core.management.commands.serve import server_argv

LANGUAGE_COOKIE_NAME = settings.LANGUAGE_COOKIE_NAME

API = "/api/v1/bookings"
PAGE = "/antrean/periksa/"


class SlowApp:
    """A stand-in for Django: answers 200 after ``release`` is set (or at once when it is), noting which
    thread ran each request and whether the answer was closed there."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls: list[tuple[str, str, str]] = []  # (method, path, thread name)
        self.closed_on: list[str] = []
        self.started = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        self.calls.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], threading.current_thread().name))
        body = environ["wsgi.input"].read()
        self.started.set()
        self.release.wait(10)
        start_response("200 OK", [("Content-Type", "text/plain")])
        app = self

        class Body(list[bytes]):
            def close(self) -> None:
                app.closed_on.append(threading.current_thread().name)

        return Body([b"ok:" + body])


def environ(method: str = "POST", path: str = API, body: bytes = b"{}", **extra: str) -> dict[str, Any]:
    return {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)), **extra}


def call(gate: AdmissionGate, env: dict[str, Any]) -> tuple[str, dict[str, str], bytes, float]:
    got: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        got["status"], got["headers"] = status, dict(headers)

    t0 = time.monotonic()
    body = b"".join(gate(env, start_response))
    return got["status"], got["headers"], body, time.monotonic() - t0


def in_thread(gate: AdmissionGate, env: dict[str, Any]) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(call(gate, env)), daemon=True)
    thread.start()
    return thread, out


def wait_queued(gate: AdmissionGate, n: int) -> None:
    deadline = time.monotonic() + 5
    while gate.queued() < n and time.monotonic() < deadline:
        time.sleep(0.005)
    assert gate.queued() == n


def busy_gate(app: SlowApp, waiting: int, **options: Any) -> tuple[AdmissionGate, list[tuple[threading.Thread, list[Any]]]]:
    """A gate with one Django thread, held by a booking, and ``waiting`` bookings queued behind it."""
    gate = AdmissionGate(app, **{"threads": 1, "queue": 100, "max_wait": 1.0, "shedding": True,
                                 "shed_paths": [API, PAGE], "retry_after": 3, **options})
    running = [in_thread(gate, environ(body=b"first"))]
    assert app.started.wait(5)
    queued = [in_thread(gate, environ(body=b"%d" % i)) for i in range(waiting)]
    wait_queued(gate, waiting)
    return gate, running + queued


def finish(app: SlowApp, threads: list[tuple[threading.Thread, list[Any]]]) -> list[Any]:
    app.release.set()
    for thread, _out in threads:
        thread.join(10)
    return [out[0] for _thread, out in threads]


def test_a_booking_that_cannot_be_answered_in_time_is_refused_at_once_and_never_reaches_django() -> None:
    app = SlowApp()
    # 0.05 s expected per booking before anything was measured: 1 running + 19 waiting = 1 s of work
    gate, queued = busy_gate(app, waiting=19)
    status, headers, body, took = call(gate, environ(body=b"late"))
    assert took < 0.5
    assert status.startswith("503") and int(headers["Retry-After"]) >= 3
    assert headers["Content-Type"] == "application/json" and headers["Cache-Control"] == "no-store"
    error = json.loads(body)["error"]
    assert error["code"] == "overloaded" and error["fields"] == {} and error["retry_after"] == int(headers["Retry-After"])
    assert "Coba lagi dalam" in error["message"] and "tidak ada yang tercatat" in error["message"]
    # The bookings already queued are all served, in order, none refused.
    answers = finish(app, queued)
    assert [a[0] for a in answers] == ["200 OK"] * 20
    assert [a[2] for a in answers] == [b"ok:first"] + [b"ok:%d" % i for i in range(19)]
    assert b"late" not in b"".join(c[1].encode() for c in app.calls) and len(app.calls) == 20
    assert gate.shed_count == 1


def test_reads_and_other_posts_are_never_refused_they_wait_their_turn() -> None:
    app = SlowApp()
    gate, queued = busy_gate(app, waiting=19)
    read = in_thread(gate, environ("GET", "/api/v1/availability", b""))
    other_post = in_thread(gate, environ("POST", "/api/v1/waitlist/1/accept"))
    get_of_the_booking_path = in_thread(gate, environ("GET", API, b""))
    wait_queued(gate, 22)
    answers = finish(app, [*queued, read, other_post, get_of_the_booking_path])
    assert {a[0] for a in answers} == {"200 OK"}


@pytest.mark.parametrize(("method", "path"), [
    ("POST", API + "/"), ("POST", API.upper()), ("post", API), ("PUT", API), ("POST", API + "\x00"),
    ("POST", "/api/v1/bookings/ABC/cancel"), ("POST", ""),
])
def test_only_the_listed_booking_posts_can_be_refused(method: str, path: str) -> None:
    """Near misses of a shed path are not refused: they wait their turn and Django answers them."""
    app = SlowApp()
    gate, queued = busy_gate(app, waiting=19)
    other = in_thread(gate, environ(method, path))
    wait_queued(gate, 20)
    answers = finish(app, [*queued, other])
    assert {a[0] for a in answers} == {"200 OK"} and gate.shed_count == 0


def test_the_page_gets_a_small_page_in_the_participants_language() -> None:
    app = SlowApp()
    gate, queued = busy_gate(app, waiting=19)
    status, headers, body, _took = call(gate, environ(path=PAGE))
    assert status.startswith("503") and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert '<html lang="id">' in page and "Sedang ramai" in page and 'href="/antrean/"' in page
    assert "<script" not in page and headers["Content-Security-Policy"].startswith("default-src 'none'")
    _s, headers_en, body_en, _t = call(gate, environ(path=PAGE, HTTP_COOKIE=f"x=1; {LANGUAGE_COOKIE_NAME}=en"))
    assert '<html lang="en">' in body_en.decode() and headers_en["Content-Language"] == "en"
    assert "Try again in" in body_en.decode()
    _s, _h, api_en, _t = call(gate, environ(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert json.loads(api_en)["error"]["message"].startswith("The booking service is very busy")
    _s, _h, api_query, _t = call(gate, environ(QUERY_STRING="a=1&lang=en", HTTP_ACCEPT_LANGUAGE="id"))
    assert json.loads(api_query)["error"]["message"].startswith("The booking service is very busy")
    finish(app, queued)


@pytest.mark.parametrize("hostile", [
    {"HTTP_COOKIE": f"{LANGUAGE_COOKIE_NAME}=<script>"}, {"QUERY_STRING": "lang=%00%ff&lang=en"},
    {"HTTP_ACCEPT_LANGUAGE": "x" * 5000}, {"QUERY_STRING": "lang"}, {"HTTP_COOKIE": ";;;=;"},
])
def test_hostile_language_hints_fall_back_to_indonesian(hostile: dict[str, str]) -> None:
    app = SlowApp()
    gate, queued = busy_gate(app, waiting=19)
    status, headers, body, _took = call(gate, environ(**hostile))
    assert status.startswith("503") and headers["Content-Language"] == "id"
    assert json.loads(body)["error"]["code"] == "overloaded" and "<script>" not in body.decode()
    finish(app, queued)


def test_a_full_queue_refuses_bookings_even_when_the_estimate_is_short() -> None:
    app = SlowApp()
    gate, queued = busy_gate(app, waiting=2, queue=2, max_wait=60)
    status, _headers, _body, _took = call(gate, environ())
    assert status.startswith("503")
    finish(app, queued)


def test_with_shedding_off_nothing_is_refused() -> None:
    app = SlowApp()
    gate, queued = busy_gate(app, waiting=25, shedding=False)
    late = in_thread(gate, environ(body=b"late"))
    wait_queued(gate, 26)
    answers = finish(app, [*queued, late])
    assert {a[0] for a in answers} == {"200 OK"} and gate.shed_count == 0


def test_a_booking_whose_turn_comes_too_late_is_refused_before_it_starts() -> None:
    """The estimate said 0.1 s, the running request took 1.2 s: the waiting booking would end after the
    bound, so it is refused when its turn comes — Django never sees it — and its answer still comes in time."""
    app = SlowApp()
    gate, queued = busy_gate(app, waiting=1)
    time.sleep(1.2)
    answers = finish(app, queued)
    assert answers[0][0] == "200 OK"
    status, headers, body, took = answers[1]
    assert status.startswith("503") and headers["Retry-After"].isdigit() and took < 1.5
    assert json.loads(body)["error"]["code"] == "overloaded"
    assert [c[1] for c in app.calls] == [API] and gate.shed_count == 1  # only the first one ran


def test_django_runs_on_the_callers_thread_no_more_than_threads_at_once_and_learns_the_service_time() -> None:
    """No hand-off to another thread: the server's thread runs Django when its turn comes, answer and
    ``close()`` included; at most ``threads`` requests run at once, the others wait their turn."""
    running: list[int] = []
    most: list[int] = [0]
    lock = threading.Lock()

    class Counting(SlowApp):
        def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            with lock:
                running.append(1)
                most[0] = max(most[0], len(running))
            try:
                time.sleep(0.02)
                return super().__call__(environ, start_response)
            finally:
                with lock:
                    running.pop()

    app = Counting()
    app.release.set()
    gate = AdmissionGate(app, threads=2, queue=50, max_wait=30, shedding=True, shed_paths=[API], retry_after=1)
    before = gate.service_time("booking")
    assert call(gate, environ(body=b"x"))[:3:2] == ("200 OK", b"ok:x")
    assert app.calls[0][2] == threading.current_thread().name == app.closed_on[0]
    callers = [in_thread(gate, environ(body=b"%d" % i)) for i in range(12)]
    answers = finish(app, callers)
    assert sorted(a[2] for a in answers) == sorted(b"ok:%d" % i for i in range(12))
    assert most[0] == 2
    assert sorted(c[2] for c in app.calls[1:]) == sorted(t.name for t, _out in callers) == sorted(app.closed_on[1:])
    assert gate.service_time("booking") < before  # 20 ms each pulls the 50 ms first guess down


@pytest.mark.django_db(transaction=True)
def test_each_turn_lends_its_own_database_connection_to_the_thread_that_holds_it() -> None:
    """The server has a thread per request it may hold (hundreds); Django keeps a connection per thread. With
    the connections shared, every request runs on one of the ``threads`` turns' connections, and a thread
    keeps none of them afterwards (nor loses its own)."""
    from django.db import connection, connections

    used: list[int] = []

    def query(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone()[0] == 1
        used.append(id(connections["default"]))
        time.sleep(0.01)
        connection.close()  # as Django's request_finished does: the pooled connection goes back to the pool
        start_response("200 OK", [])
        return [b"ok"]

    gate = AdmissionGate(query, threads=2, queue=50, max_wait=30, shedding=False, shed_paths=[API], retry_after=1,
                         share_connections=True)
    left: list[int] = []

    def caller() -> None:
        assert call(gate, environ())[0] == "200 OK"
        left.append(len(connections.all(initialized_only=True)))

    threads = [threading.Thread(target=caller) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert len(used) == 10 and len(set(used)) <= 2 and left == [0] * 10
    mine = connections["default"]
    assert call(gate, environ())[0] == "200 OK"
    assert connections["default"] is mine and id(mine) not in used  # the test thread's own, put back


def test_an_error_in_the_app_reaches_the_server_thread_and_the_turn_is_given_back() -> None:
    def broken(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raise RuntimeError("boom")

    gate = AdmissionGate(broken, threads=1, queue=10, max_wait=5, shedding=True, shed_paths=[API], retry_after=1)
    with pytest.raises(RuntimeError, match="boom"):
        call(gate, environ())
    app = SlowApp()
    app.release.set()
    gate.app = app
    assert call(gate, environ())[0] == "200 OK"  # the turn came back
    assert gate.queued() == 0


def test_serve_gives_the_server_a_thread_per_request_it_may_hold_and_no_more_connections() -> None:
    granian = server_argv("granian", "127.0.0.1", 8000, 2, 1, queue=100, backlog=512)
    assert granian[granian.index("--blocking-threads") + 1] == "101"
    assert granian[granian.index("--backpressure") + 1] == "101"
    assert granian[granian.index("--backlog") + 1] == "512"
    gunicorn = server_argv("gunicorn", "127.0.0.1", 8000, 2, 1, queue=100, backlog=512)
    assert gunicorn[gunicorn.index("--threads") + 1] == "101"
    assert gunicorn[gunicorn.index("--worker-connections") + 1] == "101"


def test_the_api_document_lists_the_overload_answer_on_the_posts_that_may_be_shed_only() -> None:
    """Booking and joining the opening's waiting room (both floods at the opening) may be refused; nothing
    else is, and the document says so where it applies."""
    from lapakasik.api.api import api

    document = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1"), default=str))
    listed = [(path, method) for path, operations in document["paths"].items()
              for method, operation in operations.items()
              if isinstance(operation, dict) and "503" in operation.get("responses", {})]
    assert sorted(listed) == [("/api/v1/bookings", "post"), ("/api/v1/opening/places", "post")]
    for path, _method in listed:
        answer = document["paths"][path]["post"]["responses"]["503"]
        assert "Retry-After" in answer["description"] and "overloaded" in answer["description"]


def test_refusals_are_logged_as_one_line_per_period_without_personal_data(caplog: pytest.LogCaptureFixture) -> None:
    app = SlowApp()
    gate, queued = busy_gate(app, waiting=19)
    with caplog.at_level("WARNING", logger="lapakasik.core.admission"):
        for _ in range(50):
            call(gate, environ(body=b'{"nik": "3174010101900001"}'))
    finish(app, queued)
    lines = [r.getMessage() for r in caplog.records if r.name == "lapakasik.core.admission"]
    assert len(lines) == 1 and lines[0].startswith("overloaded: 1 booking requests refused")
    assert gate.shed_count == 50 and "3174" not in lines[0]


def test_retry_after_is_spread_so_the_refused_do_not_return_together() -> None:
    app = SlowApp()
    gate, queued = busy_gate(app, waiting=19, retry_after=10)
    values = [int(call(gate, environ())[1]["Retry-After"]) for _ in range(60)]
    finish(app, queued)
    assert min(values) >= 10 and max(values) <= 15 and len(set(values)) >= 3


def test_bookings_are_served_before_waiting_reads_which_still_get_every_fifth_turn() -> None:
    """A waiting room's polls queued ahead do not delay an admitted person's booking; reads are not starved."""
    app = SlowApp()
    gate = AdmissionGate(app, threads=1, queue=100, max_wait=60, shedding=True, shed_paths=[API],
                         retry_after=1)
    running = in_thread(gate, environ("GET", "/api/v1/opening/place", b""))
    assert app.started.wait(5)
    polls = [in_thread(gate, environ("GET", f"/api/v1/opening/place?{i}", b"")) for i in range(6)]
    wait_queued(gate, 6)
    bookings = [in_thread(gate, environ(body=b"%d" % i)) for i in range(6)]
    wait_queued(gate, 12)
    answers = finish(app, [running, *polls, *bookings])
    assert {a[0] for a in answers} == {"200 OK"}
    served = ["B" if method == "POST" else "R" for method, _path, _thread in app.calls]
    assert served == ["R", "B", "B", "B", "B", "R", "B", "B", "R", "R", "R", "R", "R"]


def test_a_read_that_waited_half_the_bound_is_served_before_the_bookings() -> None:
    """Reads are never refused, so their wait is kept within the bound too: one that has waited half of it
    goes next, whatever bookings wait."""
    app = SlowApp()
    gate = AdmissionGate(app, threads=1, queue=100, max_wait=0.2, shedding=False, shed_paths=[API],
                         retry_after=1)
    running = in_thread(gate, environ("GET", "/api/v1/opening/place", b""))
    assert app.started.wait(5)
    read = in_thread(gate, environ("GET", "/api/v1/availability", b""))
    wait_queued(gate, 1)
    time.sleep(0.15)  # longer than half the bound
    bookings = [in_thread(gate, environ(body=b"%d" % i)) for i in range(3)]
    wait_queued(gate, 4)
    finish(app, [running, read, *bookings])
    assert [method for method, _path, _thread in app.calls] == ["GET", "GET", "POST", "POST", "POST"]
