"""An attacker hammers @sakura's login from one browser while Sakura, in her own browser that logged
in before, still logs in at once (issue 13; OWASP's device cookie).

The shared system's policy (``conftest.SHARED_SYSTEM_THROTTLE``) waits 2 and 4 s after the ninth and
tenth wrong guesses and locks the account for 15 minutes at the eleventh, as the default does after
waits of 62 s in all: the attacker reaches the lock in seconds, and a final right guess meets it, not
a wait that may just have ended."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import DEMO_PASSWORD, log_in_to_loop, path_is

if TYPE_CHECKING:
    from tests.e2e.conftest import RunningSystem

GUESSES = 300  # at most; the lock comes at the eleventh guess, after waits of 6 s


@pytest.fixture
def forget_guesses(system: RunningSystem) -> Iterator[None]:
    """The other tests share the running system and log in as @sakura from fresh browsers."""
    yield
    system.python(
        "consumer",
        "from accountlink.kit.throttle.models import GuessCounter\nprint(GuessCounter.objects.all().delete()[0])",
    )


def hammer(page: Page, url: str, password: str) -> tuple[str | None, str]:
    """Post the login form straight from the page's browser context; the refusal's code and text."""
    page.goto(f"{url}/login/")
    token = page.locator('input[name="csrfmiddlewaretoken"]').first.get_attribute("value") or ""
    response = page.request.post(
        f"{url}/login/",
        form={"identifier": "sakura", "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{url}/login/"},
        max_redirects=0,
    )
    text = response.text()
    found = re.search(r'data-error-code="([^"]+)"', text)
    return (found.group(1) if found else None), text


def test_sakura_logs_in_at_once_while_an_attacker_hammers_her_account(
    open_page: Callable[..., Page], system: RunningSystem, forget_guesses: None
) -> None:
    sakura = open_page()
    log_in_to_loop(sakura, system.consumer_url, "@sakura")
    expect(sakura).to_have_url(path_is("/"))
    sakura.goto(f"{system.consumer_url}/settings/")
    sakura.get_by_role("button", name="Log out", exact=True).click()

    attacker = open_page()
    answers = []
    for number in range(GUESSES):
        code, text = hammer(attacker, system.consumer_url, f"guess-{number}")
        answers.append(code)
        if code == "auth.throttled" and "wait 15 minutes" in text:
            break
    assert answers[-1] == "auth.throttled", answers
    assert answers.count("login.invalid_credentials") <= 10
    assert hammer(attacker, system.consumer_url, DEMO_PASSWORD)[0] == "auth.throttled"
    attacker.goto(f"{system.consumer_url}/login/")
    attacker.get_by_label("Username, email or phone").fill("sakura")
    attacker.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    attacker.get_by_role("button", name="Log in", exact=True).click()
    expect(attacker.locator('[data-error-code="auth.throttled"]')).to_contain_text("Too many attempts.")

    log_in_to_loop(sakura, system.consumer_url, "@sakura")
    expect(sakura).to_have_url(path_is("/"))
    expect(sakura.get_by_role("navigation", name="Main")).to_be_visible()
