from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from accountlink.consumer.accounts import actions
from accountlink.consumer.accounts.models import LoopAccount
from tests.django_fixtures import *  # noqa: F403

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
def browser(client: Any, loop_account: LoopAccount) -> Any:
    """The test's browser, logged in to Loop as ``loop_account``."""
    client.force_login(loop_account)
    return client
