"""What Loop for Business still has to tell Loop, for /metrics and `accountlink status` (kit.metrics backlog).

Read-only; registered through ``ACCOUNTLINK_BACKLOG_SOURCES``.
"""

from __future__ import annotations

from django.db.models import Count, Min
from django.utils import timezone

from accountlink.business.linking.models import LoopRevocation


def revocations() -> list[tuple[str, int, float | None]]:
    """Revocations at Loop not yet done: how many, and the oldest one's age in seconds."""
    pending = LoopRevocation.objects.filter(done_at__isnull=True).aggregate(count=Count("id"), oldest=Min("created_at"))
    oldest = pending["oldest"]
    age = (timezone.now() - oldest).total_seconds() if oldest is not None else None
    return [("revocation", pending["count"], age)]
