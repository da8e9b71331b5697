"""The housekeeping task, run by the platform's worker (STYLE rule 4: thin)."""

from __future__ import annotations

from django_tasks import task

from .actions import do_prune


@task()
def prune() -> dict[str, int]:
    """Periodic (``ACCOUNTLINK_PERIODIC_TASKS``): delete what nothing needs any more."""
    return do_prune()
