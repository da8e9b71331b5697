"""The Unlink dialog to the letter of the help article (DESIGN §4.1, §4.5; issue 17).

Step 6 says: press **Send code** and the code goes to the account's email or phone. So one address
is chosen already, the one the holder logged in with (else the email), and pressing Send code
without choosing works. Step 8 and the article's last line: after **Confirm** the page says that the
Loop account can now be linked to another Loop for Business account, with the way to do it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client as HttpClient

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.models import LoopLink
from tests.business.fake_loop import FakeLoop, LoopPerson
from tests.business.pages import (
    CONFIRM,
    MASKED_EMAIL,
    MASKED_PHONE,
    PERSONAL,
    SAKURA_EMAIL,
    SAKURA_PHONE,
    UNLINK,
    code_sent_to,
    confirm,
    dialog_of,
    link,
    log_in,
    open_dialog,
)

pytestmark = pytest.mark.django_db

CLOSING = "You can now link your Loop account to another Loop for Business account."


def chosen(dialog: str) -> list[str]:
    """The values of the addresses the dialog has chosen already (``checked``)."""
    return re.findall(r'<input type="radio" name="contact" value="(\w+)"[^>]*\bchecked\b', dialog)


def press_send_code(client: Any, dialog: str) -> Any:
    """Press **Send code** as the browser would: the form with what it holds, nothing chosen by hand."""
    form = dict.fromkeys(["contact"], chosen(dialog)[0]) if chosen(dialog) else {}
    return client.post(UNLINK, form)


def logged_in_with(identifier: str, fake_loop: FakeLoop, person: LoopPerson) -> HttpClient:
    """A new browser logged in on the login page with ``identifier``, its account linked to ``person``."""
    browser = HttpClient()
    assert log_in(browser, identifier).status_code == 302
    link(browser, fake_loop, person)
    return browser


def test_the_email_is_chosen_when_the_holder_logged_in_with_it(
    business_account: BusinessAccount, fake_loop: FakeLoop, sakura: LoopPerson
) -> None:
    dialog = open_dialog(logged_in_with(SAKURA_EMAIL, fake_loop, sakura))
    assert chosen(dialog) == ["email"]
    assert MASKED_EMAIL in dialog and MASKED_PHONE in dialog  # both still offered


def test_the_phone_is_chosen_when_the_holder_logged_in_with_it(
    business_account: BusinessAccount, fake_loop: FakeLoop, sakura: LoopPerson
) -> None:
    dialog = open_dialog(logged_in_with("+81 90-1234-5678", fake_loop, sakura))
    assert chosen(dialog) == ["phone"]


def test_the_email_is_chosen_when_the_holder_logged_in_another_way(
    business_account: BusinessAccount, fake_loop: FakeLoop, sakura: LoopPerson
) -> None:
    browser = HttpClient()
    browser.force_login(business_account)  # as after Continue with Loop: no address typed
    link(browser, fake_loop, sakura)
    assert chosen(open_dialog(browser)) == ["email"]


def test_the_only_address_is_chosen(make_business_account: Any, fake_loop: FakeLoop, sakura: LoopPerson) -> None:
    account = make_business_account(email=None, phone=SAKURA_PHONE)
    browser = HttpClient()
    browser.force_login(account)
    link(browser, fake_loop, sakura)
    assert chosen(open_dialog(browser)) == ["phone"]


def test_send_code_without_choosing_sends_it_to_the_address_logged_in_with(
    business_account: BusinessAccount, fake_loop: FakeLoop, sakura: LoopPerson, outbox: Any, run_tasks: Any
) -> None:
    browser = logged_in_with("+81 90 1234 5678", fake_loop, sakura)
    sent = press_send_code(browser, open_dialog(browser))
    assert sent.status_code == 302 and sent["Location"] == CONFIRM
    assert "Choose where to send the code." not in browser.get(CONFIRM).content.decode()
    assert code_sent_to(outbox, run_tasks, SAKURA_PHONE)


def test_confirm_ends_with_the_articles_closing_line_and_the_way_to_link_again(
    business_account: BusinessAccount, fake_loop: FakeLoop, sakura: LoopPerson, outbox: Any, run_tasks: Any
) -> None:
    browser = logged_in_with(SAKURA_EMAIL, fake_loop, sakura)
    assert press_send_code(browser, open_dialog(browser)).status_code == 302
    done = confirm(browser, code_sent_to(outbox, run_tasks, SAKURA_EMAIL), follow=True)

    assert done.redirect_chain == [(PERSONAL, 302)]
    assert not LoopLink.objects.filter(account=business_account).exists()
    page = done.content.decode()
    message = re.search(r'<div class="alert alert-success".*?</div>', page, re.S)
    assert message, "no success message"
    assert "Your Loop account @sakura is no longer linked." in message.group(0)
    assert CLOSING in message.group(0)
    # The link leads to Link Loop account, which now stands where Unlink Loop account was.
    assert f'<a href="{PERSONAL}#link-loop-button">Link Loop account</a>' in message.group(0)
    assert '<button type="submit" id="link-loop-button">Link Loop account</button>' in page
    # Shown once.
    assert CLOSING not in browser.get(PERSONAL).content.decode()


def test_the_dialog_says_which_button_gets_the_focus_back(linked_browser: Any) -> None:
    html = linked_browser.get(UNLINK).content.decode()
    assert 'data-modal data-return-focus="unlink-loop-button"' in dialog_of(html)
    assert f'<a class="button secondary" href="{PERSONAL}" data-dialog-cancel>' in dialog_of(html)
