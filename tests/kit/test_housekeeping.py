"""Housekeeping deletes what nothing needs any more (kit/housekeeping, issue 18): expired sessions,
old finished tasks and old entries of Loop's log of ended grants, in batches, through indexes."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accountlink.consumer.oauth.models import GrantEnding
from accountlink.kit.housekeeping import actions as housekeeping
from tests.consumer.oauth_helpers import register
from tests.query_plans import full_scans

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def make_session(expires_in: timedelta) -> str:
    key = uuid.uuid4().hex
    Session.objects.create(session_key=key, session_data="", expire_date=timezone.now() + expires_in)
    return key


def make_task(status: str, finished_days_ago: float | None) -> uuid.UUID:
    now = timezone.now()
    finished = now - finished_days_ago * DAY if finished_days_ago is not None else None
    row = DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="accountlink.kit.outbound.tasks.sweep_calls",
        backend_name="default",
        queue_name="default",
        run_after=now,
        finished_at=finished,
        exception_class_path="",
        traceback="",
    )
    row.enqueued_at = now - 10 * DAY
    row.save(update_fields=["enqueued_at"])
    return row.pk


def make_ending(client: Any, days_ago: float) -> int:
    return GrantEnding.objects.create(
        client=client, open_id=uuid.uuid4().hex, reason=1, ended_at=timezone.now() - days_ago * DAY
    ).pk


def test_prune_deletes_only_what_nothing_needs() -> None:
    expired, live = make_session(-timedelta(seconds=1)), make_session(DAY)
    old_done, old_failed = make_task("SUCCESSFUL", 8), make_task("FAILED", 8)
    recent_done, waiting, running = make_task("SUCCESSFUL", 6), make_task("READY", None), make_task("RUNNING", None)
    app = register().client
    old_ending, recent_ending = make_ending(app, 31), make_ending(app, 29)

    assert housekeeping.do_prune() == {"sessions": 1, "finished tasks": 2, "grant endings": 1}

    assert set(Session.objects.values_list("pk", flat=True)) == {live}
    assert expired not in Session.objects.values_list("pk", flat=True)
    kept_tasks = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert kept_tasks == {recent_done, waiting, running} and not {old_done, old_failed} & kept_tasks
    assert set(GrantEnding.objects.values_list("pk", flat=True)) == {recent_ending} != {old_ending}


def test_rows_go_in_batches() -> None:
    for _ in range(5):
        make_session(-DAY)
    assert housekeeping.delete_in_batches(Session.objects.filter(expire_date__lt=timezone.now()), batch=2) == 5
    assert not Session.objects.exists()


def test_every_pruning_read_is_served_by_an_index() -> None:
    app = register().client
    make_ending(app, 40)
    make_session(-DAY)
    make_task("SUCCESSFUL", 9)
    tables = {Session._meta.db_table, DBTaskResult._meta.db_table, GrantEnding._meta.db_table}
    assert full_scans(housekeeping.do_prune, tables) == []


def test_pruning_is_a_periodic_task_of_both_platforms() -> None:
    from accountlink.settings import business, consumer

    for platform in (consumer, business):
        assert "accountlink.kit.housekeeping.tasks.prune" in platform.ACCOUNTLINK_PERIODIC_TASKS


def test_on_sqlite_the_planners_statistics_are_refreshed_after_pruning() -> None:
    """SQLite keeps no statistics unless told to; without them it chose an app's index over a token's
    own (docs/performance.md)."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's autovacuum keeps its own statistics")
    app = register().client
    for days_ago in range(5):
        make_ending(app, days_ago)
    housekeeping.do_prune()
    with connection.cursor() as cursor:
        cursor.execute("SELECT tbl FROM sqlite_stat1")
        analysed = {table for (table,) in cursor.fetchall()}
    assert GrantEnding._meta.db_table in analysed
