"""Both platforms under their Content-Security-Policy in Chromium (DESIGN §8): every page and every
flow that crosses from one site to the other works, and the browser reports no violation.

Chromium writes each violation to the console ("… violates the following Content Security Policy
directive …"), including a form whose redirect leaves the origins ``form-action`` allows.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from playwright.sync_api import Page, expect

from tests.e2e.steps import path_is

if TYPE_CHECKING:
    from tests.e2e.conftest import RunningSystem

PASSWORD = "Quiet-Harbor-5183"


def csp_violations(page: Page) -> list[str]:
    """The violations Chromium reports on this page from now on (across navigations)."""
    found: list[str] = []
    page.on(
        "console", lambda message: found.append(message.text) if "Content Security Policy" in message.text else None
    )
    return found


def make_person(system: RunningSystem) -> dict[str, str]:
    """A fresh Loop account and a fresh business account, neither linked."""
    tag = uuid.uuid4().hex[:8]
    person = {"handle": f"csp{tag}", "loop_email": f"csp{tag}@loop.example", "email": f"csp{tag}@business.example"}
    system.python(
        "consumer",
        "import datetime, json\n"
        "from accountlink.consumer.accounts.actions import do_create_account\n"
        f"do_create_account(handle={person['handle']!r}, display_name='Policy Tester', email={person['loop_email']!r},"
        f" birth_date=datetime.date(1990, 1, 2), password={PASSWORD!r}, language='en')\n"
        "print(json.dumps(True))",
    )
    system.python(
        "business",
        "import json\n"
        "from accountlink.business.accounts.actions import do_create_account\n"
        f"do_create_account(email={person['email']!r}, password={PASSWORD!r}, display_name='Policy Tester', language='en')\n"
        "print(json.dumps(True))",
    )
    return person


def log_in(page: Page, url: str, identifier_label: str, identifier: str) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label(identifier_label, exact=True).fill(identifier)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).not_to_have_url(path_is("/login/"))


def test_linking_unlinking_and_the_pages_between_report_no_violation(open_page: Any, system: RunningSystem) -> None:
    person = make_person(system)
    page = open_page()
    violations = csp_violations(page)

    # Link Loop account: a business form redirected to Loop's login (with next), then the consent
    # screen, whose Authorize is redirected back to the business site.
    log_in(page, system.business_url, "Email or phone number", person["email"])
    page.goto(f"{system.business_url}/settings/personal/")
    page.get_by_role("button", name="Link Loop account", exact=True).click()
    expect(page).to_have_url(path_is("/login/"))
    page.get_by_label("Username, email or phone", exact=True).fill(person["handle"])
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(system.consumer_url)}/v2/auth/authorize/\?"))
    page.get_by_role("button", name="Authorize", exact=True).click()
    expect(page).to_have_url(f"{system.business_url}/settings/personal/")
    avatar = page.locator("#loop-account img")  # served by Loop
    expect(avatar).to_be_visible()
    page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=avatar.element_handle())

    # The JSON API's docs (Swagger UI), used for real.
    page.goto(f"{system.business_url}/api/v1/docs")
    page.locator(".opblock-summary").first.click()
    page.locator(".try-out__btn").first.click()
    page.locator(".execute").first.click()
    expect(page.locator(".live-responses-table tr.response td.response-col_status")).to_have_text("200")

    # The help center, and Was this helpful?
    page.goto(f"{system.business_url}/help/unlink-loop-account/")
    page.locator(".help-feedback").get_by_role("button").first.click()
    expect(page.get_by_role("status")).to_be_visible()

    # Unlink Loop account: the dialog, a code, Confirm.
    page.goto(f"{system.business_url}/settings/personal/")
    page.locator("#loop-account").get_by_role("link", name="Unlink Loop account", exact=True).or_(
        page.locator("#loop-account").get_by_role("button", name="Unlink Loop account", exact=True)
    ).click()
    dialog = page.get_by_role("dialog", name="Unlink Loop account", exact=True)
    dialog.locator("input[type=radio]").first.check()
    sent_after = system.now()
    dialog.get_by_role("button", name="Send code", exact=True).click()
    dialog = page.get_by_role("dialog", name="Unlink Loop account", exact=True)
    dialog.get_by_label("Verification code", exact=True).fill(system.last_code(person["email"], after=sent_after))
    dialog.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.locator("#loop-account").get_by_role("button", name="Link Loop account", exact=True)).to_be_visible()

    # Loop's own pages, the menu and the language switcher (both scripted).
    for path in ("/", "/profile/", "/settings/", "/settings/security/", "/settings/security/apps/", "/dev/outbox/"):
        page.goto(f"{system.consumer_url}{path}")
    page.get_by_label("Language").select_option("ja")
    expect(page.locator("html")).to_have_attribute("lang", "ja")

    assert violations == []


def test_continue_with_loop_through_loops_login_page_reports_no_violation(
    open_page: Any, system: RunningSystem
) -> None:
    """Access given before: Loop's login form is redirected to the authorization and at once to the
    business site, so the login page must allow that site as a form target."""
    person = make_person(system)
    first = open_page()
    log_in(first, system.consumer_url, "Username, email or phone", person["handle"])
    first.goto(f"{system.business_url}/login/")
    first.get_by_role("button", name="Continue with Loop", exact=True).click()
    first.get_by_role("button", name="Authorize", exact=True).click()
    expect(first).to_have_url(path_is("/login/loop/choose/"))  # not linked yet: asked what to do (issue 17)
    first.get_by_role("button", name="Create a new business account", exact=True).click()
    expect(first).to_have_url(path_is("/settings/personal/"))

    page = open_page()  # a browser logged in nowhere
    violations = csp_violations(page)
    page.goto(f"{system.business_url}/login/")
    page.get_by_role("button", name="Continue with Loop", exact=True).click()
    expect(page).to_have_url(path_is("/login/"))
    page.get_by_label("Username, email or phone", exact=True).fill(person["handle"])
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(f"{system.business_url}/adsmanager/")
    page.get_by_role("button", name="Profile menu", exact=True).click()
    expect(page.get_by_role("link", name="User settings", exact=True)).to_be_visible()

    assert violations == []
