"""Outbound-call tasks, run by the platform's worker. Thin: they call the actions (STYLE rule 4)."""

from __future__ import annotations

from django_tasks import task

from . import actions


@task()
def make_call(call_id: int) -> None:
    actions.do_attempt_call(call_id)


@task()
def sweep_calls() -> int:
    """Periodic (``ACCOUNTLINK_PERIODIC_TASKS``): queue again the calls whose task was lost (a worker
    killed mid-attempt leaves a lease that runs out)."""
    return actions.do_requeue_overdue_calls()
