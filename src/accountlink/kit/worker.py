"""Tasks a killed worker left behind are run again (R9; found by the chaos run of issue 14).

django-tasks-db marks a task RUNNING when a worker takes it and never looks at it again: a worker
killed mid-task leaves it RUNNING for good, and an email or a sweep it was running is lost. So each
worker (``manage.py task_worker``) works under an id that names its host and process, and a periodic
task puts back the tasks of a worker that is gone: on this host, one whose process no longer exists;
elsewhere, one that has run for longer than any of our tasks can (``ABANDONED_AFTER``). Every task is
safe to run twice (at least once, as every delivery here).
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)

ABANDONED_AFTER = timedelta(hours=1)


def this_worker_id() -> str:
    """``<host>:<pid>`` of this process (django-tasks-db allows 64 characters)."""
    return f"{socket.gethostname()[:50]}:{os.getpid()}"


def _gone(worker_id: str) -> bool:
    """Whether ``worker_id`` names a worker process of this host that no longer exists."""
    host, _, pid = worker_id.rpartition(":")
    if host != socket.gethostname()[:50] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # a live process of another user
        return False
    return False


def do_requeue_abandoned_tasks() -> int:
    """Put back (READY) every RUNNING task whose worker is gone; returns how many."""
    cutoff = timezone.now() - ABANDONED_AFTER
    requeued = 0
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("id", "worker_ids", "started_at")
    for result in running:
        worker = result.worker_ids[-1] if result.worker_ids else ""
        if not (_gone(worker) or (result.started_at is not None and result.started_at < cutoff)):
            continue
        with transaction.atomic():
            requeued += DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None
            )
        log.warning("task %s of worker %s was left running; queued again", result.pk, worker)
    return requeued


@task()
def requeue_abandoned_tasks() -> int:
    """Periodic (``ACCOUNTLINK_PERIODIC_TASKS``)."""
    return do_requeue_abandoned_tasks()
