"""Webhooks Loop sends to its apps (DESIGN §7): payload, signature, retries, the sweep, staff pages."""

from __future__ import annotations

import itertools
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
import requests
import time_machine
from django.conf import settings
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from accountlink.consumer.oauth.registration import do_register_client
from accountlink.consumer.webhooks.actions import do_queue_authorization_removed
from accountlink.consumer.webhooks.models import RemovalReason, WebhookDelivery
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.housekeeping.tasks import prune
from accountlink.kit.outbound.actions import (
    FIRST_ATTEMPT_TIMEOUT_SECONDS,
    LEASE,
    REQUEST_TIMEOUT_SECONDS,
    RETRY_WINDOW,
    SWEEP_GRACE,
    do_attempt_call,
    do_requeue_overdue_calls,
)
from accountlink.kit.outbound.models import OutboundCall
from accountlink.kit.outbound.tasks import make_call, sweep_calls
from accountlink.kit.webhooks import SIGNATURE_HEADER, verify
from accountlink.kit.worker import requeue_abandoned_tasks
from tests.consumer.oauth_helpers import (
    REDIRECT_URI,
    consent,
    exchange,
    issue_tokens,
    refresh,
    register,
    revoke,
)
from tests.consumer.webhook_helpers import WEBHOOK_URL, reason_of
from tests.staff_helpers import staff_client

pytestmark = pytest.mark.django_db

START = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def queue(account: Any, client: Any, reason: RemovalReason = RemovalReason.HOLDER_REMOVED_ACCESS) -> WebhookDelivery:
    with transaction.atomic():
        delivery = do_queue_authorization_removed(account, client, reason)
    assert delivery is not None
    return delivery


@pytest.fixture
def registered_app(loop_account: Any) -> Any:
    return register()


# -- what is sent ------------------------------------------------------------------------------


def test_the_webhook_is_tiktoks_authorization_removed_signed_with_the_client_secret(
    loop_account: Any, registered_app: Any, webhook_endpoint: Any, run_tasks: Any
) -> None:
    with time_machine.travel(START, tick=False):
        delivery = queue(loop_account, registered_app.client)
        run_tasks()

        [request] = webhook_endpoint.requests
        assert request.method == "POST" and request.url == WEBHOOK_URL
        assert request.headers["Content-Type"] == "application/json"
        assert verify(registered_app.client_secret, request.body, request.headers[SIGNATURE_HEADER]) == int(
            START.timestamp()
        )
    assert request.body == delivery.body.encode()
    open_id = loop_account.open_ids.get(client=registered_app.client).value
    assert json.loads(request.body) == {
        "client_key": registered_app.client.client_id,
        "event": "authorization.removed",
        "create_time": int(START.timestamp()),
        "user_openid": open_id,
        "content": '{"reason": 1}',
    }
    delivery.refresh_from_db()
    assert delivery.call.status == "done" and delivery.call.attempts == 1 and delivery.call.last_status_code == 200
    assert delivery.call.done_at == START


def test_a_signature_made_with_another_secret_is_refused(
    loop_account: Any, registered_app: Any, webhook_endpoint: Any, run_tasks: Any
) -> None:
    from accountlink.kit.errors import CodedError

    queue(loop_account, registered_app.client)
    run_tasks()
    [request] = webhook_endpoint.requests
    with pytest.raises(CodedError):
        verify("not-the-client-secret", request.body, request.headers[SIGNATURE_HEADER])


def test_each_attempt_is_signed_when_it_is_sent(
    loop_account: Any, registered_app: Any, webhook_endpoint: Any, run_tasks: Any
) -> None:
    webhook_endpoint.answer(503)
    with time_machine.travel(START, tick=False) as clock:
        delivery = queue(loop_account, registered_app.client)
        run_tasks()
        delivery.refresh_from_db()
        assert delivery.call.next_attempt_at is not None
        clock.move_to(delivery.call.next_attempt_at + timedelta(minutes=10))
        webhook_endpoint.answer(200)
        run_tasks()
        first, second = webhook_endpoint.requests
        assert first.body == second.body
        assert first.headers[SIGNATURE_HEADER] != second.headers[SIGNATURE_HEADER]
        assert (
            verify(registered_app.client_secret, second.body, second.headers[SIGNATURE_HEADER])
            >= START.timestamp() + 600
        )


def test_an_app_without_a_webhook_url_gets_no_delivery(loop_account: Any) -> None:
    quiet = do_register_client(name="Quiet", redirect_uris=[REDIRECT_URI], webhook_url="", scopes=["user.info.basic"])
    with transaction.atomic():
        assert do_queue_authorization_removed(loop_account, quiet.client, RemovalReason.UNKNOWN) is None
    assert WebhookDelivery.objects.count() == 0


# -- retries -----------------------------------------------------------------------------------


def test_a_failed_attempt_is_recorded_and_retried_with_backoff_until_delivered(
    loop_account: Any, registered_app: Any, webhook_endpoint: Any, run_tasks: Any
) -> None:
    webhook_endpoint.answer(500)
    with time_machine.travel(START, tick=False) as clock:
        delivery = queue(loop_account, registered_app.client)
        run_tasks()

        delivery.refresh_from_db()
        [attempt] = delivery.call.attempt_log.all()
        assert attempt.status_code == 500 and not attempt.succeeded
        assert "500" in attempt.error and attempt.duration_ms >= 0 and attempt.started_at == START
        assert (
            delivery.call.status == "pending" and delivery.call.attempts == 1 and delivery.call.last_status_code == 500
        )
        first_retry = delivery.call.next_attempt_at
        assert first_retry is not None
        assert START + timedelta(seconds=0.5) <= first_retry <= START + timedelta(seconds=1)
        assert DBTaskResult.objects.filter(
            task_path="accountlink.kit.outbound.tasks.make_call", status="READY", run_after=first_retry
        ).exists()

        run_tasks()  # not due yet
        assert len(webhook_endpoint.requests) == 1

        clock.move_to(first_retry)
        run_tasks()
        delivery.refresh_from_db()
        assert delivery.call.attempts == 2 and delivery.call.status == "pending"
        assert delivery.call.next_attempt_at is not None
        assert first_retry + timedelta(seconds=1) <= delivery.call.next_attempt_at <= first_retry + timedelta(seconds=2)

        webhook_endpoint.answer(204)  # the endpoint is back
        clock.move_to(delivery.call.next_attempt_at)
        run_tasks()

    delivery.refresh_from_db()
    assert delivery.call.status == "done" and delivery.call.attempts == 3 and delivery.call.last_status_code == 204
    assert delivery.call.next_attempt_at is None
    assert [a.status_code for a in delivery.call.attempt_log.all()] == [500, 500, 204]
    assert [a.succeeded for a in delivery.call.attempt_log.all()] == [False, False, True]
    assert len(webhook_endpoint.requests) == 3


def test_an_unreachable_endpoint_is_an_attempt_with_an_error_and_no_response_code(
    loop_account: Any, registered_app: Any, run_tasks: Any
) -> None:
    delivery = queue(loop_account, registered_app.client)  # nothing answers at the webhook URL
    run_tasks()
    delivery.refresh_from_db()
    [attempt] = delivery.call.attempt_log.all()
    assert attempt.status_code is None and "ConnectionError" in attempt.error
    assert delivery.call.status == "pending" and delivery.call.attempts == 1


def test_a_timeout_is_an_attempt_with_an_error(
    loop_account: Any, registered_app: Any, webhook_endpoint: Any, run_tasks: Any
) -> None:
    webhook_endpoint.fail_with(requests.ReadTimeout("read timed out"))
    delivery = queue(loop_account, registered_app.client)
    run_tasks()
    [attempt] = delivery.call.attempt_log.all()
    assert "ReadTimeout" in attempt.error and not attempt.succeeded


def test_a_redirect_is_not_followed(
    loop_account: Any, registered_app: Any, webhook_endpoint: Any, run_tasks: Any
) -> None:
    webhook_endpoint.answer(302)
    delivery = queue(loop_account, registered_app.client)
    run_tasks()
    delivery.refresh_from_db()
    assert delivery.call.status == "pending" and delivery.call.last_status_code == 302
    assert len(webhook_endpoint.requests) == 1


def test_a_delivery_gives_up_after_72_hours(
    loop_account: Any, registered_app: Any, webhook_endpoint: Any, run_tasks: Any
) -> None:
    webhook_endpoint.answer(500)
    with time_machine.travel(START, tick=False) as clock:
        delivery = queue(loop_account, registered_app.client)
        run_tasks()
        for _ in range(400):
            delivery.refresh_from_db()
            if delivery.call.status != "pending":
                break
            assert delivery.call.next_attempt_at is not None
            clock.move_to(delivery.call.next_attempt_at)
            run_tasks()
        assert delivery.call.status == "given_up" and delivery.call.next_attempt_at is None

        attempts = list(delivery.call.attempt_log.all())
        assert len(attempts) == delivery.call.attempts
        assert START + RETRY_WINDOW - timedelta(hours=1) < attempts[-1].started_at <= START + RETRY_WINDOW
        waits = [later.started_at - earlier.started_at for earlier, later in itertools.pairwise(attempts)]
        assert waits[0] <= timedelta(seconds=1) and max(waits) <= timedelta(hours=1)

        clock.move_to(START + timedelta(days=5))
        sweep_calls.enqueue()
        run_tasks()
    assert WebhookDelivery.objects.get().call.attempts == len(attempts)  # nothing more is tried


# -- the sweep ---------------------------------------------------------------------------------


def test_the_sweep_is_the_periodic_task_the_settings_name() -> None:
    assert [import_string(path) for path in settings.ACCOUNTLINK_PERIODIC_TASKS] == [
        sweep_calls,
        requeue_abandoned_tasks,
        prune,
    ]


def test_the_sweep_requeues_a_delivery_whose_worker_died_mid_attempt(
    loop_account: Any, registered_app: Any, webhook_endpoint: Any, run_tasks: Any
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        delivery = queue(loop_account, registered_app.client)
        # The worker is killed while the app is being called: the attempt is never recorded.
        killed = mock.patch("accountlink.kit.outbound.actions._record", side_effect=SystemExit("killed"))
        with killed, pytest.raises(SystemExit):
            do_attempt_call(delivery.call_id)
        DBTaskResult.objects.all().delete()  # and its task went with it
        delivery.refresh_from_db()
        assert delivery.call.status == "pending" and delivery.call.attempts == 0
        assert delivery.call.next_attempt_at == START + LEASE  # leased to the attempt that never finished

        webhook_endpoint.answer(200)
        clock.move_to(START + LEASE)
        sweep_calls.enqueue()
        run_tasks()
        assert len(webhook_endpoint.requests) == 1  # within the grace, the sweep waits

        clock.move_to(START + LEASE + SWEEP_GRACE)
        sweep_calls.enqueue()
        run_tasks()
    delivery.refresh_from_db()
    assert delivery.call.status == "done" and delivery.call.attempts == 1


def test_the_sweep_requeues_a_delivery_whose_task_was_lost(
    loop_account: Any, registered_app: Any, webhook_endpoint: Any, run_tasks: Any
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        delivery = queue(loop_account, registered_app.client)
        DBTaskResult.objects.filter(task_path__endswith="make_call").delete()
        run_tasks()
        assert webhook_endpoint.requests == []

        clock.move_to(START + SWEEP_GRACE)
        assert do_requeue_overdue_calls() == 1
        run_tasks()
    delivery.refresh_from_db()
    assert delivery.call.status == "done"


def test_the_sweep_leaves_deliveries_that_are_not_due_or_are_done(
    loop_account: Any, registered_app: Any, make_loop_account: Any, webhook_endpoint: Any, run_tasks: Any
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        queue(loop_account, registered_app.client)
        run_tasks()  # delivered
        webhook_endpoint.answer(500)
        queue(make_loop_account(), registered_app.client)
        run_tasks()  # retry in about a second: its own task is queued for then
        clock.move_to(START + SWEEP_GRACE)
        assert do_requeue_overdue_calls() == 0


def test_a_delivery_queued_twice_is_sent_once(
    loop_account: Any, registered_app: Any, webhook_endpoint: Any, run_tasks: Any
) -> None:
    delivery = queue(loop_account, registered_app.client)
    make_call.enqueue(delivery.call_id)
    make_call.enqueue(delivery.call_id)
    run_tasks()
    assert len(webhook_endpoint.requests) == 1
    assert WebhookDelivery.objects.get().call.attempts == 1


# -- the first attempt, right after the commit ------------------------------------------------


def test_right_after_the_commit_the_committing_process_delivers_and_the_task_finds_it_delivered(
    loop_account: Any,
    registered_app: Any,
    webhook_endpoint: Any,
    run_tasks: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        delivery = queue(loop_account, registered_app.client)

    delivery.refresh_from_db()
    assert delivery.call.status == "done" and delivery.call.attempts == 1
    assert len(webhook_endpoint.requests) == 1
    run_tasks()  # the queued task is the fallback: nothing more is sent
    assert len(webhook_endpoint.requests) == 1
    assert WebhookDelivery.objects.get().call.attempts == 1


def test_when_the_app_revoked_the_grant_itself_only_the_worker_tells_it(
    loop_account: Any,
    registered_app: Any,
    webhook_endpoint: Any,
    run_tasks: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # The app is waiting on its revocation request: calling it back from inside that request could
    # wait on the server threads its own revocations hold.
    with django_capture_on_commit_callbacks(execute=True):
        delivery = queue(loop_account, registered_app.client, RemovalReason.REVOKED_BY_CLIENT)
    assert webhook_endpoint.requests == []
    run_tasks()
    delivery.refresh_from_db()
    assert delivery.call.status == "done" and len(webhook_endpoint.requests) == 1


def test_a_failed_first_attempt_is_recorded_and_the_worker_retries_it(
    loop_account: Any,
    registered_app: Any,
    webhook_endpoint: Any,
    run_tasks: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    webhook_endpoint.answer(503)
    with time_machine.travel(START, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            delivery = queue(loop_account, registered_app.client)
        delivery.refresh_from_db()
        assert (
            delivery.call.status == "pending" and delivery.call.attempts == 1 and delivery.call.last_status_code == 503
        )
        run_tasks()  # the first task finds the retry not due yet
        assert len(webhook_endpoint.requests) == 1

        webhook_endpoint.answer(200)
        assert delivery.call.next_attempt_at is not None
        clock.move_to(delivery.call.next_attempt_at)
        run_tasks()

    delivery.refresh_from_db()
    assert delivery.call.status == "done" and delivery.call.attempts == 2


def test_the_first_attempt_waits_less_than_the_workers_for_a_slow_app(
    loop_account: Any, registered_app: Any, webhook_endpoint: Any, django_capture_on_commit_callbacks: Any
) -> None:
    webhook_endpoint.fail_with(requests.ReadTimeout("read timed out"))
    with django_capture_on_commit_callbacks(execute=True):
        queue(loop_account, registered_app.client)
    [sent] = webhook_endpoint.requests
    assert sent.req_kwargs["timeout"] == FIRST_ATTEMPT_TIMEOUT_SECONDS < REQUEST_TIMEOUT_SECONDS


# -- the app revoked the grant: reason 5 -------------------------------------------------------


def deliveries() -> list[tuple[str, int]]:
    return list(WebhookDelivery.objects.order_by("pk").values_list("client__name", "reason"))


def test_revoking_a_token_tells_the_app_with_reason_5(
    browser: HttpClient, registered_app: Any, webhook_endpoint: Any, run_tasks: Any
) -> None:
    tokens = issue_tokens(browser, registered_app)
    revoke(registered_app, tokens["access_token"])
    assert deliveries() == [("Loop for Business", 5)]
    run_tasks()
    [request] = webhook_endpoint.requests
    assert reason_of(webhook_endpoint.verified_payload(request, registered_app.client_secret)) == 5


def test_revoking_one_of_two_grants_tells_the_app_nothing(browser: HttpClient, registered_app: Any) -> None:
    first = issue_tokens(browser, registered_app)
    second = issue_tokens(browser, registered_app)
    revoke(registered_app, first["refresh_token"])
    assert deliveries() == []
    revoke(registered_app, second["refresh_token"])
    assert deliveries() == [("Loop for Business", 5)]


def test_refresh_token_reuse_tells_the_app_with_reason_0(browser: HttpClient, registered_app: Any) -> None:
    """Loop's replay defence ended the grant, not the developer: reason 0 (unknown), not 5 (issue 16)."""
    tokens = issue_tokens(browser, registered_app)
    assert refresh(registered_app, tokens["refresh_token"]).status_code == 200
    assert refresh(registered_app, tokens["refresh_token"]).status_code == 400  # reused: the whole grant is revoked
    assert deliveries() == [("Loop for Business", 0)]


def test_a_replayed_authorization_code_tells_the_app_with_reason_0(browser: HttpClient, registered_app: Any) -> None:
    auth, query = consent(browser, registered_app)
    assert exchange(HttpClient(), registered_app, query["code"], auth.verifier).status_code == 200
    assert exchange(HttpClient(), registered_app, query["code"], auth.verifier).status_code == 400
    assert deliveries() == [("Loop for Business", 0)]


# -- staff pages -------------------------------------------------------------------------------


def test_staff_pages_ask_anonymous_visitors_to_log_in(
    client: HttpClient, loop_account: Any, registered_app: Any
) -> None:
    delivery = queue(loop_account, registered_app.client)
    for response in (
        client.get(reverse("loop:staff_webhooks")),
        client.get(reverse("loop:staff_webhook", args=[delivery.pk])),
        client.post(reverse("loop:staff_webhook_replay", args=[delivery.pk])),
    ):
        assert response.status_code == 302 and response["Location"].startswith(reverse("loop:login"))


def test_staff_pages_are_forbidden_to_account_holders(
    browser: HttpClient, loop_account: Any, registered_app: Any
) -> None:
    delivery = queue(loop_account, registered_app.client)
    assert browser.get(reverse("loop:staff_webhooks")).status_code == 403
    assert browser.get(reverse("loop:staff_webhook", args=[delivery.pk])).status_code == 403
    assert browser.post(reverse("loop:staff_webhook_replay", args=[delivery.pk])).status_code == 403
    assert not AuditEvent.objects.filter(kind=EventKind.OUTBOUND_REPLAYED).exists()
    assert "This page is for support staff only." in browser.get(reverse("loop:staff_webhooks")).content.decode()


def test_staff_see_deliveries_newest_first(
    agent: Any, loop_account: Any, make_loop_account: Any, registered_app: Any, run_tasks: Any, webhook_endpoint: Any
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        older = queue(loop_account, registered_app.client, RemovalReason.ACCOUNT_SUSPENDED)
        run_tasks()
        clock.move_to(START + timedelta(hours=1))
        newer = queue(make_loop_account(), registered_app.client, RemovalReason.AGE_CHANGED)

    page = staff_client(agent).get(reverse("loop:staff_webhooks")).content.decode()

    assert re.findall(r'data-delivery="(\d+)"', page) == [str(newer.pk), str(older.pk)]
    newer_row = page[page.index(f'data-delivery="{newer.pk}"') : page.index(f'data-delivery="{older.pk}"')]
    older_row = page[page.index(f'data-delivery="{older.pk}"') :]
    for row in (newer_row, older_row):
        assert "Loop for Business" in row and "authorization.removed" in row
    assert "3 · The account holder&#x27;s age changed" in newer_row and 'data-status="pending"' in newer_row
    assert "4 · The account was suspended" in older_row and 'data-status="done"' in older_row
    assert re.search(r'data-label="Attempts">1<', older_row) and re.search(r'data-label="Attempts">0<', newer_row)


def test_staff_see_the_payload_and_every_attempt(
    agent: Any, loop_account: Any, registered_app: Any, run_tasks: Any, webhook_endpoint: Any
) -> None:
    webhook_endpoint.answer(500)
    with time_machine.travel(START, tick=False):
        delivery = queue(loop_account, registered_app.client)
        run_tasks()

    page = staff_client(agent).get(reverse("loop:staff_webhook", args=[delivery.pk])).content.decode()

    assert delivery.user_openid in page and WEBHOOK_URL in page
    assert "&quot;event&quot;: &quot;authorization.removed&quot;" in page
    assert "&quot;content&quot;: &quot;{\\&quot;reason\\&quot;: 1}&quot;" in page
    assert 'data-succeeded="false"' in page
    assert re.search(r'data-label="Response code">500<', page)
    assert "HTTP 500" in page and " ms<" in page
    assert ">Replay</button>" in page


def test_replay_needs_the_csrf_token(agent: Any, loop_account: Any, registered_app: Any) -> None:
    delivery = queue(loop_account, registered_app.client)
    response = staff_client(agent, csrf=True).post(reverse("loop:staff_webhook_replay", args=[delivery.pk]))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(kind=EventKind.OUTBOUND_REPLAYED).exists()


def test_staff_replay_a_failed_delivery_as_a_new_audited_attempt(
    agent: Any, loop_account: Any, registered_app: Any, run_tasks: Any, webhook_endpoint: Any
) -> None:
    webhook_endpoint.answer(500)
    with time_machine.travel(START, tick=False) as clock:
        delivery = queue(loop_account, registered_app.client)
        run_tasks()
        OutboundCall.objects.filter(pk=delivery.call_id).update(status="given_up", next_attempt_at=None)
        clock.move_to(START + timedelta(days=4))
        webhook_endpoint.answer(200)
        browser = staff_client(agent, csrf=True)
        detail = browser.get(reverse("loop:staff_webhook", args=[delivery.pk])).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', detail)
        assert token is not None

        response = browser.post(
            reverse("loop:staff_webhook_replay", args=[delivery.pk]),
            {"csrfmiddlewaretoken": token.group(1)},
            follow=True,
        )
        assert "The delivery was queued to be sent again." in response.content.decode()
        run_tasks()

        [_first, replayed] = webhook_endpoint.requests
        assert verify(registered_app.client_secret, replayed.body, replayed.headers[SIGNATURE_HEADER]) == int(
            (START + timedelta(days=4)).timestamp()
        )
        page = browser.get(reverse("loop:staff_webhook", args=[delivery.pk])).content.decode()
    assert "· replay</td>" in page and 'data-status="done"' in page
    delivery.refresh_from_db()
    assert delivery.call.status == "done" and delivery.call.attempts == 2
    assert [a.replay for a in delivery.call.attempt_log.all()] == [False, True]
    event = AuditEvent.objects.get(kind=EventKind.OUTBOUND_REPLAYED)
    assert event.actor == agent
    assert event.data["delivery"] == delivery.pk and event.data["previous_status"] == "given_up"


def test_staff_can_replay_a_delivered_delivery(
    agent: Any, loop_account: Any, registered_app: Any, run_tasks: Any, webhook_endpoint: Any
) -> None:
    delivery = queue(loop_account, registered_app.client)
    run_tasks()
    staff_client(agent).post(reverse("loop:staff_webhook_replay", args=[delivery.pk]))
    run_tasks()
    first, second = webhook_endpoint.requests
    assert first.body == second.body
    delivery.refresh_from_db()
    assert delivery.call.status == "done" and delivery.call.attempts == 2


def test_an_unknown_delivery_is_not_found(agent: Any) -> None:
    assert staff_client(agent).get(reverse("loop:staff_webhook", args=[999])).status_code == 404
