"""Tasks a killed worker left running are run again (kit.worker), and the periodic scheduler outlives a
dropped database connection (issue 14, found by the chaos run)."""

from __future__ import annotations

import os
import signal
import subprocess
from datetime import timedelta
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accountlink.kit.worker import do_requeue_abandoned_tasks, requeue_abandoned_tasks, this_worker_id

pytestmark = pytest.mark.django_db


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def running_task(worker_id: str, started: timedelta = timedelta(0)) -> DBTaskResult:
    """A task a worker took (``worker_id``) ``started`` ago and has not finished."""
    result = requeue_abandoned_tasks.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - started, worker_ids=[worker_id]
    )
    return DBTaskResult.objects.get(pk=result.id)


def status_of(task: DBTaskResult) -> str:
    task.refresh_from_db()
    return str(task.status)


def test_a_task_of_a_worker_that_died_on_this_host_is_run_again(run_tasks: Any) -> None:
    host = this_worker_id().rpartition(":")[0]
    task = running_task(f"{host}:{dead_pid()}")

    assert do_requeue_abandoned_tasks() == 1
    assert status_of(task) == TaskResultStatus.READY
    run_tasks()
    assert status_of(task) == TaskResultStatus.SUCCESSFUL


def test_a_task_of_a_live_worker_is_left_alone() -> None:
    task = running_task(this_worker_id())
    assert do_requeue_abandoned_tasks() == 0
    assert status_of(task) == TaskResultStatus.RUNNING


def test_a_task_of_a_worker_on_another_host_is_run_again_only_after_an_hour() -> None:
    recent = running_task("elsewhere:123", started=timedelta(minutes=10))
    old = running_task("elsewhere:456", started=timedelta(hours=2))

    assert do_requeue_abandoned_tasks() == 1
    assert status_of(recent) == TaskResultStatus.RUNNING
    assert status_of(old) == TaskResultStatus.READY


def test_the_task_worker_names_its_host_and_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda **kwargs: None)
    result = requeue_abandoned_tasks.enqueue()
    call_command("task_worker", batch=True, queue_name="*", startup_delay=False, reload=False, verbosity=0)
    assert DBTaskResult.objects.get(pk=result.id).worker_ids == [this_worker_id()]


def test_the_periodic_scheduler_goes_on_after_the_database_drops_its_connection(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.ACCOUNTLINK_PERIODIC_TASKS = {"accountlink.kit.worker.requeue_abandoned_tasks": 0}
    answers = [OperationalError("server closed the connection unexpectedly"), None]
    enqueued = mock.Mock()

    def enqueue() -> None:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        enqueued()

    ticks = []

    def sleep(seconds: float) -> None:
        ticks.append(seconds)
        if enqueued.called:
            os.kill(os.getpid(), signal.SIGTERM)  # stop once the second try went through

    monkeypatch.setattr(
        "accountlink.kit.management.commands.run_periodic.import_string", lambda path: SimpleNamespace(enqueue=enqueue)
    )
    monkeypatch.setattr("accountlink.kit.management.commands.run_periodic.connection.close", lambda: None)
    monkeypatch.setattr("accountlink.kit.management.commands.run_periodic.time.sleep", sleep)
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        call_command("run_periodic")
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])

    assert enqueued.call_count == 1 and len(ticks) == 2
