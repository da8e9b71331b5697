"""What Loop told us, once: every notice received, keyed by the SHA-256 of its raw body."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Outcome(models.TextChoices):
    ENDED = "ended", "ended"  # the link ended
    NOT_LINKED = "not_linked", "not linked"  # no link with that open_id (any more)
    STALE = "stale", "stale"  # the removal is older than the current link
    IGNORED = "ignored", "ignored"  # an event this platform does not act on


class ReceivedNotice(models.Model):
    """One webhook from Loop, kept so a redelivery of the same body is answered without acting twice.

    Loop delivers at least once and signs each delivery afresh, so the body (not the signature
    header) identifies a notice; the unique hash makes that hold under parallel deliveries too.
    """

    body_sha256 = models.CharField(max_length=64)
    event = models.CharField(max_length=64)
    open_id = models.CharField(max_length=64, blank=True)
    reason = models.IntegerField(null=True, blank=True)  # content.reason of authorization.removed
    create_time = models.BigIntegerField()  # when Loop says it happened, seconds since the epoch
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["body_sha256"], name="webhooks_in_one_notice_per_body")]

    def __str__(self) -> str:
        return f"{self.event} for {self.open_id or '-'} ({self.outcome})"
