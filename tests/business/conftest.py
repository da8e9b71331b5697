from __future__ import annotations

from typing import Any

import pytest

from accountlink.business.accounts import actions
from accountlink.business.accounts.models import BusinessAccount
from tests.django_fixtures import *  # noqa: F403

PASSWORD = "correct-horse-battery"


@pytest.fixture
def make_business_account(db: None) -> Any:
    counter = iter(range(1, 10_000))

    def make(**overrides: Any) -> BusinessAccount:
        number = next(counter)
        spec: dict[str, Any] = {
            "email": f"biz{number}@example.com",
            "display_name": f"Business {number}",
            "password": PASSWORD,
        }
        spec.update(overrides)
        return actions.do_create_account(**spec)

    return make


@pytest.fixture
def business_account(make_business_account: Any) -> BusinessAccount:
    return make_business_account(email="sakura.biz@example.com", display_name="Sakura Tanaka", phone="+819012345678")
