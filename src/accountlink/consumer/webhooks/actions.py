"""Everything that changes webhook deliveries (STYLE rule 1): queue, attempt, retry, give up, replay.

Delivery is at least once. An attempt first claims the delivery under a row lock and leases it
(``next_attempt_at`` moves past the request's timeout), so a second worker or the sweep leaves it
alone while the request is under way; a worker that dies mid-attempt leaves a lease that runs out,
and the sweep queues the delivery again.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import requests
from django.db import transaction
from django.utils import timezone

from accountlink.consumer.oauth.models import Client, ClientOpenId
from accountlink.kit.audit.models import EventKind
from accountlink.kit.audit.record import record
from accountlink.kit.crypto import InvalidToken, open_sealed
from accountlink.kit.retry import next_delay
from accountlink.kit.webhooks import SIGNATURE_HEADER, sign

from .models import AUTHORIZATION_REMOVED, DeliveryStatus, RemovalReason, WebhookAttempt, WebhookDelivery

REQUEST_TIMEOUT_SECONDS = 5.0
# The first attempt runs in the request that made the change: an app that hangs must not hold the page.
FIRST_ATTEMPT_TIMEOUT_SECONDS = 2.0
# Connecting and reading each get the timeout; the lease covers both and some slack.
LEASE = timedelta(seconds=3 * REQUEST_TIMEOUT_SECONDS)
RETRY_WINDOW = timedelta(hours=72)
# A delivery this far past due has lost its task (a worker died, a task failed): queue it again.
# The worker polls every 0.1 s, so a few seconds late already means lost; a double is harmless.
SWEEP_GRACE = timedelta(seconds=5)
# Deliveries go before emails in the worker's queue: they are what makes an unlink reach the app.
PRIORITY = 10
SWEEP_BATCH = 500
USER_AGENT = "accountlink-webhooks/1.0"


def authorization_removed_body(*, client_key: str, open_id: str, reason: int, create_time: int) -> str:
    """The exact JSON of ``authorization.removed`` (DESIGN §7); ``content`` is itself a JSON string."""
    return json.dumps(
        {
            "client_key": client_key,
            "event": AUTHORIZATION_REMOVED,
            "create_time": create_time,
            "user_openid": open_id,
            "content": json.dumps({"reason": reason}),
        }
    )


def _enqueue(delivery_id: int, run_after: datetime | None = None) -> None:
    from .tasks import deliver_webhook

    if run_after is None:
        deliver_webhook.using(priority=PRIORITY).enqueue(delivery_id)
    else:
        deliver_webhook.using(priority=PRIORITY, run_after=run_after).enqueue(delivery_id)


def queue_authorization_removed(account: Any, client: Client, reason: RemovalReason) -> WebhookDelivery | None:
    """Tell the app that the account's authorization is gone. Runs inside the caller's transaction,
    so the delivery and its task are committed with the change or not at all. An app without a
    webhook URL is not told.

    The process that commits makes the first attempt itself, right after the commit, so the app
    hears of it at once even when many removals happen together; the task is the durable fallback
    (R9) and finds the delivery delivered, or makes the attempt the committing process never made.
    Not when the app itself revoked the grant: it is waiting on that request, and a call back to it
    from inside its own request could wait on the very server threads its revocations hold.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("queue_authorization_removed() runs inside the calling action's transaction.")
    if not client.webhook_url:
        return None
    open_id, _created = ClientOpenId.objects.get_or_create(account=account, client=client)
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        client=client,
        event=AUTHORIZATION_REMOVED,
        user_openid=open_id.value,
        reason=int(reason),
        body=authorization_removed_body(
            client_key=client.client_id, open_id=open_id.value, reason=int(reason), create_time=int(now.timestamp())
        ),
        created_at=now,
        next_attempt_at=now,
    )
    _enqueue(delivery.pk)
    if reason != RemovalReason.REVOKED_BY_CLIENT:
        transaction.on_commit(
            partial(do_deliver_webhook, delivery.pk, timeout=FIRST_ATTEMPT_TIMEOUT_SECONDS), robust=True
        )
    return delivery


@dataclass(frozen=True)
class _Claim:
    url: str
    sealed_secret: str
    body: str
    replay: bool


@dataclass(frozen=True)
class _Outcome:
    started_at: datetime
    duration_ms: int
    status_code: int | None
    error: str

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _claim(delivery_id: int) -> _Claim | None:
    """Take the delivery for one attempt if it is pending and due; lease it for the attempt."""
    with transaction.atomic(durable=True):
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("client")
            .filter(pk=delivery_id)
            .first()
        )
        now = timezone.now()
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return None
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return None  # not due yet, or another worker holds the lease
        delivery.next_attempt_at = now + LEASE
        delivery.save(update_fields=["next_attempt_at"])
        return _Claim(
            url=delivery.client.webhook_url,
            sealed_secret=delivery.client.client_secret,
            body=delivery.body,
            replay=delivery.replay_requested,
        )


def _post(claim: _Claim, timeout: float) -> _Outcome:
    """One HTTP attempt. The signature is made now, over the stored body's exact bytes."""
    started_at = timezone.now()
    clock = time.perf_counter()
    status_code: int | None = None
    error = ""
    try:
        if not claim.url:
            raise ValueError("The app has no webhook URL.")
        body = claim.body.encode()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(open_sealed(claim.sealed_secret), body),
            "User-Agent": USER_AGENT,
        }
        response = requests.post(claim.url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code} {response.reason or ''}".strip()
    except InvalidToken:
        error = "The app's secret cannot be opened with the configured encryption keys."
    except (requests.RequestException, ValueError) as failure:
        error = f"{type(failure).__name__}: {failure}"[:1000]
    duration_ms = max(0, round((time.perf_counter() - clock) * 1000))
    return _Outcome(started_at, duration_ms, status_code, error)


def _record(delivery_id: int, claim: _Claim, outcome: _Outcome) -> None:
    """Record the attempt; then delivered, or the next attempt scheduled, or given up after 72 hours."""
    with transaction.atomic(durable=True):
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            return
        WebhookAttempt.objects.create(
            delivery=delivery,
            started_at=outcome.started_at,
            duration_ms=outcome.duration_ms,
            status_code=outcome.status_code,
            error=outcome.error,
            succeeded=outcome.succeeded,
            replay=claim.replay,
        )
        delivery.attempts += 1
        delivery.last_status_code = outcome.status_code
        if claim.replay:
            delivery.replay_requested = False
        now = timezone.now()
        if outcome.succeeded:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
        elif delivery.status == DeliveryStatus.PENDING:
            retry_at = now + next_delay(delivery.attempts)
            if retry_at > delivery.created_at + RETRY_WINDOW:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = retry_at
                _enqueue(delivery.pk, run_after=retry_at)
        delivery.save()


def do_deliver_webhook(delivery_id: int, *, timeout: float = REQUEST_TIMEOUT_SECONDS) -> None:
    """One attempt at a delivery, if it is pending and due (the ``deliver_webhook`` task)."""
    claim = _claim(delivery_id)
    if claim is None:
        return
    outcome = _post(claim, timeout)
    _record(delivery_id, claim, outcome)


def do_replay_delivery(delivery: WebhookDelivery, *, actor: Any) -> None:
    """Staff send a delivery again, whatever became of it, as a new attempt now."""
    with transaction.atomic(durable=True):
        locked = WebhookDelivery.objects.select_for_update(of=("self",)).select_related("client").get(pk=delivery.pk)
        previous = locked.status
        locked.status = DeliveryStatus.PENDING
        locked.replay_requested = True
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["status", "replay_requested", "next_attempt_at"])
        record(
            EventKind.WEBHOOK_REPLAYED,
            account=None,
            actor=actor,
            delivery=locked.pk,
            client=locked.client.name,
            event=locked.event,
            reason=locked.reason,
            previous_status=previous,
        )
        _enqueue(locked.pk)
    delivery.refresh_from_db()


def requeue_overdue_deliveries() -> int:
    """Queue again the pending deliveries whose attempt is well past due (the ``sweep_deliveries`` task).

    Normally each delivery's own scheduled task runs it; this catches the ones whose task was lost.
    A delivery queued twice is attempted once: the attempt claims it first.
    """
    cutoff = timezone.now() - SWEEP_GRACE
    overdue = list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=cutoff)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    with transaction.atomic():
        for delivery_id in overdue:
            _enqueue(delivery_id)
    return len(overdue)
