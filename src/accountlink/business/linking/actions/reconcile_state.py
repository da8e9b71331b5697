"""Where the reconciliation is (``ReconcileState``, one row): how far it has read Loop's log of grant
endings, and the lease that keeps two passes from running at once (a periodic pass and
``manage.py reconcile``, or two workers)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from ..models import ReconcileState

# How long a pass may run before another may start; a long pass renews it as it goes.
LEASE = timedelta(minutes=15)


def state() -> ReconcileState:
    found, _created = ReconcileState.objects.get_or_create(pk=1)
    return found


def take_lease() -> bool:
    """Take the reconciliation's lease; False while another pass holds it."""
    state()
    now = timezone.now()
    free = Q(lease_until=None) | Q(lease_until__lt=now)
    return ReconcileState.objects.filter(free, pk=1).update(lease_until=now + LEASE) == 1


def renew_lease() -> None:
    ReconcileState.objects.filter(pk=1).update(lease_until=timezone.now() + LEASE)


def release_lease() -> None:
    ReconcileState.objects.filter(pk=1).update(lease_until=None)


def read_until(moment: float) -> None:
    """The log has been read and applied up to ``moment`` (a Unix time)."""
    ReconcileState.objects.filter(pk=1).update(endings_read_until=moment, lease_until=timezone.now() + LEASE)
