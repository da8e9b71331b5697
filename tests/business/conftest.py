"""The fixtures of Loop for Business's tests: accounts, browsers, the fake Loop and links.

Plain helpers (what a person does on the pages, what Loop does) are in ``pages.py`` and
``fake_loop.py``, imported by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import responses
import time_machine
from django.test import Client as HttpClient
from django.utils import timezone

from accountlink.business.accounts import actions
from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.actions.link import do_link_loop_account
from accountlink.business.linking.models import LoopLink
from accountlink.business.linking.provider import LoopIdentity, TokenSet
from tests.business.fake_loop import FakeLoop, LoopPerson
from tests.business.pages import PASSWORD, link, link_in_new_browser, log_in
from tests.django_fixtures import default_language, metrics_on, other_platform, outbox, run_tasks, sent  # noqa: F401  (both platforms')
from tests.staff_helpers import staff_client


@pytest.fixture
def clock() -> Iterator[Any]:
    """Time stands still until the test moves it (``clock.shift(...)``)."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


# -- accounts and browsers -------------------------------------------------------------------------


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
    """Sakura Tanaka: sakura.biz@example.com, +819012345678 and a password (``pages.PASSWORD``)."""
    return make_business_account(email="sakura.biz@example.com", display_name="Sakura Tanaka", phone="+819012345678")


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


# -- staff -----------------------------------------------------------------------------------------


@pytest.fixture
def agent(make_business_account: Any) -> BusinessAccount:
    """A support agent, Aoi Agent (agent@example.com)."""
    account: BusinessAccount = make_business_account(
        email="agent@example.com", display_name="Aoi Agent", is_support_agent=True
    )
    return account


@pytest.fixture
def agent_browser(agent: BusinessAccount) -> HttpClient:
    """The agent's browser, signed in to the support console (password and staff code)."""
    return staff_client(agent)


@pytest.fixture
def manager(make_business_account: Any) -> BusinessAccount:
    """An account manager, Mina Manager (manager@example.com)."""
    account: BusinessAccount = make_business_account(
        email="manager@example.com", display_name="Mina Manager", is_account_manager=True
    )
    return account


@pytest.fixture
def manager_browser(manager: BusinessAccount) -> HttpClient:
    """The account manager's browser, signed in to the console (password and staff code)."""
    return staff_client(manager)


# -- Loop, and links to it -------------------------------------------------------------------------


@pytest.fixture
def fake_loop() -> Iterator[FakeLoop]:
    """Loop's OAuth endpoints, answered in this process (``responses``)."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        loop = FakeLoop(mock)
        loop.answer()
        yield loop


@pytest.fixture
def two_links(make_business_account: Any, fake_loop: FakeLoop) -> dict[str, tuple[BusinessAccount, LoopPerson]]:
    """sakura.biz ↔ @sakura and hana.biz ↔ @hana, made through Link Loop account."""
    made = {}
    for handle in ["sakura", "hana"]:
        account = make_business_account(email=f"{handle}.biz@example.com")
        person = fake_loop.person(handle)
        browser = HttpClient()
        browser.force_login(account)
        link(browser, fake_loop, person)
        made[handle] = (account, person)
    return made


@pytest.fixture
def sakura(fake_loop: FakeLoop) -> LoopPerson:
    """@sakura (Sakura Tanaka) on Loop, open_id ``open-sakura``."""
    return fake_loop.person("sakura", "Sakura Tanaka")


@pytest.fixture
def kenji(fake_loop: FakeLoop) -> LoopPerson:
    """@kenji (Kenji Sato) on Loop, open_id ``open-kenji``."""
    return fake_loop.person("kenji", "Kenji Sato")


@pytest.fixture
def linked_browser(signed_in: Any, fake_loop: FakeLoop, sakura: LoopPerson) -> Any:
    """The ``signed_in`` browser of sakura.biz@example.com (email and phone), which linked @sakura
    through Link Loop account."""
    link(signed_in, fake_loop, sakura)
    return signed_in


@pytest.fixture
def linked_account(business_account: BusinessAccount, fake_loop: FakeLoop, sakura: LoopPerson) -> BusinessAccount:
    """``business_account`` linked to @sakura through Link Loop account, in a browser since closed."""
    link_in_new_browser(business_account, fake_loop, sakura)
    return business_account


@pytest.fixture
def locked_out(make_business_account: Any, fake_loop: FakeLoop, kenji: LoopPerson) -> BusinessAccount:
    """Made with Continue with Loop: no email, no phone, no password; linked to @kenji."""
    account: BusinessAccount = make_business_account(email=None, password=None, display_name="Kenji Sato")
    link_in_new_browser(account, fake_loop, kenji)
    return account


@pytest.fixture
def make_link(db: None) -> Callable[..., LoopLink]:
    """``make_link(account, username="sakura")``: a link made by the linking action itself, with
    tokens no Loop knows (the Link Loop account pages make theirs through ``fake_loop``)."""

    def make(account: BusinessAccount, username: str = "sakura") -> LoopLink:
        open_id = f"open-{username}"
        now = timezone.now()
        return do_link_loop_account(
            account,
            LoopIdentity(
                open_id, f"union-{username}", username, username.title(), f"https://loop.test/v2/avatar/{open_id}.svg"
            ),
            TokenSet(
                f"access-{username}",
                f"refresh-{username}",
                open_id,
                "user.info.basic,user.info.profile",
                now + timedelta(days=1),
                now + timedelta(days=365),
            ),
        )

    return make
