"""What a person does on Loop for Business's pages, one HTTP request at a time: log in, confirm it's
them, link a Loop account (through the fake Loop's consent screen) and unlink it in the dialog.

Plain helpers shared by the test modules (fixtures are in ``conftest.py``).
"""

from __future__ import annotations

import re
from typing import Any

from django.test import Client as HttpClient
from django.urls import reverse

from accountlink.business.accounts.models import BusinessAccount
from tests.business.fake_loop import LOOP, FakeLoop, LoopPerson, callback_query

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "a-brand-new-passphrase"

LINK_START = "/settings/personal/link-loop/"
CONTINUE = "/login/loop/"
CHOOSE = "/login/loop/choose/"
CALLBACK = "/oauth/loop/callback/"
PERSONAL = "/settings/personal/"
LOGIN = "/login/"
SIGNUP = "/signup/"
ADS_MANAGER = "/adsmanager/"
AUTHORIZE = f"{LOOP}/v2/auth/authorize/"
UNLINK = "/settings/personal/unlink-loop/"
CONFIRM = "/settings/personal/unlink-loop/confirm/"

# The addresses of ``business_account`` (conftest.py), as they are and as the Unlink dialog shows them.
SAKURA_EMAIL = "sakura.biz@example.com"
SAKURA_PHONE = "+819012345678"
MASKED_EMAIL = "s********z@example.com"
MASKED_PHONE = "+81 ******5678"


# -- logging in ----------------------------------------------------------------------------------


def log_in(client: Any, identifier: str, password: str = PASSWORD, **extra: Any) -> Any:
    """Post the login form as a person would."""
    return client.post(reverse("business:login"), {"identifier": identifier, "password": password}, **extra)


def confirm_its_me(client: Any, password: str = PASSWORD, **extra: Any) -> None:
    """**Confirm it's you** with the password, as after the 10 minutes of a login are over (the
    unlink dialog and other sensitive changes need a recent authentication; kit.sessions)."""
    response = client.post("/reauthenticate/", {"password": password, **extra})
    assert response.status_code == 302, response.content.decode()[:300]


# -- linking (DESIGN §4.3) and Continue with Loop (§4.4) -------------------------------------------


def start_link(client: Any, **extra: Any) -> dict[str, str]:
    """Press **Link Loop account**; the query of the authorize URL the browser is sent to."""
    response = client.post(LINK_START, **extra)
    assert response.status_code == 302
    assert response["Location"].startswith(AUTHORIZE + "?")
    return callback_query(response["Location"])


def start_continue(client: Any, source: str = "login", **extra: Any) -> dict[str, str]:
    """Press **Continue with Loop** on the log in (or sign up) page."""
    response = client.post(CONTINUE, {"source": source}, **extra)
    assert response.status_code == 302
    assert response["Location"].startswith(AUTHORIZE + "?")
    return callback_query(response["Location"])


def come_back(client: Any, query: dict[str, str], follow: bool = True, **params: str) -> Any:
    """Loop sends the browser back to the callback with ``params`` and the flow's state."""
    return client.get(CALLBACK, {"state": query["state"], **params}, follow=follow)


def authorize(client: Any, fake_loop: FakeLoop, query: dict[str, str], person: LoopPerson, follow: bool = True) -> Any:
    """The person presses **Authorize** on Loop's consent screen."""
    return come_back(client, query, follow=follow, code=fake_loop.code_for(person))


def choose(client: Any, choice: str, follow: bool = True, **data: Any) -> Any:
    """On Continue with Loop's choice page (a Loop account that is not linked), press ``choice``:
    "create", "log_in" (with ``identifier`` and ``password``), "link_again" or "cancel"."""
    extra = {key: data.pop(key) for key in list(data) if key.startswith("HTTP_")}
    return client.post(CHOOSE, {"choice": choice, **data}, follow=follow, **extra)


def continue_as_new(client: Any, fake_loop: FakeLoop, person: LoopPerson, source: str = "login") -> Any:
    """Continue with Loop for a Loop account that is not linked, then **Create a new business account**."""
    response = authorize(client, fake_loop, start_continue(client, source), person)
    assert response.request["PATH_INFO"] == CHOOSE
    return choose(client, "create")


def link(client: Any, fake_loop: FakeLoop, person: LoopPerson) -> Any:
    """The whole Link Loop account flow for a signed-in browser."""
    response = authorize(client, fake_loop, start_link(client), person)
    assert response.request["PATH_INFO"] == PERSONAL
    return response


def link_in_new_browser(account: BusinessAccount, fake_loop: FakeLoop, person: LoopPerson) -> HttpClient:
    """A new browser logged in to ``account``, which it links to ``person`` through Link Loop account."""
    browser = HttpClient()
    browser.force_login(account)
    link(browser, fake_loop, person)
    return browser


# -- the Unlink Loop account dialog (DESIGN §4.1) ---------------------------------------------------


def dialog_of(html: str) -> str:
    """The dialog's markup (the page behind it is Personal information)."""
    match = re.search(r'<section class="modal" role="dialog".*?</section>\s*</div>', html, re.S)
    assert match, "no dialog on the page"
    return match.group(0)


def open_dialog(client: Any, **extra: Any) -> str:
    response = client.get(UNLINK, **extra)
    assert response.status_code == 200
    return dialog_of(response.content.decode())


def send_code(client: Any, contact: str = "email", **extra: Any) -> Any:
    """Choose where the code goes and press **Send code**."""
    return client.post(UNLINK, {"contact": contact}, **extra)


def confirm(client: Any, code: str, **extra: Any) -> Any:
    """Type the code in **Verification code** and press **Confirm**."""
    return client.post(CONFIRM, {"code": code}, **extra)


def resend(client: Any, **extra: Any) -> Any:
    """Press **Send a new code**."""
    return client.post(CONFIRM, {"resend": "1"}, **extra)


def code_sent_to(outbox: Any, run_tasks: Any, address: str) -> str:
    """The newest code that reached ``address`` (after the worker ran the queued messages)."""
    run_tasks()
    codes = [re.search(r"(?<!\d)(\d{6})(?!\d)", message.body) for message in outbox.messages(address)]
    found = [match.group(1) for match in codes if match]
    assert found, f"no code reached {address}"
    return found[-1]


def unlink(client: Any, outbox: Any, run_tasks: Any, contact: str = "email") -> Any:
    """The whole dialog: Send code, then Confirm with the code that arrived."""
    assert send_code(client, contact).status_code == 302
    address = SAKURA_EMAIL if contact == "email" else SAKURA_PHONE
    return confirm(client, code_sent_to(outbox, run_tasks, address), follow=True)


def error_code(response: Any) -> str | None:
    """The refusal's stable code on the page (``data-error-code``), if there is one."""
    found = re.findall(r'data-error-code="([^"]+)"', response.content.decode())
    assert len(found) <= 1, found
    return found[0] if found else None
