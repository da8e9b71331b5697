"""Webhooks Loop sends to its apps (DESIGN §7): one delivery per event, every attempt of it recorded.

The body of a delivery is the exact JSON sent, fixed when the event happens; the signature is made
at each attempt, so a retry or a replay carries a fresh timestamp over the same bytes.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountlink.consumer.oauth.models import Client

AUTHORIZATION_REMOVED = "authorization.removed"


class RemovalReason(models.IntegerChoices):
    """``content.reason`` of ``authorization.removed``, as TikTok numbers them."""

    UNKNOWN = 0, _("Unknown")
    HOLDER_REMOVED_ACCESS = 1, _("The account holder removed the app's access")
    ACCOUNT_DELETED = 2, _("The account was deleted")
    AGE_CHANGED = 3, _("The account holder's age changed")
    ACCOUNT_SUSPENDED = 4, _("The account was suspended")
    REVOKED_BY_CLIENT = 5, _("The app revoked its access")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="webhook_deliveries")
    event = models.CharField(max_length=64, default=AUTHORIZATION_REMOVED)
    user_openid = models.CharField(max_length=64)
    reason = models.PositiveSmallIntegerField(choices=RemovalReason.choices)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # When the next attempt is due; while an attempt is under way, when its lease runs out.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # Staff asked for it to be sent again; the next attempt is recorded as a replay.
    replay_requested = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} → {self.client_id} ({self.status})"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    succeeded = models.BooleanField(default=False)
    replay = models.BooleanField(default=False)

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.started_at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"
