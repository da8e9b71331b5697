"""Remove access on Loop to the letter of the help article (DESIGN §4.2, §4.5; issue 17).

Step 9: **Remove access** at the bottom of the screen, then confirm. The confirmation is a modal
over the app's page that works without JavaScript (a form that posts), and the path ends with the
article's last line: the Loop account can now be linked to another Loop for Business account, with
a link to Loop for Business (its site, from the app's redirect URI).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from accountlink.consumer.oauth.models import AppPermission
from tests.consumer.oauth_helpers import authorize_url, issue_tokens, register

pytestmark = pytest.mark.django_db

CLOSING = "You can now link your Loop account to another Loop for Business account."


def app_page_url(key: str) -> str:
    return reverse("loop:app_permission", args=[key])


def remove_url(key: str) -> str:
    return reverse("loop:remove_app_access", args=[key])


def test_remove_access_is_in_the_bottom_action_bar_of_the_apps_page(browser: HttpClient) -> None:
    registered = register()
    issue_tokens(browser, registered)
    page = browser.get(app_page_url(registered.client.client_id)).content.decode()
    bar = re.search(r'<form method="get" action="([^"]+)" class="action-bar">\s*<button[^>]*>([^<]+)</button>', page)
    assert bar and bar.groups() == (remove_url(registered.client.client_id), "Remove access")
    assert 'id="remove-access-button"' in bar.group(0)
    # The app's site is a link, named by its host.
    assert '<a href="https://business.example/" rel="noopener">business.example</a>' in page


def test_the_confirmation_is_a_modal_over_the_apps_page(browser: HttpClient) -> None:
    registered = register()
    issue_tokens(browser, registered)
    key = registered.client.client_id
    html = browser.get(remove_url(key)).content.decode()
    assert "<title>Remove access for Loop for Business? · Loop</title>" in html
    dialog = re.search(r'<section class="modal" role="alertdialog".*?</section>', html, re.S)
    assert dialog, "no dialog"
    markup = dialog.group(0)
    assert 'aria-modal="true" aria-labelledby="remove-title" aria-describedby="remove-text"' in markup
    assert 'data-modal data-return-focus="remove-access-button"' in markup
    assert '<h2 id="remove-title">Remove access for Loop for Business?</h2>' in markup
    # Works without JavaScript: a form that posts, and Cancel is a link back to the app's page.
    assert f'<form method="post" action="{remove_url(key)}">' in markup
    assert '<button type="submit">Remove access</button>' in markup
    assert f'data-dialog-cancel href="{app_page_url(key)}">Cancel</a>' in markup
    # The app's page, the header and the tab bar stay behind it, out of reach (JavaScript or not).
    assert '<div class="behind-dialog" inert>' in html
    assert '<header class="topbar" inert>' in html
    assert re.search(r'<nav class="tabbar" aria-label="Main" inert>', html)
    # Without the dialog they are in reach.
    page = browser.get(app_page_url(key)).content.decode()
    assert '<header class="topbar">' in page and '<nav class="tabbar" aria-label="Main">' in page


def test_remove_access_ends_with_the_articles_closing_line_and_a_link_to_loop_for_business(
    browser: HttpClient, loop_account: Any
) -> None:
    registered = register()
    issue_tokens(browser, registered)

    done = browser.post(remove_url(registered.client.client_id), follow=True)

    assert done.redirect_chain == [(reverse("loop:app_permissions"), 302)]
    assert not AppPermission.objects.filter(account=loop_account).exists()
    message = re.search(r'<div class="alert alert-success".*?</div>', done.content.decode(), re.S)
    assert message, "no success message"
    assert "Loop for Business no longer has access to your account." in message.group(0)
    assert f'{CLOSING} <a href="https://business.example/">Go to Loop for Business</a>' in message.group(0)
    assert CLOSING not in browser.get(reverse("loop:app_permissions")).content.decode()  # said once


def test_an_app_name_cannot_inject_markup_in_the_closing_line(browser: HttpClient) -> None:
    registered = register(name='Evil <img src=x onerror="alert(1)">')
    issue_tokens(browser, registered)
    done = browser.post(remove_url(registered.client.client_id), follow=True).content.decode()
    assert "<img src=x" not in done
    assert "Evil &lt;img src=x" in done


def test_the_consent_buttons_are_in_a_bottom_action_bar(browser: HttpClient) -> None:
    registered = register()
    html = browser.get(authorize_url(registered.client.client_id).url).content.decode()
    bar = re.search(r'<form method="post" class="stack action-bar".*?</form>', html, re.S)
    assert bar, "no action bar"
    assert ">Authorize</button>" in bar.group(0) and ">Cancel</button>" in bar.group(0)
