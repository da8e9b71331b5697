"""Background work of the linking app (STYLE rule 4: thin; the actions do the work).

The senders of the outbound calls to Loop are in ``senders``.
"""

from __future__ import annotations

from django_tasks import task

from .actions.reconciliation import do_reconcile_links


@task(queue_name="reconcile")
def reconcile_links() -> None:
    """Periodic: end the links whose grant Loop no longer knows (DESIGN §5 R2), on a queue of its own."""
    do_reconcile_links()
