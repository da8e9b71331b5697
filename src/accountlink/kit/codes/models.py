from __future__ import annotations

from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    EMAIL = "email", "email"
    SMS = "sms", "SMS"


class VerificationCode(models.Model):
    """One code sent to one destination for one purpose. Only its keyed hash is stored."""

    # Kept (without its account) when an abandoned sign-up is deleted, so the per-address limits
    # still count the codes that went to that address.
    account = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    purpose = models.CharField(max_length=40)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    destination = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    consumed_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["account", "purpose", "created_at"]),
            models.Index(fields=["destination", "purpose", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} code for {self.account_id}"
