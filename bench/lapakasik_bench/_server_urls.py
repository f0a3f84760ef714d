"""The product's URLs plus two benchmark-only endpoints, never mounted in the product:
``POST /_bench/write`` (``lapakasik bench server``) and ``POST /_bench/book-bare``
(``lapakasik bench booking``'s calibration).

The write has the shape of the booking hot path (docs/architecture.md, performance design): one
transaction with a conditional UPDATE of one hot row (``… SET n = n + 1 WHERE … AND n < cap``, like a
slot quota), one INSERT, and one task row in the transactional outbox (django-tasks-db), after
parsing and checking a small JSON body. It does not depend on any app's schema, so the server
comparison can run before (and independently of) the booking API.
"""

from __future__ import annotations

import json
import secrets

from django.db import connection, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tasks import task

from lapakasik.core.models import PeriodicRun
from lapakasik.urls import urlpatterns as product_urlpatterns

COUNTER_JOB = "bench:counter"
ROW_JOB = "bench:write"
CAPACITY = 2**62


@task(queue_name="default")
def bench_noop(row_id: int) -> None:
    """Never run during the benchmark (no worker); its row is the outbox write."""


@csrf_exempt
@require_POST
def bench_write(request: HttpRequest) -> HttpResponse:
    try:
        body = json.loads(request.body or b"{}")
        note = str(body.get("note", ""))[:100]
    except (ValueError, AttributeError):
        return JsonResponse({"error": {"code": "malformed_body", "message": "JSON", "fields": {}}}, status=422)
    with transaction.atomic():
        taken = PeriodicRun.objects.filter(job=COUNTER_JOB, period__lt=CAPACITY).update(period=F("period") + 1)
        if not taken:
            return JsonResponse({"error": {"code": "full", "message": "full", "fields": {}}}, status=409)
        row = PeriodicRun.objects.create(job=ROW_JOB, period=secrets.randbits(62), task_id=note[:64])
        result = bench_noop.enqueue(row.id)
    return JsonResponse({"id": row.id, "task": str(result.id)}, status=201)


@csrf_exempt
@require_POST
def bench_book_bare(request: HttpRequest) -> HttpResponse:
    """Only the two core statements of a booking — the conditional UPDATE and the INSERT, on pgbench's
    tables (``bench_slot``, ``bench_booking``) — in a plain Django view: the booking issue's "bare Django
    view" calibration, measured by ``lapakasik bench booking`` in the same run as the rush."""
    try:
        body = json.loads(request.body or b"{}")
        slot, nik = int(body["slot"]), str(body["nik"])[:16]
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"error": {"code": "malformed_body", "message": "JSON", "fields": {}}}, status=422)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE bench_slot SET booked = booked + 1 WHERE id = %s AND booked < capacity", [slot])
        if cur.rowcount != 1:
            return JsonResponse({"error": {"code": "slot_full", "message": "full", "fields": {}}}, status=409)
        cur.execute("INSERT INTO bench_booking (slot_id, code, nik, created_at) VALUES (%s, %s, %s, now())",
                    [slot, secrets.token_hex(4), nik])
    return JsonResponse({"slot": slot}, status=201)


urlpatterns = [*product_urlpatterns, path("_bench/write", bench_write), path("_bench/book-bare", bench_book_bare)]
