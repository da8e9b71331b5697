"""After an unlink the grant is revoked at Loop (RFC 7009) by a durable, retried task (R2, R9)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import responses
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking import provider
from accountlink.business.linking.models import LoopLink, LoopRevocation
from accountlink.kit.outbound.actions import FIRST_ATTEMPT_TIMEOUT_SECONDS, SWEEP_GRACE
from accountlink.kit.outbound.tasks import sweep_calls
from tests.business.fake_loop import LOOP, FakeLoop, LoopPerson, live_access_tokens, live_refresh_tokens
from tests.business.pages import PERSONAL, SAKURA_EMAIL, code_sent_to, confirm, send_code

pytestmark = pytest.mark.django_db

REVOKE_TASK = "accountlink.kit.outbound.tasks.make_call"


def grant_tokens(fake_loop: FakeLoop, person: LoopPerson) -> tuple[str, str]:
    (access,) = live_access_tokens(fake_loop, person)
    (refresh,) = live_refresh_tokens(fake_loop, person)
    return access, refresh


def unlink_over_http(client: Any, outbox: Any, run_tasks: Any) -> Any:
    """The dialog; the worker runs only the code message (the revocation stays queued)."""
    send_code(client, "email")
    code = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)
    return confirm(client, code, follow=True)


def queued_revocations(**filters: Any) -> Any:
    return DBTaskResult.objects.filter(task_path=REVOKE_TASK, **filters)


def test_the_unlink_queues_the_revocation_with_the_link_ending(
    linked_browser: Any,
    business_account: BusinessAccount,
    fake_loop: FakeLoop,
    sakura: LoopPerson,
    outbox: Any,
    run_tasks: Any,
) -> None:
    access, refresh = grant_tokens(fake_loop, sakura)
    send_code(linked_browser, "email")
    code = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)

    confirm(linked_browser, code)

    assert not LoopLink.objects.filter(account=business_account).exists()
    (revocation,) = LoopRevocation.objects.all()
    assert (revocation.reason, revocation.open_id, revocation.call.done_at) == (
        "unlinked_by_holder",
        "open-sakura",
        None,
    )
    assert revocation.token == refresh
    assert refresh not in revocation.sealed_token  # sealed at rest like the link's
    (task,) = queued_revocations(status="READY")
    assert task.args_kwargs["args"] == [revocation.call_id]
    # Nothing was committed here (the test's transaction), so nothing ran after a commit: the
    # grant stays live until the worker runs the task.
    assert fake_loop.revoked == []
    assert fake_loop.is_active(refresh) and fake_loop.is_active(access)


def test_right_after_the_commit_the_request_itself_revokes_the_grant_and_the_task_finds_it_done(
    linked_browser: Any,
    fake_loop: FakeLoop,
    sakura: LoopPerson,
    outbox: Any,
    run_tasks: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    access, refresh = grant_tokens(fake_loop, sakura)
    send_code(linked_browser, "email")
    code = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(linked_browser, code)

    assert response.status_code == 302
    # The grant was dead before the page answered.
    assert fake_loop.revoked == [refresh]
    assert not fake_loop.is_active(refresh) and not fake_loop.is_active(access)
    revocation = LoopRevocation.objects.get()
    assert revocation.call.done_at is not None and revocation.call.attempts == 1
    run_tasks()  # the durable fallback runs and does not call Loop again
    assert fake_loop.revoked == [refresh]
    assert queued_revocations(status="SUCCESSFUL").count() == 1


def test_with_loop_down_the_requests_attempt_is_recorded_and_the_worker_retries_later(
    linked_browser: Any,
    business_account: BusinessAccount,
    fake_loop: FakeLoop,
    sakura: LoopPerson,
    outbox: Any,
    run_tasks: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _access, refresh = grant_tokens(fake_loop, sakura)
    send_code(linked_browser, "email")
    code = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fake_loop.down = True
        with django_capture_on_commit_callbacks(execute=True):
            response = confirm(linked_browser, code, follow=True)

        assert response.redirect_chain == [(PERSONAL, 302)]
        assert not LoopLink.objects.filter(account=business_account).exists()
        revocation = LoopRevocation.objects.get()
        assert (
            revocation.call.attempts == 1
            and revocation.call.done_at is None
            and "Loop is down" in revocation.call.last_error
        )
        run_tasks()  # the first task finds the retry not due yet
        revocation.refresh_from_db()
        assert revocation.call.attempts == 1

        fake_loop.down = False
        clock.move_to(revocation.call.next_attempt_at)
        run_tasks()

    revocation.refresh_from_db()
    assert revocation.call.done_at is not None and revocation.call.attempts == 2
    assert fake_loop.revoked == [refresh]


def test_the_worker_revokes_the_whole_grant_at_loop(
    linked_browser: Any, fake_loop: FakeLoop, sakura: LoopPerson, outbox: Any, run_tasks: Any
) -> None:
    access, refresh = grant_tokens(fake_loop, sakura)
    unlink_over_http(linked_browser, outbox, run_tasks)

    run_tasks()

    assert fake_loop.revoked == [refresh]
    # R2: every token of the grant introspects inactive, the access token too.
    assert provider.introspect(refresh) is False
    assert provider.introspect(access) is False
    assert fake_loop.live_grants(sakura) == set()
    revocation = LoopRevocation.objects.get()
    assert revocation.call.done_at is not None and revocation.call.attempts == 1 and revocation.call.last_error == ""
    assert queued_revocations(status="SUCCESSFUL").count() == 1


def test_with_loop_down_the_link_ends_and_the_revocation_is_retried_with_backoff_until_loop_is_back(
    linked_browser: Any,
    business_account: BusinessAccount,
    fake_loop: FakeLoop,
    sakura: LoopPerson,
    outbox: Any,
    run_tasks: Any,
) -> None:
    access, refresh = grant_tokens(fake_loop, sakura)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fake_loop.down = True

        response = unlink_over_http(linked_browser, outbox, run_tasks)

        assert response.redirect_chain == [(PERSONAL, 302)]
        assert "Your Loop account @sakura is no longer linked." in response.content.decode()
        assert not LoopLink.objects.filter(account=business_account).exists()
        revocation = LoopRevocation.objects.get()
        assert revocation.call.attempts == 0

        run_tasks()
        revocation.refresh_from_db()
        assert revocation.call.attempts == 1 and revocation.call.done_at is None
        assert "Loop is down" in revocation.call.last_error
        first_retry = revocation.call.next_attempt_at
        assert start + timedelta(seconds=0.5) <= first_retry <= start + timedelta(seconds=1)
        assert queued_revocations(status="READY", run_after=first_retry).exists()

        run_tasks()  # not due yet: nothing happens
        revocation.refresh_from_db()
        assert revocation.call.attempts == 1

        clock.move_to(first_retry)
        run_tasks()
        revocation.refresh_from_db()
        assert revocation.call.attempts == 2 and revocation.call.done_at is None
        second_retry = revocation.call.next_attempt_at
        assert first_retry + timedelta(seconds=1) <= second_retry <= first_retry + timedelta(seconds=2)

        clock.move_to(second_retry)
        run_tasks()
        revocation.refresh_from_db()
        assert revocation.call.attempts == 3 and revocation.call.done_at is None
        third_retry = revocation.call.next_attempt_at
        assert second_retry + timedelta(seconds=2) <= third_retry <= second_retry + timedelta(seconds=4)
        assert fake_loop.is_active(refresh)  # Loop never heard of it

        fake_loop.down = False  # Loop is back
        clock.move_to(third_retry)
        run_tasks()

    revocation.refresh_from_db()
    assert revocation.call.done_at is not None and revocation.call.attempts == 4 and revocation.call.last_error == ""
    assert fake_loop.revoked == [refresh]
    assert not fake_loop.is_active(refresh) and not fake_loop.is_active(access)
    assert not queued_revocations(status="READY").exists()


def test_the_requests_attempt_waits_less_for_loop_than_the_workers(
    linked_browser: Any,
    fake_loop: FakeLoop,
    sakura: LoopPerson,
    outbox: Any,
    run_tasks: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    send_code(linked_browser, "email")
    code = code_sent_to(outbox, run_tasks, SAKURA_EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(linked_browser, code)
    [call] = [call for call in fake_loop.mock.calls if call.request.url == f"{LOOP}/v2/oauth/revoke/"]
    assert call.request.req_kwargs["timeout"] == FIRST_ATTEMPT_TIMEOUT_SECONDS < provider.TIMEOUT_SECONDS


def test_a_refusal_from_loop_is_retried_too(
    linked_browser: Any, fake_loop: FakeLoop, sakura: LoopPerson, outbox: Any, run_tasks: Any
) -> None:
    _access, refresh = grant_tokens(fake_loop, sakura)
    error = json.dumps({"error": "temporarily_unavailable", "error_description": "", "log_id": "x"})
    fake_loop.mock.replace(responses.POST, f"{LOOP}/v2/oauth/revoke/", body=error, status=400)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        unlink_over_http(linked_browser, outbox, run_tasks)
        run_tasks()
        revocation = LoopRevocation.objects.get()
        assert revocation.call.attempts == 1 and revocation.call.done_at is None and revocation.call.last_error

        fake_loop.mock.replace(
            responses.CallbackResponse(responses.POST, f"{LOOP}/v2/oauth/revoke/", callback=fake_loop._revoke)
        )
        clock.move_to(revocation.call.next_attempt_at)
        run_tasks()

    revocation.refresh_from_db()
    assert revocation.call.done_at is not None
    assert fake_loop.revoked == [refresh]


def test_the_sweep_finishes_a_revocation_whose_task_was_lost(
    linked_browser: Any, fake_loop: FakeLoop, sakura: LoopPerson, outbox: Any, run_tasks: Any
) -> None:
    _access, refresh = grant_tokens(fake_loop, sakura)
    send_code(linked_browser, "email")
    confirm(linked_browser, code_sent_to(outbox, run_tasks, SAKURA_EMAIL))
    queued_revocations().delete()  # the worker died with the task

    with time_machine.travel(timezone.now() + SWEEP_GRACE, tick=False):
        sweep_calls.enqueue()
        run_tasks()  # the sweep queues it again ...
        run_tasks()  # ... and a worker runs it

    assert LoopRevocation.objects.get().call.done_at is not None
    assert fake_loop.revoked == [refresh]
