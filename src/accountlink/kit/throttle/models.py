from __future__ import annotations

from django.db import models


class GuessCounter(models.Model):
    """Guesses of one key (an account, a client address, a trusted browser) at one door.

    Used when no shared cache is configured (the embedded default), so that every web process of a
    platform sees the same counts. Keys hold ids and hashes, never a typed identifier or an address.
    """

    key = models.CharField(max_length=120, primary_key=True)
    attempts = models.IntegerField(default=0)
    locks = models.IntegerField(default=0)
    blocked_until = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.attempts}"
