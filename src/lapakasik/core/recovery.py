"""Task rows a dead worker left RUNNING go back to the queue.

django-tasks-db marks a row RUNNING when a worker claims it and SUCCESSFUL/FAILED when the task ends; a
worker killed in between (kill -9, OOM, a lost machine) leaves the row RUNNING for ever and the work is
never done. ``task_runs_requeue`` (periodic job ``task_runs_recover``) puts such rows back to READY:

- at once when the row's worker ran on this machine and its process is gone (``lapakasik worker``
  names itself ``<host>:<pid>:<random>``);
- otherwise when the row has been RUNNING longer than ``TASK_LEASE_SECONDS`` (a worker elsewhere).

Only tasks listed in ``RERUNNABLE`` are re-queued; each is safe to run twice, even at the same time as
a slow original, for the reason given next to it. A task added to the product must be added here (a
test fails otherwise) or it is left RUNNING for an operator.
"""

from __future__ import annotations

import logging
import os
import re
import socket
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from lapakasik.core import clock

log = logging.getLogger(__name__)

RERUNNABLE: dict[str, str] = {
    "lapakasik.mailgateway.tasks.inbound_message_process":
        "loads the message by id; PROCESSED is left alone, a held lease is left to its worker; the "
        "acknowledgement commits with a conditional UPDATE of the row (once per message)",
    "lapakasik.mailgateway.tasks.inbound_messages_retry": "a sweep: queues what is FAILED or stuck",
    "lapakasik.mailgateway.tasks.inbound_leases_expire": "a sweep: queues what has an expired lease",
    "lapakasik.mailgateway.tasks.inbound_raw_purge": "a sweep: deletes old raw files, rows kept",
    "lapakasik.notifications.tasks.notification_deliver":
        "loads the notification by id; a row SENDING under its lease answers busy, a sent one already_sent",
    "lapakasik.notifications.tasks.notification_deliver_many":
        "notification_deliver for each id in turn: each row answers busy or already_sent when it is not due",
    "lapakasik.notifications.tasks.notification_replay_stuck": "a sweep: re-queues PENDING/SENDING rows",
    "lapakasik.notifications.tasks.notification_check_delivery": "a sweep: channel fall-back by row status",
    "lapakasik.intake.tasks.intake_ack_send": "under the claim's lock, lists documents since the last "
                                              "intake_ack_sent event: a second run finds nothing new",
    "lapakasik.intake.tasks.intake_orphans_clean": "a sweep: deletes unreferenced files",
    "lapakasik.intake.tasks.intake_orphans_sweep": "a sweep: deletes unreferenced files",
    "lapakasik.intake.tasks.intake_deadlines": "a sweep over claims still in a pre-deadline state",
    "lapakasik.intake.tasks.intake_reminders": "a sweep: a documents_reminder_sent event marks each claim once",
    "lapakasik.intake.tasks.intake_dropbox_reminders": "a sweep: IntakeProgress.dropbox_reminded_at marks each plan once",
    "lapakasik.intake.tasks.intake_dropbox_deadlines": "a sweep over claims still waiting at the dropbox",
    "lapakasik.booking.tasks.slots_generate": "creates missing slots only (unique per branch, date, time)",
    "lapakasik.booking.tasks.booking_expire_no_shows": "a sweep: conditional on each booking's status",
    "lapakasik.booking.tasks.waitlist_expire_offers": "a sweep: conditional on each offer's status",
    "lapakasik.booking.tasks.opening_tell_sold_out": "a sweep: each place's told_sold_out_at, set (rows locked) "
                                                     "in the transaction that stores its messages",
    "lapakasik.booking.tasks.opening_signals_sweep": "a sweep: a signal per (kind, digest), one entry per place "
                                                     "(unique), broker_flag set only where it is not",
    "lapakasik.casework.tasks.confirmation_reminders": "a sweep: reminder_sent_at, set under the claim's lock, "
                                                       "marks each confirmation once",
    "lapakasik.branchops.tasks.channel_policy_announce": "a sweep: each participant's PolicyNotice.told_at, set "
                                                         "with their messages, marks them once",
    "lapakasik.frontdesk.tasks.screening_records_purge": "a sweep: deletes screening records past retention",
    "lapakasik.employers.tasks.employer_reports_tick": "a sweep: each report's row is locked and its "
                                                       "late_told_at / stage2_reminded_at marks it once",
    "lapakasik.payments.tasks.payment_overdue_escalations": "a sweep: each branch's overdue list is sent once a "
                                                            "day, marked with the day it was sent",
    "lapakasik.core.tasks.task_runs_recover": "this sweep itself",
    "lapakasik.core.tasks.rate_windows_clean": "deletes counter rows of windows long past",
}

_SAFE_HOST = re.compile(r"[^A-Za-z0-9.]")


def this_host() -> str:
    return _SAFE_HOST.sub("_", socket.gethostname())[:30] or "host"


def worker_id_new() -> str:
    """``<host>:<pid>:<random>`` (at most 64 characters, django-tasks-db's limit)."""
    from django.utils.crypto import get_random_string

    return f"{this_host()}:{os.getpid()}:{get_random_string(16)}"


def pid_alive(pid: int) -> bool:
    """True while process ``pid`` of this machine exists and is not a zombie (someone else's process
    counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def worker_gone(worker_id: str) -> bool:
    """True when ``worker_id`` names a worker process of this machine that no longer runs."""
    parts = worker_id.split(":")
    if len(parts) != 3 or parts[0] != this_host() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    return pid != os.getpid() and not pid_alive(pid)


def task_runs_requeue(*, now: datetime | None = None, lease_seconds: int | None = None, limit: int = 500) -> int:
    """Put RUNNING rows of re-runnable tasks whose worker is gone (or whose lease ran out) back to READY.
    Each row is changed by a conditional UPDATE (still RUNNING, same ``started_at``), so a row a worker
    finished meanwhile is left as it is. Returns how many rows were re-queued."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or clock.now()
    lease = timedelta(seconds=settings.TASK_LEASE_SECONDS if lease_seconds is None else lease_seconds)
    running = (DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, task_path__in=list(RERUNNABLE))
               .order_by("started_at").values_list("pk", "started_at", "worker_ids", "task_path")[:limit])
    requeued: list[str] = []
    for pk, started_at, worker_ids, task_path in running:
        last = str(worker_ids[-1]) if worker_ids else ""
        expired = started_at is None or started_at < now - lease
        if not (expired or worker_gone(last)):
            continue
        with transaction.atomic():
            if DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at).update(
                    status=TaskResultStatus.READY):
                requeued.append(task_path.rsplit(".", 1)[-1])
    if requeued:
        log.warning("task rows left RUNNING by a stopped worker queued again: %s", ", ".join(requeued))
    return len(requeued)
