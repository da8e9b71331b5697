"""What Loop still has to tell its apps, for /metrics and `accountlink status` (kit.metrics backlog).

Read-only; registered through ``ACCOUNTLINK_BACKLOG_SOURCES``.
"""

from __future__ import annotations

from django.db.models import Count, Min
from django.utils import timezone

from accountlink.consumer.webhooks.models import DeliveryStatus, WebhookDelivery


def webhook_deliveries() -> list[tuple[str, int, float | None]]:
    """Webhook deliveries not yet delivered nor given up: how many, and the oldest one's age in seconds."""
    pending = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).aggregate(
        count=Count("id"), oldest=Min("created_at")
    )
    oldest = pending["oldest"]
    age = (timezone.now() - oldest).total_seconds() if oldest is not None else None
    return [("webhook", pending["count"], age)]
