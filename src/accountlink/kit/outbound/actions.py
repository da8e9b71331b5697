"""Everything that changes outbound calls (STYLE rule 1): queue, attempt, retry, give up, replay.

Delivery is at least once. An attempt first claims the call under a row lock and leases it
(``next_attempt_at`` moves past the request's timeout), so a second worker or the sweep leaves it
alone while the request is under way; the other platform is called with no transaction open, and a
worker that dies mid-attempt leaves a lease that runs out, after which the sweep queues it again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.module_loading import import_string

from accountlink.kit import metrics
from accountlink.kit.audit.models import EventKind
from accountlink.kit.audit.record import record
from accountlink.kit.conf import platform_settings
from accountlink.kit.enqueue import enqueue_task
from accountlink.kit.requestid import current_request_id
from accountlink.kit.retry import next_delay
from accountlink.kit.transactions import in_callers_transaction

from .models import CallStatus, OutboundAttempt, OutboundCall

log = logging.getLogger(__name__)

# A call is retried for this long after it was queued, then given up (the reconciliation takes over).
RETRY_WINDOW = timedelta(hours=72)
# Each attempt waits at most this long for the other platform; the lease covers it and some slack.
REQUEST_TIMEOUT_SECONDS = 5.0
LEASE = timedelta(seconds=3 * REQUEST_TIMEOUT_SECONDS)
# The first attempt runs in the request that made the change: a platform that hangs must not hold the page.
FIRST_ATTEMPT_TIMEOUT_SECONDS = 2.0
# A call this far past due has lost its task (a worker died, a task failed): queue it again.
SWEEP_GRACE = timedelta(seconds=5)
SWEEP_BATCH = 500
# Calls go before emails in the worker's queue: they are what makes an unlink reach the other side.
PRIORITY = 10
# The task that makes one attempt (``tasks.make_call``), named by its path: tasks import actions.
MAKE_CALL_TASK = "accountlink.kit.outbound.tasks.make_call"


class CallFailed(Exception):
    """A sender's attempt failed: the other platform could not be reached, or answered with an error."""

    def __init__(self, error: str, status_code: int | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.status_code = status_code


Sender = Callable[[OutboundCall, float], int]


def sender(kind: str) -> Sender:
    """The platform's sender of ``kind`` (``ACCOUNTLINK_OUTBOUND_SENDERS``)."""
    path = platform_settings.OUTBOUND_SENDERS[kind]
    found: Sender = import_string(path)
    return found


def _enqueue(call_id: int, run_after: datetime | None = None) -> str:
    return enqueue_task(MAKE_CALL_TASK, call_id, priority=PRIORITY, run_after=run_after)


@in_callers_transaction
def queue_call(kind: str, *, attempt_now: bool = True, delay: timedelta | None = None) -> OutboundCall:
    """In the caller's transaction: a call to make, committed with the change or not at all.

    The process that commits makes the first attempt itself right after the commit (unless
    ``attempt_now`` is false), so the other side hears of it at once even when many changes happen
    together; the task is the durable fallback (R9), which finds the call done or makes the attempt
    the committing process never got to. The caller then stores what to send, pointing at the call.
    With ``delay`` the first attempt waits that long (a call that a later action may still cancel).
    """
    if kind not in platform_settings.OUTBOUND_SENDERS:
        raise ValueError(f"no sender for outbound calls of kind {kind!r}")
    now = timezone.now()
    due = now + delay if delay else now
    call = OutboundCall.objects.create(
        kind=kind, created_at=now, next_attempt_at=due, request_id=current_request_id() or ""
    )
    task_id = _enqueue(call.pk, run_after=due if delay else None)
    if delay:  # remembered, so that cancelling it needs no search of the task queue
        call.delayed_task_id = task_id
        call.save(update_fields=["delayed_task_id"])
    if attempt_now and not delay:
        transaction.on_commit(partial(do_attempt_call, call.pk, timeout=FIRST_ATTEMPT_TIMEOUT_SECONDS), robust=True)
    return call


def cancel_call(call: OutboundCall) -> None:
    """In the caller's transaction: a call queued with a ``delay`` is not to be made after all (the
    caller has deleted what it would have sent). Its waiting task goes with it."""
    from django_tasks_db.models import DBTaskResult

    if call.delayed_task_id is not None:
        DBTaskResult.objects.filter(pk=call.delayed_task_id, status="READY").delete()
    call.delete()


@dataclass(frozen=True)
class _Outcome:
    started_at: datetime
    seconds: float
    status_code: int | None
    error: str

    @property
    def succeeded(self) -> bool:
        return not self.error and self.status_code is not None and 200 <= self.status_code < 300


def _claim(call_id: int) -> OutboundCall | None:
    """Take the call for one attempt if it is pending and due; lease it for the attempt."""
    with transaction.atomic(durable=True):
        call = OutboundCall.objects.select_for_update().filter(pk=call_id).first()
        now = timezone.now()
        if call is None or call.status != CallStatus.PENDING:
            return None
        if call.next_attempt_at is not None and call.next_attempt_at > now:
            return None  # not due yet, or another process holds the lease
        call.next_attempt_at = now + LEASE
        call.save(update_fields=["next_attempt_at"])
        return call


def _send(call: OutboundCall, timeout: float) -> _Outcome:
    """One attempt through the kind's sender, outside any transaction."""
    started_at, clock = timezone.now(), time.perf_counter()
    status_code: int | None = None
    error = ""
    try:
        status_code = sender(call.kind)(call, timeout)
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except CallFailed as failure:
        status_code, error = failure.status_code, failure.error
    except Exception as failure:  # a sender's bug must not lose the call: recorded, retried
        log.exception("outbound call %s (%s) failed unexpectedly", call.pk, call.kind)
        error = f"{type(failure).__name__}: {failure}"
    return _Outcome(started_at, time.perf_counter() - clock, status_code, error[:1000])


def _record(call: OutboundCall, outcome: _Outcome) -> None:
    """Record the attempt; then done, or the next attempt scheduled, or given up after 72 hours."""
    with transaction.atomic(durable=True):
        locked = OutboundCall.objects.select_for_update().filter(pk=call.pk).first()
        if locked is None:
            return
        OutboundAttempt.objects.create(
            call=locked,
            started_at=outcome.started_at,
            duration_ms=round(outcome.seconds * 1000),
            status_code=outcome.status_code,
            error=outcome.error,
            succeeded=outcome.succeeded,
            replay=call.replay_requested,
        )
        locked.attempts += 1
        locked.last_status_code = outcome.status_code
        locked.last_error = outcome.error[:300]
        if call.replay_requested:
            locked.replay_requested = False
        now = timezone.now()
        if outcome.succeeded:
            locked.status, locked.done_at, locked.next_attempt_at = CallStatus.DONE, now, None
        elif locked.status == CallStatus.PENDING:
            retry_at = now + next_delay(locked.attempts)
            if retry_at > locked.created_at + RETRY_WINDOW:
                locked.status, locked.given_up_at, locked.next_attempt_at = CallStatus.GIVEN_UP, now, None
            else:
                locked.next_attempt_at = retry_at
                _enqueue(locked.pk, run_after=retry_at)
        locked.save()
    outcome_label = "ok" if outcome.succeeded else ("given_up" if locked.status == CallStatus.GIVEN_UP else "failed")
    metrics.record_outbound_call(call.kind, outcome_label, outcome.seconds)
    if not outcome.succeeded:
        log.info("outbound call %s (%s) attempt %s failed: %s", call.pk, call.kind, locked.attempts, outcome.error)


def do_attempt_call(call_id: int, *, timeout: float = REQUEST_TIMEOUT_SECONDS) -> bool:
    """One attempt at a call if it is pending and due (the ``make_call`` task). True when it is done."""
    call = _claim(call_id)
    if call is None:
        return OutboundCall.objects.filter(pk=call_id, status=CallStatus.DONE).exists()
    outcome = _send(call, timeout)
    _record(call, outcome)
    return outcome.succeeded


def do_replay_call(call: OutboundCall, *, actor: Any, account: Any = None, **data: Any) -> None:
    """Staff make a call again, whatever became of it, as a new attempt now (audited)."""
    with transaction.atomic(durable=True):
        locked = OutboundCall.objects.select_for_update().get(pk=call.pk)
        previous = locked.status
        locked.status, locked.replay_requested, locked.next_attempt_at = CallStatus.PENDING, True, timezone.now()
        locked.save(update_fields=["status", "replay_requested", "next_attempt_at"])
        record(
            EventKind.OUTBOUND_REPLAYED,
            account=account,
            actor=actor,
            call=locked.pk,
            call_kind=locked.kind,
            previous_status=previous,
            **data,
        )
        _enqueue(locked.pk)
    call.refresh_from_db()


def do_retry_given_up_calls(kind: str) -> int:
    """The reconciliation takes over given-up calls of ``kind``: each gets one more attempt now
    (and is given up again if it fails). Returns how many."""
    with transaction.atomic(durable=True):
        given_up = list(
            OutboundCall.objects.select_for_update()
            .filter(kind=kind, status=CallStatus.GIVEN_UP)
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        OutboundCall.objects.filter(pk__in=given_up).update(status=CallStatus.PENDING, next_attempt_at=timezone.now())
        for call_id in given_up:
            _enqueue(call_id)
    return len(given_up)


def do_requeue_overdue_calls() -> int:
    """Queue again the pending calls whose attempt is well past due (the ``sweep_calls`` task).

    Normally each call's own scheduled task makes it; this catches the ones whose task was lost.
    A call queued twice is attempted once: the attempt claims it first.
    """
    cutoff = timezone.now() - SWEEP_GRACE
    overdue = list(
        OutboundCall.objects.filter(status=CallStatus.PENDING, next_attempt_at__lte=cutoff)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    with transaction.atomic():
        for call_id in overdue:
            _enqueue(call_id)
    return len(overdue)


def backlog() -> list[tuple[str, int, float | None]]:
    """For /metrics and ``accountlink status``: per kind, the pending calls and the oldest one's age."""
    now = timezone.now()
    rows = (
        OutboundCall.objects.filter(status=CallStatus.PENDING)
        .values("kind")
        .annotate(count=Count("id"), oldest=Min("created_at"))
        .order_by("kind")
    )
    pending = {row["kind"]: (row["count"], (now - row["oldest"]).total_seconds()) for row in rows}
    return [
        (kind, *pending.get(kind, (0, None)))  # every kind this platform sends, waiting or not
        for kind in sorted(platform_settings.OUTBOUND_SENDERS)
    ]
