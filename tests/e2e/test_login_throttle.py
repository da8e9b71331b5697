"""An attacker hammers @sakura's login from one browser while Sakura, in her own browser that logged
in before, still logs in at once (issue 13; OWASP's device cookie)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import DEMO_PASSWORD, log_in_to_loop, path_is

if TYPE_CHECKING:
    from tests.e2e.conftest import RunningSystem

GUESSES = 300


@pytest.fixture
def forget_guesses(system: RunningSystem) -> Iterator[None]:
    """The other tests share the running system and log in as @sakura from fresh browsers."""
    yield
    system.python(
        "consumer",
        "from accountlink.kit.throttle.models import GuessCounter\nprint(GuessCounter.objects.all().delete()[0])",
    )


def hammer(page: Page, url: str, password: str) -> str | None:
    """Post the login form straight from the page's browser context; the refusal's code."""
    page.goto(f"{url}/login/")
    token = page.locator('input[name="csrfmiddlewaretoken"]').first.get_attribute("value") or ""
    response = page.request.post(
        f"{url}/login/",
        form={"identifier": "sakura", "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{url}/login/"},
        max_redirects=0,
    )
    found = re.search(r'data-error-code="([^"]+)"', response.text())
    return found.group(1) if found else None


def test_sakura_logs_in_at_once_while_an_attacker_hammers_her_account(
    open_page: Callable[..., Page], system: RunningSystem, forget_guesses: None
) -> None:
    sakura = open_page()
    log_in_to_loop(sakura, system.consumer_url, "@sakura")
    expect(sakura).to_have_url(path_is("/"))
    sakura.goto(f"{system.consumer_url}/settings/")
    sakura.get_by_role("button", name="Log out", exact=True).click()

    attacker = open_page()
    answers = [hammer(attacker, system.consumer_url, f"guess-{number}") for number in range(GUESSES)]
    assert answers.count("login.invalid_credentials") <= 10
    assert hammer(attacker, system.consumer_url, DEMO_PASSWORD) == "auth.throttled"
    attacker.goto(f"{system.consumer_url}/login/")
    attacker.get_by_label("Username, email or phone").fill("sakura")
    attacker.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    attacker.get_by_role("button", name="Log in", exact=True).click()
    expect(attacker.locator('[data-error-code="auth.throttled"]')).to_contain_text("Too many attempts.")

    log_in_to_loop(sakura, system.consumer_url, "@sakura")
    expect(sakura).to_have_url(path_is("/"))
    expect(sakura.get_by_role("navigation", name="Main")).to_be_visible()
