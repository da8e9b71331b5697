"""Tokens Loop issued to a flow that never finished are revoked (R2, R9; found by the chaos run of
issue 14): a business process killed, or its database gone, between Loop's token answer and the
transaction that stores the link must not leave a grant at Loop that Loop for Business knows nothing of.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.db import OperationalError
from django.test import Client as HttpClient
from django_tasks_db.models import DBTaskResult

from accountlink.business.linking import provider
from accountlink.business.linking.actions.revocation import CODE_HOLD, HOLD, UNFINISHED
from accountlink.business.linking.models import HeldCode, LoopLink, LoopRevocation
from accountlink.kit.outbound.models import CallStatus
from tests.business.fake_loop import FakeLoop, live_refresh_tokens
from tests.business.pages import authorize, continue_as_new, link, start_link

pytestmark = pytest.mark.django_db

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def test_tokens_of_a_link_whose_database_went_away_are_revoked_after_the_hold(
    signed_in: Any, fake_loop: FakeLoop, run_tasks: Any
) -> None:
    sakura = fake_loop.person("sakura")
    with time_machine.travel(START, tick=False) as clock:
        query = start_link(signed_in)
        gone = mock.patch(
            "accountlink.business.linking.views.callback.do_link_loop_account",
            side_effect=OperationalError("the database went away"),
        )
        with gone, pytest.raises(OperationalError):
            authorize(signed_in, fake_loop, query, sakura)
        assert not LoopLink.objects.exists()
        held = LoopRevocation.objects.select_related("call").get()
        assert held.reason == UNFINISHED and held.call.next_attempt_at == START + HOLD
        assert len(live_refresh_tokens(fake_loop, sakura)) == 1

        run_tasks()
        assert fake_loop.revoked == []  # the flow may still finish: nothing is revoked before the hold ends

        clock.move_to(START + HOLD)
        run_tasks()
    assert fake_loop.revoked == [held.token]
    assert live_refresh_tokens(fake_loop, sakura) == set()
    held.call.refresh_from_db()
    assert held.call.status == CallStatus.DONE


def test_a_link_that_finishes_keeps_its_tokens_after_the_hold(
    signed_in: Any, fake_loop: FakeLoop, run_tasks: Any
) -> None:
    sakura = fake_loop.person("sakura")
    with time_machine.travel(START, tick=False) as clock:
        link(signed_in, fake_loop, sakura)
        assert not LoopRevocation.objects.exists()
        assert not DBTaskResult.objects.filter(task_path__endswith="make_call", status="READY").exists()
        clock.move_to(START + HOLD * 2)
        run_tasks()
    assert fake_loop.revoked == []
    assert live_refresh_tokens(fake_loop, sakura) == {LoopLink.objects.get().refresh_token}


def test_continue_with_loop_that_makes_an_account_keeps_its_tokens(
    client: Any, fake_loop: FakeLoop, run_tasks: Any
) -> None:
    kenji = fake_loop.person("kenji")
    continue_as_new(client, fake_loop, kenji)
    assert LoopLink.objects.get().username == "kenji"
    assert not LoopRevocation.objects.filter(reason=UNFINISHED).exists()


def test_a_refused_link_revokes_its_tokens_at_once_and_drops_the_hold(
    signed_in: Any, fake_loop: FakeLoop, make_business_account: Any, run_tasks: Any
) -> None:
    sakura = fake_loop.person("sakura")
    elsewhere = HttpClient()
    elsewhere.force_login(make_business_account(email="other@example.com"))
    link(elsewhere, fake_loop, sakura)  # @sakura is linked to another business account

    refused = authorize(signed_in, fake_loop, start_link(signed_in), sakura)

    assert b'data-error-code="link.already_linked"' in refused.content
    [revocation] = LoopRevocation.objects.all()
    assert revocation.reason == "discarded"
    run_tasks()
    assert fake_loop.revoked == [revocation.token]
    assert live_refresh_tokens(fake_loop, sakura) == {LoopLink.objects.get().refresh_token}


def test_tokens_loop_issued_to_a_process_that_died_while_it_answered_are_revoked(
    signed_in: Any, fake_loop: FakeLoop, run_tasks: Any
) -> None:
    """The business process is killed while Loop's token endpoint answers: Loop issued tokens that
    nobody received. The held code is presented again later, and Loop revokes what it issued."""
    sakura = fake_loop.person("sakura")
    real_exchange = provider.exchange_code

    def answer_lost(code: str, verifier: str) -> Any:
        real_exchange(code, verifier)  # Loop issues the tokens ...
        raise provider.ProviderUnavailable("read timed out")  # ... and the answer never arrives

    with time_machine.travel(START, tick=False) as clock:
        query = start_link(signed_in)
        with mock.patch("accountlink.business.linking.provider.exchange_code", side_effect=answer_lost):
            authorize(signed_in, fake_loop, query, sakura)
        assert len(live_refresh_tokens(fake_loop, sakura)) == 1  # a grant Loop for Business knows nothing of
        held = HeldCode.objects.select_related("call").get()
        assert held.call.next_attempt_at == START + CODE_HOLD

        clock.move_to(START + CODE_HOLD)
        run_tasks()
    assert live_refresh_tokens(fake_loop, sakura) == set()
    assert fake_loop.token_requests[-1]["code"] == fake_loop.token_requests[0]["code"]
    held.call.refresh_from_db()
    assert held.call.status == CallStatus.DONE and not LoopLink.objects.exists()


def test_a_code_that_never_reached_loop_is_redeemed_later_and_its_tokens_revoked(
    signed_in: Any, fake_loop: FakeLoop, run_tasks: Any
) -> None:
    sakura = fake_loop.person("sakura")
    with time_machine.travel(START, tick=False) as clock:
        query = start_link(signed_in)
        killed = mock.patch(
            "accountlink.business.linking.provider.exchange_code", side_effect=SystemExit("killed before sending")
        )
        with killed, pytest.raises(SystemExit):
            authorize(signed_in, fake_loop, query, sakura)
        assert fake_loop.token_requests == []

        clock.move_to(START + CODE_HOLD)
        run_tasks()
    assert len(fake_loop.token_requests) == 1  # the worker redeemed the code ...
    assert live_refresh_tokens(fake_loop, sakura) == set()  # ... and revoked what it got at once
    assert len(fake_loop.revoked) == 1


def test_a_link_that_finishes_leaves_no_held_code(signed_in: Any, fake_loop: FakeLoop, run_tasks: Any) -> None:
    link(signed_in, fake_loop, fake_loop.person("sakura"))
    assert not HeldCode.objects.exists()
    assert not DBTaskResult.objects.filter(task_path__endswith="make_call", status="READY").exists()
