from __future__ import annotations

from typing import Any

import pytest

from accountlink.business.accounts import actions
from accountlink.business.accounts.models import BusinessAccount
from tests.business.fake_loop import fake_loop  # noqa: F401  (Loop's endpoints, answered by responses)
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


NEW_PASSWORD = "a-brand-new-passphrase"


def log_in(client: Any, identifier: str, password: str = PASSWORD, **extra: Any) -> Any:
    """Post the login form as a person would."""
    from django.urls import reverse

    return client.post(reverse("business:login"), {"identifier": identifier, "password": password}, **extra)


def confirm_its_me(client: Any, password: str = PASSWORD, **extra: Any) -> None:
    """**Confirm it's you** with the password, as after the 10 minutes of a login are over (the
    unlink dialog and other sensitive changes need a recent authentication; kit.sessions)."""
    response = client.post("/reauthenticate/", {"password": password, **extra})
    assert response.status_code == 302, response.content.decode()[:300]


@pytest.fixture
def signed_in(client: Any, business_account: BusinessAccount) -> Any:
    """A browser logged in to the ``business_account`` through the login page."""
    response = log_in(client, business_account.email or "")
    assert response.status_code == 302
    return client


@pytest.fixture
def other_browser(client: Any) -> Any:
    """A second browser with its own cookies."""
    return client.__class__()
