"""What every answer of Loop's OAuth API shares: the ``log_id`` TikTok puts in each body, and no caching."""

from __future__ import annotations

import uuid

from django.utils import timezone

NO_STORE = {"Cache-Control": "no-store"}


def log_id() -> str:
    """An id for one answer, as TikTok gives one for support to trace (time first, then random)."""
    return timezone.now().strftime("%Y%m%d%H%M%S") + uuid.uuid4().hex[:12].upper()
