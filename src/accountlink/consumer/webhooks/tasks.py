"""Webhook tasks, run by the platform's worker. Thin: they call the actions (STYLE rule 4)."""

from __future__ import annotations

from django_tasks import task

from . import actions


@task()
def deliver_webhook(delivery_id: int) -> None:
    actions.do_deliver_webhook(delivery_id)


@task()
def sweep_deliveries() -> int:
    """Periodic (``ACCOUNTLINK_PERIODIC_TASKS``): queue again the deliveries whose task was lost."""
    return actions.requeue_overdue_deliveries()
