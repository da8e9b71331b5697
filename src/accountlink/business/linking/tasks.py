"""Background work of the linking app (STYLE rule 4: thin; the actions do the work)."""

from __future__ import annotations

from django_tasks import task


@task()
def revoke_grant(revocation_id: int) -> None:
    """Revoke one grant at Loop (RFC 7009); on failure the action schedules the next try."""
    from . import actions

    actions.do_attempt_revocation(revocation_id)


@task()
def sweep_revocations() -> None:
    """Periodic: queue again the revocations that are due (a worker may have died mid-attempt)."""
    from . import actions

    actions.do_queue_due_revocations()


@task()
def reconcile_links() -> None:
    """Periodic: end every link whose grant Loop no longer knows (DESIGN §5 R2)."""
    from . import actions

    actions.do_reconcile_links()
