"""Fixtures every Loop test may use (tests/kit runs on Loop and uses them too)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import responses
from django.test import Client as HttpClient

from accountlink.consumer.accounts import actions
from accountlink.consumer.accounts.models import LoopAccount
from tests.consumer.webhook_helpers import WebhookEndpoint
from tests.django_fixtures import default_language, metrics_on, other_platform, outbox, run_tasks, sent  # noqa: F401  (both platforms')
from tests.staff_helpers import staff_client

PASSWORD = "correct-horse-battery"


@pytest.fixture
def make_loop_account(db: None) -> Any:
    counter = iter(range(1, 10_000))

    def make(**overrides: Any) -> LoopAccount:
        number = next(counter)
        spec: dict[str, Any] = {
            "handle": f"user{number}",
            "display_name": f"User {number}",
            "email": f"user{number}@example.com",
            "birth_date": date(1990, 1, 1),
            "password": PASSWORD,
        }
        spec.update(overrides)
        return actions.do_create_account(**spec)

    return make


@pytest.fixture
def loop_account(make_loop_account: Any) -> LoopAccount:
    return make_loop_account(
        handle="sakura", display_name="Sakura Tanaka", email="sakura@example.com", phone="+819012345678"
    )


@pytest.fixture
def agent(make_loop_account: Any) -> LoopAccount:
    """A Loop support agent, Ana Agent, agent@example.com (staff sign in with their password, then a code)."""
    account: LoopAccount = make_loop_account(
        handle="agent", display_name="Ana Agent", email="agent@example.com", is_support_agent=True
    )
    return account


@pytest.fixture
def agent_browser(agent: LoopAccount) -> HttpClient:
    """The agent's browser, signed in to the support console (password and staff code)."""
    return staff_client(agent)


@pytest.fixture
def suspended_account(make_loop_account: Any) -> LoopAccount:
    """Yuki Ito (@yuki, yuki@example.com), suspended by support for "Spam reports"."""
    account: LoopAccount = make_loop_account(handle="yuki", display_name="Yuki Ito", email="yuki@example.com")
    actions.do_suspend_account(account, reason="Spam reports")
    return account


@pytest.fixture
def browser(client: Any, loop_account: LoopAccount) -> Any:
    """The test's browser, logged in to Loop as ``loop_account``."""
    client.force_login(loop_account)
    return client


@pytest.fixture(autouse=True)
def http() -> Iterator[responses.RequestsMock]:
    """No test reaches the network: Loop's outgoing requests (webhooks) meet this mock, and fail as
    unreachable unless a test gives them an answer. Requests to a live server on loopback go through.
    """
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru(re.compile(r"https?://(localhost|127\.0\.0\.1)(:\d+)?/"))
        yield mock


@pytest.fixture
def webhook_endpoint(http: responses.RequestsMock) -> WebhookEndpoint:
    """The app's webhook endpoint, answering 200."""
    return WebhookEndpoint(http)
