"""Continue with Loop for a Loop account that is not linked, in a real browser (issue 17, DESIGN §4.4).

After Remove access on Loop, Continue with Loop on the business login page asks what to do: log in to
the old business account to link it again, or create a new business account. A business account made
with Continue with Loop has no other way in, so after Remove access the choice offers to link it again.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from playwright.sync_api import Page, expect

from tests.e2e.polling import eventually
from tests.e2e.steps import capture_at_each_size, path_is

if TYPE_CHECKING:
    from tests.e2e.conftest import RunningSystem

PASSWORD = "Harbor-Lantern-7391"
APP_NAME = "Loop for Business"
CHOOSE = "/login/loop/choose/"


# Setting up people (not what is under test: made directly with the platforms' actions)


def make_person(system: RunningSystem) -> dict[str, str]:
    """A fresh Loop account and a business account of the same person, both with ``PASSWORD``."""
    tag = uuid.uuid4().hex[:8]
    person = {"handle": f"c{tag}", "loop_email": f"c{tag}@loop.example", "business_email": f"c{tag}@business.example"}
    system.python(
        "consumer",
        "import datetime, json\n"
        "from accountlink.consumer.accounts.actions import do_create_account\n"
        f"do_create_account(handle={person['handle']!r}, display_name='Choice Tester', email={person['loop_email']!r},"
        f" birth_date=datetime.date(1990, 5, 6), password={PASSWORD!r})\n"
        "print(json.dumps(True))",
    )
    system.python(
        "business",
        "import json\n"
        "from accountlink.business.accounts.actions import do_create_account\n"
        f"do_create_account(email={person['business_email']!r}, password={PASSWORD!r}, display_name='Choice Tester')\n"
        "print(json.dumps(True))",
    )
    return person


# Steps


def log_in(page: Page, url: str, identifier_label: str, identifier: str) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label(identifier_label, exact=True).fill(identifier)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).not_to_have_url(path_is("/login/"))


def log_out_of_business(page: Page, system: RunningSystem) -> None:
    page.goto(f"{system.business_url}/settings/")
    page.get_by_role("button", name="Profile menu", exact=True).click()
    page.get_by_role("button", name="Log out", exact=True).click()
    expect(page).not_to_have_url(path_is("/settings/"))


def remove_access_on_loop(page: Page, system: RunningSystem) -> None:
    """DESIGN §4.2 from Manage app permissions (the way there is tests/e2e/test_unlinking.py's):
    the app → Remove access → its confirmation. The business side learns it by webhook."""
    page.goto(f"{system.consumer_url}/settings/security/apps/")
    page.get_by_role("link", name=APP_NAME).click()
    page.locator("#remove-access-button").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Remove access", exact=True).click()
    expect(page.get_by_role("heading", name="Manage app permissions", exact=True)).to_be_visible()


def link_of(system: RunningSystem, handle: str) -> Any:
    """The business account (email, or id when it has none) that the Loop account is linked to, or None."""
    return system.python(
        "business",
        "import json\n"
        "from accountlink.business.linking.models import LoopLink\n"
        f"link = LoopLink.objects.filter(username={handle!r}).select_related('account').first()\n"
        "print(json.dumps(None if link is None else (link.account.email or link.account.pk)))",
    )


def continue_with_loop(page: Page, system: RunningSystem) -> None:
    """Continue with Loop on the business login page; Loop remembers no grant, so it asks for consent."""
    page.goto(f"{system.business_url}/login/")
    page.get_by_role("button", name="Continue with Loop", exact=True).click()
    page.get_by_role("button", name="Authorize", exact=True).click()
    expect(page).to_have_url(path_is(CHOOSE))
    expect(page.get_by_role("heading", level=1)).to_contain_text("isn't linked to a business account")


def test_after_remove_access_log_in_to_the_old_business_account_to_link_it_again(
    open_page: Any, system: RunningSystem
) -> None:
    person = make_person(system)
    page: Page = open_page()
    log_in(page, system.consumer_url, "Username, email or phone", person["handle"])
    log_in(page, system.business_url, "Email or phone number", person["business_email"])
    page.goto(f"{system.business_url}/settings/personal/")
    page.get_by_role("button", name="Link Loop account", exact=True).click()
    page.get_by_role("button", name="Authorize", exact=True).click()
    expect(page.locator("#loop-account")).to_contain_text(f"@{person['handle']}")
    remove_access_on_loop(page, system)
    eventually(lambda: link_of(system, person["handle"]) is None, timeout=10, failure="the link did not end")
    log_out_of_business(page, system)

    continue_with_loop(page, system)
    capture_at_each_size(page, "continue-choice-en")
    choice = page.get_by_test_id("link-existing")
    choice.get_by_label("Email or phone number", exact=True).fill(person["business_email"])
    choice.get_by_label("Password", exact=True).fill(PASSWORD)
    choice.get_by_role("button", name="Log in and link", exact=True).click()

    expect(page).to_have_url(path_is("/settings/personal/"))
    expect(page.locator("#loop-account")).to_contain_text(f"@{person['handle']}")
    assert link_of(system, person["handle"]) == person["business_email"]


def test_create_a_new_account_then_after_remove_access_link_it_again(open_page: Any, system: RunningSystem) -> None:
    person = make_person(system)
    page: Page = open_page()
    log_in(page, system.consumer_url, "Username, email or phone", person["handle"])

    continue_with_loop(page, system)
    expect(page.get_by_test_id("link-again")).to_have_count(0)
    page.get_by_role("button", name="Create a new business account", exact=True).click()
    expect(page).to_have_url(path_is("/settings/personal/"))
    expect(page.locator("#loop-account")).to_contain_text(f"@{person['handle']}")
    new_account = link_of(system, person["handle"])
    assert isinstance(new_account, int)  # no email: Loop is its only way in

    # Remove access on Loop: the new account is left with no way in, so the choice offers it again.
    remove_access_on_loop(page, system)
    eventually(lambda: link_of(system, person["handle"]) is None, timeout=10, failure="the link did not end")
    log_out_of_business(page, system)
    continue_with_loop(page, system)
    offer = page.get_by_test_id("link-again")
    expect(offer).to_be_visible()
    offer.get_by_role("button", name="Link again", exact=True).click()

    expect(page).to_have_url(path_is("/settings/personal/"))
    expect(page.locator("#loop-account")).to_contain_text(f"@{person['handle']}")
    assert link_of(system, person["handle"]) == new_account
