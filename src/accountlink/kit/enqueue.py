"""The one way a change queues its side effects (STYLE rule 3): a task, named by its dotted path,
queued in the caller's transaction.

The task backend is the database (``django-tasks-db``), so the task row is written in the same
transaction as the change that needs it: the worker sees it once that commits, and never without it
(the transactional outbox of DESIGN §2, R9). Naming the task by its path lets an action queue a task
whose module imports that action: tasks import actions, never the reverse (STYLE rule 12).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.module_loading import import_string

from accountlink.kit.transactions import in_callers_transaction


@in_callers_transaction
def enqueue_task(task_path: str, *args: Any, priority: int | None = None, run_after: datetime | None = None) -> str:
    """Queue the task at ``task_path`` with ``args``, committed with the caller's change or not at all;
    returns the queued task's id."""
    task = import_string(task_path)
    options: dict[str, Any] = {}
    if priority is not None:
        options["priority"] = priority
    if run_after is not None:
        options["run_after"] = run_after
    return str((task.using(**options) if options else task).enqueue(*args).id)
