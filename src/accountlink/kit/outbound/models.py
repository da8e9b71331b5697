"""Calls to the other platform and every attempt at them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CallStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    GIVEN_UP = "given_up", _("Given up")


class OutboundCall(models.Model):
    """One call to make (a revocation at Loop, a webhook to an app), until it succeeds or is given up.

    What to send lives in the platform's own row that points here (``LoopRevocation``,
    ``WebhookDelivery``); this row is the call's life: when it is due, how it went.
    """

    kind = models.CharField(max_length=40)
    status = models.CharField(max_length=16, choices=CallStatus.choices, default=CallStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    # When the next attempt is due; while an attempt is under way, when its lease runs out.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    given_up_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # Staff asked for it to be made again; the next attempt is recorded as a replay.
    replay_requested = models.BooleanField(default=False)
    # The request that queued it, sent along on every attempt (X-Request-ID).
    request_id = models.CharField(max_length=64, blank=True)
    # The task of a call queued with a delay, which cancelling the call deletes (``cancel_call``).
    delayed_task_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.status})"


class OutboundAttempt(models.Model):
    call = models.ForeignKey(OutboundCall, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    succeeded = models.BooleanField(default=False)
    replay = models.BooleanField(default=False)

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.call_id} @ {self.started_at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"
