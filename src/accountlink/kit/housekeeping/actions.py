"""Housekeeping: rows that only grow are deleted once nothing needs them (issue 18).

Each platform prunes hourly (``tasks.prune``, in ``ACCOUNTLINK_PERIODIC_TASKS``):

- Django sessions past their expiry (their browsers are logged out already);
- finished tasks (sent, given up) after ``FINISHED_TASKS_KEPT``: the audit log and the outbound
  calls' own attempt log keep what happened;
- what the platform adds (``ACCOUNTLINK_PRUNERS``): Loop's log of ended grants, say.

Rows go in batches of ``BATCH``, each in its own short transaction, so a large backlog never holds
SQLite's one write lock for long. Every filter is served by an index.

Then, on SQLite, the query planner's statistics are refreshed (``ANALYZE``, reading at most
``ANALYSIS_LIMIT`` rows of each index). SQLite keeps none unless told to, and without them it once
chose an app's index over a token's own and walked 75,000 rows for each refresh (docs/performance.md).
PostgreSQL's autovacuum keeps its own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from accountlink.kit.conf import platform_settings

BATCH = 1000
ANALYSIS_LIMIT = 1000
FINISHED_TASKS_KEPT = timedelta(days=7)
FINISHED = ("SUCCESSFUL", "FAILED")

Pruner = Callable[[], int]


def delete_in_batches(rows: QuerySet, batch: int = BATCH) -> int:
    """Delete ``rows`` ``batch`` at a time, each batch in its own transaction; returns how many."""
    deleted = 0
    while True:
        with transaction.atomic(durable=True):
            keys = list(rows.values_list("pk", flat=True)[:batch])
            if not keys:
                return deleted
            rows.model._default_manager.filter(pk__in=keys).delete()
        deleted += len(keys)


def do_prune_sessions() -> int:
    return delete_in_batches(Session.objects.filter(expire_date__lt=timezone.now()))


def do_prune_finished_tasks() -> int:
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - FINISHED_TASKS_KEPT
    return delete_in_batches(DBTaskResult.objects.filter(status__in=FINISHED, finished_at__lt=cutoff))


def do_refresh_statistics() -> None:
    """SQLite's planner statistics, from a sample of each index (a few milliseconds at a million rows)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")


def do_prune() -> dict[str, int]:
    """Prune everything, then refresh the statistics; returns how many rows of each kind went."""
    pruners: dict[str, Pruner] = {"sessions": do_prune_sessions, "finished tasks": do_prune_finished_tasks}
    for path in platform_settings.PRUNERS:  # do_prune_grant_endings → "grant endings"
        pruners[path.rsplit(".", 1)[-1].removeprefix("do_prune_").replace("_", " ")] = import_string(path)
    pruned = {name: prune() for name, prune in pruners.items()}
    do_refresh_statistics()
    return pruned
