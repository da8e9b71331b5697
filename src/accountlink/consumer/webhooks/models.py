"""Webhooks Loop sends to its apps (DESIGN §7): one delivery per event, every attempt of it recorded.

The body of a delivery is the exact JSON sent, fixed when the event happens; the signature is made
at each attempt, so a retry or a replay carries a fresh timestamp over the same bytes.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountlink.consumer.oauth.models import Client
from accountlink.kit.outbound.models import OutboundCall

AUTHORIZATION_REMOVED = "authorization.removed"
# The event Loop for Developers sends when a developer presses "Send test webhook".
TEST_EVENT = "webhook.test"


class RemovalReason(models.IntegerChoices):
    """``content.reason`` of ``authorization.removed``, as TikTok numbers them."""

    UNKNOWN = 0, _("Unknown")
    HOLDER_REMOVED_ACCESS = 1, _("The account holder removed the app's access")
    ACCOUNT_DELETED = 2, _("The account was deleted")
    AGE_CHANGED = 3, _("The account holder's age changed")
    ACCOUNT_SUSPENDED = 4, _("The account was suspended")
    REVOKED_BY_CLIENT = 5, _("The app revoked its access")


class WebhookDelivery(models.Model):
    """What one webhook says and to which app; its attempts and status are its ``call``'s (kit.outbound)."""

    call = models.OneToOneField(OutboundCall, on_delete=models.PROTECT, related_name="webhook_delivery")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="webhook_deliveries")
    event = models.CharField(max_length=64, default=AUTHORIZATION_REMOVED)
    user_openid = models.CharField(max_length=64)
    # Only ``authorization.removed`` has a reason; a test webhook has none.
    reason = models.PositiveSmallIntegerField(choices=RemovalReason.choices, null=True, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} → {self.client_id} ({self.call.status})"
