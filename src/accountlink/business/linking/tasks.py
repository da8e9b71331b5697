"""Background work of the linking app (STYLE rule 4: thin; the actions do the work)."""

from __future__ import annotations

from django_tasks import task


@task()
def reconcile_links() -> None:
    """Periodic: end every link whose grant Loop no longer knows (DESIGN §5 R2)."""
    from . import actions

    actions.do_reconcile_links()
