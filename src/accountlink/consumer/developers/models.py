"""An app's icon, kept in Loop's own database (no file storage to run or back up)."""

from __future__ import annotations

from django.db import models

from accountlink.consumer.oauth.models import Client


class AppIcon(models.Model):
    """The icon of one app: an image checked by its content (``icons.read_icon``) before it is stored."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, primary_key=True, related_name="icon")
    content_type = models.CharField(max_length=32)
    data = models.BinaryField()
    digest = models.CharField(max_length=64)  # SHA-256 of ``data``: the icon's ETag
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.client_id}: {self.content_type}, {len(self.data)} bytes"
