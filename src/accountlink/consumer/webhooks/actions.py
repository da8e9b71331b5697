"""Webhooks Loop sends to its apps (DESIGN §7), as outbound calls of kind ``webhook`` (kit.outbound).

This module says what a webhook is (its body, fixed when the event happens) and how one is sent (a
fresh signature over the stored bytes at every attempt); queueing, leases, retries, the attempt log,
giving up after 72 hours and replay are kit.outbound's, shared with the business platform's revocations.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import requests
from django.db import transaction
from django.utils import timezone

from accountlink.consumer.oauth.models import Client, ClientOpenId
from accountlink.kit.audit.models import EventKind
from accountlink.kit.audit.record import record
from accountlink.kit.crypto import InvalidToken, open_sealed
from accountlink.kit.outbound import actions as outbound
from accountlink.kit.outbound.actions import CallFailed
from accountlink.kit.outbound.models import OutboundCall
from accountlink.kit.requestid import HEADER as REQUEST_ID_HEADER
from accountlink.kit.transactions import in_callers_transaction
from accountlink.kit.webhooks import SIGNATURE_HEADER, sign

from .models import AUTHORIZATION_REMOVED, TEST_EVENT, RemovalReason, WebhookDelivery

KIND = "webhook"
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


@in_callers_transaction
def do_queue_authorization_removed(account: Any, client: Client, reason: RemovalReason) -> WebhookDelivery | None:
    """Tell the app that the account's authorization is gone. Runs inside the caller's transaction,
    so the delivery and its task are committed with the change or not at all. An app without a
    webhook URL is not told.

    The process that commits makes the first attempt itself, right after the commit (kit.outbound).
    Not when the app itself revoked the grant: it is waiting on that request, and a call back to it
    from inside its own request could wait on the very server threads its revocations hold.
    """
    if not client.webhook_url:
        return None
    open_id, _created = ClientOpenId.objects.get_or_create(account=account, client=client)
    now = timezone.now()
    call = outbound.queue_call(KIND, attempt_now=reason != RemovalReason.REVOKED_BY_CLIENT)
    return WebhookDelivery.objects.create(
        call=call,
        client=client,
        event=AUTHORIZATION_REMOVED,
        user_openid=open_id.value,
        reason=int(reason),
        body=authorization_removed_body(
            client_key=client.client_id, open_id=open_id.value, reason=int(reason), create_time=int(now.timestamp())
        ),
        created_at=now,
    )


def test_event_body(*, client_key: str, create_time: int) -> str:
    """A test event in the shape of every webhook (DESIGN §7), as TikTok's portal sends one from its
    Webhooks tab: an example ``user_openid`` that names no account, and ``content`` a JSON string."""
    return json.dumps(
        {
            "client_key": client_key,
            "event": TEST_EVENT,
            "create_time": create_time,
            "user_openid": "test." + secrets.token_urlsafe(12),
            "content": json.dumps({"message": "This is a test event from Loop for Developers."}),
        }
    )


def do_queue_test_webhook(client: Client, *, actor: Any) -> WebhookDelivery | None:
    """The app's developer asks for a test event: a signed delivery to its webhook URL, made like
    every other one (attempts, retries, replay). None when the app has no webhook URL."""
    with transaction.atomic(durable=True):
        client = Client.objects.select_for_update().get(pk=client.pk)
        if not client.webhook_url:
            return None
        now = timezone.now()
        call = outbound.queue_call(KIND)
        body = test_event_body(client_key=client.client_id, create_time=int(now.timestamp()))
        delivery = WebhookDelivery.objects.create(
            call=call,
            client=client,
            event=TEST_EVENT,
            user_openid=json.loads(body)["user_openid"],
            reason=None,
            body=body,
            created_at=now,
        )
        record(
            EventKind.WEBHOOK_TEST_QUEUED,
            account=client.owner,
            actor=actor,
            client=client.name,
            client_key=client.client_id,
            delivery=delivery.pk,
        )
        return delivery


def send_delivery(call: OutboundCall, timeout: float) -> int:
    """The sender of ``webhook`` calls: POST the stored body, signed now, to the app's webhook URL."""
    delivery = WebhookDelivery.objects.select_related("client").get(call=call)
    if not delivery.client.webhook_url:
        raise CallFailed("The app has no webhook URL.")
    try:
        secret = open_sealed(delivery.client.client_secret)
    except InvalidToken:
        raise CallFailed("The app's secret cannot be opened with the configured encryption keys.") from None
    body = delivery.body.encode()
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, body), "User-Agent": USER_AGENT}
    if call.request_id:
        headers[REQUEST_ID_HEADER] = call.request_id
    try:
        response = requests.post(
            delivery.client.webhook_url, data=body, headers=headers, timeout=timeout, allow_redirects=False
        )
    except (requests.RequestException, ValueError) as failure:
        raise CallFailed(f"{type(failure).__name__}: {failure}") from None
    if not 200 <= response.status_code < 300:
        raise CallFailed(f"HTTP {response.status_code} {response.reason or ''}".strip(), response.status_code)
    return response.status_code


def do_replay_delivery(delivery: WebhookDelivery, *, actor: Any, account: Any = None) -> None:
    """Staff, or the app's developer, send a delivery again, whatever became of it, as a new attempt
    now. ``account``: whose Security activity shows it (the developer's, when they replay it)."""
    outbound.do_replay_call(
        delivery.call,
        actor=actor,
        account=account,
        delivery=delivery.pk,
        client=delivery.client.name,
        event=delivery.event,
        reason=delivery.reason,
    )
