"""The server benchmark's pieces that need no servers: reading wrk's output, the server list."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from lapakasik.core.management.commands.serve import server_argv
from lapakasik_bench import server as bench

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:40000/
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.21ms    2.10ms  48.00ms   90.00%
    Req/Sec     1.90k   150.00     2.10k    70.00%
  Latency Distribution
     50%  850.00us
     75%    4.80ms
     90%    6.10ms
     99%    1.20s
  18950 requests in 10.01s, 80.00MB read
  Socket errors: connect 0, read 12, write 1, timeout 2
  Non-2xx or 3xx responses: 5
Requests/sec:   1893.11
Transfer/sec:      7.99MB
"""


def test_parse_wrk_reads_rate_latency_and_errors() -> None:
    figures = bench.parse_wrk(WRK_OUTPUT)
    assert figures["requests"] == 18950 and figures["seconds"] == pytest.approx(10.01)
    assert figures["rps"] == pytest.approx(1893.11)
    assert figures["p50_ms"] == pytest.approx(0.85) and figures["p99_ms"] == pytest.approx(1200.0)
    assert figures["errors"] == 5 + 1 + 2  # non-2xx + write + timeout (read errors: closed keep-alives)


def test_parse_wrk_refuses_output_it_cannot_read() -> None:
    with pytest.raises(CommandError):
        bench.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")


def test_server_list() -> None:
    assert bench._parse_servers("granian,gunicorn:5,gunicorn:2:4", 2) == [
        ("granian", 2, 1), ("gunicorn", 5, 1), ("gunicorn", 2, 4)]
    with pytest.raises(CommandError):
        bench._parse_servers("uwsgi", 2)


def test_serve_argv_same_workers_and_no_access_log_by_default() -> None:
    granian = server_argv("granian", "127.0.0.1", 8000, 2, 1)
    gunicorn = server_argv("gunicorn", "127.0.0.1", 8000, 2, 1)
    assert granian[granian.index("--workers") + 1] == gunicorn[gunicorn.index("--workers") + 1] == "2"
    assert "--no-access-log" in granian and "--access-logfile" not in gunicorn
    assert "--access-log" in server_argv("granian", "127.0.0.1", 8000, 2, 1, access_log=True)
    assert "--access-logfile" in server_argv("gunicorn", "127.0.0.1", 8000, 2, 1, access_log=True)
