"""Task rows a killed worker left RUNNING go back to the queue (core/recovery.py)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from lapakasik.core.recovery import RERUNNABLE, task_runs_requeue, this_host, worker_gone, worker_id_new

pytestmark = pytest.mark.django_db


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _running(task_obj: Any, *, worker_id: str, started_ago: float = 1.0, args: tuple[Any, ...] = ()) -> Any:
    """A row as a worker leaves it when it is killed in the middle of the task."""
    from django_tasks_db.models import DBTaskResult

    result = task_obj.enqueue(*args)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", started_at=timezone.now() - timedelta(seconds=started_ago), worker_ids=[worker_id])
    return DBTaskResult.objects.get(pk=result.id)


@pytest.mark.django_db(transaction=True)  # the worker closes its connection, as a real one does
def test_a_row_of_a_dead_worker_on_this_machine_is_queued_again_at_once() -> None:
    from lapakasik.booking.tasks import slots_generate

    dead = _running(slots_generate, worker_id=f"{this_host()}:{_dead_pid()}:abc")
    alive = _running(slots_generate, worker_id=worker_id_new())  # this very process: alive
    elsewhere = _running(slots_generate, worker_id=f"other.host:{_dead_pid()}:abc")
    assert task_runs_requeue() == 1
    for row in (dead, alive, elsewhere):
        row.refresh_from_db()
    assert (dead.status, alive.status, elsewhere.status) == ("READY", "RUNNING", "RUNNING")
    # the worker picks it up and it runs to the end
    from django.core.management import call_command

    call_command("db_worker", batch=True, queue_name="periodic", startup_delay=False, verbosity=0)
    dead.refresh_from_db()
    assert dead.status == "SUCCESSFUL"


def test_a_row_running_past_the_lease_is_queued_again_whoever_ran_it(settings: Any) -> None:
    from lapakasik.booking.tasks import slots_generate

    settings.TASK_LEASE_SECONDS = 600
    young = _running(slots_generate, worker_id="other.host:1:abc", started_ago=300)
    old = _running(slots_generate, worker_id="other.host:1:abc", started_ago=601)
    assert task_runs_requeue() == 1
    young.refresh_from_db()
    old.refresh_from_db()
    assert (young.status, old.status) == ("RUNNING", "READY")
    assert task_runs_requeue() == 0  # once


def test_a_task_not_declared_rerunnable_is_left_alone() -> None:
    from django_tasks_db.models import DBTaskResult

    from lapakasik.booking.tasks import slots_generate

    row = _running(slots_generate, worker_id=f"{this_host()}:{_dead_pid()}:abc", started_ago=10_000)
    DBTaskResult.objects.filter(pk=row.pk).update(task_path="somewhere.tasks.charge_card_once")
    assert task_runs_requeue() == 0
    row.refresh_from_db()
    assert row.status == "RUNNING"


def test_every_task_of_the_product_is_declared_rerunnable_with_its_reason() -> None:
    """A new task must be judged: safe to run twice (listed, with why) or not (then change this test)."""
    from django_tasks.base import Task

    found = set()
    for app in apps.get_app_configs():
        if not app.name.startswith("lapakasik."):
            continue
        try:
            module = importlib.import_module(f"{app.name}.tasks")
        except ModuleNotFoundError:
            continue
        found |= {obj.module_path for obj in vars(module).values() if isinstance(obj, Task)}
    assert found == set(RERUNNABLE)
    assert all(len(reason) > 10 for reason in RERUNNABLE.values())


def test_worker_ids_name_this_machine_and_pid() -> None:
    import os

    wid = worker_id_new()
    assert len(wid) <= 64 and wid.split(":")[:2] == [this_host(), str(os.getpid())]
    assert not worker_gone(wid)
    assert worker_gone(f"{this_host()}:{_dead_pid()}:x")
    assert not worker_gone("a-random-id-of-an-older-worker")
    assert not worker_gone(f"elsewhere:{_dead_pid()}:x")
