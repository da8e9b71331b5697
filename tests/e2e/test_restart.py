"""The README's first command keeps working after people use the demo, and nothing it started outlives
it (issue 14): ``make run`` as a person runs it, stopped with Ctrl-C and with SIGTERM, and
``accountlink up`` killed with SIGKILL.

The last two tests share one ``accountlink up`` (starting one takes a while): a worker is killed and
started again in it, then the whole system is killed with SIGKILL, which ends it for good.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from accountlink.devtools import processes
from tests.e2e.conftest import (
    STOP_TIMEOUT,
    RunningSystem,
    choose_language,
    command_line,
    descendants,
    start_system,
    still_running,
    stop_system,
)
from tests.e2e.polling import eventually
from tests.e2e.steps import path_is

MARIA_PASSWORD = "loop-demo-2468"


def port_is_free(url: str) -> bool:
    return processes.port_is_free(int(url.rsplit(":", 1)[1]))


def remove_access_as_maria(page: Page, system: RunningSystem) -> None:
    """Loop → Log in as @maria → Manage app permissions → Loop for Business → Remove access → confirm."""
    page.goto(f"{system.consumer_url}/login/")
    page.get_by_label("Username, email or phone").fill("@maria")
    page.get_by_label("Password", exact=True).fill(MARIA_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).not_to_have_url(path_is("/login/"))
    page.goto(f"{system.consumer_url}/settings/security/apps/")
    page.get_by_role("link", name="Loop for Business").click()
    page.get_by_role("button", name="Remove access", exact=True).click()
    page.get_by_role("alertdialog").get_by_role("button", name="Remove access", exact=True).click()
    expect(page.get_by_role("heading", name="Manage app permissions", exact=True)).to_be_visible()
    # The list of apps no longer has it (the closing line above it links to Loop for Business's site).
    expect(page.locator("ul.apps").get_by_role("link", name="Loop for Business")).to_have_count(0)


def continue_with_loop_as_maria(page: Page, system: RunningSystem) -> None:
    """Loop for Business → Log in → Continue with Loop → (signed in on Loop already) Authorize → not
    linked any more, so: Create a new business account (issue 17)."""
    page.goto(f"{system.business_url}/login/")
    page.get_by_role("button", name="Continue with Loop", exact=True).click()
    page.get_by_role("button", name="Authorize", exact=True).click()
    expect(page).to_have_url(path_is("/login/loop/choose/"))
    page.get_by_role("button", name="Create a new business account", exact=True).click()
    expect(page).to_have_url(path_is("/settings/personal/"))


def business_links(system: RunningSystem) -> dict[str, str | None]:
    """Loop handle → the email of the business account it is linked to (None: no email)."""
    links: dict[str, str | None] = system.python(
        "business",
        "import json\n"
        "from accountlink.business.linking.models import LoopLink\n"
        "print(json.dumps({l.username: l.account.email for l in LoopLink.objects.select_related('account')}))",
    )
    return links


def test_make_run_starts_again_after_remove_access_and_continue_with_loop_and_keeps_what_maria_did(
    browser: Browser, tmp_path: Path
) -> None:
    system = start_system(tmp_path, make=True)
    try:
        assert business_links(system)["maria"] == "maria.biz@example.com"
        context = browser.new_context(locale="en-US")
        choose_language(context, "en")  # @maria's account says Spanish; this browser chose English
        page = context.new_page()
        remove_access_as_maria(page, system)
        continue_with_loop_as_maria(page, system)
        context.close()
        assert business_links(system)["maria"] is None  # a new business account, made with Continue with Loop
    finally:
        stop_system(system, signal.SIGINT)  # Ctrl-C
    assert port_is_free(system.consumer_url) and port_is_free(system.business_url)

    ports = [int(url.rsplit(":", 1)[1]) for url in (system.consumer_url, system.business_url)]
    again = start_system(tmp_path, make=True, ports=ports)
    try:
        page = browser.new_page()
        page.goto(f"{again.business_url}/login/")
        expect(page.get_by_role("button", name="Continue with Loop", exact=True)).to_be_visible()
        page.close()
        links = business_links(again)
        assert links["maria"] is None, "the demo data linked @maria to maria.biz@example.com again"
        assert "maria.biz@example.com" not in links.values()
        assert links["sakura"] == "sakura.biz@example.com"
        log = again.log_path.read_text(errors="replace")
        assert "Traceback" not in log
    finally:
        took = stop_system(again, signal.SIGTERM)  # the process group of `make run`
    assert took < STOP_TIMEOUT


@pytest.fixture(scope="module")
def killable_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    """An ``accountlink up`` of this module's own; the test that kills it with SIGKILL comes last."""
    system = start_system(tmp_path_factory.mktemp("restart"))
    try:
        yield system
    finally:
        stop_system(system, check=False)  # already stopped, unless the SIGKILL test failed before it


def test_a_worker_that_dies_is_started_again_and_the_system_goes_on(
    browser: Browser, killable_system: RunningSystem
) -> None:
    system = killable_system
    # The business worker of every queue but the reconciliation's (which has a worker of its own).
    worker_command = "business task_worker --queue-name default"
    [worker] = [(pid, started) for pid, started in system.children if worker_command in command_line(pid)]
    os.kill(worker[0], signal.SIGKILL)

    def replacements() -> list[tuple[int, str]]:
        return [
            child
            for child in descendants(system.process.pid)
            if worker_command in command_line(child[0]) and child != worker
        ]

    eventually(replacements, timeout=STOP_TIMEOUT, interval=0.2, failure=lambda: f"no new worker:\n{system.log_tail()}")
    assert system.process.poll() is None
    assert "the business worker process stopped (exit code -9); started it again" in system.log_tail()

    # The new worker works: a sign-in code reaches the outbox.
    page = browser.new_page()
    sent_after = system.now()
    page.goto(f"{system.business_url}/login/")
    page.get_by_role("link", name="Forgot password?").click()
    page.get_by_label("Email or phone number").fill("hana.biz@example.com")
    page.get_by_role("button", name="Send code", exact=True).click()
    assert system.last_code("hana.biz@example.com", after=sent_after, timeout=30)
    page.close()


def test_children_of_accountlink_up_killed_with_sigkill_end_with_it(
    browser: Browser, killable_system: RunningSystem
) -> None:
    system = killable_system
    page = browser.new_page()
    page.goto(f"{system.business_url}/login/")
    page.close()
    # Every process it runs now, the worker started again by the test before included.
    children = system.children | descendants(system.process.pid)
    assert len(still_running(children)) >= 6, children  # two gunicorn masters with workers, two workers, two schedulers

    stop_system(system, signal.SIGKILL)  # fails if any process outlives it by STOP_TIMEOUT seconds

    assert not still_running(children)
    assert port_is_free(system.consumer_url) and port_is_free(system.business_url)
