"""Cancelling a call queued with a delay deletes its waiting task by its id (issue 18): no search of
the task queue, which at a million accounts holds many rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from accountlink.kit.outbound import actions as outbound
from accountlink.kit.outbound.models import OutboundCall

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_cancelled_call_takes_only_its_own_task_with_it() -> None:
    with transaction.atomic():
        held = outbound.queue_call("webhook", delay=timedelta(minutes=10))
        other = outbound.queue_call("webhook", delay=timedelta(minutes=10))
    assert held.delayed_task_id is not None
    assert DBTaskResult.objects.filter(pk=held.delayed_task_id, status="READY").exists()

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        outbound.cancel_call(held)

    assert not DBTaskResult.objects.filter(pk=held.delayed_task_id).exists()
    assert DBTaskResult.objects.filter(pk=other.delayed_task_id, status="READY").exists()
    assert not OutboundCall.objects.filter(pk=held.pk).exists()
    task_queries = [query["sql"] for query in queries if DBTaskResult._meta.db_table in query["sql"]]
    assert task_queries and all("args_kwargs" not in sql and '"id"' in sql for sql in task_queries)


def test_a_call_without_a_delay_keeps_no_task_id() -> None:
    with transaction.atomic():
        call = outbound.queue_call("webhook", attempt_now=False)
    assert call.delayed_task_id is None
